"""Workouts: CRUD, filters, validation, visibility, clone / add / remove exercise, statistics."""

from datetime import datetime

import pytest

from backend.training.documents import Exercise, Workout, WorkoutExercise, WorkoutSession
from backend.training.services import workouts as workout_service

URL = "/api/workouts/"
SLIM_FIELDS = {
    "id", "name", "difficulty_level", "total_exercises", "estimated_duration_minutes", "tags",
    "is_template", "is_public", "created_by_user_id", "created_at",
}
FULL_FIELDS = {
    "id", "name", "description", "created_by_user_id", "difficulty_level", "estimated_duration_minutes",
    "total_exercises", "tags", "is_template", "is_public", "exercises", "created_at", "updated_at",
}
ENTRY_FIELDS = {
    "exercise", "order", "target_sets", "target_reps_min", "target_reps_max", "target_weight",
    "target_duration_seconds", "rest_seconds", "superset_group", "notes",
}


def detail(workout_id: str) -> str:
    return f"{URL}{workout_id}/"


@pytest.fixture
def bench():
    return Exercise(name="Bench Press", category="strength").save()


@pytest.fixture
def press():
    return Exercise(name="Overhead Press", category="strength").save()


@pytest.fixture
def dips():
    return Exercise(name="Dips", category="calisthenics").save()


def entry(exercise, order, **targets):
    return {"exercise": str(exercise.id), "order": order, **targets}


def create(client, **fields):
    body = {"name": "Workout", **fields}
    response = client.post(URL, body)
    assert response.status_code == 201, response.content
    return response.json()


def orders_and_names(body):
    return [(e["order"], e["exercise"]["name"]) for e in body["exercises"]]


# --- create and read ------------------------------------------------------------------------------

def test_the_seed_example_creates_push_day(user_client, bench):
    payload = {
        "name": "Push Day",
        "description": "Chest, shoulders, triceps",
        "difficulty_level": "intermediate",
        "exercises": [
            {
                "exercise": str(bench.id),
                "order": 1,
                "target_sets": 4,
                "target_reps_min": 8,
                "target_reps_max": 12,
                "target_weight": 185,
                "rest_seconds": 90,
            }
        ],
    }
    response = user_client.post(URL, payload)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == FULL_FIELDS
    assert body["name"] == "Push Day" and body["description"] == "Chest, shoulders, triceps"
    assert body["created_by_user_id"] == user_client.user["id"]
    assert body["difficulty_level"] == "intermediate"
    assert body["total_exercises"] == 1
    assert body["estimated_duration_minutes"] == 9  # 4 sets x (40 s work + 90 s rest) = 8.7 min
    assert body["is_public"] is False and body["is_template"] is False and body["tags"] == []
    [item] = body["exercises"]
    assert set(item) == ENTRY_FIELDS
    assert item["exercise"] == {"id": str(bench.id), "name": "Bench Press", "category": "strength"}
    assert (item["order"], item["target_sets"], item["target_reps_min"], item["target_reps_max"]) == (1, 4, 8, 12)
    assert item["target_weight"] == 185.0 and item["rest_seconds"] == 90
    assert body["created_at"] and body["updated_at"]
    assert len(body["id"]) == 24

    fetched = user_client.get(detail(body["id"]))
    assert fetched.status_code == 200 and fetched.json() == body
    stored = Workout.objects.get(id=body["id"])
    assert stored.created_by_user_id == user_client.user["id"] and stored.total_exercises == 1


def test_a_workout_without_exercises_has_no_estimate(user_client):
    body = create(user_client, name="Rest day")
    assert body["exercises"] == [] and body["total_exercises"] == 0
    assert body["estimated_duration_minutes"] is None
    assert body["description"] is None and body["difficulty_level"] is None
    assert body["created_at"] == body["updated_at"]


def test_totals_are_computed_by_the_server_and_client_values_ignored(user_client, bench, press):
    body = create(
        user_client,
        total_exercises=99,
        estimated_duration_minutes=500,
        created_by_user_id=12345,
        exercises=[
            entry(bench, 1),  # defaults: 3 sets x (40 s + 60 s rest) = 300 s
            entry(press, 2, target_sets=2, target_duration_seconds=30, rest_seconds=0),  # 2 x 30 s = 60 s
        ],
    )
    assert body["total_exercises"] == 2
    assert body["estimated_duration_minutes"] == 6
    assert body["created_by_user_id"] == user_client.user["id"]
    assert body["exercises"][0]["rest_seconds"] == 60  # the default


