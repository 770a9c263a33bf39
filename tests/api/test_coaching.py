"""Coaching grants: athletes grant and revoke; coaches see who granted them."""

import pytest

from backend.coaching.models import CoachGrant
from tests.conftest import register


@pytest.fixture
def coach():
    client, user = register("coach-kim")
    client.user = user
    return client


def test_grant_list_and_revoke(user_client, coach):
    response = user_client.post("/api/coaching/coaches/", {"username": "coach-kim"})
    assert response.status_code == 201
    assert response.json()["username"] == "coach-kim" and response.json()["granted_at"]
    again = user_client.post("/api/coaching/coaches/", {"username": "COACH-KIM"})
    assert again.status_code == 200  # granting twice changes nothing
    assert CoachGrant.objects.count() == 1

    assert [c["username"] for c in user_client.get("/api/coaching/coaches/").json()] == ["coach-kim"]
    athletes = coach.get("/api/coaching/athletes/").json()
    assert [a["username"] for a in athletes] == [user_client.user["username"]]
    assert coach.get("/api/coaching/coaches/").json() == []

    assert user_client.delete("/api/coaching/coaches/coach-kim/").status_code == 204
    assert coach.get("/api/coaching/athletes/").json() == []
    assert user_client.delete("/api/coaching/coaches/coach-kim/").status_code == 404


@pytest.mark.parametrize("username, message", [("nobody-here", "No user"), ("self", "own coach"), ("", None)])
def test_invalid_grants_are_refused(user_client, username, message):
    if username == "self":
        username = user_client.user["username"]
    response = user_client.post("/api/coaching/coaches/", {"username": username})
    assert response.status_code == 400
    assert "username" in response.json()["errors"]
    if message:
        assert message in response.json()["detail"]
    assert CoachGrant.objects.count() == 0


def test_only_the_athlete_can_revoke(user_client, coach, other_client):
    user_client.post("/api/coaching/coaches/", {"username": "coach-kim"})
    # another user revoking "their" coach-kim touches nothing of ours
    assert other_client.delete("/api/coaching/coaches/coach-kim/").status_code == 404
    assert CoachGrant.objects.count() == 1


def test_coaching_needs_a_token(anon):
    assert anon.get("/api/coaching/coaches/").status_code == 401
    assert anon.post("/api/coaching/coaches/", {"username": "x"}).status_code == 401
    assert anon.get("/api/coaching/athletes/").status_code == 401


# --- what a coach may read -------------------------------------------------------------------------

from datetime import timedelta  # noqa: E402

from backend.training.documents import Exercise, ExerciseLog, Workout, WorkoutSession, utcnow  # noqa: E402


@pytest.fixture
def athlete_data(user_client):
    bench = Exercise(name="Bench", category="strength", is_custom=False).save()
    workout = Workout(name="Push", created_by_user_id=user_client.user["id"]).save()
    now = utcnow()
    sessions = []
    for days_ago, status in ((1, "completed"), (3, "planned"), (10, "completed"), (20, "cancelled"), (60, "completed"), (120, "completed")):
        sessions.append(
            WorkoutSession(user_id=user_client.user["id"], workout=workout, status=status, session_date=now - timedelta(days=days_ago)).save()
        )
    ExerciseLog(workout_session=sessions[0], exercise=bench, user_id=user_client.user["id"], set_number=1, reps=5, weight=100).save()
    return sessions


def test_a_granted_coach_reads_sessions_sets_and_compliance(user_client, coach, athlete_data):
    user_client.post("/api/coaching/coaches/", {"username": "coach-kim"})
    athlete = user_client.user["username"]
    listing = coach.get(f"/api/coaching/athletes/{athlete}/sessions/")
    assert listing.status_code == 200 and listing.json()["count"] == 6
    completed = coach.get(f"/api/coaching/athletes/{athlete}/sessions/", {"status": "completed"}).json()
    assert completed["count"] == 4
    detail = coach.get(f"/api/coaching/athletes/{athlete}/sessions/{athlete_data[0].id}/")
    assert detail.status_code == 200
    assert [log["weight"] for log in detail.json()["logs"]] == [100]

    compliance = coach.get(f"/api/coaching/athletes/{athlete}/compliance/").json()
    assert compliance["athlete"] == athlete
    assert compliance["windows"] == [
        {"days": 7, "planned": 2, "completed": 1, "rate": 0.5},
        {"days": 30, "planned": 4, "completed": 2, "rate": 0.5},
        {"days": 90, "planned": 5, "completed": 3, "rate": 0.6},
    ]


def test_coaches_can_never_write_athlete_data(user_client, coach, athlete_data):
    user_client.post("/api/coaching/coaches/", {"username": "coach-kim"})
    session_id = str(athlete_data[1].id)
    assert coach.patch(f"/api/workout-sessions/{session_id}/", {"notes": "coach was here"}).status_code == 404
    assert coach.post(f"/api/workout-sessions/{session_id}/start/").status_code == 404
    assert coach.delete(f"/api/workout-sessions/{session_id}/").status_code == 404
    log_id = str(ExerciseLog.objects.first().id)
    assert coach.delete(f"/api/exercise-logs/{log_id}/").status_code == 404
    assert coach.post(
        "/api/exercise-logs/", {"workout_session": session_id, "exercise": str(Exercise.objects.first().id), "set_number": 1, "reps": 1}
    ).status_code == 400
    assert WorkoutSession.objects.get(id=session_id).status == "planned"
    assert ExerciseLog.objects.count() == 1


@pytest.mark.parametrize("path", ["sessions/", "compliance/", "sessions/{sid}/"])
def test_without_a_grant_everything_is_404(user_client, coach, other_client, athlete_data, path):
    athlete = user_client.user["username"]
    url = f"/api/coaching/athletes/{athlete}/" + path.format(sid=athlete_data[0].id)
    assert coach.get(url).status_code == 404  # never granted
    user_client.post("/api/coaching/coaches/", {"username": "coach-kim"})
    assert coach.get(url).status_code == 200
    assert other_client.get(url).status_code == 404  # a grant to someone else is not a grant
    user_client.delete("/api/coaching/coaches/coach-kim/")
    assert coach.get(url).status_code == 404  # revoked at once
    assert coach.get("/api/coaching/athletes/no-such-user/" + path.format(sid=athlete_data[0].id)).status_code == 404


def test_a_coach_sees_only_the_granting_athletes_sessions(user_client, coach, other_client, athlete_data):
    user_client.post("/api/coaching/coaches/", {"username": "coach-kim"})
    other_session = WorkoutSession(
        user_id=other_client.user["id"], workout=Workout.objects.first(), session_date=utcnow()
    ).save()
    athlete = user_client.user["username"]
    assert coach.get(f"/api/coaching/athletes/{athlete}/sessions/{other_session.id}/").status_code == 404
