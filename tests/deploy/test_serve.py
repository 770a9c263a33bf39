"""The container's server (python -m backend.config.serve): daphne, but a SIGTERM drains instead of
dropping, and access logs are JSON lines. Plain daphne, on SIGTERM, cuts open websockets without a
close frame (clients see 1006) and, on this Python, may even crash while doing so."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import STRONG_PASSWORD
from tests.servers import DaphneServer, free_port

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[2]
HEALTHCHECK = ROOT / "deploy" / "docker" / "healthcheck.py"


@contextmanager
def serving(tmp_path, **env):
    """A DaphneServer whose process is `python -m backend.config.serve` instead of `daphne`."""
    server = DaphneServer(tmp_path / "server", extra_env=env)
    server.env.pop("LOG_FORMAT", None)  # production default: JSON
    real_popen = subprocess.Popen

    def popen(command, *args, **kwargs):
        if list(command[1:3]) == ["-m", "daphne"]:
            command = [command[0], "-m", "backend.config.serve", *command[3:]]
        return real_popen(command, *args, **kwargs)

    with mock.patch("subprocess.Popen", popen):
        server.start()
    try:
        yield server
    finally:
        server.stop()
        server.drop_database()


def register(url: str, username: str) -> str:
    response = httpx.post(
        f"{url}/api/auth/register/",
        json={"username": username, "email": f"{username}@example.com", "password": STRONG_PASSWORD},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


def log_records(server) -> list[dict]:
    return [json.loads(line) for line in server.read_log().splitlines() if line.startswith("{")]


async def test_sigterm_closes_websockets_with_going_away_and_exits_cleanly(tmp_path):
    with serving(tmp_path) as server:
        token = register(server.url, "drained")
        async with connect(f"{server.ws_url}/ws/me/?token={token}") as first, connect(
            f"{server.ws_url}/ws/me/?token={token}"
        ) as second:
            for ws in (first, second):
                assert json.loads(await ws.recv())["type"] == "me.snapshot"
            server.process.send_signal(signal.SIGTERM)
            for ws in (first, second):
                with pytest.raises(ConnectionClosed) as closed:
                    async with asyncio.timeout(10):
                        while True:
                            await ws.recv()
                assert closed.value.rcvd is not None, "no close frame: the connection was cut"
                assert closed.value.rcvd.code == 1001
        assert server.process.wait(timeout=15) == 0
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.url}/api/health/", timeout=2)
        messages = [record["message"] for record in log_records(server) if record["logger"] == "backend.serve"]
        assert messages[0].startswith("SIGTERM: draining") and "all connections closed" in messages


def test_requests_in_flight_finish_before_the_process_exits(tmp_path):
    """Registrations hash a password, one at a time: when the first has answered the others are
    still being handled, and SIGTERM then must not cut them."""
    with serving(tmp_path) as server:
        results = {}
        first_answer = threading.Event()

        def attempt(name):
            try:
                results[name] = register(server.url, name)
            except Exception as error:  # recorded, asserted below
                results[name] = error
            first_answer.set()

        threads = [threading.Thread(target=attempt, args=(f"inflight{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        assert first_answer.wait(30)
        server.process.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join(30)
        assert len(results) == 4 and all(isinstance(token, str) for token in results.values()), results
        assert server.process.wait(timeout=15) == 0
        drain = next(r["message"] for r in log_records(server) if r["message"].startswith("SIGTERM: draining"))
        assert not drain.startswith("SIGTERM: draining 0 "), drain  # there was something to wait for


def test_a_client_that_ignores_the_close_frame_does_not_hold_up_the_exit(tmp_path):
    import base64
    import socket

    with serving(tmp_path, SHUTDOWN_TIMEOUT="2") as server:
        token = register(server.url, "deaf")
        sock = socket.create_connection(("127.0.0.1", server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            f"GET /ws/me/?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        assert sock.recv(1024).startswith(b"HTTP/1.1 101")
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=15) == 0
        assert time.monotonic() - started < 10
        sock.close()


def test_access_log_lines_are_json_and_health_probes_stay_quiet(tmp_path):
    with serving(tmp_path) as server:
        for _ in range(3):
            assert httpx.get(f"{server.url}/api/health/").status_code == 200
        assert httpx.get(f"{server.url}/api/auth/profile/").status_code == 401
        server.stop()
        access = [record for record in log_records(server) if record["logger"] == "daphne.access"]
        assert access, server.read_log()
        unauthorized = next(record for record in access if record["path"] == "/api/auth/profile/")
        assert unauthorized["status"] == 401 and unauthorized["method"] == "GET" and unauthorized["level"] == "INFO"
        assert "duration_ms" in unauthorized and unauthorized["client"].startswith("127.0.0.1:")
        assert not [record for record in access if record["path"] == "/api/health/"]
        # nothing but JSON on stdout: no NCSA text lines from plain daphne
        assert all(line.startswith("{") for line in server.read_log().splitlines() if line.strip())


def test_port_and_host_come_from_the_environment(tmp_path):
    port = free_port()
    server = DaphneServer(tmp_path / "server", extra_env={"HOST": "127.0.0.1", "PORT": str(port)})
    server.start()  # prepares the database; then replace daphne with `serve` and no arguments
    server.stop()
    log = open(server.log_path, "a")
    process = subprocess.Popen([sys.executable, "-m", "backend.config.serve"], cwd=ROOT, env=server.env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail(server.read_log())
        health = subprocess.run([sys.executable, str(HEALTHCHECK)], env={**server.env, "PORT": str(port)},
                                capture_output=True, text=True)
        assert health.returncode == 0, health.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        log.close()
        server.drop_database()
    down = subprocess.run([sys.executable, str(HEALTHCHECK)], env={**server.env, "PORT": str(port)},
                          capture_output=True, text=True)
    assert down.returncode == 1 and "unhealthy" in down.stderr
