"""Live sessions over websockets, driven through the ASGI app with channels' communicator.

REST writes go through the same app, so every event here is published by a real service call.
"""

import asyncio
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from backend.config.asgi import application
from backend.live import consumers
from backend.training.documents import Exercise, Workout, WorkoutExercise
from tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


class Athlete:
    def __init__(self, username):
        self.username = username
        self.http = AsyncClient()
        self.token = None

    async def register(self):
        response = await self.http.post(
            "/api/auth/register/",
            {"username": self.username, "email": f"{self.username}@example.com", "password": STRONG_PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        self.token = response.json()["token"]
        self.id = response.json()["user"]["id"]
        return self

    async def call(self, method, path, data=None):
        # no body at all, as fetch() and curl send it (the test client would send an empty multipart form)
        kwargs = {"content_type": "application/json", "data": json.dumps(data) if data is not None else ""}
        response = await getattr(self.http, method)(path, headers={"Authorization": f"Token {self.token}"}, **kwargs)
        return response

    async def ok(self, method, path, data=None, status=(200, 201, 204)):
        response = await self.call(method, path, data)
        assert response.status_code in status, response.content
        return response.json() if response.content else None


async def connect(path, token):
    communicator = WebsocketCommunicator(application, f"{path}?token={token}" if token is not None else path)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def next_event(communicator, type_, timeout=3):
    """The next message of the given type, skipping heartbeats and others."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"no {type_} event within {timeout}s"
        message = await communicator.receive_json_from(timeout=remaining)
        if message["type"] == type_:
            return message


async def events_until(communicator, type_, timeout=3):
    """Every event up to and including the next one of the given type, heartbeats left out."""
    seen = []
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] != "timer":
            seen.append(message)
        if message["type"] == type_:
            return seen


async def closed_with(communicator, timeout=2):
    message = await communicator.receive_output(timeout=timeout)
    while message["type"] != "websocket.close":
        message = await communicator.receive_output(timeout=timeout)
    return message.get("code")


def _library():
    bench = Exercise.objects(name="Bench Press").first() or Exercise(name="Bench Press", category="strength", is_custom=False).save()
    return bench


async def planned_session(athlete: Athlete, rest_seconds=90):
    from asgiref.sync import sync_to_async

    bench = await sync_to_async(_library)()
    workout = await athlete.ok(
        "post",
        "/api/workouts/",
        {"name": "Push", "exercises": [{"exercise": str(bench.id), "order": 1, "target_sets": 3, "rest_seconds": rest_seconds}]},
    )
    session = await athlete.ok("post", "/api/workout-sessions/", {"workout": workout["id"]})
    return session["id"], str(bench.id)


async def watching_a_started_session(username, rest_seconds):
    """A new athlete's started session, with the athlete's socket on it past its snapshot."""
    athlete = await Athlete(username).register()
    session_id, bench_id = await planned_session(athlete, rest_seconds=rest_seconds)
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/start/")
    ws, connected, _ = await connect(f"/ws/sessions/{session_id}/", athlete.token)
    assert connected
    await next_event(ws, "session.snapshot")
    return athlete, session_id, bench_id, ws


async def test_refusals_have_close_codes():
    athlete = await Athlete("ws-owner").register()
    stranger = await Athlete("ws-stranger").register()
    session_id, _ = await planned_session(athlete)
    for path, token, code in (
        (f"/ws/sessions/{session_id}/", None, 4401),
        (f"/ws/sessions/{session_id}/", "not-a-token", 4401),
        (f"/ws/sessions/{session_id}/", stranger.token, 4403),
        ("/ws/sessions/507f1f77bcf86cd799439011/", athlete.token, 4404),
        ("/ws/sessions/garbage/", athlete.token, 4404),
        ("/ws/coach/", "nope", 4401),
    ):
        communicator, connected, _ = await connect(path, token)
        assert await closed_with(communicator) == code, (path, token)
        await communicator.disconnect()


async def test_a_channel_layer_that_cannot_be_reached_closes_sockets_with_try_again_later(monkeypatch, caplog):
    """1013 rather than a failed handshake (HTTP 500): clients reconnect with back-off."""
    from channels.layers import get_channel_layer

    athlete = await Athlete("ws-layer-down").register()
    session_id, _ = await planned_session(athlete)

    async def unreachable(group, channel):
        raise ConnectionError("Too many connections")

    monkeypatch.setattr(get_channel_layer(), "group_add", unreachable)
    for path in (f"/ws/sessions/{session_id}/", "/ws/coach/", "/ws/me/"):
        communicator, _, _ = await connect(path, athlete.token)
        assert await closed_with(communicator) == consumers.CLOSE_TRY_AGAIN == 1013, path
        await communicator.disconnect()
    assert sum("the channel layer is unavailable" in r.getMessage() for r in caplog.records) == 3


async def test_relaying_an_event_costs_no_thread_hop(monkeypatch):
    """channels closes stale database connections on a worker thread before each handler; for
    relayed events that was a thread hop per socket per message (about 45% of the server's CPU
    fanning a set out to 500 sockets). Relaying touches no database, so it skips that."""
    import channels.consumer

    hops = []
    real = channels.consumer.aclose_old_connections

    async def counting():
        hops.append(1)
        return await real()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counting)
    athlete, session_id, bench_id, ws = await watching_a_started_session("ws-relay", rest_seconds=30)
    before = len(hops)
    one = {"workout_session": session_id, "exercise": bench_id, "set_number": 1, "reps": 5, "weight": 100}
    await athlete.ok("post", "/api/exercise-logs/", one)
    burst = await events_until(ws, "rest.started")
    assert [e["type"] for e in burst] == ["set.logged"] + ["record.new"] * 4 + ["rest.started"]
    assert len(hops) == before
    await ws.disconnect()


async def test_owner_gets_a_snapshot_then_every_event():
    athlete = await Athlete("ws-lifter").register()
    session_id, bench_id = await planned_session(athlete, rest_seconds=90)
    ws, connected, _ = await connect(f"/ws/sessions/{session_id}/", athlete.token)
    assert connected
    snapshot = await next_event(ws, "session.snapshot")
    assert snapshot["session_id"] == session_id and snapshot["status"] == "planned"
    assert snapshot["logs"] == [] and snapshot["rest"] is None and snapshot["elapsed_seconds"] == 0
    assert snapshot["server_time"].endswith("Z") and snapshot["workout"]["name"] == "Push"

    await athlete.ok("post", f"/api/workout-sessions/{session_id}/start/")
    started = await next_event(ws, "session.started")
    assert started["status"] == "in_progress" and started["start_time"] and started["session_id"] == session_id

    log = await athlete.ok(
        "post",
        "/api/exercise-logs/",
        {"workout_session": session_id, "exercise": bench_id, "set_number": 1, "reps": 5, "weight": 100},
    )
    burst = await events_until(ws, "rest.started")
    assert [e["type"] for e in burst][0] == "set.logged"
    logged, rest = burst[0], burst[-1]
    assert logged["log"]["id"] == log["id"] and logged["log"]["weight"] == 100
    assert rest["ends_at"] > rest["server_time"] and rest["rest_seconds"] == 90
    records = {e["record"]: e for e in burst if e["type"] == "record.new"}
    assert set(records) == {"heaviest_weight", "most_reps", "best_set_volume", "best_e1rm"}  # a first set sets them all
    assert all(r["old"] is None and r["new"] > 0 and r["log_id"] == log["id"] for r in records.values())
    assert records["heaviest_weight"]["new"] == 100 and records["heaviest_weight"]["exercise"]["name"] == "Bench Press"

    await athlete.ok(
        "post",
        "/api/exercise-logs/",
        {"workout_session": session_id, "exercise": bench_id, "set_number": 2, "reps": 5, "weight": 105},
    )
    burst = await events_until(ws, "rest.started")
    beaten = {e["record"]: e for e in burst if e["type"] == "record.new"}
    assert "most_reps" not in beaten  # 5 reps again is no record
    assert beaten["heaviest_weight"]["old"] == 100 and beaten["heaviest_weight"]["new"] == 105

    await athlete.ok("patch", f"/api/exercise-logs/{log['id']}/", {"reps": 6})
    updated = await next_event(ws, "set.updated")
    assert updated["log"]["reps"] == 6
    await athlete.ok("delete", f"/api/exercise-logs/{log['id']}/")
    deleted = await next_event(ws, "set.deleted")
    assert deleted["log"]["id"] == log["id"]

    await athlete.ok("post", f"/api/workout-sessions/{session_id}/pause/")
    paused = await next_event(ws, "session.paused")
    assert paused["paused_at"]
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/resume/")
    resumed = await next_event(ws, "session.resumed")
    assert resumed["paused_at"] is None
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/complete/", {"rating": 5})
    completed = await next_event(ws, "session.completed")
    assert completed["status"] == "completed" and completed["end_time"]
    await ws.disconnect()


async def test_cancel_is_published_and_the_snapshot_holds_logs_and_rest():
    athlete = await Athlete("ws-canceller").register()
    session_id, bench_id = await planned_session(athlete, rest_seconds=120)
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/start/")
    await athlete.ok(
        "post", "/api/exercise-logs/", {"workout_session": session_id, "exercise": bench_id, "set_number": 1, "reps": 8, "weight": 60}
    )
    ws, _, _ = await connect(f"/ws/sessions/{session_id}/", athlete.token)
    snapshot = await next_event(ws, "session.snapshot")
    assert [log["reps"] for log in snapshot["logs"]] == [8]
    assert snapshot["rest"]["ends_at"] > snapshot["server_time"]
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/cancel/")
    assert (await next_event(ws, "session.cancelled"))["status"] == "cancelled"
    await ws.disconnect()


async def test_ping_pong_and_bad_messages():
    athlete = await Athlete("ws-pinger").register()
    session_id, _ = await planned_session(athlete)
    ws, _, _ = await connect(f"/ws/sessions/{session_id}/", athlete.token)
    await next_event(ws, "session.snapshot")
    await ws.send_json_to({"type": "ping"})
    assert (await next_event(ws, "pong"))["server_time"]
    await ws.send_to(text_data="{not json")
    assert "JSON" in (await next_event(ws, "error"))["detail"]
    await ws.send_to(text_data="x" * 5000)
    assert (await next_event(ws, "error"))["detail"]
    await ws.send_json_to({"type": "set.logged", "log": {}})  # clients cannot write through the socket
    assert (await next_event(ws, "error"))["detail"]
    await ws.send_json_to({"type": "ping"})
    await next_event(ws, "pong")  # still open
    await ws.disconnect()


async def test_timer_heartbeats_while_in_progress(monkeypatch):
    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 0.2)
    athlete = await Athlete("ws-timer").register()
    session_id, _ = await planned_session(athlete)
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/start/")
    ws, _, _ = await connect(f"/ws/sessions/{session_id}/", athlete.token)
    await next_event(ws, "session.snapshot")
    beat = await next_event(ws, "timer", timeout=2)
    assert beat["session_id"] == session_id and beat["elapsed_seconds"] >= 0 and beat["paused"] is False
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/pause/")
    await next_event(ws, "session.paused")
    assert (await next_event(ws, "timer", timeout=2))["paused"] is True
    await ws.disconnect()


async def test_a_granted_coach_watches_and_is_cut_off_on_revocation():
    athlete = await Athlete("ws-athlete").register()
    coach = await Athlete("ws-coach").register()
    session_id, bench_id = await planned_session(athlete)
    await athlete.ok("post", "/api/coaching/coaches/", {"username": "ws-coach"})

    watching, connected, _ = await connect(f"/ws/sessions/{session_id}/", coach.token)
    assert connected
    await next_event(watching, "session.snapshot")
    dashboard, connected, _ = await connect("/ws/coach/", coach.token)
    assert (await next_event(dashboard, "coach.snapshot"))["athletes"] == ["ws-athlete"]

    await athlete.ok("post", f"/api/workout-sessions/{session_id}/start/")
    assert (await next_event(dashboard, "athlete.session.started"))["athlete"] == "ws-athlete"
    await athlete.ok(
        "post", "/api/exercise-logs/", {"workout_session": session_id, "exercise": bench_id, "set_number": 1, "reps": 3, "weight": 120}
    )
    assert (await next_event(watching, "set.logged"))["log"]["weight"] == 120
    relayed = await next_event(dashboard, "set.logged")
    assert relayed["athlete"] == "ws-athlete" and relayed["session_id"] == session_id

    await athlete.ok("delete", "/api/coaching/coaches/ws-coach/")
    assert await closed_with(watching, timeout=1) == 4403
    assert (await next_event(dashboard, "athlete.revoked"))["athlete"] == "ws-athlete"
    await athlete.ok(
        "post", "/api/exercise-logs/", {"workout_session": session_id, "exercise": bench_id, "set_number": 2, "reps": 3, "weight": 120}
    )
    assert await dashboard.receive_nothing(timeout=0.5)
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/complete/")
    assert await dashboard.receive_nothing(timeout=0.3)

    again, _, _ = await connect(f"/ws/sessions/{session_id}/", coach.token)
    assert await closed_with(again) == 4403
    await dashboard.disconnect()


async def test_a_new_grant_reaches_an_open_dashboard():
    athlete = await Athlete("ws-late").register()
    coach = await Athlete("ws-late-coach").register()
    session_id, _ = await planned_session(athlete)
    dashboard, _, _ = await connect("/ws/coach/", coach.token)
    assert (await next_event(dashboard, "coach.snapshot"))["athletes"] == []
    await athlete.ok("post", "/api/coaching/coaches/", {"username": "ws-late-coach"})
    assert (await next_event(dashboard, "athlete.granted"))["athlete"] == "ws-late"
    await athlete.ok("post", f"/api/workout-sessions/{session_id}/start/")
    assert (await next_event(dashboard, "athlete.session.started"))["session_id"] == session_id
    await dashboard.disconnect()


async def test_the_users_own_feed_gets_events_published_to_them():
    from asgiref.sync import sync_to_async

    from backend.live import events

    athlete = await Athlete("ws-me").register()
    other = await Athlete("ws-not-me").register()
    mine, connected, _ = await connect("/ws/me/", athlete.token)
    assert (await next_event(mine, "me.snapshot"))["username"] == "ws-me"
    theirs, _, _ = await connect("/ws/me/", other.token)
    await next_event(theirs, "me.snapshot")
    await sync_to_async(events.publish_to_user)(athlete.id, "import.progress", rows=100, total=1000)
    progress = await next_event(mine, "import.progress")
    assert progress["rows"] == 100 and progress["total"] == 1000
    assert await theirs.receive_nothing(timeout=0.3)
    refused, _, _ = await connect("/ws/me/", "bad")
    assert await closed_with(refused) == 4401
    await mine.disconnect()
    await theirs.disconnect()


async def test_events_go_out_on_the_loop_serving_the_request_and_a_failure_keeps_the_set(monkeypatch, caplog):
    """Under ASGI a sync view's events are sent on the event loop that serves the request (not
    through async_to_sync); sockets get them in order, and a channel layer that fails costs the
    watchers an event, never the athlete their set."""
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from backend.live import events
    from backend.training.documents import ExerciseLog

    athlete, session_id, bench_id, ws = await watching_a_started_session("ws-loop", rest_seconds=45)

    loops = []
    real_request_loop = events._request_loop
    monkeypatch.setattr(events, "_request_loop", lambda: loops.append(real_request_loop()) or loops[-1])
    one = {"workout_session": session_id, "exercise": bench_id, "set_number": 1, "reps": 5, "weight": 100}
    log = await athlete.ok("post", "/api/exercise-logs/", one)
    burst = await events_until(ws, "rest.started")
    assert [e["type"] for e in burst] == ["set.logged"] + ["record.new"] * 4 + ["rest.started"]
    assert burst[0]["log"]["id"] == log["id"] and burst[-1]["rest_seconds"] == 45
    assert loops == [asyncio.get_running_loop()]

    async def broken(group, message):
        raise ConnectionError("the channel layer is down")

    monkeypatch.setattr(get_channel_layer(), "group_send", broken)
    log = await athlete.ok("post", "/api/exercise-logs/", {**one, "set_number": 2})
    assert await sync_to_async(ExerciseLog.objects(id=log["id"]).count)() == 1
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("could not publish")]
    assert f"could not publish set.logged, rest.started to session.{session_id}" in failures
    await ws.disconnect()