def test_an_estimate_is_at_least_one_minute(user_client, bench):
    body = create(user_client, exercises=[entry(bench, 1, target_sets=1, target_duration_seconds=0, rest_seconds=0)])
    assert body["estimated_duration_minutes"] == 1


def test_the_estimate_rounds_up_partial_minutes(user_client, bench):
    body = create(user_client, exercises=[entry(bench, 1, target_sets=1, target_duration_seconds=61, rest_seconds=0)])
    assert body["estimated_duration_minutes"] == 2


def test_exercises_come_back_sorted_by_order(user_client, bench, press, dips):
    body = create(user_client, exercises=[entry(dips, 3), entry(bench, 1), entry(press, 2)])
    assert orders_and_names(body) == [(1, "Bench Press"), (2, "Overhead Press"), (3, "Dips")]
    assert orders_and_names(user_client.get(detail(body["id"])).json()) == orders_and_names(body)


def test_exercises_stored_out_of_order_are_still_returned_sorted(user_client, bench, press):
    workout = Workout(
        name="Imported",
        created_by_user_id=user_client.user["id"],
        exercises=[WorkoutExercise(exercise=press, order=2), WorkoutExercise(exercise=bench, order=1)],
        total_exercises=2,
    ).save()
    body = user_client.get(detail(str(workout.id))).json()
    assert orders_and_names(body) == [(1, "Bench Press"), (2, "Overhead Press")]


def test_all_targets_are_stored_and_returned(user_client, bench):
    targets = {
        "target_sets": 5, "target_reps_min": 3, "target_reps_max": 5, "target_weight": 102.5,
        "target_duration_seconds": 20, "rest_seconds": 180, "superset_group": "A", "notes": "Pause at the bottom",
    }
    body = create(user_client, exercises=[entry(bench, 1, **targets)])
    item = body["exercises"][0]
    assert {k: item[k] for k in targets} == targets


def test_tags_are_stripped_lowercased_and_deduplicated(user_client):
    body = create(user_client, tags=[" Push ", "push", "UPPER", "Upper Body"])
    assert body["tags"] == ["push", "upper", "upper body"]
    assert list(Workout.objects.get(id=body["id"]).tags) == ["push", "upper", "upper body"]


def test_the_same_exercise_may_appear_twice(user_client, bench):
    body = create(user_client, exercises=[entry(bench, 1, notes="heavy"), entry(bench, 2, notes="light")])
    assert [e["notes"] for e in body["exercises"]] == ["heavy", "light"]
    assert body["total_exercises"] == 2


def test_a_workout_may_use_own_private_and_others_public_custom_exercises(user_client, other_client):
    mine = user_client.post("/api/exercises/", {"name": "My Curl", "category": "strength"}).json()
    theirs = other_client.post("/api/exercises/", {"name": "Their Row", "category": "strength", "is_public": True}).json()
    body = create(
        user_client,
        exercises=[{"exercise": mine["id"], "order": 1}, {"exercise": theirs["id"], "order": 2}],
    )
    assert orders_and_names(body) == [(1, "My Curl"), (2, "Their Row")]


def test_authentication_is_required(anon, user_client):
    workout = create(user_client)
    assert anon.get(URL).status_code == 401
    assert anon.post(URL, {"name": "x"}).status_code == 401
    assert anon.get(detail(workout["id"])).status_code == 401
    assert anon.get(f"{detail(workout['id'])}statistics/").status_code == 401
    assert Workout.objects.count() == 1


# --- list and filters ------------------------------------------------------------------------------

def test_the_list_is_slim_and_shows_own_and_public_workouts(user_client, other_client, bench):
    mine = create(user_client, name="Mine", exercises=[entry(bench, 1)])
    theirs_public = create(other_client, name="Theirs public", is_public=True)
    create(other_client, name="Theirs private")
    response = user_client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert {w["id"] for w in body["results"]} == {mine["id"], theirs_public["id"]}
    for item in body["results"]:
        assert set(item) == SLIM_FIELDS
    row = next(w for w in body["results"] if w["id"] == mine["id"])
    assert row["total_exercises"] == 1 and row["estimated_duration_minutes"] == 5
    assert row["created_by_user_id"] == user_client.user["id"]


def test_the_list_is_newest_first_and_paginated(user_client):
    ids = [create(user_client, name=f"W{i}")["id"] for i in range(3)]
    first = user_client.get(URL, {"page_size": 2}).json()
    assert first["count"] == 3 and [w["id"] for w in first["results"]] == ids[::-1][:2]
    assert "page=2" in first["next"]
    second = user_client.get(URL, {"page_size": 2, "page": 2}).json()
    assert [w["id"] for w in second["results"]] == [ids[0]]


