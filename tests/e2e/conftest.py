"""Browser tests: headless Chromium (Debian's package) driven by Playwright against a real daphne
serving the built PWA. Skipped, with one line saying why, only when there is no Chromium."""

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import httpx
import pytest

from tests.conftest import STRONG_PASSWORD
from tests.servers import ROOT, DaphneServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
DIST = ROOT / "frontend" / "dist"


@pytest.fixture(autouse=True)
def _db_access(request):
    """Browser tests talk to their own server, not the test database; and Playwright's sync API
    runs an event loop in this thread, where Django refuses database calls."""
    if not request.node.get_closest_marker("browser"):
        request.getfixturevalue("db")


NO_CHROMIUM = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"


class _SkippedModule(pytest.Module):
    def collect(self):
        pytest.skip(NO_CHROMIUM, allow_module_level=True)


def pytest_pycollect_makemodule(module_path, parent):
    """With no Chromium, a browser test module is skipped whole: one line says why."""
    if not CHROMIUM.exists() and "pytest.mark.browser" in module_path.read_text():
        return _SkippedModule.from_parent(parent, path=module_path)
    return None


@pytest.fixture(scope="session")
def built_frontend():
    """The PWA as `make run` serves it; built here only if nobody built it yet."""
    if not (DIST / "index.html").exists():
        subprocess.run(["make", "-s", "frontend"], cwd=ROOT, check=True)
    return DIST


def _private_redis(url: str) -> str:
    """The same Redis, another database number: every test's setup (and any other test run on the
    machine) clears the cache with FLUSHDB, which would also wipe the channel layer's groups under a
    live socket."""
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{1 + os.getpid() % 15}"))


@pytest.fixture(scope="module")
def server(built_frontend, tmp_path_factory, artifacts):
    extra = {"REDIS_URL": _private_redis(os.environ["REDIS_URL"])} if os.environ.get("REDIS_URL") else {}
    server = DaphneServer(tmp_path_factory.mktemp("e2e-server"), extra_env=extra)
    server.manage("seed_exercises")
    server.start()
    yield server
    server.stop()
    server.drop_database()
    (artifacts / "e2e-server.log").write_text(server.read_log())


@pytest.fixture(scope="module")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Account:
    """A user made through the API, for tests that are not about signing up."""

    def __init__(self, server: DaphneServer, prefix: str):
        self.server = server
        self.username = f"{prefix}_{uuid.uuid4().hex[:4]}"
        response = httpx.post(
            f"{server.url}/api/auth/register/",
            json={"username": self.username, "email": f"{self.username}@example.com", "password": STRONG_PASSWORD},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        self.token, self.id = body["token"], body["user"]["id"]
        self.http = httpx.Client(base_url=server.url, headers={"Authorization": f"Token {self.token}"}, timeout=10)

    def call(self, method: str, path: str, **kwargs):
        response = self.http.request(method, path, **kwargs)
        assert response.status_code < 400, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def exercise(self, name: str) -> dict:
        results = self.call("GET", "/api/exercises/", params={"search": name})["results"]
        return next(e for e in results if e["name"] == name)

    def workout(self, name: str, exercises: list[tuple[str, dict]]) -> dict:
        items = [
            {"exercise": self.exercise(ex)["id"], "order": i + 1, "rest_seconds": 60, **targets}
            for i, (ex, targets) in enumerate(exercises)
        ]
        return self.call("POST", "/api/workouts/", json={"name": name, "exercises": items})

    def logs(self, session_id: str) -> list[dict]:
        return self.call("GET", f"/api/workout-sessions/{session_id}/")["logs"]

    def signed_in(self, browser, **context_options):
        """A browser context where this user is already logged in."""
        context = browser.new_context(base_url=self.server.url, **context_options)
        context.add_init_script(
            "if (!localStorage.getItem('workout.token')) {"
            f" localStorage.setItem('workout.token', '{self.token}');"
            f" localStorage.setItem('workout.user', JSON.stringify({{id: {self.id}, username: '{self.username}'}})); }}"
        )
        return context


@pytest.fixture
def account(server):
    made = []

    def make(prefix: str = "user") -> Account:
        made.append(Account(server, prefix))
        return made[-1]

    yield make
    for a in made:
        a.http.close()
