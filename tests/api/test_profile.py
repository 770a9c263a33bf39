"""GET/PUT/PATCH /api/auth/profile/."""

from datetime import date, timedelta

import pytest

from backend.training.documents import UserProfile


def test_a_new_profile_is_empty_but_complete(user_client):
    body = user_client.get("/api/auth/profile/").json()
    assert body["username"] == user_client.user["username"]
    assert body["email"] == user_client.user["email"]
    assert {k: body[k] for k in ("bio", "height", "weight", "date_of_birth", "fitness_goal", "experience_level")} == {
        "bio": None, "height": None, "weight": None, "date_of_birth": None, "fitness_goal": None, "experience_level": None
    }
    assert body["preferred_workout_types"] == []
    assert body["created_at"] and body["updated_at"]


FULL = {
    "bio": "Powerlifter in training",
    "height": 180.5,
    "weight": 82.3,
    "date_of_birth": "1990-05-17",
    "fitness_goal": "muscle_gain",
    "experience_level": "intermediate",
    "preferred_workout_types": ["strength", "powerlifting"],
}


def test_put_replaces_and_patch_updates(user_client):
    before = user_client.get("/api/auth/profile/").json()
    put = user_client.put("/api/auth/profile/", FULL)
    assert put.status_code == 200
    body = put.json()
    assert {k: body[k] for k in FULL} == FULL
    assert body["updated_at"] >= before["updated_at"]

    patch = user_client.patch("/api/auth/profile/", {"weight": 80, "email": "new@example.com"})
    assert patch.status_code == 200
    body = patch.json()
    assert body["weight"] == 80 and body["bio"] == FULL["bio"] and body["email"] == "new@example.com"

    put_again = user_client.put("/api/auth/profile/", {"bio": "Runner"}).json()
    assert put_again["bio"] == "Runner" and put_again["weight"] is None and put_again["preferred_workout_types"] == []
    assert put_again["email"] == "new@example.com"  # email is only changed when sent
    assert user_client.get("/api/auth/profile/").json() == put_again


def test_patch_with_null_clears_a_field(user_client):
    user_client.put("/api/auth/profile/", FULL)
    assert user_client.patch("/api/auth/profile/", {"bio": None}).json()["bio"] is None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"fitness_goal": "get_huge"}, "fitness_goal"),
        ({"experience_level": "god"}, "experience_level"),
        ({"date_of_birth": (date.today() + timedelta(days=1)).isoformat()}, "date_of_birth"),
        ({"date_of_birth": date.today().isoformat()}, "date_of_birth"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"date_of_birth": "17/05/1990"}, "date_of_birth"),
        ({"height": 0}, "height"),
        ({"height": -5}, "height"),
        ({"height": 1000}, "height"),
        ({"weight": "heavy"}, "weight"),
        ({"bio": "x" * 501}, "bio"),
        ({"preferred_workout_types": "strength"}, "preferred_workout_types"),
        ({"preferred_workout_types": ["x" * 51]}, "preferred_workout_types"),
        ({"preferred_workout_types": ["ok"] * 21}, "preferred_workout_types"),
        ({"email": "nope"}, "email"),
    ],
)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_invalid_values_are_refused_and_nothing_changes(user_client, change, field, method):
    user_client.put("/api/auth/profile/", FULL)
    before = user_client.get("/api/auth/profile/").json()
    response = getattr(user_client, method)("/api/auth/profile/", {**FULL, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert user_client.get("/api/auth/profile/").json() == before


def test_profiles_are_private(user_client, other_client):
    user_client.put("/api/auth/profile/", FULL)
    theirs = other_client.get("/api/auth/profile/").json()
    assert theirs["username"] == other_client.user["username"] and theirs["bio"] is None


def test_profile_is_recreated_if_missing(user_client):
    UserProfile.objects(user_id=user_client.user["id"]).delete()
    assert user_client.get("/api/auth/profile/").status_code == 200
    assert UserProfile.objects(user_id=user_client.user["id"]).count() == 1