def names(client, **params) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {w["name"] for w in response.json()["results"]}


def test_filter_by_difficulty(user_client):
    create(user_client, name="Easy", difficulty_level="beginner")
    create(user_client, name="Hard", difficulty_level="advanced")
    create(user_client, name="Unrated")
    assert names(user_client, difficulty="advanced") == {"Hard"}
    assert names(user_client, difficulty="beginner") == {"Easy"}


def test_filter_by_tags_matches_any_of_a_comma_separated_list(user_client):
    create(user_client, name="Push", tags=["push", "upper"])
    create(user_client, name="Legs", tags=["legs"])
    create(user_client, name="Cardio", tags=["cardio"])
    assert names(user_client, tags="push") == {"Push"}
    assert names(user_client, tags="Legs, PUSH") == {"Push", "Legs"}
    assert names(user_client, tags="nothing") == set()
    assert names(user_client, tags=" , ") == {"Push", "Legs", "Cardio"}  # no tag given: no filter


def test_filter_by_is_template(user_client):
    create(user_client, name="Template", is_template=True)
    create(user_client, name="One-off")
    assert names(user_client, is_template="true") == {"Template"}
    assert names(user_client, is_template="false") == {"One-off"}


def test_filter_by_is_public(user_client, other_client):
    create(user_client, name="My public", is_public=True)
    create(user_client, name="My private")
    create(other_client, name="Their public", is_public=True)
    create(other_client, name="Their private")
    assert names(user_client, is_public="true") == {"My public", "Their public"}
    assert names(user_client, is_public="false") == {"My private"}


def test_search_is_a_case_insensitive_name_match(user_client):
    create(user_client, name="Upper Body Blast")
    create(user_client, name="Lower body")
    create(user_client, name="Cardio (HIIT)")
    assert names(user_client, search="BODY") == {"Upper Body Blast", "Lower body"}
    assert names(user_client, search="blast") == {"Upper Body Blast"}
    assert names(user_client, search="(hiit)") == {"Cardio (HIIT)"}  # not a regular expression
    assert names(user_client, search=".*") == set()


def test_filters_combine(user_client):
    create(user_client, name="Push A", difficulty_level="advanced", tags=["push"], is_template=True)
    create(user_client, name="Push B", difficulty_level="advanced", tags=["push"])
    create(user_client, name="Pull A", difficulty_level="advanced", tags=["pull"], is_template=True)
    assert names(user_client, difficulty="advanced", tags="push", is_template="true", search="push") == {"Push A"}


@pytest.mark.parametrize(
    "params, field", [({"difficulty": "godlike"}, "difficulty"), ({"is_template": "maybe"}, "is_template")]
)
def test_invalid_filters_are_a_400_naming_the_parameter(user_client, params, field):
    response = user_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- validation ------------------------------------------------------------------------------------

def valid_payload(*exercises):
    return {
        "name": "Valid",
        "exercises": [entry(ex, i + 1, target_reps_min=8, target_reps_max=12) for i, ex in enumerate(exercises)],
    }


