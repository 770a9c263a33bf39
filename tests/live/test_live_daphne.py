"""Live events through a real daphne process and real websocket clients."""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import STRONG_PASSWORD
from tests.servers import ROOT, DaphneServer, free_port

pytestmark = pytest.mark.server


def register(url, username):
    response = httpx.post(
        f"{url}/api/auth/register/",
        json={"username": username, "email": f"{username}@example.com", "password": STRONG_PASSWORD},
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


def api(url, token, method, path, body=None):
    response = httpx.request(method, f"{url}{path}", json=body, headers={"Authorization": f"Token {token}"})
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def running_session(url, token):
    exercise = api(url, token, "POST", "/api/exercises/", {"name": "Live Press", "category": "strength"})
    workout = api(
        url, token, "POST", "/api/workouts/",
        {"name": "Live", "exercises": [{"exercise": exercise["id"], "order": 1, "target_sets": 3, "rest_seconds": 45}]},
    )
    session = api(url, token, "POST", "/api/workout-sessions/", {"workout": workout["id"]})
    api(url, token, "POST", f"/api/workout-sessions/{session['id']}/start/")
    return session["id"], exercise["id"]


async def receive_type(ws, type_, timeout):
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == type_:
                return message


async def test_owner_and_coach_see_a_set_within_a_second_and_revocation_disconnects(daphne_server):
    url, ws_url = daphne_server.url, daphne_server.ws_url
    athlete = register(url, "live-athlete")
    coach = register(url, "live-coach")
    api(url, athlete, "POST", "/api/coaching/coaches/", {"username": "live-coach"})
    session_id, exercise_id = running_session(url, athlete)

    async with (
        connect(f"{ws_url}/ws/sessions/{session_id}/?token={athlete}") as owner,
        connect(f"{ws_url}/ws/sessions/{session_id}/?token={coach}") as watcher,
        connect(f"{ws_url}/ws/coach/?token={coach}") as dashboard,
    ):
        assert (await receive_type(owner, "session.snapshot", 5))["status"] == "in_progress"
        await receive_type(watcher, "session.snapshot", 5)
        await receive_type(dashboard, "coach.snapshot", 5)

        posted = asyncio.get_running_loop().time()
        log = await asyncio.to_thread(
            api, url, athlete, "POST", "/api/exercise-logs/",
            {"workout_session": session_id, "exercise": exercise_id, "set_number": 1, "reps": 5, "weight": 80},
        )
        for ws in (owner, watcher, dashboard):
            remaining = 1.0 - (asyncio.get_running_loop().time() - posted)
            event = await receive_type(ws, "set.logged", max(remaining, 0.01))
            assert event["log"]["id"] == log["id"]

        await asyncio.to_thread(api, url, athlete, "DELETE", "/api/coaching/coaches/live-coach/")
        with pytest.raises(ConnectionClosed) as closed:
            await receive_type(watcher, "never", 1.0)
        assert closed.value.rcvd.code == 4403
        assert (await receive_type(dashboard, "athlete.revoked", 1.0))["athlete"] == "live-athlete"

        await owner.send(json.dumps({"type": "ping"}))
        assert (await receive_type(owner, "pong", 2))["server_time"]

    log_text = daphne_server.read_log()
    assert "WSCONNECT" in log_text or "ws/sessions" in log_text  # sockets were logged...
    assert athlete not in log_text and coach not in log_text  # ...but never their tokens


async def test_a_burst_of_sockets_all_get_their_snapshot(daphne_server):
    """150 watchers connecting at once, more than redis-py's default pool of 100 connections:
    with the first channels-redis layer each join took a pooled connection, and past 100 the
    handshakes failed with HTTP 500."""
    url, ws_url = daphne_server.url, daphne_server.ws_url
    athlete = register(url, "live-burst")
    session_id, _ = running_session(url, athlete)

    async def watch():
        async with connect(f"{ws_url}/ws/sessions/{session_id}/?token={athlete}", open_timeout=60) as ws:
            return (await receive_type(ws, "session.snapshot", 60))["session_id"]

    assert await asyncio.gather(*(watch() for _ in range(150))) == [session_id] * 150
    assert "Traceback" not in daphne_server.read_log()


async def test_refused_handshakes_carry_close_codes(daphne_server):
    url, ws_url = daphne_server.url, daphne_server.ws_url
    athlete = register(url, "live-owner")
    stranger = register(url, "live-stranger")
    session_id, _ = running_session(url, athlete)
    for path, code in (
        (f"/ws/sessions/{session_id}/?token=wrong", 4401),
        (f"/ws/sessions/{session_id}/?token={stranger}", 4403),
        (f"/ws/sessions/507f1f77bcf86cd799439011/?token={athlete}", 4404),
    ):
        async with connect(f"{ws_url}{path}") as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == code, path


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: the cross-process layer is channels-redis")
async def test_an_event_published_by_another_process_reaches_a_socket_on_this_one(daphne_server):
    """With channels-redis, a publish in one process reaches sockets held by another."""
    url, ws_url = daphne_server.url, daphne_server.ws_url
    athlete = register(url, "live-redis")
    session_id, _ = running_session(url, athlete)
    user_id = api(url, athlete, "GET", f"/api/workout-sessions/{session_id}/")["user_id"]
    async with connect(f"{ws_url}/ws/sessions/{session_id}/?token={athlete}") as ws:
        await receive_type(ws, "session.snapshot", 5)
        publisher = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'backend.config.settings'); django.setup();"
            "from backend.live import events;"
            f"events.publish('set.logged', {session_id!r}, {user_id}, log={{'id': 'from-another-process', 'pid': os.getpid()}})"
        )
        env = dict(daphne_server.env, DATA_DIR=str(daphne_server.data_dir / "publisher"))
        result = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", publisher], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        event = await receive_type(ws, "set.logged", 5)
        assert event["log"]["id"] == "from-another-process" and event["log"]["pid"] != daphne_server.process.pid


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: the layer under test is channels-redis")
async def test_an_idle_socket_stays_open_over_channels_redis(daphne_server):
    """redis-py 8 reads with a 5 s socket timeout by default, the length of channels-redis's blocking
    pop: an idle consumer's receive then failed with TimeoutError and the socket closed with 1011
    every few seconds. A watcher must stay connected through quiet minutes of a session."""
    url, ws_url = daphne_server.url, daphne_server.ws_url
    athlete = register(url, "live-idle")
    session_id, exercise_id = running_session(url, athlete)
    async with connect(f"{ws_url}/ws/sessions/{session_id}/?token={athlete}") as ws:
        await receive_type(ws, "session.snapshot", 5)
        quiet_until = time.monotonic() + 16
        while time.monotonic() < quiet_until:  # only the timer heartbeats for 16 s
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert message["type"] == "timer", message
        await asyncio.to_thread(
            api, url, athlete, "POST", "/api/exercise-logs/",
            {"workout_session": session_id, "exercise": exercise_id, "set_number": 1, "reps": 5, "weight": 80},
        )
        assert (await receive_type(ws, "set.logged", 5))["log"]["reps"] == 5
    assert "TimeoutError" not in daphne_server.read_log()


