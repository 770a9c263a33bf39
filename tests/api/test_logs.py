"""Exercise logs (sets): validation, rules, idempotency, bulk writes, session volume, personal
records, progress, permissions, and the seed document's "Common Operations" walk."""

import json
import uuid
from datetime import datetime, timedelta

import pytest
from bson import ObjectId

from backend.training.documents import ExerciseLog, PersonalRecord, WorkoutSession, utcnow
from backend.training.services import records
from tests.api.test_sessions import LOGS, SESSIONS, action, exercise, in_state, library_exercise, started

BULK = f"{LOGS}bulk_create/"
RECORDS = f"{LOGS}personal_records/"
PROGRESS = f"{LOGS}progress/"


@pytest.fixture
def bench(user_client) -> dict:
    return exercise(user_client, "Bench Press")


@pytest.fixture
def session(user_client) -> dict:
    return started(user_client)


def log(client, session_id: str, exercise_id: str, set_number=1, **fields):
    return client.post(LOGS, {"workout_session": session_id, "exercise": exercise_id, "set_number": set_number, **fields})


def logged(client, session_id: str, exercise_id: str, set_number=1, **fields) -> dict:
    response = log(client, session_id, exercise_id, set_number, **fields)
    assert response.status_code == 201, response.content
    return response.json()


def volume(client, session_id: str) -> float:
    return client.get(f"{SESSIONS}{session_id}/").json()["total_volume"]


def item(session_id, exercise_id, n, **fields) -> dict:
    return {"workout_session": session_id, "exercise": exercise_id, "set_number": n, "reps": 10, "weight": 50, **fields}


# --- one set ------------------------------------------------------------------------------------------

def test_logging_a_set_returns_every_field(user_client, session, bench):
    before = utcnow()
    response = log(
        user_client, session["id"], bench["id"], 1, reps=12, weight=80.5, rpe=7.5, rir=2, notes="smooth",
        set_type="failure",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id", "workout_session", "exercise", "user_id", "set_number", "set_type", "reps", "weight",
        "duration_seconds", "distance", "rpe", "rir", "notes", "client_id", "completed_at", "created_at", "updated_at",
    }
    assert body["workout_session"] == session["id"] and body["user_id"] == user_client.user["id"]
    assert body["exercise"] == {"id": bench["id"], "name": "Bench Press", "category": "strength"}
    assert (body["set_number"], body["set_type"], body["reps"], body["weight"], body["rpe"], body["rir"]) == (
        1, "failure", 12, 80.5, 7.5, 2,
    )
    assert body["notes"] == "smooth" and body["duration_seconds"] is None and body["distance"] is None
    assert before <= datetime.fromisoformat(body["completed_at"].replace("Z", "+00:00")).replace(tzinfo=None) <= utcnow()
    assert user_client.get(f"{LOGS}{body['id']}/").json() == body


def test_defaults_and_an_explicit_completion_time(user_client, session, bench):
    body = logged(user_client, session["id"], bench["id"], 3, duration_seconds=60, completed_at="2025-01-15T10:30:00+01:00")
    assert body["set_type"] == "normal" and body["completed_at"] == "2025-01-15T09:30:00Z"


@pytest.mark.parametrize(
    "fields, path",
    [
        ({"set_number": 0}, "set_number"),
        ({"set_number": 1001}, "set_number"),
        ({"set_number": None}, "set_number"),
        ({"set_type": "superset"}, "set_type"),
        ({"reps": -1}, "reps"),
        ({"reps": 10001}, "reps"),
        ({"reps": 2.5}, "reps"),
        ({"weight": -0.5}, "weight"),
        ({"weight": 2000.5}, "weight"),
        ({"duration_seconds": 86401}, "duration_seconds"),
        ({"duration_seconds": -1}, "duration_seconds"),
        ({"distance": 1_000_001}, "distance"),
        ({"rpe": 0.5}, "rpe"),
        ({"rpe": 10.5}, "rpe"),
        ({"rpe": 7.3}, "rpe"),
        ({"rir": -1}, "rir"),
        ({"rir": 101}, "rir"),
        ({"notes": "x" * 501}, "notes"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"completed_at": "yesterday"}, "completed_at"),
        ({"workout_session": "nope"}, "workout_session"),
        ({"exercise": "507f1f77bcf86cd79943901z"}, "exercise"),
    ],
)
def test_invalid_fields_are_named_and_nothing_is_written(user_client, session, bench, fields, path):
    payload = {"workout_session": session["id"], "exercise": bench["id"], "set_number": 1, "reps": 5, **fields}
    response = user_client.post(LOGS, payload)
    assert response.status_code == 400
    assert path in response.json()["errors"], response.json()
    assert ExerciseLog.objects.count() == 0


@pytest.mark.parametrize("metric", [{"reps": 0}, {"weight": 0}, {"duration_seconds": 30}, {"distance": 400.5}])
def test_any_one_metric_is_enough(user_client, session, bench, metric):
    assert log(user_client, session["id"], bench["id"], **metric).status_code == 201


@pytest.mark.parametrize("fields", [{}, {"rpe": 8, "notes": "felt heavy"}, {"reps": None, "weight": None}])
def test_a_set_needs_at_least_one_metric(user_client, session, bench, fields):
    response = log(user_client, session["id"], bench["id"], **fields)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"non_field_errors": ["Give at least one of reps, weight, duration_seconds or distance."]}
    assert "reps, weight, duration_seconds or distance" in body["detail"]
    assert ExerciseLog.objects.count() == 0


def test_only_your_own_sessions_and_never_cancelled_ones(user_client, other_client, bench):
    theirs = started(other_client)
    missing = "507f1f77bcf86cd799439011"
    for session_id in (theirs["id"], missing):
        response = log(user_client, session_id, bench["id"], reps=5)
        assert response.status_code == 400
        # Someone else's session reads exactly like one that does not exist.
        assert response.json()["errors"] == {
            "workout_session": [f"Workout session '{session_id}' does not exist or is not yours."]
        }
    cancelled = in_state(user_client, "cancelled")
    response = log(user_client, cancelled["id"], bench["id"], reps=5)
    assert response.status_code == 400
    assert response.json()["errors"]["workout_session"] == [
        f"Workout session '{cancelled['id']}' is cancelled; sets cannot be logged to it."
    ]
    assert ExerciseLog.objects.count() == 0


