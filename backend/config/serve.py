"""The production server: daphne with a graceful stop and its access log in the app's log format.

    python -m backend.config.serve [daphne's options] [backend.config.asgi:application]

It takes daphne's command line. Without a binding option it listens on $HOST:$PORT (default
127.0.0.1:8000; the container image sets HOST=0.0.0.0), and the application defaults to
backend.config.asgi:application. What it adds to plain `daphne`:

* SIGTERM and SIGINT drain instead of dropping. Plain daphne cancels every open websocket without a
  close frame (clients see 1006, "abnormal closure"). Here the listening socket closes, every open
  websocket gets a close frame with code 1001 ("going away") so its client reconnects, to another
  replica when there is one, and requests in flight finish. The process exits when nothing is left
  open, or after $SHUTDOWN_TIMEOUT seconds (default 20, inside Kubernetes' 30 s grace period),
  when whatever remains is cut as plain daphne would. A second signal stops at once.
* Access log lines go through the "daphne.access" logger, so in production they are JSON lines
  like every other log line (plain daphne prints them as text to stdout). Successful health probes
  are logged at DEBUG, so probes every few seconds do not drown the log.
* PROXY_HEADERS=true adds --proxy-headers: the client address is taken from X-Forwarded-For. Set it
  only behind a proxy that sets that header (an ingress), never when clients connect directly.
"""

import logging
import os
import re
import signal
import sys
import time

from daphne.access import AccessLogGenerator
from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import reactor  # daphne.server has installed the asyncio reactor

logger = logging.getLogger("backend.serve")
access_logger = logging.getLogger("daphne.access")

DEFAULT_APPLICATION = "backend.config.asgi:application"
GOING_AWAY = 1001
HEALTH_PATH = "/api/health/"
POLL_SECONDS = 0.05
_APPLICATION = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_BINDING_OPTIONS = ("-b", "--bind", "-p", "--port", "-u", "--unix-socket", "--fd", "-e", "--endpoint")


def env_bool(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


class AccessLog:
    """Daphne's action logger interface, writing records instead of NCSA text lines."""

    def __call__(self, protocol, action, details):
        client = details.get("client") or "-"
        if protocol == "http" and action == "complete":
            status = details["status"]
            level = logging.DEBUG if details["path"] == HEALTH_PATH and status == 200 else logging.INFO
            access_logger.log(
                level,
                "%s %s %s",
                details["method"],
                details["path"],
                status,
                extra={
                    "client": client,
                    "method": details["method"],
                    "path": details["path"],
                    "status": status,
                    "size": details.get("size"),
                    "duration_ms": round(details.get("time_taken", 0) * 1000, 1),
                },
            )
        elif protocol == "websocket":
            access_logger.info(
                "WS%s %s", action.upper(), details["path"], extra={"client": client, "path": details["path"]}
            )


class GracefulServer(Server):
    def __init__(self, *args, **kwargs):
        action_logger = kwargs.get("action_logger")
        if isinstance(action_logger, AccessLogGenerator) and action_logger.stream is sys.stdout:
            kwargs["action_logger"] = AccessLog()
        kwargs["signal_handlers"] = False  # ours below, not Twisted's immediate stop
        super().__init__(*args, **kwargs)
        self.shutdown_timeout = float(os.environ.get("SHUTDOWN_TIMEOUT", "20"))
        self.ports = []
        self.draining = False
        self.closing = set()

    def run(self):
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        super().run()
        logger.info("server stopped")

    def listen_success(self, port):
        self.ports.append(port)
        return super().listen_success(port)

    def _on_signal(self, signum, frame):
        name = signal.Signals(signum).name
        if self.draining:
            reactor.callFromThread(self._stop_now, name)
        else:
            self.draining = True
            reactor.callFromThread(self._drain, name)

    def _stop_now(self, name):
        logger.warning("%s again: stopping now with %d connection(s) open", name, self._busy())
        self.stop()

    def _drain(self, name):
        logger.info(
            "%s: draining %d connection(s), waiting up to %gs", name, self._busy(), self.shutdown_timeout
        )
        for port in self.ports:
            port.stopListening()
        self._deadline = time.monotonic() + self.shutdown_timeout
        self._wait_until_drained()

    def _close_websockets(self):
        for protocol in list(self.connections):
            if (
                isinstance(protocol, WebSocketProtocol)
                and protocol not in self.closing
                and protocol.state == WebSocketProtocol.STATE_OPEN
            ):
                self.closing.add(protocol)
                try:
                    # sendClose() only allows 1000 and 3000-4999; 1001 is the protocol's own code for this.
                    protocol.sendCloseFrame(code=GOING_AWAY, reasonUtf8=b"server shutting down", isReply=False)
                except Exception:
                    logger.exception("could not send a close frame to %s", protocol.client_addr)

    def _busy(self) -> int:
        """Connections still open, or whose application has not finished (e.g. a consumer's disconnect)."""
        count = 0
        for details in self.connections.values():
            application = details.get("application_instance")
            if "disconnected" not in details or (application is not None and not application.done()):
                count += 1
        return count

    def _wait_until_drained(self):
        # Sockets accepted just before the listener closed may open while we wait: close them too.
        self._close_websockets()
        busy = self._busy()
        if not busy:
            logger.info("all connections closed")
            self.stop()
        elif time.monotonic() >= self._deadline:
            logger.warning("shutdown timeout: cutting %d connection(s)", busy)
            self.stop()
        else:
            reactor.callLater(POLL_SECONDS, self._wait_until_drained)


class GracefulCommandLine(CommandLineInterface):
    server_class = GracefulServer


def command_line(argv: list[str]) -> list[str]:
    argv = list(argv)
    if not any(arg.split("=", 1)[0] in _BINDING_OPTIONS for arg in argv):
        argv = ["--bind", os.environ.get("HOST") or "127.0.0.1", "--port", os.environ.get("PORT") or "8000", *argv]
    if env_bool("PROXY_HEADERS") and "--proxy-headers" not in argv:
        argv.insert(0, "--proxy-headers")
    if not argv or not _APPLICATION.match(argv[-1]):
        argv.append(DEFAULT_APPLICATION)
    return argv


def main(argv: list[str] | None = None) -> None:
    GracefulCommandLine().run(command_line(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
