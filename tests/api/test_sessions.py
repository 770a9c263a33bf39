"""Workout sessions: planning, the lifecycle actions, editing, filters, statistics, permissions."""

from datetime import datetime, timedelta

import pytest

from backend.training.documents import Exercise, ExerciseLog, Workout, WorkoutExercise, WorkoutSession, utcnow

SESSIONS = "/api/workout-sessions/"
LOGS = "/api/exercise-logs/"


# --- helpers (test_logs.py uses them too) -------------------------------------------------------------

def exercise(client, name="Bench Press", **extra) -> dict:
    response = client.post("/api/exercises/", {"name": name, "category": "strength", **extra})
    assert response.status_code == 201, response.content
    return response.json()


def library_exercise(name="Back Squat") -> Exercise:
    return Exercise(name=name, category="strength", is_custom=False).save()


def workout_doc(owner_id: int, name="Push Day", exercises=(), is_public=False) -> Workout:
    """A workout stored directly, so session tests do not depend on the workouts endpoints (the
    end-to-end walk in test_logs.py builds its workout through POST /api/workouts/)."""
    entries = [WorkoutExercise(exercise=Exercise.objects.get(id=e), order=i + 1) for i, e in enumerate(exercises)]
    return Workout(
        name=name, created_by_user_id=owner_id, exercises=entries, total_exercises=len(entries), is_public=is_public
    ).save()


def plan(client, workout=None, **extra) -> dict:
    workout = workout or workout_doc(client.user["id"])
    response = client.post(SESSIONS, {"workout": str(workout.id), **extra})
    assert response.status_code == 201, response.content
    return response.json()


def action(client, session_id: str, name: str, body=None):
    """POSTs an action; without a body it sends none at all, as a browser's fetch() does."""
    url = f"{SESSIONS}{session_id}/{name}/"
    return client.post(url, body) if body is not None else client.post(url, raw="")


def started(client, workout=None) -> dict:
    session = plan(client, workout)
    response = action(client, session["id"], "start")
    assert response.status_code == 200, response.content
    return response.json()


def in_state(client, state: str) -> dict:
    session = plan(client)
    steps = {
        "planned": [],
        "in_progress": ["start"],
        "paused": ["start", "pause"],
        "completed": ["start", "complete"],
        "cancelled": ["cancel"],
    }[state]
    for step in steps:
        assert action(client, session["id"], step).status_code == 200
    return client.get(f"{SESSIONS}{session['id']}/").json()


def set_times(session_id: str, **minutes_ago: float) -> None:
    """Moves stored times into the past, as if that much time had passed (no sleeping)."""
    now = utcnow()
    WorkoutSession.objects(id=session_id).update_one(
        **{f"set__{field}": now - timedelta(minutes=m) for field, m in minutes_ago.items()}
    )


