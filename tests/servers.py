"""Real daphne processes for end-to-end tests."""

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import httpx

ROOT = Path(__file__).resolve().parent.parent


# Migrating and collecting static files once per test run, then copying, keeps each server start fast.
_prepared: dict[str, str] = {}


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)


def _shared_static_root(env: dict) -> str:
    if "static" not in _prepared:
        root = tempfile.mkdtemp(prefix="workout-live-static-")
        _manage({**env, "STATIC_ROOT": root}, "collectstatic", "--noinput", "--verbosity", "0")
        atexit.register(shutil.rmtree, root, True)
        _prepared["static"] = root
    return _prepared["static"]


def _migrated_sqlite_template(env: dict) -> str:
    if "sqlite" not in _prepared:
        directory = tempfile.mkdtemp(prefix="workout-live-auth-")
        _manage({**env, "DATA_DIR": directory}, "migrate", "--noinput")
        atexit.register(shutil.rmtree, directory, True)
        _prepared["sqlite"] = os.path.join(directory, "auth.sqlite3")
    return _prepared["sqlite"]


def _migrated_postgres_template(env: dict, admin_url: str, parsed) -> str:
    if "postgres" not in _prepared:
        import psycopg

        name = f"workout_live_template_{os.getpid()}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        _manage({**env, "DATABASE_URL": urlunparse(parsed._replace(path=f"/{name}"))}, "migrate", "--noinput")

        def drop():
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
        _prepared["postgres"] = name
    return _prepared["postgres"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DaphneServer:
    """Starts `daphne backend.config.asgi:application` like `make run` does, on a free port.

    The auth database is private to the server: a SQLite file in its data directory, or a fresh
    PostgreSQL database beside the one DATABASE_URL names (so CI exercises PostgreSQL here too).
    """

    def __init__(self, data_dir: Path, extra_env: dict | None = None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = self.data_dir / "server.log"
        self.env = self._environment(extra_env or {})
        self._migrated = False

    def _environment(self, extra: dict) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            {
                "DATA_DIR": str(self.data_dir),
                "STATIC_ROOT": str(self.data_dir / "static"),
                "DJANGO_DEBUG": "false",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.setdefault("DJANGO_SECRET_KEY", "server-secret-" + "y" * 40)
        env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(extra)
        if env.get("DATABASE_URL", "").startswith("postgres"):
            env["DATABASE_URL"] = self._private_postgres_database(env)
        return env

    def _private_postgres_database(self, env: dict) -> str:
        import psycopg

        name = f"workout_live_{uuid.uuid4().hex[:12]}"
        parsed = urlparse(env["DATABASE_URL"])
        admin = urlunparse(parsed._replace(path="/postgres"))
        template = _migrated_postgres_template(env, admin, parsed)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._pg_admin, self._pg_name = admin, name
        return urlunparse(parsed._replace(path=f"/{name}"))

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=True
        )

    def start(self, timeout: float = 30) -> None:
        if not self._migrated:
            self.env["STATIC_ROOT"] = _shared_static_root(self.env)
            if not self.env.get("DATABASE_URL"):
                auth_db = self.data_dir / "auth.sqlite3"
                if not auth_db.exists():
                    shutil.copyfile(_migrated_sqlite_template(self.env), auth_db)
            self._migrated = True
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "backend.config.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.process.returncode}:\n{self.read_log()}")
            try:
                if httpx.get(f"{self.url}/api/health/", timeout=1).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not answer within {timeout}s:\n{self.read_log()}")

    def read_log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def drop_database(self) -> None:
        if getattr(self, "_pg_name", None):
            import psycopg

            with psycopg.connect(self._pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)')
