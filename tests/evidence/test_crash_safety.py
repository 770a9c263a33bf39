"""Crash safety of the embedded store: SIGKILL mid-stream loses no acknowledged write."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.server


def test_every_acknowledged_set_survives_sigkill_and_replay_does_not_duplicate(daphne_server):
    url = daphne_server.url
    token = httpx.post(
        f"{url}/api/auth/register/", json={"username": "crash", "email": "c@example.com", "password": STRONG_PASSWORD}
    ).json()["token"]
    headers = {"Authorization": f"Token {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        exercise = client.post("/api/exercises/", json={"name": "Crash Press", "category": "strength"}).json()
        workout = client.post("/api/workouts/", json={"name": "Crash", "exercises": [{"exercise": exercise["id"], "order": 1}]}).json()
        session = client.post("/api/workout-sessions/", json={"workout": workout["id"]}).json()

    acknowledged: set[str] = set()
    attempted: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int):
        with httpx.Client(base_url=url, headers=headers, timeout=5) as client:
            number = 0
            while not stop.is_set():
                number += 1
                body = {
                    "workout_session": session["id"], "exercise": exercise["id"], "set_number": number,
                    "reps": 5, "weight": 20 + worker, "client_id": str(uuid.uuid4()),
                }
                with lock:
                    attempted.append(body)
                try:
                    response = client.post("/api/exercise-logs/", json=body)
                except httpx.HTTPError:
                    return  # the server died under us: this write was never acknowledged
                if response.status_code == 201:
                    with lock:
                        acknowledged.add(body["client_id"])

    with ThreadPoolExecutor(4) as pool:
        for worker in range(4):
            pool.submit(writer, worker)
        deadline = time.monotonic() + 20
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        daphne_server.kill()  # SIGKILL while the writers are still sending
        stop.set()
    assert len(acknowledged) >= 60

    daphne_server.start()
    assert "embedded store: opened" in daphne_server.read_log()
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        assert client.get("/api/health/").status_code == 200

        stored = {log["client_id"] for log in client.get(f"/api/workout-sessions/{session['id']}/").json()["logs"]}
        assert acknowledged <= stored, f"lost {len(acknowledged - stored)} acknowledged sets"
        attempted_ids = {body["client_id"] for body in attempted}
        assert stored <= attempted_ids

        # An offline client replays everything it sent: nothing is duplicated, nothing is missing.
        for start in range(0, len(attempted), 200):
            response = client.post("/api/exercise-logs/bulk_create/", json={"logs": attempted[start : start + 200]})
            assert response.status_code == 201, response.text
        after = client.get(f"/api/workout-sessions/{session['id']}/").json()["logs"]
        assert len(after) == len(attempted_ids)
        assert {log["client_id"] for log in after} == attempted_ids
