"""The exercise library: filters, custom exercises, permissions, seeding."""

import pytest
from django.core.management import call_command

from backend.training.documents import Exercise, ExerciseLog, Workout, WorkoutExercise
from backend.training.services.library import seed_exercises


def system(name, category="strength", **extra):
    return Exercise(name=name, category=category, is_custom=False, is_public=True, **extra).save()


CUSTOM = {
    "name": "Zercher Carry",
    "description": "Carry a bar in the crook of the elbows.",
    "category": "strength",
    "difficulty_level": "advanced",
    "primary_muscles": ["core", "back"],
    "secondary_muscles": ["arms", "core"],
    "equipment_needed": ["Barbell"],
    "instructions": ["Pick up the bar.", "Walk."],
    "video_url": "https://example.com/zercher",
}


def test_seed_loads_the_library_idempotently():
    first = seed_exercises()
    assert first.created >= 150 and first.updated == 0
    count = Exercise.objects(is_custom=False).count()
    again = seed_exercises()
    assert again.created == 0 and again.updated == 0 and again.unchanged == first.created
    assert Exercise.objects(is_custom=False).count() == count
    bench = Exercise.objects(name="Barbell Bench Press").first()
    assert bench and bench.instructions and bench.primary_muscles and "Bench Press (Barbell)" in bench.aliases


def test_seed_command_refreshes_changed_entries_and_leaves_custom_ones(user_client):
    call_command("seed_exercises")
    Exercise.objects(name="Back Squat").update_one(set__description="tampered")
    user_client.post("/api/exercises/", CUSTOM)
    call_command("seed_exercises")
    assert Exercise.objects.get(name="Back Squat").description != "tampered"
    assert Exercise.objects(name="Zercher Carry", is_custom=True).count() == 1


def test_create_a_custom_exercise_private_by_default(user_client, other_client):
    response = user_client.post("/api/exercises/", CUSTOM)
    assert response.status_code == 201
    body = response.json()
    assert body["is_custom"] is True and body["is_public"] is False
    assert body["created_by_user_id"] == user_client.user["id"]
    assert body["equipment_needed"] == ["barbell"]
    assert body["secondary_muscles"] == ["arms"]  # a primary muscle is not also secondary
    assert len(body["id"]) == 24
    assert user_client.get(f"/api/exercises/{body['id']}/").status_code == 200
    assert other_client.get(f"/api/exercises/{body['id']}/").status_code == 404
    assert other_client.get("/api/exercises/", {"search": "zercher"}).json()["count"] == 0


def test_public_custom_exercises_are_visible_but_read_only_to_others(user_client, other_client):
    exercise_id = user_client.post("/api/exercises/", {**CUSTOM, "is_public": True}).json()["id"]
    assert other_client.get(f"/api/exercises/{exercise_id}/").status_code == 200
    assert other_client.patch(f"/api/exercises/{exercise_id}/", {"name": "Mine now"}).status_code == 403
    assert other_client.put(f"/api/exercises/{exercise_id}/", CUSTOM).status_code == 403
    assert other_client.delete(f"/api/exercises/{exercise_id}/").status_code == 403
    assert Exercise.objects.get(id=exercise_id).name == "Zercher Carry"


def test_library_exercises_are_read_only(user_client):
    squat = system("Back Squat")
    for method, body in (("patch", {"name": "x"}), ("put", CUSTOM), ("delete", None)):
        response = getattr(user_client, method)(f"/api/exercises/{squat.id}/", *([body] if body else []))
        assert response.status_code == 403
        assert "read-only" in response.json()["detail"]
    assert Exercise.objects.get(id=squat.id).name == "Back Squat"


def test_the_creator_can_update_and_delete(user_client):
    exercise_id = user_client.post("/api/exercises/", CUSTOM).json()["id"]
    patched = user_client.patch(f"/api/exercises/{exercise_id}/", {"name": "Zercher Walk", "is_public": True})
    assert patched.status_code == 200 and patched.json()["name"] == "Zercher Walk" and patched.json()["is_public"]
    replaced = user_client.put(f"/api/exercises/{exercise_id}/", {"name": "Zercher", "category": "strength"})
    assert replaced.json()["description"] is None and replaced.json()["is_public"] is False
    assert user_client.delete(f"/api/exercises/{exercise_id}/").status_code == 204
    assert user_client.get(f"/api/exercises/{exercise_id}/").status_code == 404


def test_an_exercise_in_use_cannot_be_deleted(user_client):
    exercise_id = user_client.post("/api/exercises/", CUSTOM).json()["id"]
    exercise = Exercise.objects.get(id=exercise_id)
    Workout(name="W", created_by_user_id=user_client.user["id"], exercises=[WorkoutExercise(exercise=exercise, order=1)]).save()
    response = user_client.delete(f"/api/exercises/{exercise_id}/")
    assert response.status_code == 409 and "1 workout" in response.json()["detail"]
    assert Exercise.objects(id=exercise_id).count() == 1
    assert ExerciseLog.objects.count() == 0


