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