BAD_PAYLOADS = [
    ("duplicate order", lambda p: p["exercises"][1].update(order=1), "exercises.1.order"),
    ("reps max below min", lambda p: p["exercises"][0].update(target_reps_min=12, target_reps_max=8),
     "exercises.0.target_reps_max"),
    ("unknown exercise", lambda p: p["exercises"][2].update(exercise="0123456789abcdef01234567"), "exercises.2.exercise"),
    ("malformed exercise id", lambda p: p["exercises"][0].update(exercise="bench"), "exercises.0.exercise"),
    ("exercise missing", lambda p: p["exercises"][1].pop("exercise"), "exercises.1.exercise"),
    ("order missing", lambda p: p["exercises"][0].pop("order"), "exercises.0.order"),
    ("order zero", lambda p: p["exercises"][0].update(order=0), "exercises.0.order"),
    ("sets zero", lambda p: p["exercises"][0].update(target_sets=0), "exercises.0.target_sets"),
    ("sets over 50", lambda p: p["exercises"][0].update(target_sets=51), "exercises.0.target_sets"),
    ("reps over 1000", lambda p: p["exercises"][0].update(target_reps_max=1001), "exercises.0.target_reps_max"),
    ("reps zero", lambda p: p["exercises"][0].update(target_reps_min=0), "exercises.0.target_reps_min"),
    ("negative weight", lambda p: p["exercises"][0].update(target_weight=-1), "exercises.0.target_weight"),
    ("weight over 2000", lambda p: p["exercises"][0].update(target_weight=2000.5), "exercises.0.target_weight"),
    ("duration over a day", lambda p: p["exercises"][0].update(target_duration_seconds=86401),
     "exercises.0.target_duration_seconds"),
    ("rest over an hour", lambda p: p["exercises"][0].update(rest_seconds=3601), "exercises.0.rest_seconds"),
    ("rest null", lambda p: p["exercises"][0].update(rest_seconds=None), "exercises.0.rest_seconds"),
    ("long superset group", lambda p: p["exercises"][0].update(superset_group="x" * 21), "exercises.0.superset_group"),
    ("long notes", lambda p: p["exercises"][0].update(notes="x" * 501), "exercises.0.notes"),
    ("blank name", lambda p: p.update(name="   "), "name"),
    ("empty name", lambda p: p.update(name=""), "name"),
    ("long name", lambda p: p.update(name="x" * 201), "name"),
    ("name missing", lambda p: p.pop("name"), "name"),
    ("long description", lambda p: p.update(description="x" * 5001), "description"),
    ("unknown difficulty", lambda p: p.update(difficulty_level="godlike"), "difficulty_level"),
    ("too many tags", lambda p: p.update(tags=[f"t{i}" for i in range(21)]), "tags"),
    ("long tag", lambda p: p.update(tags=["ok", "x" * 51]), "tags.1"),
    ("blank tag", lambda p: p.update(tags=["  "]), "tags.0"),
    ("null flag", lambda p: p.update(is_public=None), "is_public"),
    ("too many exercises", lambda p: p.update(exercises=[dict(p["exercises"][0], order=i + 1) for i in range(101)]),
     "exercises"),
]


@pytest.mark.parametrize("change, field", [(c, f) for _, c, f in BAD_PAYLOADS], ids=[n for n, _, _ in BAD_PAYLOADS])
def test_invalid_workouts_name_the_field_and_write_nothing(user_client, bench, press, dips, change, field):
    payload = valid_payload(bench, press, dips)
    change(payload)
    response = user_client.post(URL, payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"]
    assert Workout.objects.count() == 0


def test_exercises_of_others_that_are_private_cannot_be_used(user_client, other_client, bench):
    secret = other_client.post("/api/exercises/", {"name": "Secret Lift", "category": "strength"}).json()
    payload = valid_payload(bench)
    payload["exercises"].append({"exercise": secret["id"], "order": 2})
    response = user_client.post(URL, payload)
    assert response.status_code == 400
    assert "not visible" in response.json()["errors"]["exercises.1.exercise"][0]
    assert Workout.objects.count() == 0


def test_every_broken_rule_is_reported_at_once(user_client, bench, press, dips):
    payload = valid_payload(bench, press, dips)
    payload["exercises"][0].update(target_reps_min=10, target_reps_max=5)
    payload["exercises"][1]["order"] = 1
    payload["exercises"][2]["exercise"] = "0123456789abcdef01234567"
    response = user_client.post(URL, payload)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"exercises.0.target_reps_max", "exercises.1.order", "exercises.2.exercise"}
    assert Workout.objects.count() == 0


def test_equal_min_and_max_reps_are_fine(user_client, bench):
    body = create(user_client, exercises=[entry(bench, 1, target_reps_min=5, target_reps_max=5)])
    assert body["exercises"][0]["target_reps_min"] == body["exercises"][0]["target_reps_max"] == 5


# --- update ----------------------------------------------------------------------------------------