@pytest.fixture
def library(user_client, other_client):
    system("Barbell Bench Press", difficulty_level="intermediate", primary_muscles=["chest"], secondary_muscles=["arms"], equipment_needed=["barbell", "bench"], aliases=["Bench Press (Barbell)"])
    system("Running", category="cardio", primary_muscles=["cardio"], secondary_muscles=["legs"])
    system("Plank", category="calisthenics", primary_muscles=["core"])
    system("Goblet Squat", difficulty_level="beginner", primary_muscles=["legs"], equipment_needed=["dumbbell"])
    user_client.post("/api/exercises/", {"name": "My Curl", "category": "strength", "primary_muscles": ["arms"], "equipment_needed": ["dumbbell"]})
    other_client.post("/api/exercises/", {"name": "Their Secret Press", "category": "strength", "primary_muscles": ["chest"]})


def names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["Barbell Bench Press", "Goblet Squat", "My Curl", "Plank", "Running"]),
        ({"category": "cardio"}, ["Running"]),
        ({"difficulty": "intermediate"}, ["Barbell Bench Press"]),
        ({"muscle_group": "arms"}, ["Barbell Bench Press", "My Curl"]),  # secondary counts
        ({"muscle_group": "legs"}, ["Goblet Squat", "Running"]),
        ({"equipment": "dumbbell"}, ["Goblet Squat", "My Curl"]),
        ({"custom_only": "true"}, ["My Curl"]),
        ({"search": "PRESS"}, ["Barbell Bench Press"]),
        ({"search": "bench press (barbell)"}, ["Barbell Bench Press"]),  # aliases match too
        ({"search": "a.*"}, []),  # user text is not a regular expression
        ({"category": "strength", "equipment": "barbell"}, ["Barbell Bench Press"]),
    ],
)
def test_filters(user_client, library, params, expected):
    assert names(user_client.get("/api/exercises/", params)) == expected


def test_list_is_slim_and_paginated(user_client):
    for i in range(25):
        system(f"Exercise {i:02d}")
    page = user_client.get("/api/exercises/").json()
    assert page["count"] == 25 and len(page["results"]) == 20 and page["next"].endswith("?page=2")
    assert set(page["results"][0]) == {
        "id", "name", "category", "difficulty_level", "primary_muscles", "equipment_needed", "is_custom", "is_public"
    }
    second = user_client.get("/api/exercises/", {"page": 2}).json()
    assert len(second["results"]) == 5 and second["next"] is None
    assert user_client.get("/api/exercises/", {"page": 3}).status_code == 404
    assert user_client.get("/api/exercises/", {"page_size": 101}).status_code == 400
    assert user_client.get("/api/exercises/", {"page": 0}).status_code == 400


@pytest.mark.parametrize(
    "params", [{"category": "yoga"}, {"difficulty": "godlike"}, {"muscle_group": "elbows"}, {"custom_only": "maybe"}, {"search": "x" * 101}]
)
def test_bad_filter_values_get_400(user_client, params):
    response = user_client.get("/api/exercises/", params)
    assert response.status_code == 400
    assert list(params)[0] in response.json()["errors"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"category": "yoga"}, "category"),
        ({"category": None}, "category"),
        ({"difficulty_level": "godlike"}, "difficulty_level"),
        ({"primary_muscles": ["elbows"]}, "primary_muscles.0"),
        ({"primary_muscles": "chest"}, "primary_muscles"),
        ({"video_url": "not a url"}, "video_url"),
        ({"instructions": ["ok", ""]}, "instructions"),
        ({"equipment_needed": ["x" * 51]}, "equipment_needed.0"),
        ({"is_public": "sometimes"}, "is_public"),
    ],
)
def test_invalid_exercises_are_refused(user_client, change, field):
    response = user_client.post("/api/exercises/", {**CUSTOM, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert Exercise.objects.count() == 0


@pytest.mark.parametrize("bad_id", ["nope", "507f1f77bcf86cd79943901", "507f1f77bcf86cd799439011", "zzzzzzzzzzzzzzzzzzzzzzzz"])
def test_malformed_or_unknown_ids_are_404(user_client, bad_id):
    for method, body in (("get", None), ("patch", {"name": "x"}), ("put", CUSTOM), ("delete", None)):
        response = getattr(user_client, method)(f"/api/exercises/{bad_id}/", *([body] if body else []))
        assert response.status_code == 404, (method, bad_id, response.content)
        assert response.json()["detail"]


def test_exercises_need_a_token(anon):
    assert anon.get("/api/exercises/").status_code == 401
    assert anon.post("/api/exercises/", CUSTOM).status_code == 401


@pytest.mark.parametrize("field", ["name", "category", "difficulty_level", "primary_muscles", "is_public"])
def test_patching_a_required_field_to_null_is_a_400(user_client, field):
    exercise_id = user_client.post("/api/exercises/", CUSTOM).json()["id"]
    response = user_client.patch(f"/api/exercises/{exercise_id}/", {field: None})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert user_client.get(f"/api/exercises/{exercise_id}/").json()[field] is not None