def test_planned_and_completed_sessions_take_sets(user_client, bench):
    planned, completed = in_state(user_client, "planned"), in_state(user_client, "completed")
    assert log(user_client, planned["id"], bench["id"], reps=5, weight=20).status_code == 201
    assert log(user_client, completed["id"], bench["id"], reps=5, weight=40).status_code == 201  # a correction
    assert volume(user_client, completed["id"]) == 200


def test_the_exercise_must_be_visible_to_you(user_client, other_client, session):
    private = exercise(other_client, "Their Secret Move")
    public = exercise(other_client, "Their Shared Move", is_public=True)
    mine = exercise(user_client, "My Private Move")
    system = library_exercise("Deadlift")
    response = log(user_client, session["id"], private["id"], reps=5)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "exercise": [f"Exercise '{private['id']}' does not exist or is not visible to you."]
    }
    for exercise_id in (public["id"], mine["id"], str(system.id)):
        assert log(user_client, session["id"], exercise_id, reps=5).status_code == 201
    assert ExerciseLog.objects.count() == 3


def test_an_exercise_with_logged_sets_cannot_be_deleted(user_client, session):
    mine = exercise(user_client, "My Move")
    logged(user_client, session["id"], mine["id"], reps=5)
    assert user_client.delete(f"/api/exercises/{mine['id']}/").status_code == 409


# --- idempotency --------------------------------------------------------------------------------------

def test_a_repeated_client_id_returns_the_same_set(user_client, other_client, session, bench):
    client_id = str(uuid.uuid4())
    first = log(user_client, session["id"], bench["id"], reps=5, weight=100, client_id=client_id)
    assert first.status_code == 201 and first.json()["client_id"] == client_id
    again = log(user_client, session["id"], bench["id"], reps=99, weight=1, client_id=client_id.upper())
    assert again.status_code == 200 and again.json() == first.json()
    assert ExerciseLog.objects.count() == 1 and volume(user_client, session["id"]) == 500
    # The replay of a set logged before its session was cancelled still gets the set back.
    action(user_client, session["id"], "cancel")
    assert log(user_client, session["id"], bench["id"], reps=5, client_id=client_id).status_code == 200
    # Client ids are per user.
    theirs = started(other_client)
    other_bench = exercise(other_client, "Bench")
    assert log(other_client, theirs["id"], other_bench["id"], reps=1, client_id=client_id).status_code == 201


def test_a_client_id_race_returns_the_set_the_other_request_saved(user_client, session, bench, monkeypatch):
    from backend.training.services import logs as service

    client_id = str(uuid.uuid4())
    winner = logged(user_client, session["id"], bench["id"], reps=5, weight=100, client_id=client_id)
    real = service._existing
    calls = []

    def first_lookup_misses(user_id, client_ids):
        calls.append(client_ids)
        return {} if len(calls) == 1 else real(user_id, client_ids)

    monkeypatch.setattr(service, "_existing", first_lookup_misses)
    response = log(user_client, session["id"], bench["id"], reps=5, weight=100, client_id=client_id)
    assert len(calls) == 2 and response.status_code == 200 and response.json()["id"] == winner["id"]
    assert ExerciseLog.objects.count() == 1 and volume(user_client, session["id"]) == 500


# --- listing ------------------------------------------------------------------------------------------

def test_list_is_slim_newest_first_and_only_yours(user_client, other_client, session, bench):
    older = logged(user_client, session["id"], bench["id"], 1, reps=5, weight=60, completed_at="2025-01-01T10:00:00")
    newer = logged(user_client, session["id"], bench["id"], 2, reps=5, weight=70, completed_at="2025-01-01T10:05:00")
    theirs = started(other_client)
    logged(other_client, theirs["id"], exercise(other_client)["id"], reps=1)
    body = user_client.get(LOGS).json()
    assert body["count"] == 2 and [r["id"] for r in body["results"]] == [newer["id"], older["id"]]
    assert body["results"][1] == {
        "id": older["id"],
        "workout_session": session["id"],
        "exercise": {"id": bench["id"], "name": "Bench Press"},
        "set_number": 1,
        "set_type": "normal",
        "reps": 5,
        "weight": 60.0,
        "duration_seconds": None,
        "distance": None,
        "rpe": None,
        "completed_at": "2025-01-01T10:00:00Z",
    }


def test_list_filters(user_client, bench):
    squat = exercise(user_client, "Back Squat")
    s1, s2 = started(user_client), started(user_client)
    a = logged(user_client, s1["id"], bench["id"], reps=5, completed_at="2025-01-10T00:00:00")
    b = logged(user_client, s1["id"], squat["id"], reps=5, completed_at="2025-01-20T23:59:59.999")
    c = logged(user_client, s2["id"], bench["id"], reps=5, completed_at="2025-01-21T00:00:00")
    d = logged(user_client, s2["id"], squat["id"], reps=5, completed_at="2025-01-09T23:59:59")

    def ids(**params):
        response = user_client.get(LOGS, params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {x["id"] for x in (a, b, c, d)}
    assert ids(session=s1["id"]) == {a["id"], b["id"]}
    assert ids(exercise=bench["id"]) == {a["id"], c["id"]}
    assert ids(session=s2["id"], exercise=squat["id"]) == {d["id"]}
    assert ids(date_from="2025-01-10") == {a["id"], b["id"], c["id"]}
    assert ids(date_to="2025-01-20") == {a["id"], b["id"], d["id"]}
    assert ids(date_from="2025-01-10", date_to="2025-01-20") == {a["id"], b["id"]}
    assert ids(date_from="2025-01-21", exercise=bench["id"]) == {c["id"]}
    assert ids(session="507f1f77bcf86cd799439011") == set()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_from": "2025-02-30"}, "date_from"),
        ({"date_to": "soon"}, "date_to"),
        ({"date_from": "2025-01-02", "date_to": "2025-01-01"}, "date_to"),
        ({"session": "abc"}, "session"),
        ({"exercise": "abc"}, "exercise"),
    ],
)
def test_bad_list_filters_are_400(user_client, params, field):
    response = user_client.get(LOGS, params)
    assert response.status_code == 400 and field in response.json()["errors"]


# --- editing and total volume -------------------------------------------------------------------------