def test_put_replaces_the_whole_workout(user_client, bench, press):
    original = create(
        user_client, name="Old", description="old", tags=["a"], is_template=True, difficulty_level="beginner",
        exercises=[entry(bench, 1)],
    )
    response = user_client.put(
        detail(original["id"]),
        {"name": "New", "exercises": [entry(press, 1, target_sets=2), entry(bench, 2, target_sets=2)]},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "New"
    assert body["description"] is None and body["tags"] == [] and body["is_template"] is False
    assert body["difficulty_level"] is None
    assert orders_and_names(body) == [(1, "Overhead Press"), (2, "Bench Press")]
    assert body["total_exercises"] == 2 and body["estimated_duration_minutes"] == 7  # 2 x 2 x 100 s
    assert body["created_at"] == original["created_at"] and body["updated_at"] > original["updated_at"]
    assert user_client.get(detail(original["id"])).json() == body


def test_patch_changes_only_what_is_sent(user_client, bench, press):
    original = create(user_client, name="Keep", description="keep me", tags=["x"], exercises=[entry(bench, 1)])
    response = user_client.patch(detail(original["id"]), {"is_public": True, "tags": ["Y", "y"]})
    assert response.status_code == 200
    body = response.json()
    assert body["is_public"] is True and body["tags"] == ["y"]
    assert body["name"] == "Keep" and body["description"] == "keep me"
    assert body["exercises"] == original["exercises"] and body["total_exercises"] == 1
    assert body["updated_at"] > original["updated_at"]

    replaced = user_client.patch(detail(original["id"]), {"exercises": [entry(press, 1), entry(bench, 2)]}).json()
    assert orders_and_names(replaced) == [(1, "Overhead Press"), (2, "Bench Press")]
    assert replaced["total_exercises"] == 2 and replaced["estimated_duration_minutes"] == 10

    emptied = user_client.patch(detail(original["id"]), {"exercises": [], "description": None}).json()
    assert emptied["exercises"] == [] and emptied["total_exercises"] == 0
    assert emptied["estimated_duration_minutes"] is None and emptied["description"] is None


@pytest.mark.parametrize("field", ["name", "tags", "is_template", "is_public", "exercises"])
def test_patch_refuses_null_for_fields_that_cannot_be_empty(user_client, field):
    workout = create(user_client, name="Named")
    response = user_client.patch(detail(workout["id"]), {field: None})
    assert response.status_code == 400 and field in response.json()["errors"]
    assert user_client.get(detail(workout["id"])).json() == workout


@pytest.mark.parametrize("method", ["put", "patch"])
def test_invalid_updates_write_nothing(user_client, bench, method):
    workout = create(user_client, name="Before", exercises=[entry(bench, 1)])
    payload = {
        "name": "After",
        "is_public": True,
        "exercises": [entry(bench, 1, target_reps_min=9, target_reps_max=3), entry(bench, 1)],
    }
    response = getattr(user_client, method)(detail(workout["id"]), payload)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"exercises.0.target_reps_max", "exercises.1.order"}
    assert user_client.get(detail(workout["id"])).json() == workout


def test_an_update_based_on_a_stale_read_is_refused_not_lost(user_client, bench, press, monkeypatch):
    workout = create(user_client, exercises=[entry(bench, 1)])
    stale = Workout.objects.get(id=workout["id"])
    assert user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": str(press.id)}).status_code == 200

    real_get = workout_service.get_workout
    monkeypatch.setattr(workout_service, "get_workout", lambda user_id, workout_id: stale)
    response = user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": str(bench.id)})
    assert response.status_code == 409
    assert "changed" in response.json()["detail"]
    monkeypatch.setattr(workout_service, "get_workout", real_get)
    current = user_client.get(detail(workout["id"])).json()
    assert orders_and_names(current) == [(1, "Bench Press"), (2, "Overhead Press")]


# --- visibility and permissions ----------------------------------------------------------------------

def action_requests(workout_id: str, exercise_id: str):
    base = detail(workout_id)
    return [
        ("get", base, None),
        ("put", base, {"name": "Hijacked"}),
        ("patch", base, {"name": "Hijacked"}),
        ("delete", base, None),
        ("post", f"{base}clone/", None),
        ("post", f"{base}add_exercise/", {"exercise": exercise_id}),
        ("post", f"{base}remove_exercise/", {"order": 1}),
        ("get", f"{base}statistics/", None),
    ]


def send(client, method, url, body):
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, body)


def test_others_private_workouts_are_404_for_everything(user_client, other_client, bench):
    theirs = create(other_client, name="Private", exercises=[entry(bench, 1)])
    for method, url, body in action_requests(theirs["id"], str(bench.id)):
        response = send(user_client, method, url, body)
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["detail"] == "Workout not found."
    assert other_client.get(detail(theirs["id"])).json() == theirs
    assert Workout.objects.count() == 1


def test_others_public_workouts_are_readable_but_read_only(user_client, other_client, bench):
    theirs = create(other_client, name="Shared", is_public=True, exercises=[entry(bench, 1)])
    got = user_client.get(detail(theirs["id"]))
    assert got.status_code == 200 and got.json() == theirs
    assert user_client.get(f"{detail(theirs['id'])}statistics/").status_code == 200

    base = detail(theirs["id"])
    writes = [
        ("put", base, {"name": "Hijacked"}),
        ("patch", base, {"name": "Hijacked"}),
        ("delete", base, None),
        ("post", f"{base}add_exercise/", {"exercise": str(bench.id)}),
        ("post", f"{base}remove_exercise/", {"order": 1}),
    ]
    for method, url, body in writes:
        response = send(user_client, method, url, body)
        assert response.status_code == 403, (method, url, response.content)
        assert "Only the creator" in response.json()["detail"]
    assert other_client.get(detail(theirs["id"])).json() == theirs