def parse(value: str) -> datetime:
    """An API timestamp (UTC, with a Z) as the naive UTC datetime the documents hold."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def unchanged(before: dict, after: dict) -> bool:
    """Equal apart from elapsed_seconds, which keeps counting while a session runs."""
    return {**before, "elapsed_seconds": 0} == {**after, "elapsed_seconds": 0}


def completed_on(user_id: int, when: datetime, workout=None, **fields) -> WorkoutSession:
    workout = workout or workout_doc(user_id)
    return WorkoutSession(
        user_id=user_id, workout=workout, status=fields.pop("status", "completed"), session_date=when,
        start_time=when, end_time=when + timedelta(minutes=fields.get("actual_duration_minutes") or 30), **fields,
    ).save()


# --- creating ----------------------------------------------------------------------------------------

def test_planning_a_session_returns_every_field(user_client):
    workout = workout_doc(user_client.user["id"], name="Push Day")
    before = utcnow()
    response = user_client.post(SESSIONS, {"workout": str(workout.id), "status": "planned", "notes": "easy week"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id", "user_id", "workout", "status", "session_date", "start_time", "end_time", "actual_duration_minutes",
        "notes", "rating", "calories_burned", "total_volume", "paused_at", "paused_seconds", "elapsed_seconds",
        "client_id", "created_at", "updated_at",
    }
    assert body["workout"] == {"id": str(workout.id), "name": "Push Day"}
    assert body["status"] == "planned" and body["user_id"] == user_client.user["id"]
    assert body["start_time"] is None and body["end_time"] is None and body["actual_duration_minutes"] is None
    assert body["total_volume"] == 0 and body["elapsed_seconds"] == 0 and body["paused_seconds"] == 0
    assert body["notes"] == "easy week" and body["client_id"] is None
    assert before <= parse(body["session_date"]) <= utcnow()

    detail = user_client.get(f"{SESSIONS}{body['id']}/").json()
    assert detail["logs"] == [] and {k: detail[k] for k in body} == body


def test_a_session_date_may_be_given_and_is_stored_as_utc(user_client):
    body = plan(user_client, session_date="2025-01-15T10:30:00+02:00")
    assert body["session_date"] == "2025-01-15T08:30:00Z"
    assert plan(user_client, session_date="2025-01-15T10:30:00")["session_date"] == "2025-01-15T10:30:00Z"


def test_creating_in_progress_starts_the_session_now(user_client):
    before = utcnow()
    body = plan(user_client, status="in_progress", session_date="2020-01-01T00:00:00")
    assert body["status"] == "in_progress"
    assert before <= parse(body["start_time"]) <= utcnow()
    assert body["session_date"] == body["start_time"]


@pytest.mark.parametrize("status", ["completed", "cancelled", "paused", ""])
def test_a_new_session_is_planned_or_in_progress_only(user_client, status):
    workout = workout_doc(user_client.user["id"])
    response = user_client.post(SESSIONS, {"workout": str(workout.id), "status": status})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert WorkoutSession.objects.count() == 0


def test_the_workout_must_be_yours_or_public(user_client, other_client):
    mine = workout_doc(user_client.user["id"])
    theirs_public = workout_doc(other_client.user["id"], is_public=True)
    theirs_private = workout_doc(other_client.user["id"])
    assert user_client.post(SESSIONS, {"workout": str(mine.id)}).status_code == 201
    assert user_client.post(SESSIONS, {"workout": str(theirs_public.id)}).status_code == 201
    for workout_id in (str(theirs_private.id), "507f1f77bcf86cd799439011"):
        response = user_client.post(SESSIONS, {"workout": workout_id})
        assert response.status_code == 400
        assert response.json()["errors"]["workout"] == [
            f"Workout '{workout_id}' does not exist or is not visible to you."
        ]
    for bad in ("not-an-id", 12, None):
        response = user_client.post(SESSIONS, {"workout": bad})
        assert response.status_code == 400 and "workout" in response.json()["errors"]
    assert user_client.post(SESSIONS, {}).json()["errors"].keys() == {"workout"}
    assert WorkoutSession.objects.count() == 2


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"notes": "x" * 5001}, "notes"),
        ({"session_date": "tomorrow"}, "session_date"),
        ({"client_id": "not-a-uuid"}, "client_id"),
    ],
)
def test_invalid_session_fields_are_named(user_client, payload, field):
    workout = workout_doc(user_client.user["id"])
    response = user_client.post(SESSIONS, {"workout": str(workout.id), **payload})
    assert response.status_code == 400 and field in response.json()["errors"]
    assert WorkoutSession.objects.count() == 0


def test_a_repeated_client_id_returns_the_same_session(user_client, other_client):
    workout = workout_doc(user_client.user["id"], is_public=True)
    client_id = "3f1c2b9e-8f7a-4c1d-9b2e-5a6d7c8e9f01"
    first = user_client.post(SESSIONS, {"workout": str(workout.id), "client_id": client_id, "notes": "first"})
    assert first.status_code == 201 and first.json()["client_id"] == client_id
    again = user_client.post(SESSIONS, {"workout": str(workout.id), "client_id": client_id.upper(), "notes": "again"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["notes"] == "first"
    assert WorkoutSession.objects(user_id=user_client.user["id"]).count() == 1
    # Client ids are per user: another user's offline client may pick the same one.
    theirs = other_client.post(SESSIONS, {"workout": str(workout.id), "client_id": client_id})
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]


def test_a_client_id_race_returns_the_session_the_other_request_saved(user_client, monkeypatch):
    from backend.training.services import sessions as service

    workout = workout_doc(user_client.user["id"])
    client_id = "0b7e2a55-1c7d-4c38-a0f5-2b1e6f0a9c11"
    winner = WorkoutSession(user_id=user_client.user["id"], workout=workout, client_id=client_id).save()
    real = service.WorkoutSession.objects
    lookups = []

    class FirstLookupMisses:
        """The lookup before saving runs before the other request's save becomes visible."""

        def __call__(self, *args, **kwargs):
            queryset = real(*args, **kwargs)
            if kwargs.get("client_id") and not lookups:
                lookups.append(1)
                return real(id=None)
            return queryset

    monkeypatch.setattr(service.WorkoutSession, "objects", FirstLookupMisses())
    response = user_client.post(SESSIONS, {"workout": str(workout.id), "client_id": client_id})
    monkeypatch.undo()
    assert lookups and response.status_code == 200 and response.json()["id"] == str(winner.id)
    assert WorkoutSession.objects.count() == 1