def test_total_volume_follows_every_write(user_client, session, bench):
    sid = session["id"]
    first = logged(user_client, sid, bench["id"], 1, reps=10, weight=100)
    assert volume(user_client, sid) == 1000
    logged(user_client, sid, bench["id"], 2, reps=8, weight=105)
    logged(user_client, sid, bench["id"], 0 + 3, reps=10, weight=60, set_type="warmup")  # warm-ups do not count
    logged(user_client, sid, bench["id"], 4, duration_seconds=30)
    assert volume(user_client, sid) == 1000 + 840

    assert user_client.patch(f"{LOGS}{first['id']}/", {"reps": 12}).status_code == 200
    assert volume(user_client, sid) == 1200 + 840
    assert user_client.patch(f"{LOGS}{first['id']}/", {"set_type": "warmup"}).status_code == 200
    assert volume(user_client, sid) == 840
    assert user_client.delete(f"{LOGS}{first['id']}/").status_code == 204
    assert volume(user_client, sid) == 840
    assert user_client.get(f"{LOGS}{first['id']}/").status_code == 404


@pytest.mark.parametrize("state", ["planned", "paused", "completed"])
def test_sets_outside_a_running_session_count_but_start_no_rest(user_client, bench, state):
    sid = in_state(user_client, state)["id"]
    logged(user_client, sid, bench["id"], 1, reps=10, weight=100)
    assert volume(user_client, sid) == 1000
    assert WorkoutSession.objects.get(id=sid).rest_ends_at is None


def test_a_session_paused_after_it_was_read_gets_the_volume_but_no_rest(user_client, session):
    """The rest timer starts in the same write as the volume, on the condition that the session is
    still in progress; one paused in between still gets its volume, and no rest."""
    from backend.training.services.sessions import Rest, sets_added

    WorkoutSession.objects(id=session["id"]).update_one(set__paused_at=utcnow())
    rest = Rest(seconds=90, ends_at=utcnow() + timedelta(seconds=90))
    assert sets_added(session["user_id"], ObjectId(session["id"]), 500.0, rest) is False
    stored = WorkoutSession.objects.get(id=session["id"])
    assert stored.total_volume == 500 and stored.rest_ends_at is None
    WorkoutSession.objects(id=session["id"]).update_one(set__paused_at=None)
    assert sets_added(session["user_id"], ObjectId(session["id"]), 250.0, rest) is True
    stored = WorkoutSession.objects.get(id=session["id"])
    assert stored.total_volume == 750 and abs(stored.rest_ends_at - rest.ends_at) < timedelta(milliseconds=1)


def test_volume_added_set_by_set_and_in_bulk_reads_as_the_exact_sum(user_client, session, bench):
    """Sets add to the volume as they arrive; sums of fractional loads (converted pounds) still read
    to the hundredth, as recounting every set gives."""
    sid = session["id"]
    for n in range(1, 4):
        logged(user_client, sid, bench["id"], n, reps=1, weight=0.1)
    assert volume(user_client, sid) == 0.3
    exported = json.loads(b"".join(user_client.get("/api/export/").streaming_content))
    assert next(s for s in exported["sessions"] if s["id"] == sid)["total_volume"] == 0.3
    items = [{"workout_session": sid, "exercise": bench["id"], "set_number": n, "reps": 7, "weight": 22.68} for n in range(4, 24)]
    assert user_client.post(f"{LOGS}bulk_create/", {"logs": items}).status_code == 201
    assert volume(user_client, sid) == round(0.3 + 20 * 7 * 22.68, 2) == 3175.5
    listed = user_client.get(SESSIONS).json()["results"]
    assert next(s for s in listed if s["id"] == sid)["total_volume"] == 3175.5
    completed = user_client.post(f"{SESSIONS}{sid}/complete/", {}).json()
    assert completed["total_volume"] == 3175.5


def test_moving_a_set_to_another_session_corrects_both(user_client, session, bench):
    other = started(user_client)
    moved = logged(user_client, session["id"], bench["id"], 1, reps=10, weight=100)
    logged(user_client, session["id"], bench["id"], 2, reps=5, weight=100)
    response = user_client.patch(f"{LOGS}{moved['id']}/", {"workout_session": other["id"], "weight": 90})
    assert response.status_code == 200 and response.json()["workout_session"] == other["id"]
    assert volume(user_client, session["id"]) == 500
    assert volume(user_client, other["id"]) == 900


def test_editing_or_deleting_a_set_reaches_the_disk_as_one_record(user_client, session, bench, monkeypatch):
    """The set, both sessions' volumes and the records change together: a crash between them would
    leave a session's volume or a record that no stored set explains."""
    other = started(user_client)
    moved = logged(user_client, session["id"], bench["id"], 1, reps=10, weight=100)
    logged(user_client, session["id"], bench["id"], 2, reps=5, weight=100)
    frames = journal_records(monkeypatch)
    assert user_client.patch(f"{LOGS}{moved['id']}/", {"workout_session": other["id"], "weight": 90}).status_code == 200
    assert len(frames) == 1
    assert user_client.delete(f"{LOGS}{moved['id']}/").status_code == 204
    assert len(frames) == 2
    assert (volume(user_client, session["id"]), volume(user_client, other["id"])) == (500, 0)
    assert user_client.get(f"{LOGS}personal_records/").json()[0]["heaviest_weight"]["value"] == 100


def journal_records(monkeypatch) -> list:
    """Grows by one for each record the embedded store's journal appends (each fsynced)."""
    from backend.storage.embedded import Journal

    frames, real_commit = [], Journal._commit

    def counting_commit(self):
        before = self._journal_bytes
        real_commit(self)
        if self._journal_bytes > before:
            frames.append(1)

    monkeypatch.setattr(Journal, "_commit", counting_commit)
    return frames