def test_making_a_workout_private_hides_it_from_others(user_client, other_client):
    workout = create(user_client, is_public=True)
    assert other_client.get(detail(workout["id"])).status_code == 200
    user_client.patch(detail(workout["id"]), {"is_public": False})
    assert other_client.get(detail(workout["id"])).status_code == 404
    assert other_client.get(URL).json()["count"] == 0


@pytest.mark.parametrize(
    "bad_id", ["nope", "123", "z" * 24, "0123456789abcdef0123456", "0123456789abcdef01234567", "%20"]
)
def test_malformed_or_unknown_ids_are_404(user_client, bench, bad_id):
    for method, url, body in action_requests(bad_id, str(bench.id)):
        response = send(user_client, method, url, body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json()["detail"] == "Workout not found."


# --- delete ----------------------------------------------------------------------------------------

def test_delete_removes_the_workout(user_client):
    workout = create(user_client)
    response = user_client.delete(detail(workout["id"]))
    assert response.status_code == 204 and response.content == b""
    assert user_client.get(detail(workout["id"])).status_code == 404
    assert Workout.objects.count() == 0


def test_a_workout_with_sessions_cannot_be_deleted(user_client, other_client):
    workout = create(user_client, is_public=True)
    WorkoutSession(user_id=user_client.user["id"], workout=workout["id"], status="completed").save()
    WorkoutSession(user_id=other_client.user["id"], workout=workout["id"], status="planned").save()
    response = user_client.delete(detail(workout["id"]))
    assert response.status_code == 409
    assert "2 workout session(s)" in response.json()["detail"]
    assert Workout.objects(id=workout["id"]).count() == 1
    assert WorkoutSession.objects.count() == 2


# --- clone -----------------------------------------------------------------------------------------

def test_clone_copies_exercises_into_a_private_workout_of_the_caller(user_client, bench, press):
    original = create(
        user_client, name="Push Day", description="d", difficulty_level="advanced", tags=["push"], is_public=True,
        is_template=True, exercises=[entry(press, 2, target_sets=3, superset_group="A"), entry(bench, 1, target_weight=80)],
    )
    response = user_client.post(f"{detail(original['id'])}clone/")
    assert response.status_code == 201
    clone = response.json()
    assert clone["id"] != original["id"]
    assert clone["name"] == "Push Day (Copy)" and clone["is_public"] is False
    assert clone["created_by_user_id"] == user_client.user["id"]
    for field in ("description", "difficulty_level", "tags", "is_template", "exercises", "total_exercises",
                  "estimated_duration_minutes"):
        assert clone[field] == original[field], field
    assert Workout.objects.count() == 2
    assert user_client.get(detail(original["id"])).json() == original


def test_anyone_may_clone_a_public_workout_and_the_copy_is_theirs(user_client, other_client, bench):
    theirs = create(other_client, name="Shared", is_public=True, exercises=[entry(bench, 1, target_sets=5)])
    clone = user_client.post(f"{detail(theirs['id'])}clone/").json()
    assert clone["created_by_user_id"] == user_client.user["id"] and clone["is_public"] is False
    assert clone["exercises"] == theirs["exercises"]
    assert other_client.get(detail(clone["id"])).status_code == 404
    edited = user_client.patch(detail(clone["id"]), {"name": "Mine now"})
    assert edited.status_code == 200
    assert other_client.get(detail(theirs["id"])).json()["name"] == "Shared"


def test_cloning_a_long_name_stays_within_the_limit(user_client):
    original = create(user_client, name="x" * 200)
    clone = user_client.post(f"{detail(original['id'])}clone/")
    assert clone.status_code == 201
    name = clone.json()["name"]
    assert len(name) == 200 and name.endswith(" (Copy)")


# --- add / remove exercise -----------------------------------------------------------------------------

def test_add_exercise_appends_when_no_order_is_given(user_client, bench, press):
    workout = create(user_client, exercises=[entry(bench, 1)])
    response = user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": str(press.id), "target_sets": 2})
    assert response.status_code == 200
    body = response.json()
    assert orders_and_names(body) == [(1, "Bench Press"), (2, "Overhead Press")]
    assert body["total_exercises"] == 2 and body["estimated_duration_minutes"] == 9  # 300 s + 200 s
    assert body["exercises"][1]["target_sets"] == 2 and body["exercises"][1]["rest_seconds"] == 60
    assert body["updated_at"] > workout["updated_at"]


def test_add_exercise_to_an_empty_workout_starts_at_one(user_client, bench):
    workout = create(user_client)
    body = user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": str(bench.id)}).json()
    assert orders_and_names(body) == [(1, "Bench Press")] and body["total_exercises"] == 1


def test_add_exercise_at_an_order_shifts_the_later_ones(user_client, bench, press, dips):
    workout = create(user_client, exercises=[entry(bench, 1), entry(press, 2)])
    body = user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": str(dips.id), "order": 1}).json()
    assert orders_and_names(body) == [(1, "Dips"), (2, "Bench Press"), (3, "Overhead Press")]
    body = user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": str(bench.id), "order": 3}).json()
    assert orders_and_names(body) == [(1, "Dips"), (2, "Bench Press"), (3, "Bench Press"), (4, "Overhead Press")]
    assert body["total_exercises"] == 4


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"exercise": "0123456789abcdef01234567"}, "exercise"),
        ({"exercise": "bench"}, "exercise"),
        ({}, "exercise"),
        ({"exercise": "EXERCISE", "target_reps_min": 10, "target_reps_max": 5}, "target_reps_max"),
        ({"exercise": "EXERCISE", "order": 0}, "order"),
        ({"exercise": "EXERCISE", "target_sets": 51}, "target_sets"),
    ],
)
def test_add_exercise_validates_and_writes_nothing(user_client, bench, payload, field):
    workout = create(user_client, exercises=[entry(bench, 1)])
    if payload.get("exercise") == "EXERCISE":
        payload["exercise"] = str(bench.id)
    response = user_client.post(f"{detail(workout['id'])}add_exercise/", payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert user_client.get(detail(workout["id"])).json() == workout


def test_add_exercise_refuses_others_private_exercises(user_client, other_client, bench):
    secret = other_client.post("/api/exercises/", {"name": "Secret", "category": "strength"}).json()
    workout = create(user_client, exercises=[entry(bench, 1)])
    response = user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": secret["id"]})
    assert response.status_code == 400 and "exercise" in response.json()["errors"]
    assert user_client.get(detail(workout["id"])).json() == workout


def test_a_workout_holds_at_most_100_exercises(user_client, bench):
    workout = create(user_client, exercises=[entry(bench, i + 1) for i in range(100)])
    assert workout["total_exercises"] == 100
    response = user_client.post(f"{detail(workout['id'])}add_exercise/", {"exercise": str(bench.id)})
    assert response.status_code == 400 and "exercises" in response.json()["errors"]
    assert Workout.objects.get(id=workout["id"]).total_exercises == 100


def test_remove_exercise_renumbers_and_recomputes(user_client, bench, press, dips):
    workout = create(user_client, exercises=[entry(bench, 1), entry(press, 2), entry(dips, 3, target_sets=10)])
    response = user_client.post(f"{detail(workout['id'])}remove_exercise/", {"order": 2})
    assert response.status_code == 200
    body = response.json()
    assert orders_and_names(body) == [(1, "Bench Press"), (2, "Dips")]
    assert body["total_exercises"] == 2 and body["estimated_duration_minutes"] == 22  # 300 s + 1000 s
    assert user_client.get(detail(workout["id"])).json() == body

    body = user_client.post(f"{detail(workout['id'])}remove_exercise/", {"order": 1}).json()
    assert orders_and_names(body) == [(1, "Dips")]
    body = user_client.post(f"{detail(workout['id'])}remove_exercise/", {"order": 1}).json()
    assert body["exercises"] == [] and body["total_exercises"] == 0 and body["estimated_duration_minutes"] is None


def test_remove_exercise_renumbers_gaps_too(user_client, bench, press):
    workout = create(user_client, exercises=[entry(bench, 5), entry(press, 9), entry(bench, 12)])
    body = user_client.post(f"{detail(workout['id'])}remove_exercise/", {"order": 9}).json()
    assert orders_and_names(body) == [(1, "Bench Press"), (2, "Bench Press")]


@pytest.mark.parametrize("payload", [{"order": 7}, {"order": 0}, {}, {"order": "first"}])
def test_remove_exercise_with_an_unknown_order_is_a_400(user_client, bench, payload):
    workout = create(user_client, exercises=[entry(bench, 1)])
    response = user_client.post(f"{detail(workout['id'])}remove_exercise/", payload)
    assert response.status_code == 400
    assert "order" in response.json()["errors"]
    assert user_client.get(detail(workout["id"])).json() == workout


# --- statistics ------------------------------------------------------------------------------------

def session(user_id, workout_id, status="completed", **fields):
    return WorkoutSession(user_id=user_id, workout=workout_id, status=status, **fields).save()


def test_statistics_count_only_the_callers_completed_sessions(user_client, other_client):
    workout = create(user_client, is_public=True)
    me, them = user_client.user["id"], other_client.user["id"]
    session(me, workout["id"], end_time=datetime(2025, 1, 10, 9), actual_duration_minutes=40, rating=4, total_volume=1000.5)
    session(me, workout["id"], end_time=datetime(2025, 1, 12, 18), actual_duration_minutes=50, rating=5, total_volume=2000)
    session(me, workout["id"], end_time=datetime(2025, 1, 11, 7), actual_duration_minutes=60, total_volume=0)
    session(me, workout["id"], status="in_progress", total_volume=999)
    session(me, workout["id"], status="cancelled", end_time=datetime(2025, 2, 1), total_volume=999)
    session(them, workout["id"], end_time=datetime(2025, 3, 1), actual_duration_minutes=5, rating=1, total_volume=5000)
    other_workout = create(user_client, name="Other")
    session(me, other_workout["id"], end_time=datetime(2025, 4, 1), actual_duration_minutes=99, rating=1, total_volume=7)

    response = user_client.get(f"{detail(workout['id'])}statistics/")
    assert response.status_code == 200
    assert response.json() == {
        "workout_id": workout["id"],
        "times_performed": 3,
        "last_performed": "2025-01-12T18:00:00Z",
        "average_duration_minutes": 50.0,
        "average_rating": 4.5,
        "total_volume": 3000.5,
    }

    theirs = other_client.get(f"{detail(workout['id'])}statistics/").json()
    assert theirs["times_performed"] == 1 and theirs["total_volume"] == 5000 and theirs["average_rating"] == 1


def test_statistics_of_a_workout_never_performed(user_client):
    workout = create(user_client)
    assert user_client.get(f"{detail(workout['id'])}statistics/").json() == {
        "workout_id": workout["id"],
        "times_performed": 0,
        "last_performed": None,
        "average_duration_minutes": None,
        "average_rating": None,
        "total_volume": 0,
    }


# --- docs ------------------------------------------------------------------------------------------

def test_the_openapi_schema_declares_every_response(anon):
    paths = anon.get("/api/schema/").json()["paths"]
    item = "/api/workouts/{workout_id}/"
    expected = {
        ("/api/workouts/", "get"): {"200", "400", "401", "404"},
        ("/api/workouts/", "post"): {"201", "400", "401"},
        (item, "get"): {"200", "401", "404"},
        (item, "put"): {"200", "400", "401", "403", "404", "409"},
        (item, "patch"): {"200", "400", "401", "403", "404", "409"},
        (item, "delete"): {"204", "401", "403", "404", "409"},
        ("/api/workouts/{workout_id}/clone/", "post"): {"201", "401", "404"},
        ("/api/workouts/{workout_id}/add_exercise/", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/workouts/{workout_id}/remove_exercise/", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/workouts/{workout_id}/statistics/", "get"): {"200", "401", "404"},
    }
    for (path, method), codes in expected.items():
        assert set(paths[path][method]["responses"]) == codes, (path, method)
    create_body = paths["/api/workouts/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create_body["$ref"].endswith("/WorkoutIn")
    schemas = anon.get("/api/schema/").json()["components"]["schemas"]
    assert "total_exercises" not in schemas["WorkoutIn"]["properties"]
    assert "estimated_duration_minutes" not in schemas["WorkoutIn"]["properties"]
    assert "order" in schemas["WorkoutExerciseIn"]["required"]
    assert "order" not in schemas["AddExerciseIn"].get("required", [])


def test_an_exercise_used_by_a_workout_cannot_be_deleted_from_under_it(user_client):
    curl = user_client.post("/api/exercises/", {"name": "My Curl", "category": "strength"}).json()
    workout = create(user_client, exercises=[{"exercise": curl["id"], "order": 1}])
    assert user_client.delete(f"/api/exercises/{curl['id']}/").status_code == 409
    assert orders_and_names(user_client.get(detail(workout["id"])).json()) == [(1, "My Curl")]