class PrivateRedis:
    """A redis-server of the test's own, so it can be stopped and started again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
async def test_sockets_hear_events_again_after_redis_restarts_and_sets_are_kept_meanwhile(tmp_path):
    """Redis going away costs watchers the events published meanwhile, never the athlete a set;
    once Redis is back, the sockets that stayed open get events again without reconnecting."""
    redis = PrivateRedis()
    redis.start()
    server = DaphneServer(tmp_path / "server-data", extra_env={"REDIS_URL": redis.url})
    server.start()
    try:
        athlete = register(server.url, "live-restart")
        session_id, exercise_id = running_session(server.url, athlete)

        def log_set(number):
            body = {"workout_session": session_id, "exercise": exercise_id, "set_number": number, "reps": 5, "weight": 80}
            return httpx.post(f"{server.url}/api/exercise-logs/", json=body, headers={"Authorization": f"Token {athlete}"})

        async with connect(f"{server.ws_url}/ws/sessions/{session_id}/?token={athlete}") as ws:
            await receive_type(ws, "session.snapshot", 5)
            redis.stop()
            assert (await asyncio.to_thread(log_set, 1)).status_code == 201
            redis.start()
            deadline = time.monotonic() + 15
            number = 1
            while True:  # the layer re-subscribes on its next read; until then events are lost
                number += 1
                assert (await asyncio.to_thread(log_set, number)).status_code == 201
                try:
                    event = await receive_type(ws, "set.logged", 1)
                    break
                except TimeoutError:
                    assert time.monotonic() < deadline, "no event reached the socket after Redis came back"
            assert event["log"]["set_number"] == number
        assert api(server.url, athlete, "GET", f"/api/exercise-logs/?session={session_id}")["count"] == number
        assert "could not publish set.logged" in server.read_log()
    finally:
        server.stop()
        server.drop_database()
        redis.stop()