# --- reading and filtering ----------------------------------------------------------------------------

def test_list_is_slim_newest_first_and_only_yours(user_client, other_client):
    uid = user_client.user["id"]
    workout = workout_doc(uid, name="Legs")
    old = completed_on(uid, datetime(2025, 1, 1, 9), workout, total_volume=1000, rating=3, actual_duration_minutes=40)
    new = completed_on(uid, datetime(2025, 2, 1, 9), workout)
    plan(other_client)
    body = user_client.get(SESSIONS).json()
    assert body["count"] == 2 and [s["id"] for s in body["results"]] == [str(new.id), str(old.id)]
    assert body["results"][1] == {
        "id": str(old.id),
        "workout": {"id": str(workout.id), "name": "Legs"},
        "status": "completed",
        "session_date": "2025-01-01T09:00:00Z",
        "start_time": "2025-01-01T09:00:00Z",
        "end_time": "2025-01-01T09:40:00Z",
        "actual_duration_minutes": 40,
        "total_volume": 1000.0,
        "rating": 3,
    }


def test_list_filters(user_client):
    uid = user_client.user["id"]
    push, pull = workout_doc(uid, name="Push"), workout_doc(uid, name="Pull")
    a = completed_on(uid, datetime(2025, 1, 10, 0, 0), push)
    b = completed_on(uid, datetime(2025, 1, 20, 23, 59, 59), pull)
    c = completed_on(uid, datetime(2025, 1, 21, 0, 0), push, status="cancelled")
    d = completed_on(uid, datetime(2025, 1, 9, 23, 59, 59), pull, status="planned")

    def ids(**params):
        response = user_client.get(SESSIONS, params)
        assert response.status_code == 200, response.content
        return {s["id"] for s in response.json()["results"]}

    assert ids() == {str(x.id) for x in (a, b, c, d)}
    assert ids(status="completed") == {str(a.id), str(b.id)}
    assert ids(status="planned") == {str(d.id)}
    assert ids(workout=str(push.id)) == {str(a.id), str(c.id)}
    assert ids(workout=str(pull.id), status="completed") == {str(b.id)}
    assert ids(date_from="2025-01-10") == {str(a.id), str(b.id), str(c.id)}
    assert ids(date_to="2025-01-20") == {str(a.id), str(b.id), str(d.id)}  # the whole last day counts
    assert ids(date_from="2025-01-10", date_to="2025-01-20") == {str(a.id), str(b.id)}
    assert ids(date_from="2025-01-21", date_to="2025-01-21") == {str(c.id)}
    assert ids(workout="507f1f77bcf86cd799439011") == set()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_from": "2025-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-31"}, "date_to"),
        ({"status": "paused"}, "status"),
        ({"workout": "nope"}, "workout"),
    ],
)
def test_bad_list_filters_are_400(user_client, params, field):
    response = user_client.get(SESSIONS, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_detail_lists_the_sets_by_exercise_in_workout_order_then_set_number(user_client):
    bench, squat, curl = (exercise(user_client, n) for n in ("Bench Press", "Back Squat", "Curl"))
    workout = workout_doc(user_client.user["id"], exercises=[squat["id"], bench["id"]])
    session = started(user_client, workout)
    order = [(curl, 1), (bench, 2), (squat, 1), (bench, 1), (squat, 2), (curl, 2)]
    for ex, set_number in order:
        response = user_client.post(
            LOGS, {"workout_session": session["id"], "exercise": ex["id"], "set_number": set_number, "reps": 5}
        )
        assert response.status_code == 201
    logs = user_client.get(f"{SESSIONS}{session['id']}/").json()["logs"]
    assert [(log["exercise"]["name"], log["set_number"]) for log in logs] == [
        ("Back Squat", 1), ("Back Squat", 2), ("Bench Press", 1), ("Bench Press", 2), ("Curl", 1), ("Curl", 2),
    ]
    assert logs[0]["exercise"] == {"id": squat["id"], "name": "Back Squat", "category": "strength"}
    assert "logs" not in user_client.get(SESSIONS).json()["results"][0]
    assert "logs" not in action(user_client, session["id"], "pause").json()


# --- editing ------------------------------------------------------------------------------------------

def test_patch_changes_only_what_is_sent(user_client):
    session = plan(user_client, notes="before")
    response = user_client.patch(
        f"{SESSIONS}{session['id']}/", {"rating": 5, "calories_burned": 450, "session_date": "2025-03-01T07:00:00Z"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["rating"], body["calories_burned"], body["session_date"], body["notes"]) == (
        5, 450, "2025-03-01T07:00:00Z", "before",
    )
    assert body["updated_at"] >= session["updated_at"]
    assert user_client.patch(f"{SESSIONS}{session['id']}/", {"rating": None}).json()["rating"] is None
    stored = WorkoutSession.objects.get(id=session["id"])
    assert (stored.rating, stored.calories_burned, stored.notes) == (None, 450, "before")


def test_put_replaces_the_editable_fields_and_accepts_what_get_returned(user_client):
    session = in_state(user_client, "completed")
    url = f"{SESSIONS}{session['id']}/"
    assert user_client.patch(url, {"rating": 4, "notes": "good", "calories_burned": 300}).status_code == 200
    # A client sending back exactly what it read (status and times unchanged) is fine.
    echoed = user_client.get(url).json()
    echoed["notes"] = "edited"
    response = user_client.put(url, echoed)
    assert response.status_code == 200 and response.json()["notes"] == "edited"
    # PUT clears what it omits (the date is kept: a session always has one).
    response = user_client.put(url, {"notes": "only notes"})
    assert response.status_code == 200
    body = response.json()
    assert (body["notes"], body["rating"], body["calories_burned"]) == ("only notes", None, None)
    assert body["session_date"] == session["session_date"] and body["status"] == "completed"


@pytest.mark.parametrize(
    "state, payload, field, hint",
    [
        ("planned", {"status": "in_progress"}, "status", "/start/"),
        ("in_progress", {"status": "completed"}, "status", "/complete/"),
        ("planned", {"status": "cancelled"}, "status", "/cancel/"),
        ("in_progress", {"status": "planned"}, "status", "cannot go back to planned"),
        ("in_progress", {"start_time": "2020-01-01T00:00:00"}, "start_time", "/start/"),
        ("completed", {"end_time": "2020-01-01T00:00:00"}, "end_time", "/complete/"),
        ("planned", {"rating": 0}, "rating", ""),
        ("planned", {"rating": 6}, "rating", ""),
        ("planned", {"calories_burned": -1}, "calories_burned", ""),
        ("planned", {"calories_burned": 20001}, "calories_burned", ""),
        ("planned", {"notes": "x" * 5001}, "notes", ""),
        ("planned", {"session_date": "soon"}, "session_date", ""),
    ],
)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_edits_that_are_refused(user_client, state, payload, field, hint, method):
    session = in_state(user_client, state)
    url = f"{SESSIONS}{session['id']}/"
    response = getattr(user_client, method)(url, payload)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and hint in body["detail"]
    assert unchanged(session, user_client.get(url).json())


# --- the lifecycle ------------------------------------------------------------------------------------

TRANSITIONS = [
    ("planned", "start", "in_progress"),
    ("planned", "pause", "Only in-progress sessions can be paused; this one is planned."),
    ("planned", "resume", "Only paused sessions can be resumed; this one is planned."),
    ("planned", "complete", "Only in-progress sessions can be completed; this one is planned. Start it first."),
    ("planned", "cancel", "cancelled"),
    ("in_progress", "start", "Only planned sessions can be started; this one is in progress."),
    ("in_progress", "pause", "in_progress"),
    ("in_progress", "resume", "This session is not paused."),
    ("in_progress", "complete", "completed"),
    ("in_progress", "cancel", "cancelled"),
    ("paused", "start", "Only planned sessions can be started; this one is in progress."),
    ("paused", "pause", "This session is already paused; resume it first."),
    ("paused", "resume", "in_progress"),
    ("paused", "complete", "completed"),
    ("paused", "cancel", "cancelled"),
    ("completed", "start", "Only planned sessions can be started; this one is completed."),
    ("completed", "pause", "Only in-progress sessions can be paused; this one is completed."),
    ("completed", "resume", "Only paused sessions can be resumed; this one is completed."),
    ("completed", "complete", "Only in-progress sessions can be completed; this one is completed."),
    ("completed", "cancel", "Only planned or in-progress sessions can be cancelled; this one is completed."),
    ("cancelled", "start", "Only planned sessions can be started; this one is cancelled."),
    ("cancelled", "pause", "Only in-progress sessions can be paused; this one is cancelled."),
    ("cancelled", "resume", "Only paused sessions can be resumed; this one is cancelled."),
    ("cancelled", "complete", "Only in-progress sessions can be completed; this one is cancelled."),
    ("cancelled", "cancel", "Only planned or in-progress sessions can be cancelled; this one is cancelled."),
]


@pytest.mark.parametrize("state, name, outcome", TRANSITIONS)
def test_every_transition(user_client, state, name, outcome):
    session = in_state(user_client, state)
    url = f"{SESSIONS}{session['id']}/"
    response = action(user_client, session["id"], name)
    if outcome in ("in_progress", "completed", "cancelled"):
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == outcome
        assert body["paused_at"] is None if name != "pause" else body["paused_at"] is not None
        assert user_client.get(url).json()["status"] == outcome
        if body["end_time"] is not None:
            assert parse(body["end_time"]) > parse(body["start_time"])
    else:
        assert response.status_code == 400
        assert response.json()["detail"] == outcome
        assert unchanged(session, user_client.get(url).json())


def test_start_sets_the_start_time_and_moves_the_session_date_to_it(user_client):
    session = plan(user_client, session_date="2030-06-01T18:00:00Z")
    before = utcnow()
    body = action(user_client, session["id"], "start").json()
    assert before <= parse(body["start_time"]) <= utcnow()
    assert body["session_date"] == body["start_time"] and body["end_time"] is None


def test_pauses_do_not_count_towards_the_duration(user_client):
    session = started(user_client)
    sid, url = session["id"], f"{SESSIONS}{session['id']}/"
    set_times(sid, start_time=60)
    assert action(user_client, sid, "pause").status_code == 200
    set_times(sid, paused_at=20)  # the pause began 20 minutes ago
    paused = user_client.get(url).json()
    assert 40 * 60 - 1 <= paused["elapsed_seconds"] <= 40 * 60 + 1
    assert user_client.get(url).json()["elapsed_seconds"] == paused["elapsed_seconds"]  # frozen while paused

    resumed = action(user_client, sid, "resume").json()
    assert resumed["paused_at"] is None and 20 * 60 - 1 <= resumed["paused_seconds"] <= 20 * 60 + 1
    assert 40 * 60 - 1 <= resumed["elapsed_seconds"] <= 40 * 60 + 1

    assert action(user_client, sid, "pause").status_code == 200
    set_times(sid, paused_at=5)
    assert action(user_client, sid, "resume").status_code == 200
    done = action(user_client, sid, "complete").json()
    assert done["status"] == "completed" and done["actual_duration_minutes"] == 35
    assert 25 * 60 - 1 <= done["paused_seconds"] <= 25 * 60 + 1
    assert 35 * 60 - 1 <= done["elapsed_seconds"] <= 35 * 60 + 1


def test_elapsed_time_counts_while_running_and_is_final_once_completed(user_client, monkeypatch):
    from backend.training.services import sessions as service

    running, done = started(user_client), started(user_client)
    set_times(running["id"], start_time=10)
    set_times(done["id"], start_time=10)
    done = action(user_client, done["id"], "complete").json()
    now = running_before = user_client.get(f"{SESSIONS}{running['id']}/").json()["elapsed_seconds"]
    assert 599 <= now <= 601 and 599 <= done["elapsed_seconds"] <= 601
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    assert user_client.get(f"{SESSIONS}{running['id']}/").json()["elapsed_seconds"] >= running_before + 3600
    assert user_client.get(f"{SESSIONS}{done['id']}/").json()["elapsed_seconds"] == done["elapsed_seconds"]


def test_completing_a_paused_session_closes_the_pause(user_client):
    session = started(user_client)
    sid = session["id"]
    set_times(sid, start_time=50)
    action(user_client, sid, "pause")
    set_times(sid, paused_at=15)
    body = action(user_client, sid, "complete", {"rating": 4, "notes": "Great session!", "calories_burned": 320}).json()
    assert body["status"] == "completed" and body["paused_at"] is None
    assert 15 * 60 - 1 <= body["paused_seconds"] <= 15 * 60 + 1
    assert body["actual_duration_minutes"] == 35
    assert (body["rating"], body["notes"], body["calories_burned"]) == (4, "Great session!", 320)


@pytest.mark.parametrize("seconds, minutes", [(29 * 60 + 20, 29), (29 * 60 + 40, 30), (20, 0)])
def test_duration_is_rounded_to_the_nearest_minute(user_client, seconds, minutes):
    session = started(user_client)
    set_times(session["id"], start_time=seconds / 60)
    assert action(user_client, session["id"], "complete").json()["actual_duration_minutes"] == minutes


def test_end_time_is_always_after_start_time(user_client, monkeypatch):
    from backend.training.services import sessions as service

    frozen = datetime(2025, 5, 5, 12, 0, 0)
    monkeypatch.setattr(service, "utcnow", lambda: frozen)
    session = started(user_client)
    body = action(user_client, session["id"], "complete").json()
    assert parse(body["start_time"]) == frozen
    assert parse(body["end_time"]) == frozen + timedelta(milliseconds=1)
    assert body["actual_duration_minutes"] == 0


def test_complete_validates_its_body_and_recomputes_the_volume(user_client):
    bench = exercise(user_client)
    session = started(user_client)
    sid = session["id"]
    for reps, weight in ((10, 100), (8, 110)):
        user_client.post(LOGS, {"workout_session": sid, "exercise": bench["id"], "set_number": 1, "reps": reps, "weight": weight})
    WorkoutSession.objects(id=sid).update_one(set__total_volume=0)  # a stale total
    response = action(user_client, sid, "complete", {"rating": 9})
    assert response.status_code == 400 and "rating" in response.json()["errors"]
    assert user_client.get(f"{SESSIONS}{sid}/").json()["status"] == "in_progress"
    assert action(user_client, sid, "complete", {}).json()["total_volume"] == 10 * 100 + 8 * 110


def test_cancelling_a_running_session_ends_it_and_keeps_its_sets(user_client):
    bench = exercise(user_client)
    session = started(user_client)
    sid = session["id"]
    user_client.post(LOGS, {"workout_session": sid, "exercise": bench["id"], "set_number": 1, "reps": 5, "weight": 60})
    set_times(sid, start_time=10)
    action(user_client, sid, "pause")
    body = action(user_client, sid, "cancel").json()
    assert body["status"] == "cancelled" and body["paused_at"] is None
    assert parse(body["end_time"]) > parse(body["start_time"])
    assert body["actual_duration_minutes"] is None and body["total_volume"] == 300
    assert ExerciseLog.objects(workout_session=sid).count() == 1


def test_two_clients_racing_on_one_session_cannot_both_win(user_client, monkeypatch):
    from backend.training.services import sessions as service

    session = started(user_client)
    stale = WorkoutSession.objects.get(id=session["id"])
    assert action(user_client, session["id"], "cancel").status_code == 200
    # The second request read the session before the first one wrote.
    monkeypatch.setattr(service, "get_session", lambda user_id, session_id: stale)
    response = action(user_client, session["id"], "complete")
    assert response.status_code == 409 and "changed" in response.json()["detail"]
    monkeypatch.undo()
    assert user_client.get(f"{SESSIONS}{session['id']}/").json()["status"] == "cancelled"


# --- deleting -----------------------------------------------------------------------------------------

def test_deleting_a_session_deletes_its_sets(user_client):
    bench = exercise(user_client)
    keep, drop = started(user_client), started(user_client)
    for session in (keep, drop):
        user_client.post(LOGS, {"workout_session": session["id"], "exercise": bench["id"], "set_number": 1, "reps": 5})
    response = user_client.delete(f"{SESSIONS}{drop['id']}/")
    assert response.status_code == 204
    assert user_client.get(f"{SESSIONS}{drop['id']}/").status_code == 404
    assert ExerciseLog.objects(workout_session=drop["id"]).count() == 0
    assert ExerciseLog.objects(workout_session=keep["id"]).count() == 1


# --- statistics ---------------------------------------------------------------------------------------

def test_statistics_sum_completed_sessions_in_the_range(user_client, other_client):
    uid = user_client.user["id"]
    workout = workout_doc(uid)
    completed_on(uid, datetime(2025, 1, 10, 0, 0), workout, actual_duration_minutes=40, total_volume=1000.5, calories_burned=300)
    completed_on(uid, datetime(2025, 1, 20, 23, 59), workout, actual_duration_minutes=50, total_volume=2000, calories_burned=None)
    completed_on(uid, datetime(2025, 2, 5, 8, 0), workout, actual_duration_minutes=30, total_volume=500, calories_burned=200)
    for status in ("planned", "cancelled", "in_progress"):
        completed_on(uid, datetime(2025, 1, 15), workout, status=status, actual_duration_minutes=99, total_volume=9999, calories_burned=999)
    completed_on(other_client.user["id"], datetime(2025, 1, 15), actual_duration_minutes=77, total_volume=7777)

    def stats(**params):
        response = user_client.get(f"{SESSIONS}statistics/", params)
        assert response.status_code == 200, response.content
        body = response.json()
        return [body[k] for k in ("sessions_completed", "total_duration_minutes", "total_volume", "total_calories")]

    assert stats() == [3, 120, 3500.5, 500]
    assert stats(date_from="2025-01-10", date_to="2025-01-20") == [2, 90, 3000.5, 300]
    assert stats(date_from="2025-01-11") == [2, 80, 2500, 200]
    assert stats(date_to="2025-01-10") == [1, 40, 1000.5, 300]
    assert stats(date_from="2024-01-01", date_to="2024-12-31") == [0, 0, 0, 0]
    bad = user_client.get(f"{SESSIONS}statistics/", {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert bad.status_code == 400 and "date_to" in bad.json()["errors"]
    assert user_client.get(f"{SESSIONS}statistics/", {"date_from": "1 Jan"}).status_code == 400


def _week(weeks_ago: int) -> datetime:
    """A moment in the ISO week `weeks_ago` before this one (never in the future)."""
    today = utcnow().date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time())
    return monday if weeks_ago == 0 else monday - timedelta(weeks=weeks_ago) + timedelta(days=3)


@pytest.mark.parametrize(
    "weeks, streak",
    [
        ([], 0),
        ([0], 1),
        ([0, 0, 1, 2], 3),
        ([1, 2, 3], 3),  # nothing yet this week: the streak through last week still counts
        ([0, 2, 3], 1),
        ([2, 3], 0),
        ([0, 1, 3, 4, 5], 2),
    ],
)
def test_weekly_streak(user_client, other_client, weeks, streak):
    uid = user_client.user["id"]
    workout = workout_doc(uid)
    for weeks_ago in weeks:
        completed_on(uid, _week(weeks_ago), workout)
    # Sessions that were not completed, and other people's, do not count.
    for weeks_ago in (0, 1, 2, 3, 4, 5):
        completed_on(uid, _week(weeks_ago), workout, status="cancelled")
        completed_on(other_client.user["id"], _week(weeks_ago))
    body = user_client.get(f"{SESSIONS}statistics/").json()
    assert body["current_weekly_streak"] == streak
    # The streak is the current one whatever range the totals cover.
    ranged = user_client.get(f"{SESSIONS}statistics/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}).json()
    assert ranged["current_weekly_streak"] == streak and ranged["sessions_completed"] == 0


# --- permissions and documentation ----------------------------------------------------------------------

def test_other_users_sessions_are_404_everywhere(user_client, other_client):
    theirs = in_state(other_client, "in_progress")
    url = f"{SESSIONS}{theirs['id']}/"
    assert user_client.get(url).status_code == 404
    assert user_client.put(url, {"notes": "mine now"}).status_code == 404
    assert user_client.patch(url, {"notes": "mine now"}).status_code == 404
    for name in ("start", "pause", "resume", "complete", "cancel"):
        response = action(user_client, theirs["id"], name)
        assert response.status_code == 404 and response.json()["detail"] == "Workout session not found."
    assert user_client.delete(url).status_code == 404
    assert user_client.get(SESSIONS).json()["count"] == 0
    assert unchanged(theirs, other_client.get(url).json())


@pytest.mark.parametrize("bad_id", ["nope", "507f1f77bcf86cd799439011", "507f1f77bcf86cd79943901z", "x" * 24])
def test_unknown_or_malformed_ids_are_404(user_client, bad_id):
    url = f"{SESSIONS}{bad_id}/"
    assert user_client.get(url).status_code == 404
    assert user_client.patch(url, {"notes": "x"}).status_code == 404
    assert user_client.delete(url).status_code == 404
    assert action(user_client, bad_id, "start").status_code == 404


def test_anonymous_requests_are_401(anon):
    for method, path in [
        ("get", SESSIONS), ("post", SESSIONS), ("get", f"{SESSIONS}statistics/"),
        ("get", f"{SESSIONS}507f1f77bcf86cd799439011/"), ("post", f"{SESSIONS}507f1f77bcf86cd799439011/start/"),
        ("delete", f"{SESSIONS}507f1f77bcf86cd799439011/"),
    ]:
        response = getattr(anon, method)(path)
        assert response.status_code == 401, (method, path)


def test_openapi_documents_every_session_endpoint_and_its_errors(anon):
    paths = anon.get("/api/schema/").json()["paths"]
    sid = "/api/workout-sessions/{session_id}/"
    expected = {
        ("/api/workout-sessions/", "get"): {"200", "400", "401", "404"},
        ("/api/workout-sessions/", "post"): {"200", "201", "400", "401"},
        ("/api/workout-sessions/statistics/", "get"): {"200", "400", "401"},
        (sid, "get"): {"200", "401", "404"},
        (sid, "put"): {"200", "400", "401", "404"},
        (sid, "patch"): {"200", "400", "401", "404"},
        (sid, "delete"): {"204", "401", "404"},
    }
    for name in ("start", "pause", "resume", "complete", "cancel"):
        expected[(f"{sid}{name}/", "post")] = {"200", "400", "401", "404", "409"}
    for (path, method), codes in expected.items():
        assert set(paths[path][method]["responses"]) == codes, (path, method)
    detail = paths[sid]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert detail.endswith("SessionDetailOut")

