"""Access-control matrix, generated from the API's own route list.

For every operation whose path names an object, a second user gets 404 (or 403 where the object is
public) for the first user's objects, on every method, and nothing of the first user's changes.
A new operation that takes an id fails `test_the_matrix_covers_every_operation` until it is given
a request body here, so nothing new goes unchecked. Coaches: read-only, exactly where a grant exists.
"""

import re

import pytest
from channels.testing import WebsocketCommunicator

from backend.api import api
from backend.training.documents import Exercise, ExerciseLog, UserProfile, Workout, WorkoutSession
from tests.conftest import register

# A valid body for each operation that needs one, so a refusal is about access, not input.
BODIES = {
    ("PUT", "/api/exercises/{exercise_id}/"): {"name": "Taken", "category": "strength"},
    ("PATCH", "/api/exercises/{exercise_id}/"): {"name": "Taken"},
    ("PUT", "/api/workouts/{workout_id}/"): {"name": "Taken"},
    ("PATCH", "/api/workouts/{workout_id}/"): {"name": "Taken"},
    ("POST", "/api/workouts/{workout_id}/add_exercise/"): "exercise",
    ("POST", "/api/workouts/{workout_id}/remove_exercise/"): {"order": 1},
    ("PUT", "/api/workout-sessions/{session_id}/"): {"notes": "taken"},
    ("PATCH", "/api/workout-sessions/{session_id}/"): {"notes": "taken"},
    ("POST", "/api/workout-sessions/{session_id}/complete/"): {"rating": 1},
    ("PUT", "/api/exercise-logs/{log_id}/"): "log",
    ("PATCH", "/api/exercise-logs/{log_id}/"): {"reps": 99},
}
ID_PARAM = re.compile(r"\{(\w+)\}")


def operations():
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, spec in methods.items():
            yield method.upper(), path, spec


def object_operations():
    return [(m, p) for m, p, _ in operations() if ID_PARAM.search(p)]


@pytest.fixture
def world():
    owner, owner_user = register("owner")
    intruder, intruder_user = register("intruder")
    coach, _ = register("coach")
    bench = Exercise(name="Library Bench", category="strength", is_custom=False).save()
    private = Exercise(name="Owner Secret", category="strength", is_custom=True, is_public=False,
                       created_by_user_id=owner_user["id"]).save()
    workout = Workout(name="Owner Plan", created_by_user_id=owner_user["id"]).save()
    workout_response = owner.post(
        f"/api/workouts/{workout.id}/add_exercise/", {"exercise": str(private.id), "target_sets": 3}
    )
    assert workout_response.status_code == 200
    session = owner.post("/api/workout-sessions/", {"workout": str(workout.id)}).json()
    owner.post(f"/api/workout-sessions/{session['id']}/start/", raw="")
    log = owner.post(
        "/api/exercise-logs/",
        {"workout_session": session["id"], "exercise": str(private.id), "set_number": 1, "reps": 5, "weight": 50},
    ).json()
    owner.post("/api/coaching/coaches/", {"username": "coach"})
    ids = {
        "exercise_id": str(private.id),
        "workout_id": str(workout.id),
        "session_id": session["id"],
        "log_id": log["id"],
        "username": "owner",
    }
    bodies = {
        "exercise": {"exercise": str(bench.id), "target_sets": 3},
        "log": {"workout_session": session["id"], "exercise": str(bench.id), "set_number": 1, "reps": 1},
    }
    return {"owner": owner, "intruder": intruder, "coach": coach, "ids": ids, "bodies": bodies,
            "owner_id": owner_user["id"], "intruder_id": intruder_user["id"]}


def owner_state(owner_id):
    """Everything the owner has in MongoDB, as plain data."""
    return {
        "profile": [p.to_mongo().to_dict() for p in UserProfile.objects(user_id=owner_id)],
        "exercises": [e.to_mongo().to_dict() for e in Exercise.objects(created_by_user_id=owner_id).order_by("id")],
        "workouts": [w.to_mongo().to_dict() for w in Workout.objects(created_by_user_id=owner_id).order_by("id")],
        "sessions": [s.to_mongo().to_dict() for s in WorkoutSession.objects(user_id=owner_id).order_by("id")],
        "logs": [log.to_mongo().to_dict() for log in ExerciseLog.objects(user_id=owner_id).order_by("id")],
    }


def call(client, method, path, world):
    url = ID_PARAM.sub(lambda m: world["ids"][m.group(1)], path)
    body = BODIES.get((method, path))
    if isinstance(body, str):
        body = world["bodies"][body]
    if method == "GET":
        return client.get(url)
    if body is None:
        return client.request(method.lower(), url, raw="")
    return client.request(method.lower(), url, body)