def test_put_replaces_the_set(user_client, session, bench):
    squat = exercise(user_client, "Back Squat")
    original = logged(user_client, session["id"], bench["id"], 1, reps=10, weight=100, rpe=8, notes="x",
                      completed_at="2025-01-01T10:00:00")
    response = user_client.put(
        f"{LOGS}{original['id']}/",
        {"workout_session": session["id"], "exercise": squat["id"], "set_number": 2, "reps": 5, "weight": 140},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["exercise"]["name"] == "Back Squat" and (body["set_number"], body["reps"], body["weight"]) == (2, 5, 140)
    assert body["rpe"] is None and body["notes"] is None and body["set_type"] == "normal"
    assert body["completed_at"] == "2025-01-01T10:00:00Z"  # PUT without completed_at keeps it
    assert volume(user_client, session["id"]) == 700


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reps": None, "weight": None}, "non_field_errors"),
        ({"set_number": None}, "set_number"),
        ({"set_type": None}, "set_type"),
        ({"workout_session": None}, "workout_session"),
        ({"set_number": 0}, "set_number"),
        ({"rpe": 11}, "rpe"),
        ({"exercise": "bad"}, "exercise"),
    ],
)
def test_patches_that_are_refused(user_client, session, bench, changes, field):
    original = logged(user_client, session["id"], bench["id"], reps=10, weight=100)
    response = user_client.patch(f"{LOGS}{original['id']}/", changes)
    assert response.status_code == 400 and field in response.json()["errors"]
    assert user_client.get(f"{LOGS}{original['id']}/").json() == original


def test_a_set_cannot_move_to_a_session_or_exercise_you_may_not_use(user_client, other_client, session, bench):
    original = logged(user_client, session["id"], bench["id"], reps=10, weight=100)
    url = f"{LOGS}{original['id']}/"
    theirs = started(other_client)
    cancelled = in_state(user_client, "cancelled")
    private = exercise(other_client, "Their Secret Move")
    for changes, field in [
        ({"workout_session": theirs["id"]}, "workout_session"),
        ({"workout_session": cancelled["id"]}, "workout_session"),
        ({"exercise": private["id"]}, "exercise"),
    ]:
        response = user_client.patch(url, changes)
        assert response.status_code == 400 and field in response.json()["errors"]
    assert user_client.get(url).json() == original
    assert volume(other_client, theirs["id"]) == 0


# --- bulk ---------------------------------------------------------------------------------------------

def test_the_seed_bulk_example(user_client, session, bench):
    response = user_client.post(BULK, {"logs": [
        {"workout_session": session["id"], "exercise": bench["id"], "set_number": 1, "reps": 12, "weight": 185},
        {"workout_session": session["id"], "exercise": bench["id"], "set_number": 2, "reps": 10, "weight": 185},
    ]})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 2 and body["existing"] == 0
    assert [(r["set_number"], r["reps"]) for r in body["results"]] == [(1, 12), (2, 10)]
    assert body["results"][0]["exercise"] == {"id": bench["id"], "name": "Bench Press", "category": "strength"}
    assert volume(user_client, session["id"]) == 185 * 22


def test_bulk_results_follow_the_input_order_across_sessions(user_client, session, bench):
    other = started(user_client)
    items = [item(session["id"], bench["id"], 3), item(other["id"], bench["id"], 1), item(session["id"], bench["id"], 1)]
    body = user_client.post(BULK, {"logs": items}).json()
    assert [(r["workout_session"], r["set_number"]) for r in body["results"]] == [
        (session["id"], 3), (other["id"], 1), (session["id"], 1),
    ]
    assert volume(user_client, session["id"]) == 1000 and volume(user_client, other["id"]) == 500


@pytest.mark.parametrize(
    "bad, path",
    [
        ({"reps": -1}, "logs.3.reps"),
        ({"set_number": 0}, "logs.3.set_number"),
        ({"rpe": 7.2}, "logs.3.rpe"),
        ({"workout_session": "x"}, "logs.3.workout_session"),
        ({"workout_session": "507f1f77bcf86cd799439011"}, "logs.3.workout_session"),
        ({"exercise": "507f1f77bcf86cd799439011"}, "logs.3.exercise"),
        ({"reps": None, "weight": None}, "logs.3.non_field_errors"),
    ],
)
def test_one_bad_item_among_ten_writes_nothing(user_client, session, bench, bad, path):
    items = [item(session["id"], bench["id"], n) for n in range(1, 11)]
    items[3] = {**items[3], **bad}
    response = user_client.post(BULK, {"logs": items})
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [path] and path in body["detail"]
    assert ExerciseLog.objects.count() == 0 and volume(user_client, session["id"]) == 0
    assert PersonalRecord.objects.count() == 0


def test_bulk_reports_every_bad_item_at_once(user_client, other_client, session, bench):
    theirs = started(other_client)
    cancelled = in_state(user_client, "cancelled")
    items = [item(session["id"], bench["id"], n) for n in range(1, 8)]
    items[1]["workout_session"] = theirs["id"]
    items[2]["workout_session"] = cancelled["id"]
    items[4]["exercise"] = exercise(other_client, "Private")["id"]
    items[6] = {"workout_session": session["id"], "exercise": bench["id"], "set_number": 7}
    response = user_client.post(BULK, {"logs": items})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "logs.1.workout_session", "logs.2.workout_session", "logs.4.exercise", "logs.6.non_field_errors",
    }
    assert "(and 3 more)" in response.json()["detail"]
    assert ExerciseLog.objects.count() == 0


def test_bulk_takes_up_to_500_sets(user_client, session, bench):
    items = [item(session["id"], bench["id"], n) for n in range(1, 502)]
    too_many = user_client.post(BULK, {"logs": items})
    assert too_many.status_code == 400 and "logs" in too_many.json()["errors"]
    assert ExerciseLog.objects.count() == 0
    response = user_client.post(BULK, {"logs": items[:500]})
    assert response.status_code == 201 and response.json()["created"] == 500
    assert ExerciseLog.objects.count() == 500 and volume(user_client, session["id"]) == 500 * 500


@pytest.mark.parametrize("body", [{}, {"logs": []}, {"logs": "all of them"}, {"logs": [1, 2]}])
def test_bulk_needs_a_list_of_sets(user_client, body):
    response = user_client.post(BULK, body)
    assert response.status_code == 400 and response.json()["errors"]


def test_replaying_a_bulk_payload_never_duplicates(user_client, session, bench):
    items = [item(session["id"], bench["id"], n, client_id=str(uuid.uuid4())) for n in range(1, 51)]
    first = user_client.post(BULK, {"logs": items})
    assert first.status_code == 201 and (first.json()["created"], first.json()["existing"]) == (50, 0)
    for _ in range(2):
        again = user_client.post(BULK, {"logs": items})
        assert again.status_code == 201 and (again.json()["created"], again.json()["existing"]) == (0, 50)
        assert [r["id"] for r in again.json()["results"]] == [r["id"] for r in first.json()["results"]]
    assert ExerciseLog.objects.count() == 50 and volume(user_client, session["id"]) == 50 * 500


