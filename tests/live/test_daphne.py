"""A real daphne process, started the way `make run` starts it."""

import subprocess
import sys

import httpx
import pytest

from tests.conftest import STRONG_PASSWORD
from tests.servers import ROOT, DaphneServer

pytestmark = pytest.mark.server


def auth(token):
    return {"Authorization": f"Token {token}"}


def test_daphne_serves_health_docs_and_static_files(daphne_server):
    health = httpx.get(f"{daphne_server.url}/api/health/")
    assert health.status_code == 200
    assert health.json()["checks"] == {"auth_db": "ok", "mongo": "ok"}
    docs = httpx.get(f"{daphne_server.url}/api/docs/")
    assert docs.status_code == 200
    assert httpx.get(f"{daphne_server.url}/static/ninja/swagger-ui.css").status_code == 200
    log = daphne_server.read_log()
    assert "backends: auth database" in log and "training data embedded MongoDB emulation" in log


def test_a_restart_keeps_users_and_profiles(daphne_server):
    url = daphne_server.url
    registered = httpx.post(
        f"{url}/api/auth/register/", json={"username": "durable", "email": "d@example.com", "password": STRONG_PASSWORD}
    ).json()
    profile = {"bio": "still here", "weight": 77.5, "fitness_goal": "endurance", "date_of_birth": "1988-02-29"}
    assert httpx.patch(f"{url}/api/auth/profile/", json=profile, headers=auth(registered["token"])).status_code == 200

    daphne_server.stop()
    daphne_server.start()

    # the old token still works, and a fresh login sees the same profile
    assert httpx.get(f"{url}/api/auth/profile/", headers=auth(registered["token"])).status_code == 200
    login = httpx.post(f"{url}/api/auth/login/", json={"username": "durable", "password": STRONG_PASSWORD})
    assert login.status_code == 200
    body = httpx.get(f"{url}/api/auth/profile/", headers=auth(login.json()["token"])).json()
    assert {k: body[k] for k in profile} == profile


def test_acknowledged_writes_survive_sigkill(daphne_server):
    url = daphne_server.url
    token = httpx.post(
        f"{url}/api/auth/register/", json={"username": "crashy", "email": "c@example.com", "password": STRONG_PASSWORD}
    ).json()["token"]
    acknowledged = None
    with httpx.Client(headers=auth(token)) as client:
        for weight in range(50, 90):
            if client.patch(f"{url}/api/auth/profile/", json={"weight": weight}).status_code == 200:
                acknowledged = weight
    daphne_server.kill()
    daphne_server.start()
    assert httpx.get(f"{url}/api/auth/profile/", headers=auth(token)).json()["weight"] == acknowledged


def test_a_second_process_on_the_embedded_store_is_refused(daphne_server):
    second = subprocess.run(
        [sys.executable, "-m", "daphne", "-p", "0", "backend.config.asgi:application"],
        cwd=ROOT,
        env=daphne_server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode != 0
    assert "already in use by process" in second.stdout + second.stderr
    assert "MONGODB_URI" in second.stdout + second.stderr
    assert httpx.get(f"{daphne_server.url}/api/health/").status_code == 200


def test_production_settings_refuse_a_missing_secret_key(tmp_path):
    server = DaphneServer(tmp_path / "data", extra_env={"DJANGO_SECRET_KEY": ""})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=server.env, capture_output=True, text=True
    )
    server.drop_database()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_restart_keeps_training_data_and_indexes_work(daphne_server):
    """Sets without a client_id share an index key outside the partial unique index; a restarted
    process re-declares its indexes over them and must keep working."""
    url = daphne_server.url
    token = httpx.post(
        f"{url}/api/auth/register/", json={"username": "lifter", "email": "l@example.com", "password": STRONG_PASSWORD}
    ).json()["token"]
    with httpx.Client(base_url=url, headers=auth(token)) as client:
        exercise = client.post("/api/exercises/", json={"name": "Press", "category": "strength"}).json()
        workout = client.post("/api/workouts/", json={"name": "W", "exercises": [{"exercise": exercise["id"], "order": 1}]}).json()
        session = client.post("/api/workout-sessions/", json={"workout": workout["id"]}).json()
        for number in (1, 2, 3):
            body = {"workout_session": session["id"], "exercise": exercise["id"], "set_number": number, "reps": 5}
            assert client.post("/api/exercise-logs/", json=body).status_code == 201

    daphne_server.stop()
    daphne_server.start()

    with httpx.Client(base_url=url, headers=auth(token)) as client:
        logs = client.get("/api/exercise-logs/", params={"session": session["id"]})
        assert logs.status_code == 200 and logs.json()["count"] == 3
        body = {"workout_session": session["id"], "exercise": exercise["id"], "set_number": 4, "reps": 5, "client_id": "0b6f3c1e-98a1-4c2e-9f57-1b2d3c4e5f60"}
        assert client.post("/api/exercise-logs/", json=body).status_code == 201
        assert client.post("/api/exercise-logs/", json=body).status_code == 200  # still idempotent
        assert client.get("/api/exercise-logs/", params={"session": session["id"]}).json()["count"] == 4


async def test_concurrent_requests_on_the_default_backends_all_succeed(daphne_server):
    """Django runs each request on its own thread: SQLite writers must queue, not fail."""
    import asyncio

    async with httpx.AsyncClient(base_url=daphne_server.url, timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/api/auth/register/",
                    json={"username": f"rush{i}", "email": f"rush{i}@example.com", "password": STRONG_PASSWORD},
                )
                for i in range(12)
            )
        )
    assert [r.status_code for r in responses] == [201] * 12