def test_the_matrix_covers_every_operation():
    """Every operation on an object is known here: a new one needs a body entry (when it takes one)."""
    missing = [
        (m, p) for m, p, spec in operations()
        if ID_PARAM.search(p) and "requestBody" in spec and (m, p) not in BODIES
    ]
    assert missing == [], f"give these operations a valid body in BODIES: {missing}"
    assert len(object_operations()) >= 25


@pytest.mark.parametrize("method, path", object_operations())
def test_another_user_can_neither_read_nor_change_my_objects(world, method, path):
    before = owner_state(world["owner_id"])
    response = call(world["intruder"], method, path, world)
    assert response.status_code in (403, 404), (method, path, response.status_code, response.content)
    assert "detail" in response.json()
    assert owner_state(world["owner_id"]) == before


@pytest.mark.parametrize("method, path", object_operations())
def test_a_coach_reads_exactly_where_granted_and_never_writes(world, method, path):
    before = owner_state(world["owner_id"])
    response = call(world["coach"], method, path, world)
    if path.startswith("/api/coaching/athletes/{username}/") and method == "GET":
        assert response.status_code == 200, (method, path, response.content)
    elif path == "/api/coaching/coaches/{username}/":
        assert response.status_code == 404  # "owner" is not the coach's coach
    else:
        assert response.status_code in (403, 404), (method, path, response.status_code)
    assert owner_state(world["owner_id"]) == before


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/exercise-logs/", lambda ids: {"workout_session": ids["session_id"], "exercise": ids["exercise_id"], "set_number": 2, "reps": 1}),
        ("POST", "/api/exercise-logs/bulk_create/", lambda ids: {"logs": [{"workout_session": ids["session_id"], "exercise": ids["exercise_id"], "set_number": 2, "reps": 1}]}),
        ("POST", "/api/workout-sessions/", lambda ids: {"workout": ids["workout_id"]}),
        ("POST", "/api/workouts/", lambda ids: {"name": "Mine", "exercises": [{"exercise": ids["exercise_id"], "order": 1}]}),
        ("GET", "/api/exercise-logs/?session={session_id}", None),
        ("GET", "/api/exercise-logs/progress/?exercise={exercise_id}", None),
        ("GET", "/api/exercise-logs/personal_records/?exercise={exercise_id}", None),
        ("GET", "/api/workout-sessions/?workout={workout_id}", None),
    ],
)
def test_ids_inside_bodies_and_filters_grant_nothing(world, method, path, body):
    intruder = world["intruder"]
    before = owner_state(world["owner_id"])
    url = path.format(**world["ids"])
    if method == "GET":
        response = intruder.get(url)
        assert response.status_code in (200, 400, 404)
        if response.status_code == 200:
            data = response.json()
            assert (data.get("count", 0) if isinstance(data, dict) else len(data)) == 0, data
    else:
        response = intruder.post(url, body(world["ids"]))
        assert response.status_code == 400, response.content
    assert owner_state(world["owner_id"]) == before
    assert ExerciseLog.objects(user_id=world["intruder_id"]).count() == 0
    assert WorkoutSession.objects(user_id=world["intruder_id"]).count() == 0
    assert Workout.objects(created_by_user_id=world["intruder_id"]).count() == 0


@pytest.mark.django_db(transaction=True)
async def test_websocket_paths_follow_the_same_rules(world):
    from backend.config.asgi import application
    from backend.live.routing import websocket_urlpatterns

    session_id = world["ids"]["session_id"]
    expectations = {
        r"^ws/sessions/(?P<session_id>[^/]{1,64})/$": [
            (world["intruder"].token, "refused"), (world["coach"].token, "allowed"), (world["owner"].token, "allowed"),
        ],
        r"^ws/coach/$": [(world["intruder"].token, "allowed"), ("bad-token", "refused")],
        r"^ws/me/$": [(world["owner"].token, "allowed"), ("bad-token", "refused")],
    }
    assert {p.pattern.regex.pattern for p in websocket_urlpatterns} == set(expectations), "new socket: add it here"
    for pattern, cases in expectations.items():
        path = "/" + pattern.strip("^$").replace("(?P<session_id>[^/]{1,64})", session_id)
        for token, outcome in cases:
            communicator = WebsocketCommunicator(application, f"{path}?token={token}")
            await communicator.connect()
            first = await communicator.receive_output(timeout=3)
            if outcome == "refused":
                assert first["type"] == "websocket.close" and first["code"] in (4401, 4403), (path, first)
            else:
                assert first["type"] == "websocket.send", (path, first)
            await communicator.disconnect()


@pytest.mark.parametrize("method, path", [op for op in object_operations() if not op[1].startswith("/api/coaching/")])
def test_the_same_requests_work_for_the_owner(world, method, path):
    """The control: the requests above are valid, so the intruder's 404s are about access alone."""
    response = call(world["owner"], method, path, world)
    assert response.status_code not in (401, 403, 404), (method, path, response.status_code, response.content)