def test_a_partly_synced_payload_writes_only_the_new_sets(user_client, session, bench):
    items = [item(session["id"], bench["id"], n, client_id=str(uuid.uuid4())) for n in range(1, 11)]
    user_client.post(BULK, {"logs": items[:4]})
    logged(user_client, session["id"], bench["id"], 5, reps=10, weight=50, client_id=items[4]["client_id"])
    body = user_client.post(BULK, {"logs": items}).json()
    assert (body["created"], body["existing"]) == (5, 5)
    assert [r["set_number"] for r in body["results"]] == list(range(1, 11))
    assert ExerciseLog.objects.count() == 10


def test_a_client_id_repeated_within_one_payload_is_one_set(user_client, session, bench):
    repeated = str(uuid.uuid4())
    items = [
        item(session["id"], bench["id"], 1, client_id=repeated),
        item(session["id"], bench["id"], 2),
        item(session["id"], bench["id"], 1, client_id=repeated, reps=99),
    ]
    body = user_client.post(BULK, {"logs": items}).json()
    assert (body["created"], body["existing"]) == (2, 0)
    assert body["results"][0]["id"] == body["results"][2]["id"] and body["results"][2]["reps"] == 10
    assert ExerciseLog.objects.count() == 2


def test_existing_items_skip_the_rules_but_new_ones_do_not(user_client, session, bench):
    synced = item(session["id"], bench["id"], 1, client_id=str(uuid.uuid4()))
    user_client.post(BULK, {"logs": [synced]})
    action(user_client, session["id"], "cancel")
    # The set already logged comes back; a new set for the now cancelled session is refused.
    assert user_client.post(BULK, {"logs": [synced]}).status_code == 201
    response = user_client.post(BULK, {"logs": [synced, item(session["id"], bench["id"], 2)]})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["logs.1.workout_session"]
    assert ExerciseLog.objects.count() == 1


def test_a_failed_insert_leaves_nothing_behind(user_client, session, bench, monkeypatch):
    from pymongo.errors import BulkWriteError

    collection_class = type(ExerciseLog._get_collection())
    real_insert_many, real_insert_one = collection_class.insert_many, collection_class.insert_one

    def dies_half_way(self, documents, *args, **kwargs):
        if self.name != "exercise_logs":
            return real_insert_many(self, documents, *args, **kwargs)
        for document in documents[:5]:
            real_insert_one(self, document)
        raise BulkWriteError({"writeErrors": [{"index": 5, "code": 2, "errmsg": "disk on fire"}], "nInserted": 5})

    monkeypatch.setattr(collection_class, "insert_many", dies_half_way)
    response = user_client.post(BULK, {"logs": [item(session["id"], bench["id"], n) for n in range(1, 11)]})
    monkeypatch.undo()
    assert response.status_code == 500
    assert ExerciseLog.objects.count() == 0 and volume(user_client, session["id"]) == 0
    assert PersonalRecord.objects.count() == 0


def test_a_bulk_client_id_race_is_retried_without_duplicates(user_client, session, bench, monkeypatch):
    from backend.training.documents import Exercise
    from backend.training.services import logs as service

    items = [item(session["id"], bench["id"], n, client_id=str(uuid.uuid4())) for n in range(1, 7)]
    real = service._existing
    calls = []

    def late_writer(user_id, client_ids):
        """Another request logs item 3 just after this one looked for existing client ids."""
        calls.append(1)
        found = real(user_id, client_ids)
        if len(calls) == 1:
            other = ExerciseLog(
                workout_session=WorkoutSession.objects.get(id=session["id"]), exercise=Exercise.objects.get(id=bench["id"]),
                user_id=user_id, set_number=3, reps=10, weight=50, client_id=items[2]["client_id"],
            ).save()
            sessions, _ = service._references(user_id, [items[2]])
            service._after_created([other], sessions)  # as that request does once its set is in
        return found

    monkeypatch.setattr(service, "_existing", late_writer)
    response = user_client.post(BULK, {"logs": items})
    assert len(calls) == 3  # looked, found the conflict after the failed insert, looked again
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["existing"]) == (5, 1)
    assert [r["set_number"] for r in body["results"]] == [1, 2, 3, 4, 5, 6]
    assert ExerciseLog.objects.count() == 6 and volume(user_client, session["id"]) == 6 * 500


# --- permissions --------------------------------------------------------------------------------------

def test_other_users_sets_are_404_everywhere(user_client, other_client):
    theirs = started(other_client)
    their_set = logged(other_client, theirs["id"], exercise(other_client)["id"], reps=5, weight=10)
    url = f"{LOGS}{their_set['id']}/"
    assert user_client.get(url).status_code == 404
    assert user_client.put(url, {**item(theirs["id"], their_set["exercise"]["id"], 1)}).status_code == 404
    assert user_client.patch(url, {"reps": 1}).status_code == 404
    assert user_client.delete(url).status_code == 404
    assert user_client.get(LOGS).json()["count"] == 0
    assert other_client.get(url).json() == their_set


@pytest.mark.parametrize("bad_id", ["nope", "507f1f77bcf86cd799439011", "g" * 24])
def test_unknown_or_malformed_log_ids_are_404(user_client, bad_id):
    url = f"{LOGS}{bad_id}/"
    for response in (user_client.get(url), user_client.patch(url, {"reps": 1}), user_client.delete(url)):
        assert response.status_code == 404 and response.json()["detail"] == "Exercise log not found."


def test_anonymous_requests_are_401(anon):
    for method, path in [("get", LOGS), ("post", LOGS), ("post", BULK), ("get", RECORDS), ("get", PROGRESS),
                         ("get", f"{LOGS}507f1f77bcf86cd799439011/")]:
        assert getattr(anon, method)(path).status_code == 401, (method, path)


# --- personal records ---------------------------------------------------------------------------------

def test_personal_records(user_client, other_client, session, bench):
    sid = session["id"]
    squat = exercise(user_client, "Back Squat")
    logged(user_client, sid, bench["id"], 1, reps=10, weight=140, set_type="warmup")  # heavier, but a warm-up
    a = logged(user_client, sid, bench["id"], 2, reps=5, weight=100, completed_at="2025-01-01T10:00:00")
    b = logged(user_client, sid, bench["id"], 3, reps=12, weight=80, completed_at="2025-01-02T10:00:00")
    c = logged(user_client, sid, bench["id"], 4, reps=1, weight=115, completed_at="2025-01-03T10:00:00")
    d = logged(user_client, sid, squat["id"], 1, reps=3, weight=150, completed_at="2025-01-04T10:00:00")
    logged(user_client, sid, exercise(user_client, "Plank")["id"], 1, duration_seconds=90)  # no record to hold
    theirs = started(other_client)
    logged(other_client, theirs["id"], exercise(other_client)["id"], reps=50, weight=500)

    response = user_client.get(RECORDS)
    assert response.status_code == 200
    assert response.json() == [  # by exercise name
        {
            "exercise": {"id": squat["id"], "name": "Back Squat", "category": "strength"},
            "heaviest_weight": {"value": 150.0, "date": "2025-01-04T10:00:00Z", "log_id": d["id"]},
            "most_reps": {"value": 3, "date": "2025-01-04T10:00:00Z", "log_id": d["id"]},
            "best_set_volume": {"value": 450.0, "date": "2025-01-04T10:00:00Z", "log_id": d["id"]},
            "best_e1rm": {"value": 165.0, "date": "2025-01-04T10:00:00Z", "log_id": d["id"]},
        },
        {
            "exercise": {"id": bench["id"], "name": "Bench Press", "category": "strength"},
            "heaviest_weight": {"value": 115.0, "date": "2025-01-03T10:00:00Z", "log_id": c["id"]},
            "most_reps": {"value": 12, "date": "2025-01-02T10:00:00Z", "log_id": b["id"]},
            "best_set_volume": {"value": 960.0, "date": "2025-01-02T10:00:00Z", "log_id": b["id"]},
            # Epley: 80 x (1 + 12/30) = 112, 100 x (1 + 5/30) = 116.67; a single is its own max: 115.
            "best_e1rm": {"value": 116.67, "date": "2025-01-01T10:00:00Z", "log_id": a["id"]},
        },
    ]
    only_bench = user_client.get(RECORDS, {"exercise": bench["id"]}).json()
    assert [r["exercise"]["name"] for r in only_bench] == ["Bench Press"]
    assert user_client.get(RECORDS, {"exercise": str(library_exercise().id)}).json() == []


def test_records_follow_edits_moves_and_deletes(user_client, session, bench):
    sid = session["id"]
    squat = exercise(user_client, "Back Squat")
    top = logged(user_client, sid, bench["id"], 1, reps=5, weight=100, completed_at="2025-01-01T10:00:00")
    second = logged(user_client, sid, bench["id"], 2, reps=5, weight=90, completed_at="2025-01-01T10:05:00")

    def heaviest(exercise_id):
        found = user_client.get(RECORDS, {"exercise": exercise_id}).json()
        return (found[0]["heaviest_weight"]["value"], found[0]["heaviest_weight"]["log_id"]) if found else None

    assert heaviest(bench["id"]) == (100, top["id"])
    user_client.patch(f"{LOGS}{top['id']}/", {"weight": 80})  # the record holder got lighter: recount
    assert heaviest(bench["id"]) == (90, second["id"])
    user_client.patch(f"{LOGS}{top['id']}/", {"weight": 120})  # a non-holder got heavier
    assert heaviest(bench["id"]) == (120, top["id"])
    user_client.patch(f"{LOGS}{top['id']}/", {"set_type": "warmup"})
    assert heaviest(bench["id"]) == (90, second["id"])
    user_client.patch(f"{LOGS}{second['id']}/", {"exercise": squat["id"]})  # moved to another exercise
    assert heaviest(bench["id"]) is None and heaviest(squat["id"]) == (90, second["id"])
    user_client.patch(f"{LOGS}{top['id']}/", {"set_type": "normal"})
    assert heaviest(bench["id"]) == (120, top["id"])
    user_client.delete(f"{LOGS}{top['id']}/")
    assert heaviest(bench["id"]) is None
    assert PersonalRecord.objects(exercise=bench["id"]).count() == 0
    user_client.delete(f"{SESSIONS}{sid}/")  # deleting the session deletes its sets, and their records
    assert user_client.get(RECORDS).json() == []


def test_an_equal_set_does_not_take_the_record_from_an_earlier_one(user_client, session, bench):
    first = logged(user_client, session["id"], bench["id"], 1, reps=5, weight=100, completed_at="2025-01-02T10:00:00")
    logged(user_client, session["id"], bench["id"], 2, reps=5, weight=100, completed_at="2025-01-03T10:00:00")
    record = user_client.get(RECORDS).json()[0]["heaviest_weight"]
    assert record["log_id"] == first["id"]
    # A set back-filled with an earlier date did it first, as a recount would say.
    earlier = logged(user_client, session["id"], bench["id"], 3, reps=5, weight=100, completed_at="2025-01-01T10:00:00")
    assert user_client.get(RECORDS).json()[0]["heaviest_weight"]["log_id"] == earlier["id"]


def test_which_records_a_new_set_beat(user_client, session, bench):
    logged(user_client, session["id"], bench["id"], 1, reps=5, weight=100)
    uid = user_client.user["id"]
    stored = WorkoutSession.objects.get(id=session["id"])
    from backend.training.documents import Exercise

    heavier = ExerciseLog(
        workout_session=stored, exercise=Exercise.objects.get(id=bench["id"]), user_id=uid, set_number=2, reps=3, weight=105
    ).save()
    assert records.update_for_new_log(heavier) == [{"record": "heaviest_weight", "old": 100.0, "new": 105.0}]
    more_reps = ExerciseLog(
        workout_session=stored, exercise=Exercise.objects.get(id=bench["id"]), user_id=uid, set_number=3, reps=8, weight=100
    ).save()
    assert records.update_for_new_log(more_reps) == [
        {"record": "most_reps", "old": 5, "new": 8},
        {"record": "best_set_volume", "old": 500.0, "new": 800.0},
        {"record": "best_e1rm", "old": 116.67, "new": 126.67},
    ]
    squat = exercise(user_client, "Back Squat")
    first_ever = ExerciseLog(
        workout_session=stored, exercise=Exercise.objects.get(id=squat["id"]), user_id=uid, set_number=1, reps=1, weight=140
    ).save()
    assert records.update_for_new_log(first_ever) == [
        {"record": "heaviest_weight", "old": None, "new": 140.0},
        {"record": "most_reps", "old": None, "new": 1},
        {"record": "best_set_volume", "old": None, "new": 140.0},
        {"record": "best_e1rm", "old": None, "new": 140.0},
    ]
    warmup = ExerciseLog(
        workout_session=stored, exercise=Exercise.objects.get(id=squat["id"]), user_id=uid, set_number=2, reps=20,
        weight=200, set_type="warmup",
    ).save()
    assert records.update_for_new_log(warmup) == []


def test_reading_records_never_reads_the_logs(user_client, session, bench, monkeypatch):
    """At 100,000 sets a scan would be slow: records are read from their own documents."""
    from backend.training.services import logs as log_service

    logged(user_client, session["id"], bench["id"], reps=5, weight=100)

    class NoLogs:
        def __getattr__(self, name):
            raise AssertionError("personal_records read the exercise logs")

    monkeypatch.setattr(log_service, "ExerciseLog", NoLogs())
    monkeypatch.setattr(records, "ExerciseLog", NoLogs())
    response = user_client.get(RECORDS)
    assert response.status_code == 200 and response.json()[0]["heaviest_weight"]["value"] == 100


@pytest.mark.parametrize("endpoint", [RECORDS, PROGRESS])
def test_records_and_progress_check_the_exercise(user_client, other_client, endpoint):
    private = exercise(other_client, "Their Secret Move")
    response = user_client.get(endpoint, {"exercise": private["id"]})
    assert response.status_code == 400 and "exercise" in response.json()["errors"]
    assert user_client.get(endpoint, {"exercise": "abc"}).status_code == 400


# --- progress -----------------------------------------------------------------------------------------

def test_progress_per_day(user_client, other_client, session, bench):
    sid = session["id"]
    squat = exercise(user_client, "Back Squat")
    for when, reps, weight, set_type in [
        ("2025-01-01T09:00:00", 10, 150, "warmup"),  # warm-ups count for nothing
        ("2025-01-01T09:05:00", 5, 100, "normal"),
        ("2025-01-01T09:10:00", 8, 90, "failure"),
        ("2025-01-03T18:00:00", 1, 110, "normal"),
        ("2025-01-03T23:59:59", 12, 60, "dropset"),
        ("2025-01-05T08:00:00", 20, 40, "warmup"),
    ]:
        logged(user_client, sid, bench["id"], reps=reps, weight=weight, set_type=set_type, completed_at=when)
    logged(user_client, sid, bench["id"], duration_seconds=30, completed_at="2025-01-04T08:00:00")
    logged(user_client, sid, squat["id"], reps=5, weight=200, completed_at="2025-01-01T09:00:00")
    theirs = started(other_client)
    public = exercise(user_client, "Public Press", is_public=True)
    logged(other_client, theirs["id"], public["id"], reps=5, weight=300, completed_at="2025-01-01T09:00:00")

    response = user_client.get(PROGRESS, {"exercise": bench["id"]})
    assert response.status_code == 200
    assert response.json() == [
        {"date": "2025-01-01", "top_set_weight": 100.0, "best_e1rm": 116.67, "total_volume": 1220.0, "set_count": 2},
        {"date": "2025-01-03", "top_set_weight": 110.0, "best_e1rm": 110.0, "total_volume": 830.0, "set_count": 2},
        {"date": "2025-01-04", "top_set_weight": None, "best_e1rm": None, "total_volume": 0.0, "set_count": 1},
    ]
    ranged = user_client.get(PROGRESS, {"exercise": bench["id"], "date_from": "2025-01-02", "date_to": "2025-01-03"})
    assert [d["date"] for d in ranged.json()] == ["2025-01-03"]
    assert user_client.get(PROGRESS, {"exercise": public["id"]}).json() == []
    missing = user_client.get(PROGRESS)
    assert missing.status_code == 400 and "exercise" in missing.json()["errors"]
    backwards = user_client.get(PROGRESS, {"exercise": bench["id"], "date_from": "2025-01-03", "date_to": "2025-01-01"})
    assert backwards.status_code == 400 and "date_to" in backwards.json()["errors"]


# --- documentation ------------------------------------------------------------------------------------

def test_openapi_documents_every_log_endpoint_and_its_errors(anon):
    paths = anon.get("/api/schema/").json()["paths"]
    one = "/api/exercise-logs/{log_id}/"
    expected = {
        (LOGS, "get"): {"200", "400", "401", "404"},
        (LOGS, "post"): {"200", "201", "400", "401"},
        (BULK, "post"): {"201", "400", "401", "409"},
        (RECORDS, "get"): {"200", "400", "401"},
        (PROGRESS, "get"): {"200", "400", "401"},
        (one, "get"): {"200", "401", "404"},
        (one, "put"): {"200", "400", "401", "404"},
        (one, "patch"): {"200", "400", "401", "404"},
        (one, "delete"): {"204", "401", "404"},
    }
    for (path, method), codes in expected.items():
        assert set(paths[path][method]["responses"]) == codes, (path, method)
        for code in codes & {"400", "401", "404", "409"}:
            schema = paths[path][method]["responses"][code]["content"]["application/json"]["schema"]
            assert schema["$ref"].endswith("/ErrorOut")


# --- the seed document's "Common Operations", over HTTP -------------------------------------------------

def test_common_operations_end_to_end(user_client):
    # 1. Create exercises in the library.
    bench = exercise(user_client, "Bench Press", primary_muscles=["chest"])
    row = exercise(user_client, "Barbell Row", primary_muscles=["back"])
    # 2. Build a workout template with them.
    response = user_client.post("/api/workouts/", {
        "name": "Upper Body",
        "is_template": True,
        "exercises": [
            {"exercise": bench["id"], "order": 1, "target_sets": 2, "target_reps_min": 8, "target_reps_max": 12},
            {"exercise": row["id"], "order": 2, "target_sets": 2, "target_reps_min": 8, "target_reps_max": 12},
        ],
    })
    assert response.status_code == 201, response.content
    workout = response.json()
    # 3. Plan a session.
    response = user_client.post(SESSIONS, {"workout": workout["id"], "status": "planned"})
    assert response.status_code == 201
    session = response.json()
    assert session["workout"] == {"id": workout["id"], "name": "Upper Body"} and session["status"] == "planned"
    # 4. Start it.
    started_body = action(user_client, session["id"], "start").json()
    assert started_body["status"] == "in_progress" and started_body["start_time"]
    # 5. Log all sets as they are done.
    sets = [
        {"workout_session": session["id"], "exercise": bench["id"], "set_number": 1, "reps": 12, "weight": 185},
        {"workout_session": session["id"], "exercise": bench["id"], "set_number": 2, "reps": 10, "weight": 185},
        {"workout_session": session["id"], "exercise": row["id"], "set_number": 1, "reps": 10, "weight": 135},
        {"workout_session": session["id"], "exercise": row["id"], "set_number": 2, "reps": 8, "weight": 135},
    ]
    response = user_client.post(BULK, {"logs": sets})
    assert response.status_code == 201 and response.json()["created"] == 4
    set_times_back = utcnow() - timedelta(minutes=45)
    WorkoutSession.objects(id=session["id"]).update_one(set__start_time=set_times_back)  # 45 minutes of training
    # 6. Complete it and record how it went.
    response = action(user_client, session["id"], "complete", {"rating": 4, "notes": "Great session!"})
    assert response.status_code == 200
    done = response.json()
    assert done["status"] == "completed" and (done["rating"], done["notes"]) == (4, "Great session!")
    assert done["actual_duration_minutes"] == 45
    assert done["total_volume"] == 185 * 22 + 135 * 18
    detail = user_client.get(f"{SESSIONS}{session['id']}/").json()
    assert [(s["exercise"]["name"], s["set_number"]) for s in detail["logs"]] == [
        ("Bench Press", 1), ("Bench Press", 2), ("Barbell Row", 1), ("Barbell Row", 2),
    ]
    # 7. View progress over time.
    today = utcnow().date().isoformat()
    response = user_client.get(LOGS, {"date_from": today})
    assert response.status_code == 200 and response.json()["count"] == 4
    assert user_client.get(LOGS, {"date_from": (utcnow().date() + timedelta(days=1)).isoformat()}).json()["count"] == 0
    stats = user_client.get(f"{SESSIONS}statistics/").json()
    assert stats["sessions_completed"] == 1 and stats["total_duration_minutes"] == 45
    assert stats["current_weekly_streak"] == 1
    progress = user_client.get(PROGRESS, {"exercise": bench["id"]}).json()
    assert progress == [{"date": today, "top_set_weight": 185.0, "best_e1rm": 259.0, "total_volume": 4070.0, "set_count": 2}]
    records_now = {r["exercise"]["name"]: r for r in user_client.get(RECORDS).json()}
    assert records_now["Bench Press"]["heaviest_weight"]["value"] == 185
    assert records_now["Barbell Row"]["most_reps"]["value"] == 10


def test_bulk_sets_update_records_as_a_recount_would(user_client, session, bench):
    logged(user_client, session["id"], bench["id"], 1, reps=5, weight=100, completed_at="2025-01-01T10:00:00")
    body = user_client.post(BULK, {"logs": [
        item(session["id"], bench["id"], 2, reps=3, weight=105, completed_at="2025-01-02T10:00:00"),
        item(session["id"], bench["id"], 3, reps=10, weight=70, completed_at="2025-01-02T10:05:00"),
        item(session["id"], bench["id"], 4, reps=10, weight=70, completed_at="2025-01-02T10:01:00"),
        item(session["id"], bench["id"], 5, reps=1, weight=200, set_type="warmup"),
    ]}).json()
    ids = [r["id"] for r in body["results"]]
    incremental = user_client.get(RECORDS).json()
    summary = {name: (incremental[0][name]["value"], incremental[0][name]["log_id"])
               for name in ("heaviest_weight", "most_reps", "best_set_volume", "best_e1rm")}
    assert summary["heaviest_weight"] == (105, ids[0])
    assert summary["most_reps"] == (10, ids[2]) and summary["best_set_volume"] == (700, ids[2])  # the earlier of two
    assert summary["best_e1rm"][0] == 116.67  # 5 x 100 from before still leads
    records.recompute(user_client.user["id"], ObjectId(bench["id"]))
    assert user_client.get(RECORDS).json() == incremental


def test_a_set_is_kept_when_live_delivery_fails(user_client, session, bench, monkeypatch, caplog):
    """Live events follow a write that already succeeded: a channel layer that is down costs the
    watchers an event, never the athlete their set."""
    from channels.layers import get_channel_layer

    async def broken(group, message):
        raise ConnectionError("the channel layer is down")

    monkeypatch.setattr(get_channel_layer(), "group_send", broken)
    response = user_client.post(LOGS, item(session["id"], bench["id"], 1))
    assert response.status_code == 201
    assert ExerciseLog.objects(id=response.json()["id"]).count() == 1
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("could not publish")]
    assert f"could not publish set.logged, record.new, record.new, record.new, record.new, rest.started to session.{session['id']}" in failures


def test_a_set_that_beats_no_record_costs_no_record_writes(user_client, session, bench, monkeypatch):
    """Logging a set writes the set, then adds to its session's volume and starts the rest timer in
    one write; on the embedded store both reach the disk as one fsynced journal record, with the
    records the set beats when it beats some. A set that beats no record sends no record update at
    all: each would be a round trip to MongoDB for nothing, and most sets beat nothing."""
    from mongoengine.queryset.base import BaseQuerySet

    logged(user_client, session["id"], bench["id"], 1, reps=10, weight=100)  # the records to beat
    frames = journal_records(monkeypatch)
    record_updates = []
    real_update = BaseQuerySet.update

    def counting_update(self, *args, **kwargs):
        if self._document is PersonalRecord:
            record_updates.append(kwargs)
        return real_update(self, *args, **kwargs)

    monkeypatch.setattr(BaseQuerySet, "update", counting_update)
    logged(user_client, session["id"], bench["id"], 2, reps=8, weight=90)
    assert (len(frames), record_updates) == (1, [])
    stored = WorkoutSession.objects.get(id=session["id"])
    assert stored.total_volume == 10 * 100 + 8 * 90 and stored.rest_ends_at is not None
    logged(user_client, session["id"], bench["id"], 3, reps=10, weight=110)  # a new heaviest, volume, e1RM
    assert (len(frames), len(record_updates)) == (2, 3)
    assert PersonalRecord.objects.get(user_id=session["user_id"]).heaviest_weight.value == 110
