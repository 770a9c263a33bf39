"""Data portability: importing Strong and Hevy CSV exports, exporting everything as CSV or JSON, and
restoring a JSON export into a new account.

The sample files in tests/fixtures/portability/ were written for this project in the layouts
those apps export: several workouts over weeks, warm-ups, drop sets, rest-timer rows, empty sets,
kg and lbs, quoted notes with commas, quotes and line breaks, unicode names, a byte-order mark,
CRLF line ends; and malformed ones.
"""

import csv
import gzip
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.coaching.models import CoachGrant
from backend.portability.services import csvfile, importer
from backend.portability.services.strong import StrongFormat, format_duration, parse_duration
from backend.training.documents import Exercise, ExerciseLog, PersonalRecord, Workout, WorkoutSession
from backend.training.services.library import seed_exercises
from tests.conftest import register

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portability"
STRONG = "/api/import/strong/"
HEVY = "/api/import/hevy/"
RESTORE = "/api/import/json/"
EXPORT = "/api/export/"
SESSIONS = "/api/workout-sessions/"
LBS = 0.45359237
MILE = 1609.344

CURRENT_HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"
LEGACY_HEADER = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;Seconds;Notes;Workout Notes"
)
HEVY_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,"
    "weight_kg,reps,distance_km,duration_seconds,rpe"
)


# --- helpers ------------------------------------------------------------------------------------------

def sample(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(client, url: str, content: bytes | str, name: str = "export.csv", **fields):
    """A multipart POST with the file in `file`, as the PWA's FormData sends it."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.client.post(url, {"file": file, **fields}, **client._headers(None))


def imported(client, url: str, content: bytes | str, **fields) -> dict:
    response = upload(client, url, content, **fields)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def library():
    seed_exercises()


def sessions_of(client) -> list[dict]:
    """The user's sessions oldest first, each with its sets (session detail)."""
    listed = client.get(SESSIONS, {"page_size": 100}).json()["results"]
    details = [client.get(f"{SESSIONS}{s['id']}/").json() for s in listed]
    return sorted(details, key=lambda s: s["session_date"])


def at(value: str | None) -> str | None:
    """A time as the API gives it, without its zone designator (times are UTC either way)."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=None).isoformat()


def sets_of(session: dict) -> list[tuple]:
    return [
        (log["exercise"]["name"], log["set_number"], log["set_type"], log["weight"], log["reps"]) for log in session["logs"]
    ]


def counts(user_id: int) -> dict[str, int]:
    return {
        "exercises": Exercise.objects(created_by_user_id=user_id).count(),
        "workouts": Workout.objects(created_by_user_id=user_id).count(),
        "sessions": WorkoutSession.objects(user_id=user_id).count(),
        "logs": ExerciseLog.objects(user_id=user_id).count(),
    }


NOTHING = {"exercises": 0, "workouts": 0, "sessions": 0, "logs": 0}


def download(response) -> bytes:
    assert response.status_code == 200, response.content if not response.streaming else ""
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


# --- Strong: the current layout ----------------------------------------------------------------------

def test_a_strong_export_becomes_completed_sessions_with_their_sets(user_client, library):
    summary = imported(user_client, STRONG, sample("strong_current.csv"))
    assert summary == {
        "sessions": 5, "sets": 36, "exercises_created": 1, "workouts_created": 3, "skipped_rows": 4, "already_imported": 0,
    }
    sessions = sessions_of(user_client)
    assert [(s["workout"]["name"], at(s["session_date"])) for s in sessions] == [
        ("Push Day", "2025-09-01T07:30:12"),
        ("Pull Day", "2025-09-03T18:05:44"),
        ("Push Day", "2025-09-08T07:28:03"),
        ("Leg Day 🦵", "2025-09-10T06:45:00"),
        ("Pull Day", "2025-09-15T19:00:00"),
    ]
    push = sessions[0]
    assert push["status"] == "completed"
    assert (at(push["start_time"]), at(push["end_time"]), push["actual_duration_minutes"]) == (
        "2025-09-01T07:30:12", "2025-09-01T08:35:12", 65,
    )
    assert push["notes"] == 'Felt strong, slept 8h — "easy" day'
    # the rest timer row is not a set; W is a warm-up, D a drop set; names found by alias
    assert sets_of(push) == [
        ("Barbell Bench Press", 1, "warmup", 40.0, 10),
        ("Barbell Bench Press", 2, "warmup", 60.0, 5),
        ("Barbell Bench Press", 3, "normal", 80.0, 8),
        ("Barbell Bench Press", 4, "normal", 80.0, 8),
        ("Barbell Bench Press", 5, "normal", 80.0, 7),
        ("Barbell Bench Press", 6, "dropset", 60.0, 10),
        ("Overhead Press", 1, "normal", 50.0, 6),
        ("Overhead Press", 2, "normal", 50.0, 6),
        ("Overhead Press", 3, "normal", 47.5, 8),
        ("Développé couché haltères", 1, "normal", 26.0, 12),
        ("Développé couché haltères", 2, "normal", 26.0, 11),
    ]
    bench = push["logs"][2]
    assert (bench["notes"], bench["rpe"], bench["distance"], bench["duration_seconds"]) == (
        "Paused reps, 1s on chest", 8.0, None, None,
    )
    assert [log["rpe"] for log in push["logs"][3:5]] == [8.5, 9.0]
    assert push["logs"][9]["notes"] == "Prise neutre\ncoudes serrés"
    # sets are spread over the session, in file order
    times = [datetime.fromisoformat(at(log["completed_at"])) for log in sorted(push["logs"], key=lambda l: l["completed_at"])]
    assert times[0] > datetime(2025, 9, 1, 7, 30, 12) and times[-1] == datetime(2025, 9, 1, 8, 35, 12)
    # volume without warm-ups: bench 2440, overhead press 980, dumbbell press 598
    assert push["total_volume"] == 4018.0

    pull = sessions[1]
    assert pull["notes"] is None and pull["actual_duration_minutes"] == 45
    assert [s[0] for s in sets_of(pull)] == ["Deadlift"] * 4 + ["Lat Pulldown"] * 3 + ["Face Pull"] * 2  # the empty 4th set skipped
    legs = sessions[3]
    running = next(log for log in legs["logs"] if log["exercise"]["name"] == "Running")
    assert (running["distance"], running["duration_seconds"], running["weight"], running["reps"]) == (3200.0, 1080, None, None)
    assert [log["duration_seconds"] for log in legs["logs"] if log["exercise"]["name"] == "Plank"] == [60, 45]
    assert legs["logs"][1]["notes"] == 'Belt on, "hook grip"'
    assert sessions[2]["notes"] == "New belt.\nShoulder a bit stiff, warmed up longer"


def test_imported_workouts_are_private_and_unknown_exercises_become_custom(user_client, library):
    imported(user_client, STRONG, sample("strong_current.csv"))
    user_id = user_client.user["id"]
    workouts = {w.name: w for w in Workout.objects(created_by_user_id=user_id)}
    assert set(workouts) == {"Push Day", "Pull Day", "Leg Day 🦵"}
    assert all(not w.is_public and not w.is_template for w in workouts.values())
    push = user_client.get(f"/api/workouts/{workouts['Push Day'].id}/").json()
    assert [(e["order"], e["exercise"]["name"], e["target_sets"]) for e in push["exercises"]] == [
        (1, "Barbell Bench Press", 4), (2, "Overhead Press", 3), (3, "Développé couché haltères", 2),
    ]
    custom = list(Exercise.objects(is_custom=True))
    assert [(e.name, e.category, e.created_by_user_id, e.is_public) for e in custom] == [
        ("Développé couché haltères", "strength", user_id, False)
    ]
    # both Push Day sessions follow the one workout
    push_sessions = WorkoutSession.objects(user_id=user_id, workout=workouts["Push Day"].id).count()
    assert push_sessions == 2


def test_personal_records_are_counted_from_the_imported_sets(user_client, library):
    imported(user_client, STRONG, sample("strong_current.csv"))
    found = {r["exercise"]["name"]: r for r in user_client.get("/api/exercise-logs/personal_records/").json()}
    assert found["Barbell Bench Press"]["heaviest_weight"]["value"] == 82.5
    assert found["Barbell Bench Press"]["most_reps"]["value"] == 10  # the drop set; warm-ups never count
    assert found["Deadlift"]["heaviest_weight"]["value"] == 150.0
    assert found["Back Squat"]["best_set_volume"]["value"] == 600.0
    assert PersonalRecord.objects(user_id=user_client.user["id"]).count() == len(found)


@pytest.mark.parametrize(
    "text, minutes",
    [("1h 5m", 65), ("45m", 45), ("1h", 60), ("2h 0m", 120), ("1h 5m 30s", 65.5), ("50s", 50 / 60), ("1:05:00", 65),
     ("", 0), ("0m", 0)],
)
def test_strong_durations(text, minutes):
    assert parse_duration(text).total_seconds() == minutes * 60


@pytest.mark.parametrize("text", ["forever", "1 hour", "5", "h", "-5m"])
def test_durations_that_are_not(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize("seconds, text", [(3900, "1h 5m"), (2700, "45m"), (3600, "1h"), (50, "50s"), (0, "0s")])
def test_durations_are_written_as_strong_writes_them(seconds, text):
    assert format_duration(seconds) == text
    assert parse_duration(text).total_seconds() == seconds


# --- Strong: the older layout -------------------------------------------------------------------------

def test_the_older_semicolon_layout_with_units_per_row(user_client, library):
    summary = imported(user_client, STRONG, sample("strong_legacy.csv"))
    assert summary == {
        "sessions": 2, "sets": 12, "exercises_created": 1, "workouts_created": 2, "skipped_rows": 1, "already_imported": 0,
    }
    leg, upper = sessions_of(user_client)
    assert (leg["workout"]["name"], at(leg["start_time"]), at(leg["end_time"]), leg["actual_duration_minutes"]) == (
        "Leg", "2019-01-11T12:31:54", "2019-01-11T13:33:54", 62,
    )
    assert leg["notes"] == "Knees felt good"
    squat = [log for log in leg["logs"] if log["exercise"]["name"] == "Back Squat"]
    assert [log["weight"] for log in squat] == [
        pytest.approx(95 * LBS, abs=1e-3), pytest.approx(225 * LBS, abs=1e-3), pytest.approx(225 * LBS, abs=1e-3),
        pytest.approx(235 * LBS, abs=1e-3),
    ]
    assert squat[0]["set_type"] == "warmup" and squat[1]["rpe"] == 8.0 and squat[3]["notes"] == "Grind; but clean"
    assert [log["weight"] for log in leg["logs"] if log["exercise"]["name"] == "Leg Press"] == [140.0, 140.0]  # kg rows stay kg
    cycling = next(log for log in leg["logs"] if log["exercise"]["name"] == "Cycling")
    assert cycling["distance"] == pytest.approx(5 * MILE) and cycling["duration_seconds"] == 1200
    assert upper["actual_duration_minutes"] == 58 and upper["notes"] is None
    assert [(log["set_type"], log["weight"]) for log in upper["logs"] if log["exercise"]["name"] == "Barbell Bench Press"] == [
        ("normal", pytest.approx(185 * LBS, abs=1e-3)), ("normal", pytest.approx(185 * LBS, abs=1e-3)),
        ("dropset", pytest.approx(135 * LBS, abs=1e-3)),
    ]
    fly = next(log for log in upper["logs"] if log["exercise"]["name"] == "Écarté à la poulie")
    assert fly["weight"] == 12.5  # a decimal comma
    treadmill = next(log for log in upper["logs"] if log["exercise"]["name"] == "Treadmill Running")
    assert treadmill["distance"] == 1500.0


def test_the_older_layout_without_a_duration_column(user_client):
    content = LEGACY_HEADER + "\n" + '2018-06-02 09:15:00;"Morning";"Pull Up";1;0;kg;8;;;;0;"";"Before work"\n'
    assert imported(user_client, STRONG, content)["sets"] == 1
    (session,) = sessions_of(user_client)
    assert at(session["start_time"]) == at(session["end_time"]) == "2018-06-02T09:15:00"
    assert session["actual_duration_minutes"] == 0 and session["notes"] == "Before work"
    assert session["logs"][0]["reps"] == 8 and session["logs"][0]["weight"] is None


@pytest.mark.parametrize(
    "header, fields, expected",
    [
        (CURRENT_HEADER, {}, 100.0),
        (CURRENT_HEADER, {"units": "imperial"}, round(100 * LBS, 3)),
        (CURRENT_HEADER.replace("Weight", "Weight (lbs)"), {}, round(100 * LBS, 3)),
        (CURRENT_HEADER.replace("Weight", "Weight (kg)"), {"units": "imperial"}, 100.0),  # the file says kg
    ],
)
def test_weights_are_kg_unless_the_file_or_the_user_says_lbs(user_client, header, fields, expected):
    row = "2025-09-20 10:00:00,Arms,30m,Barbell Curl,1,100,5,0,0,,,"
    imported(user_client, STRONG, f"{header}\n{row}\n", **fields)
    assert ExerciseLog.objects.get().weight == expected


def test_distances_are_km_unless_imperial(user_client):
    rows = "2025-09-20 10:00:00,Cardio,30m,Rowing,1,0,0,2,600,,,\n"
    imported(user_client, STRONG, f"{CURRENT_HEADER}\n{rows}", units="imperial")
    assert ExerciseLog.objects.get().distance == pytest.approx(2 * MILE)


@pytest.mark.parametrize("weight, expected", [("62,5", 62.5), ("62,25", 62.25), ("1,000", None)])
def test_decimal_commas_but_not_thousands_separators(user_client, weight, expected):
    content = f'{LEGACY_HEADER}\n2025-09-20 10:00:00;Arms;Curl;1;{weight};kg;5;;;;0;"";""\n'
    response = upload(user_client, STRONG, content)
    if expected is None:
        assert response.status_code == 400 and response.json()["errors"]["line 2"] == ["Weight: '1,000' is not a number."]
    else:
        assert response.status_code == 201 and ExerciseLog.objects.get().weight == expected


def test_set_order_failure_and_twelve_hour_times(user_client):
    content = f"{CURRENT_HEADER}\n2025-09-20 6:05:00\u202fPM,Arms,30m,Barbell Curl,F,30,12,0,0,,,\n"
    imported(user_client, STRONG, content)
    log = ExerciseLog.objects.get()
    assert log.set_type == "failure" and log.completed_at == datetime(2025, 9, 20, 18, 35)


# --- exercise names -----------------------------------------------------------------------------------

def test_names_match_the_library_without_case_and_by_alias(user_client, library):
    rows = [
        "2025-09-20 10:00:00,Mixed,30m,BENCH PRESS (BARBELL),1,60,5,0,0,,,",
        "2025-09-20 10:00:00,Mixed,30m,barbell  bench press,2,60,5,0,0,,,",
        "2025-09-20 10:00:00,Mixed,30m,Lat Pull Down,1,50,10,0,0,,,",
    ]
    summary = imported(user_client, STRONG, "\n".join([CURRENT_HEADER, *rows]))
    assert summary["exercises_created"] == 0
    (session,) = sessions_of(user_client)
    assert [s[0] for s in sets_of(session)] == ["Barbell Bench Press", "Barbell Bench Press", "Lat Pulldown"]


def test_unknown_names_become_one_custom_exercise_each_whatever_their_case(user_client, other_client):
    theirs = other_client.post("/api/exercises/", {"name": "Zercher Squat", "category": "strength", "is_public": True})
    assert theirs.status_code == 201
    mine = user_client.post("/api/exercises/", {"name": "Développé Couché Haltères", "category": "strength"}).json()
    rows = [
        "2025-09-20 10:00:00,Mixed,30m,zercher squat,1,100,5,0,0,,,",
        "2025-09-20 10:00:00,Mixed,30m,Zercher Squat,2,100,5,0,0,,,",
        "2025-09-20 10:00:00,Mixed,30m,développé couché haltères,1,20,10,0,0,,,",
        "2025-09-20 10:00:00,Mixed,30m,Sled Push,1,0,0,0.05,40,,,",
    ]
    summary = imported(user_client, STRONG, "\n".join([CURRENT_HEADER, *rows]))
    assert summary["exercises_created"] == 2
    created = {e.name: e for e in Exercise.objects(created_by_user_id=user_client.user["id"]).order_by("name")}
    assert set(created) == {"Développé Couché Haltères", "zercher squat", "Sled Push"}
    assert created["Sled Push"].category == "cardio" and created["zercher squat"].category == "strength"
    assert not created["zercher squat"].is_public  # another user's public exercise is not borrowed
    (session,) = sessions_of(user_client)
    assert session["logs"][2]["exercise"]["id"] == mine["id"]


# --- Hevy -----------------------------------------------------------------------------------------------

def test_a_hevy_export_in_kg(user_client, library):
    summary = imported(user_client, HEVY, sample("hevy_kg.csv"))
    assert summary == {
        "sessions": 3, "sets": 17, "exercises_created": 1, "workouts_created": 2, "skipped_rows": 1, "already_imported": 0,
    }
    upper, lower, upper_again = sessions_of(user_client)
    assert (upper["workout"]["name"], at(upper["start_time"]), at(upper["end_time"]), upper["actual_duration_minutes"]) == (
        "Upper A", "2025-12-22T08:00:00", "2025-12-22T09:12:00", 72,
    )
    assert upper["notes"] == "Back after the holidays, kept it light"
    assert [(name, number, kind) for name, number, kind, _, _ in sets_of(upper)] == [
        ("Barbell Bench Press", 1, "warmup"),
        ("Barbell Bench Press", 2, "normal"),
        ("Barbell Bench Press", 3, "normal"),
        ("Barbell Bench Press", 4, "dropset"),
        ("Seated Cable Row", 1, "normal"),
        ("Seated Cable Row", 2, "normal"),
        ("Lateral Raise", 1, "normal"),
        ("Lateral Raise", 2, "failure"),
    ]
    # exercise notes repeat on every row; they are kept once
    assert [log["notes"] for log in upper["logs"][:4]] == ["Pause on chest, 1 sec", None, None, None]
    assert upper["logs"][1]["rpe"] == 8.0
    assert lower["notes"] == "Christmas Eve session.\nGym nearly empty"
    assert [s[0] for s in sets_of(lower)] == ["Back Squat"] * 3 + ["Romanian Deadlift"] * 2 + ["Жим ногами", "Treadmill Running"]
    treadmill = lower["logs"][-1]
    assert (treadmill["distance"], treadmill["duration_seconds"], treadmill["weight"]) == (2500.0, 900, None)
    assert [log["rpe"] for log in lower["logs"][:3]] == [None, 7.5, 8.0]
    assert [s[2] for s in sets_of(upper_again)] == ["normal", "dropset"]  # "drop" is a drop set too
    assert upper_again["workout"]["id"] == upper["workout"]["id"]
    workout = user_client.get(f"/api/workouts/{upper['workout']['id']}/").json()
    assert [(e["exercise"]["name"], e["superset_group"]) for e in workout["exercises"]] == [
        ("Barbell Bench Press", None), ("Seated Cable Row", "0"), ("Lateral Raise", "0"),
    ]


def test_a_hevy_export_in_lbs_and_miles(user_client, library):
    summary = imported(user_client, HEVY, sample("hevy_lbs.csv"))
    assert (summary["sessions"], summary["sets"], summary["exercises_created"]) == (1, 5, 0)
    (session,) = sessions_of(user_client)
    assert session["notes"] == "Hotel gym, only dumbbells up to 50 lb"
    assert sets_of(session)[:4] == [
        ("Dumbbell Bench Press", 1, "warmup", pytest.approx(25 * LBS, abs=1e-3), 10),
        ("Dumbbell Bench Press", 2, "normal", pytest.approx(50 * LBS, abs=1e-3), 10),
        ("Dumbbell Bench Press", 3, "normal", pytest.approx(50 * LBS, abs=1e-3), 9),
        ("Goblet Squat", 1, "normal", pytest.approx(50 * LBS, abs=1e-3), 15),
    ]
    running = session["logs"][-1]
    assert running["exercise"]["name"] == "Running" and running["distance"] == pytest.approx(1.5 * MILE, abs=1e-3)


def test_hevy_dates_and_set_types(user_client):
    rows = [
        'Easy,"1 Feb 2026, 06:30","1 Feb 2026, 07:00",,Push Up,,,0,warmup,,10,,,',
        'Easy,"1 Feb 2026, 06:30","1 Feb 2026, 07:00",,Push Up,,,1,normal,,20,,,',
        'Easy,"1 Feb 2026, 06:30","1 Feb 2026, 07:00",,Push Up,,,2,drop,,12,,,',
        'Easy,"1 Feb 2026, 06:30","1 Feb 2026, 07:00",,Push Up,,,3,failure,,9,,,',
    ]
    imported(user_client, HEVY, "\n".join([HEVY_HEADER, *rows]))
    (session,) = sessions_of(user_client)
    assert at(session["start_time"]) == "2026-02-01T06:30:00" and session["actual_duration_minutes"] == 30
    assert [(s[2], s[4]) for s in sets_of(session)] == [("warmup", 10), ("normal", 20), ("dropset", 12), ("failure", 9)]


# --- malformed files ----------------------------------------------------------------------------------

def test_bad_rows_are_named_by_line_and_nothing_is_written(user_client, library):
    response = upload(user_client, STRONG, sample("strong_malformed.csv"))
    assert response.status_code == 400
    body = response.json()
    errors = body["errors"]
    # line 3 holds a note with a line break, so the records after it start one line later
    assert list(errors) == ["line 5", "line 7", "line 8", "line 9", "line 10", "line 12", "line 13"]
    assert errors["line 5"] == ["Weight: 'heavy' is not a number."]
    assert "Set Order: 'X' is not a set number" in errors["line 7"][0]
    assert errors["line 8"] == ["Date: 'yesterday' is not a date and time this importer understands."]
    assert errors["line 9"] == ["Reps: '-3' is negative.", "RPE: '11' is more than 10."]
    assert "Duration: 'forever' is not a duration" in errors["line 10"][0]
    assert errors["line 12"] == ["This row has 6 fields; the header has 12."]
    assert errors["line 13"] == ["Weight: '1O0' is not a number."]  # a record spanning lines 13-14
    assert body["detail"].startswith("Nothing was imported: 7 lines of the file have errors; the first is line 5: ")
    assert counts(user_client.user["id"]) == NOTHING


def test_bad_hevy_rows_are_named_by_line(user_client):
    response = upload(user_client, HEVY, sample("hevy_malformed.csv"))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["line 3", "line 4", "line 5", "line 6"]
    assert errors["line 3"] == ["set_type: 'superset' is not normal, warmup, dropset or failure."]
    assert "start_time: '2025-13-45 8am' is not a date" in errors["line 4"][0]
    assert errors["line 5"] == ["end_time: '3 Nov 2025, 17:00' is before start_time '3 Nov 2025, 18:00'."]
    assert errors["line 6"] == ["weight_kg: 'abc' is not a number."]
    assert counts(user_client.user["id"]) == NOTHING


def test_weights_and_distances_over_the_limits_after_conversion_are_bad_lines(user_client):
    """Both apps' converted values are held to the API's limits (2,000 kg; 1,000 km), naming the cell."""
    strong = "\n".join([
        CURRENT_HEADER,
        "2025-09-20 10:00:00,Legs,30m,Leg Press,1,2500,5,0,0,,,",
        "2025-09-20 10:00:00,Legs,30m,Leg Press,2,300,5,0,0,,,",
    ])
    response = upload(user_client, STRONG, strong)
    assert response.status_code == 400
    assert response.json()["errors"] == {"line 2": ["Weight: '2500' is more than the limit of 2,000 kg."]}
    hevy = "\n".join([
        HEVY_HEADER.replace("weight_kg", "weight_lbs"),
        '"Legs","20 Sep 2025, 10:00","20 Sep 2025, 11:00","","Leg Press","","",0,"normal",4500,5,,,',
        '"Legs","20 Sep 2025, 10:00","20 Sep 2025, 11:00","","Run","","",0,"normal",,,1200,,',
    ])
    response = upload(user_client, HEVY, hevy)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "line 2": ["weight_lbs: '4500' is more than the limit of 2,000 kg."],
        "line 3": ["distance_km: '1200' is more than the limit of 1,000,000 m."],
    }
    assert counts(user_client.user["id"]) == NOTHING


def test_only_the_first_hundred_bad_lines_are_listed(user_client):
    rows = [f"2025-09-20 10:00:00,Arms,30m,Curl,{n},heavy,5,0,0,,," for n in range(1, 151)]
    response = upload(user_client, STRONG, "\n".join([CURRENT_HEADER, *rows]))
    body = response.json()
    assert response.status_code == 400 and len(body["errors"]) == 100
    assert "150 lines of the file have errors (the first 100 are listed)" in body["detail"]


@pytest.mark.parametrize(
    "url, content, message",
    [
        (STRONG, sample("hevy_kg.csv"), "This is not a Strong CSV export"),
        (HEVY, sample("strong_current.csv"), "This is not a Hevy CSV export"),
        (STRONG, "name,weight\nbench,100\n", "This is not a Strong CSV export"),
    ],
)
def test_another_apps_file_is_refused_by_its_header(user_client, url, content, message):
    response = upload(user_client, url, content)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith(message) and "line 1" in body["errors"]


@pytest.mark.parametrize(
    "content, path, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)), "file", "not UTF-8 text"),
        ("Date,Workout Name\n".encode("utf-16"), "file", "not UTF-8 text"),
        (b"", "file", "The file is empty"),
        (b"\n\n", "file", "The file is empty"),
        (
            f'{CURRENT_HEADER}\n2025-09-20 10:00:00,Arms,30m,Curl,1,30,5,0,0,"never closed,,\n'.encode(),
            "line 2",
            "cannot be read as CSV",
        ),
    ],
)
def test_files_that_are_not_csv_text(user_client, content, path, message):
    response = upload(user_client, STRONG, content, name="photo.png")
    assert response.status_code == 400, response.content
    body = response.json()
    assert message in body["errors"][path][0]
    assert counts(user_client.user["id"]) == NOTHING


def test_the_file_field_is_required(user_client):
    response = user_client.client.post(STRONG, {}, **user_client._headers(None))
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_an_empty_export_imports_nothing(user_client):
    summary = imported(user_client, STRONG, CURRENT_HEADER + "\n")
    assert summary == {
        "sessions": 0, "sets": 0, "exercises_created": 0, "workouts_created": 0, "skipped_rows": 0, "already_imported": 0,
    }


# --- idempotency and isolation ------------------------------------------------------------------------

def test_importing_the_same_file_again_creates_nothing(user_client, library):
    imported(user_client, STRONG, sample("strong_current.csv"))
    before = counts(user_client.user["id"])
    again = imported(user_client, STRONG, sample("strong_current.csv"))
    assert again == {
        "sessions": 0, "sets": 0, "exercises_created": 0, "workouts_created": 0, "skipped_rows": 4, "already_imported": 36,
    }
    assert counts(user_client.user["id"]) == before
    hevy = imported(user_client, HEVY, sample("hevy_kg.csv"))
    assert imported(user_client, HEVY, sample("hevy_kg.csv"))["sets"] == 0 and hevy["sets"] == 17


def test_a_later_longer_export_adds_only_what_is_new(user_client, library):
    lines = sample("strong_current.csv").decode("utf-8-sig").splitlines(keepends=True)
    first_two_workouts = "".join(lines[:25])  # up to the end of the Pull Day of 3 September
    first = imported(user_client, STRONG, first_two_workouts)
    assert (first["sessions"], first["sets"]) == (2, 20)
    rest = imported(user_client, STRONG, sample("strong_current.csv"))
    assert (rest["sessions"], rest["sets"], rest["already_imported"], rest["workouts_created"]) == (3, 16, 20, 1)
    assert counts(user_client.user["id"])["sessions"] == 5


def test_the_same_export_in_both_strong_layouts_is_one_history(user_client):
    current = f"{CURRENT_HEADER}\n2019-01-11 12:31:54,Leg,1h 2m,Leg Press (Machine),1,140,12,0,0,,,\n"
    legacy = f'{LEGACY_HEADER};Workout Duration\n2019-01-11 12:31:54;"Leg";"Leg Press (Machine)";1;140;kg;12;;;;0;"";"";1h 2m\n'
    assert imported(user_client, STRONG, current)["sets"] == 1
    assert imported(user_client, STRONG, legacy)["already_imported"] == 1
    assert counts(user_client.user["id"])["logs"] == 1


def test_other_users_are_unaffected(user_client, other_client, library):
    imported(other_client, STRONG, sample("strong_legacy.csv"))
    theirs = counts(other_client.user["id"])
    summary = imported(user_client, STRONG, sample("strong_current.csv"))
    assert summary["sessions"] == 5
    assert counts(other_client.user["id"]) == theirs
    # the same file imported by someone else is their own history, not a repeat of mine
    again = imported(other_client, STRONG, sample("strong_current.csv"))
    assert (again["sessions"], again["sets"], again["exercises_created"]) == (5, 36, 1)
    assert Exercise.objects(name="Développé couché haltères").count() == 2
    assert len(user_client.get(SESSIONS).json()["results"]) == 5
    mine = {log.client_id for log in ExerciseLog.objects(user_id=user_client.user["id"])}
    assert not mine & {log.client_id for log in ExerciseLog.objects(user_id=other_client.user["id"])}


# --- limits, failures, auth -------------------------------------------------------------------------------

def test_more_rows_than_the_limit_are_refused(user_client, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_ROWS", 10)
    rows = [f"2025-09-20 10:00:00,Arms,30m,Curl,{n},30,5,0,0,,," for n in range(1, 12)]
    response = upload(user_client, STRONG, "\n".join([CURRENT_HEADER, *rows]))
    assert response.status_code == 400
    assert "more than 10 rows" in response.json()["detail"]
    assert counts(user_client.user["id"]) == NOTHING
    assert imported(user_client, STRONG, "\n".join([CURRENT_HEADER, *rows[:10]]))["sets"] == 10


def test_files_over_the_size_limit_get_413(user_client, settings):
    settings.MAX_UPLOAD_BYTES = 2000
    content = "\n".join([CURRENT_HEADER] + [f"2025-09-20 10:00:00,Arms,30m,Curl,{n},30,5,0,0,,," for n in range(1, 60)])
    response = upload(user_client, STRONG, content)
    assert response.status_code == 413
    assert "2000 bytes" in response.json()["detail"]
    assert counts(user_client.user["id"]) == NOTHING


def test_the_service_checks_the_size_itself(user_client, settings):
    """Behind a proxy that streams without a Content-Length, the middleware cannot see the size."""
    settings.MAX_UPLOAD_BYTES = 100
    file = SimpleUploadedFile("big.csv", (CURRENT_HEADER + "\n" + "x" * 200).encode())
    with pytest.raises(csvfile.TooLarge) as raised:
        importer.import_csv(user_client.user["id"], file, StrongFormat())
    assert raised.value.status_code == 413 and "100 bytes" in raised.value.detail


def test_a_write_that_fails_midway_is_taken_back(user_client, library, monkeypatch):
    imported(user_client, STRONG, sample("strong_legacy.csv"))
    before = counts(user_client.user["id"])
    records_before = PersonalRecord.objects(user_id=user_client.user["id"]).count()
    monkeypatch.setattr(importer, "WRITE_BATCH", 10)
    collection_type = type(ExerciseLog._get_collection())
    real_insert = collection_type.insert_many
    calls = []

    def insert_many(collection, documents, *args, **kwargs):
        if collection.name == "exercise_logs":
            calls.append(len(documents))
            if len(calls) == 2:
                raise RuntimeError("disk full")
        return real_insert(collection, documents, *args, **kwargs)

    monkeypatch.setattr(collection_type, "insert_many", insert_many)
    with pytest.raises(RuntimeError):
        importer.import_csv(user_client.user["id"], SimpleUploadedFile("s.csv", sample("strong_current.csv")), StrongFormat())
    assert calls[0] == 10  # the first batch went in, then came out again
    assert counts(user_client.user["id"]) == before
    assert PersonalRecord.objects(user_id=user_client.user["id"]).count() == records_before


def test_one_import_at_a_time_per_account(user_client, other_client):
    with importer.import_lock(user_client.user["id"]):
        response = upload(user_client, STRONG, sample("strong_legacy.csv"))
        assert response.status_code == 409 and "Another import" in response.json()["detail"]
        assert upload(other_client, STRONG, sample("strong_legacy.csv")).status_code == 201
    assert upload(user_client, STRONG, sample("strong_legacy.csv")).status_code == 201


@pytest.mark.parametrize("method, url", [("post", STRONG), ("post", HEVY), ("post", RESTORE), ("get", EXPORT)])
def test_authentication_is_required(anon, method, url):
    if method == "post":
        response = upload(anon, url, sample("strong_legacy.csv"))
    else:
        response = anon.get(url, {"format": "csv"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided or are invalid."}


# --- progress on the live feed ------------------------------------------------------------------------------

def test_progress_events_for_big_files(user_client, monkeypatch):
    published = []
    monkeypatch.setattr(
        importer.events, "publish_to_user", lambda user_id, event_type, **payload: published.append((user_id, event_type, payload))
    )
    file = SimpleUploadedFile("strong.csv", sample("strong_current.csv"))
    summary = importer.import_csv(user_client.user["id"], file, StrongFormat(), progress_every=10)
    user_id = user_client.user["id"]
    assert {uid for uid, _, _ in published} == {user_id}
    progress = [(p["phase"], p["rows_done"], p["rows_total"]) for _, kind, p in published if kind == "import.progress"]
    assert progress == [("reading", 10, None), ("reading", 20, None), ("reading", 30, None), ("reading", 40, None),
                        ("writing", 36, 36)]
    reading = [p for _, kind, p in published if kind == "import.progress" and p["phase"] == "reading"]
    assert all(p["source"] == "strong" and 0 < p["bytes_read"] <= p["bytes_total"] for p in reading)
    assert published[-1] == (user_id, "import.completed", {"source": "strong", **summary})


def test_small_files_send_only_the_completion(user_client, monkeypatch):
    published = []
    monkeypatch.setattr(importer.events, "publish_to_user", lambda user_id, kind, **payload: published.append(kind))
    imported(user_client, STRONG, sample("strong_current.csv"))
    assert published == ["import.completed"]
    upload(user_client, STRONG, sample("strong_malformed.csv"))
    assert published[-1] == "import.failed"


@pytest.mark.django_db(transaction=True)
async def test_progress_reaches_the_users_websocket(monkeypatch):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from backend.config.asgi import application
    from tests.live.test_websockets import next_event

    monkeypatch.setattr(importer, "PROGRESS_EVERY", 10)
    client, user = await sync_to_async(register)()
    socket = WebsocketCommunicator(application, f"/ws/me/?token={client.token}")
    connected, _ = await socket.connect(timeout=5)
    assert connected
    await next_event(socket, "me.snapshot")
    response = await sync_to_async(upload)(client, STRONG, sample("strong_current.csv"))
    assert response.status_code == 201
    first = await next_event(socket, "import.progress")
    assert (first["source"], first["phase"], first["rows_done"]) == ("strong", "reading", 10)
    done = await next_event(socket, "import.completed")
    assert (done["sessions"], done["sets"]) == (5, 36)
    await socket.disconnect()


# --- export -----------------------------------------------------------------------------------------------

def test_the_csv_export_is_strongs_layout_one_row_per_set(user_client, library):
    imported(user_client, STRONG, sample("strong_current.csv"))
    response = user_client.get(EXPORT, {"format": "csv"})
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    username = user_client.user["username"]
    assert response["Content-Disposition"].startswith(f'attachment; filename="workout-api-{username}-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = csv_rows(download(response))
    assert ",".join(rows[0]) == CURRENT_HEADER
    assert len(rows) == 1 + 36
    note = 'Felt strong, slept 8h — "easy" day'
    assert rows[1:9] == [
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Barbell Bench Press", "W", "40", "10", "", "", "", note, ""],
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Barbell Bench Press", "W", "60", "5", "", "", "", note, ""],
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Barbell Bench Press", "1", "80", "8", "", "", "Paused reps, 1s on chest", note, "8"],
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Barbell Bench Press", "2", "80", "8", "", "", "", note, "8.5"],
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Barbell Bench Press", "3", "80", "7", "", "", "", note, "9"],
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Barbell Bench Press", "D", "60", "10", "", "", "", note, ""],
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Overhead Press", "1", "50", "6", "", "", "", note, ""],
        ["2025-09-01 07:30:12", "Push Day", "1h 5m", "Overhead Press", "2", "50", "6", "", "", "", note, ""],
    ]
    assert rows[10][3] == "Développé couché haltères" and rows[10][9] == "Prise neutre\ncoudes serrés"
    running = next(row for row in rows if row[3] == "Running")
    assert (running[5], running[6], running[7], running[8]) == ("", "", "3.2", "1080")
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])


def test_the_csv_export_imports_anywhere_strong_files_do(user_client, library):
    imported(user_client, STRONG, sample("strong_current.csv"))
    exported = download(user_client.get(EXPORT, {"format": "csv"}))
    fresh, _ = register()
    summary = imported(fresh, STRONG, exported)
    assert (summary["sessions"], summary["sets"], summary["exercises_created"], summary["skipped_rows"]) == (5, 36, 1, 0)
    before, after = sessions_of(user_client), sessions_of(fresh)
    assert [(s["workout"]["name"], s["start_time"], s["end_time"], s["total_volume"], s["notes"]) for s in before] == [
        (s["workout"]["name"], s["start_time"], s["end_time"], s["total_volume"], s["notes"]) for s in after
    ]
    assert [sets_of(s) for s in before] == [sets_of(s) for s in after]


def test_the_json_export_holds_everything_the_user_owns(user_client, other_client, library):
    user_client.patch("/api/auth/profile/", {"bio": "Ich trainiere 🏋️", "height": 181.5, "fitness_goal": "muscle_gain"})
    assert user_client.post("/api/coaching/coaches/", {"username": other_client.user["username"]}).status_code == 201
    imported(user_client, STRONG, sample("strong_current.csv"))
    imported(other_client, STRONG, sample("strong_legacy.csv"))  # not part of this user's export
    response = user_client.get(EXPORT)  # json is the default
    assert response.streaming and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].endswith('.json"')
    document = json.loads(download(response))
    assert list(document) == [
        "format_version", "app", "exported_at", "account", "profile", "exercises", "referenced_exercises", "workouts",
        "referenced_workouts", "coach_grants", "sessions", "logs",
    ]
    assert document["format_version"] == 1 and document["app"] == "workout-api"
    assert document["account"] == {"username": user_client.user["username"], "email": user_client.user["email"]}
    profile = document["profile"]
    assert (profile["bio"], profile["height"], profile["fitness_goal"], profile["weight"]) == (
        "Ich trainiere 🏋️", 181.5, "muscle_gain", None,
    )
    assert [e["name"] for e in document["exercises"]] == ["Développé couché haltères"]
    assert {e["name"] for e in document["referenced_exercises"]} == {
        "Barbell Bench Press", "Overhead Press", "Deadlift", "Lat Pulldown", "Face Pull", "Back Squat", "Running", "Plank",
    }
    assert all(not e["is_custom"] for e in document["referenced_exercises"])
    assert {w["name"] for w in document["workouts"]} == {"Push Day", "Pull Day", "Leg Day 🦵"}
    assert document["referenced_workouts"] == []
    assert [g["coach"] for g in document["coach_grants"]] == [other_client.user["username"]]
    assert len(document["sessions"]) == 5 and len(document["logs"]) == 36
    first = document["logs"][0]
    assert set(first) == {
        "id", "workout_session", "exercise", "set_number", "set_type", "reps", "weight", "duration_seconds", "distance",
        "rpe", "rir", "notes", "client_id", "completed_at", "created_at", "updated_at",
    }
    assert first["workout_session"] == document["sessions"][0]["id"] and first["completed_at"].endswith("Z")


def test_an_empty_account_exports_an_empty_document(user_client):
    document = json.loads(download(user_client.get(EXPORT, {"format": "json"})))
    assert (document["exercises"], document["workouts"], document["sessions"], document["logs"]) == ([], [], [], [])
    assert csv_rows(download(user_client.get(EXPORT, {"format": "csv"}))) == [CURRENT_HEADER.split(",")]


def test_an_unknown_export_format_is_a_400(user_client):
    response = user_client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 400 and "format" in response.json()["errors"]


@pytest.mark.django_db(transaction=True)
async def test_downloads_stream_under_asgi_too():
    from asgiref.sync import sync_to_async
    from django.test import AsyncClient

    client, _ = await sync_to_async(register)()
    await sync_to_async(upload)(client, STRONG, sample("strong_current.csv"))
    response = await AsyncClient().get(EXPORT, {"format": "csv"}, headers={"Authorization": f"Token {client.token}"})
    assert response.status_code == 200
    chunks = [chunk async for chunk in response]
    assert len(csv_rows(b"".join(chunks))) == 37


# --- restore (JSON import) and the round trip -------------------------------------------------------------

def build_history(client, coach_username: str, other) -> None:
    """A user with something of everything: profile, custom exercises, a template, sessions in every
    state with detailed sets, a session of another user's public workout, a coach, and imports."""
    assert client.patch(
        "/api/auth/profile/",
        {
            "bio": "Powerlifter 🏋️, comma, \"quotes\"", "height": 180.5, "weight": 92.3, "date_of_birth": "1990-04-02",
            "fitness_goal": "muscle_gain", "experience_level": "advanced", "preferred_workout_types": ["strength", "hypertrophy"],
        },
    ).status_code == 200
    tempo = client.post(
        "/api/exercises/",
        {
            "name": "Tempo Squat", "category": "strength", "difficulty_level": "advanced", "primary_muscles": ["legs"],
            "secondary_muscles": ["glutes", "core"], "equipment_needed": ["barbell"], "instructions": ["3 s down", "drive up"],
            "video_url": "https://example.com/tempo.mp4", "description": "A squat with a slow descent",
        },
    ).json()
    bench = Exercise.objects.get(name="Barbell Bench Press")
    workout = client.post(
        "/api/workouts/",
        {
            "name": "Heavy Day", "description": "Top sets", "difficulty_level": "advanced", "tags": ["strength", "heavy"],
            "is_template": True,
            "exercises": [
                {"exercise": tempo["id"], "order": 1, "target_sets": 5, "target_reps_min": 3, "target_reps_max": 5,
                 "target_weight": 120, "rest_seconds": 180, "notes": "Belt"},
                {"exercise": str(bench.id), "order": 2, "superset_group": "A", "target_duration_seconds": 30},
            ],
        },
    ).json()
    session = client.post(SESSIONS, {"workout": workout["id"], "client_id": "6f1c4d1e-8a51-4c7a-9a1e-2d1a4f7c9b10"}).json()
    assert client.post(f"{SESSIONS}{session['id']}/start/", raw="").status_code == 200
    logs = [
        {"workout_session": session["id"], "exercise": tempo["id"], "set_number": 1, "set_type": "warmup", "reps": 5,
         "weight": 60, "client_id": "0b9e7f0e-0f5e-4d4e-8a0c-0c7c9a1c3d01"},
        {"workout_session": session["id"], "exercise": tempo["id"], "set_number": 2, "reps": 5, "weight": 120.5, "rpe": 8.5,
         "rir": 2, "notes": "slow, controlled", "completed_at": "2026-01-10T10:05:00Z"},
        {"workout_session": session["id"], "exercise": str(bench.id), "set_number": 1, "set_type": "failure", "reps": 9,
         "weight": 100, "duration_seconds": 40},
    ]
    assert client.post("/api/exercise-logs/bulk_create/", {"logs": logs}).status_code == 201
    assert client.post(f"{SESSIONS}{session['id']}/complete/", {"rating": 4, "calories_burned": 350, "notes": "PR day"}).status_code == 200
    assert client.post(SESSIONS, {"workout": workout["id"], "session_date": "2027-03-01T09:00:00Z", "notes": "planned"}).status_code == 201
    cancelled = client.post(SESSIONS, {"workout": workout["id"]}).json()
    assert client.post(f"{SESSIONS}{cancelled['id']}/cancel/", raw="").status_code == 200
    # another user's public workout and public exercise, used by this user
    sled = other.post("/api/exercises/", {"name": "Sandbag Carry Intervals", "category": "cardio", "is_public": True}).json()
    shared = other.post(
        "/api/workouts/", {"name": "Conditioning", "is_public": True, "exercises": [{"exercise": sled["id"], "order": 1}]}
    ).json()
    visit = client.post(SESSIONS, {"workout": shared["id"], "status": "in_progress"}).json()
    assert client.post(
        "/api/exercise-logs/", {"workout_session": visit["id"], "exercise": sled["id"], "set_number": 1, "distance": 40.5}
    ).status_code == 201
    assert client.post("/api/coaching/coaches/", {"username": coach_username}).status_code == 201
    imported(client, STRONG, sample("strong_current.csv"))
    imported(client, HEVY, sample("hevy_lbs.csv"))


def normalized(document: dict) -> dict:
    """The document with ids replaced by their order of appearance and the account left out."""
    ids: dict[str, str] = {}

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items() if k not in ("exported_at", "account")}
        if isinstance(value, list):
            return [walk(item) for item in value]
        if key in ("id", "workout", "workout_session", "exercise") and isinstance(value, str):
            return ids.setdefault(value, f"#{len(ids)}")
        return value

    return walk(document)


def test_export_then_restore_into_a_new_account_then_export_gives_the_same_data(user_client, other_client, library):
    coach, _ = register("round-trip-coach")
    build_history(user_client, "round-trip-coach", other_client)
    first = json.loads(download(user_client.get(EXPORT, {"format": "json"})))
    assert len(first["sessions"]) == 5 + 1 + 4 and first["referenced_workouts"][0]["name"] == "Conditioning"

    fresh, _ = register()
    response = upload(fresh, RESTORE, json.dumps(first), name="export.json")
    assert response.status_code == 201, response.content
    assert response.json() == {
        "exercises": 2, "workouts": 5, "sessions": 10, "logs": len(first["logs"]), "coach_grants": 1,
        "skipped_coach_grants": [],
    }
    second = json.loads(download(fresh.get(EXPORT, {"format": "json"})))
    assert normalized(second) == normalized(first)
    assert second["account"]["username"] != first["account"]["username"]
    assert {log["id"] for log in second["logs"]}.isdisjoint(log["id"] for log in first["logs"])
    # what is derived from the sets is the same too
    assert [s["total_volume"] for s in second["sessions"]] == [s["total_volume"] for s in first["sessions"]]

    def records(client):
        return [
            {name: (r[name] or {}).get("value") for name in ("heaviest_weight", "most_reps", "best_set_volume", "best_e1rm")}
            | {"exercise": r["exercise"]["name"]}
            for r in client.get("/api/exercise-logs/personal_records/").json()
        ]

    assert records(fresh) == records(user_client)
    assert fresh.get("/api/auth/profile/").json()["bio"] == user_client.get("/api/auth/profile/").json()["bio"]
    assert len(coach.get("/api/coaching/athletes/").json()) == 2  # the coach now sees both accounts
    assert CoachGrant.objects.filter(coach__username="round-trip-coach").count() == 2
    # the other user's public workout is referenced, not copied
    assert Workout.objects(name="Conditioning").count() == 1


def test_a_compressed_export_restores_as_it_is(user_client, library):
    imported(user_client, STRONG, sample("strong_current.csv"))
    response = user_client.get(EXPORT, {"format": "json", "gzip": "true"})
    assert response["Content-Type"] == "application/gzip" and response["Content-Disposition"].endswith('.json.gz"')
    compressed = download(response)
    plain = json.loads(gzip.decompress(compressed))
    assert len(plain["logs"]) == 36
    fresh, _ = register()
    assert upload(fresh, RESTORE, compressed, name="export.json.gz").status_code == 201
    assert normalized(json.loads(download(fresh.get(EXPORT)))) == normalized(plain)
    csv_gz = download(user_client.get(EXPORT, {"format": "csv", "gzip": "true"}))
    assert len(csv_rows(gzip.decompress(csv_gz))) == 37


def test_compressed_files_that_are_broken_or_too_big_once_inflated(user_client, settings):
    response = upload(user_client, RESTORE, gzip.compress(b'{"format_version": 1}')[:-12] + b"garbage!" * 3, name="x.gz")
    assert response.status_code == 400 and "cannot be read" in response.json()["errors"]["file"][0]
    settings.MAX_UPLOAD_BYTES = 10_000
    bomb = gzip.compress(b'{"format_version": 1, "pad": "' + b" " * 200_000 + b'"}')
    assert len(bomb) < 10_000
    response = upload(user_client, RESTORE, bomb, name="x.gz")
    assert response.status_code == 413 and "once decompressed" in response.json()["detail"]


def test_restoring_into_an_account_with_data_is_refused(user_client):
    document = json.loads(download(user_client.get(EXPORT)))
    imported(user_client, STRONG, sample("strong_legacy.csv"))
    response = upload(user_client, RESTORE, json.dumps(document), name="export.json")
    assert response.status_code == 409
    assert "only into an empty account" in response.json()["detail"]


def test_restoring_from_another_server_maps_what_it_does_not_have(user_client, other_client, library):
    build_history(user_client, other_client.user["username"], other_client)
    document = json.loads(download(user_client.get(EXPORT)))
    # on another server the library and the shared workout have other ids, and the coach is unknown
    renamed = {ref["id"]: f"{index:024x}" for index, ref in enumerate(document["referenced_exercises"] + document["referenced_workouts"])}
    text = json.dumps(document)
    for old, new in renamed.items():
        text = text.replace(old, new)
    document = json.loads(text)
    document["coach_grants"][0]["coach"] = "nobody-here"
    fresh, _ = register()
    response = upload(fresh, RESTORE, json.dumps(document), name="export.json")
    assert response.status_code == 201, response.content
    summary = response.json()
    assert summary["skipped_coach_grants"] == ["nobody-here"] and summary["coach_grants"] == 0
    assert summary["exercises"] == 2 + 1  # Sandbag Carry Intervals is not in the library: a private copy
    fresh_id = Exercise.objects(name="Tempo Squat", created_by_user_id__ne=user_client.user["id"]).first().created_by_user_id
    copy = Exercise.objects.get(name="Sandbag Carry Intervals", created_by_user_id=fresh_id)
    assert copy.is_custom and not copy.is_public
    conditioning = Workout.objects.get(name="Conditioning", created_by_user_id=fresh_id)
    assert not conditioning.is_public
    bench = Exercise.objects.get(name="Barbell Bench Press")
    assert ExerciseLog.objects(user_id=fresh_id, exercise=bench.id).count() == ExerciseLog.objects(
        user_id=user_client.user["id"], exercise=bench.id
    ).count()


def valid_document() -> dict:
    return {
        "format_version": 1,
        "referenced_exercises": [{"id": "e1", "name": "Barbell Bench Press", "category": "strength"}],
        "workouts": [{"id": "w1", "name": "Push", "exercises": [{"exercise": "e1", "order": 1}]}],
        "sessions": [{"id": "s1", "workout": "w1", "status": "completed", "session_date": "2025-01-01T10:00:00Z"}],
        "logs": [{"id": "l1", "workout_session": "s1", "exercise": "e1", "set_number": 1, "reps": 5, "weight": 100,
                  "completed_at": "2025-01-01T10:10:00Z"}],
    }


def test_a_hand_written_document_restores(user_client, library):
    response = upload(user_client, RESTORE, json.dumps(valid_document()), name="export.json")
    assert response.status_code == 201, response.content
    (session,) = sessions_of(user_client)
    assert session["total_volume"] == 500.0 and sets_of(session) == [("Barbell Bench Press", 1, "normal", 100.0, 5)]


@pytest.mark.parametrize(
    "change, path",
    [
        (lambda d: d["logs"][0].update(reps=-1), "logs.0.reps"),
        (lambda d: d["logs"][0].update(set_type="superset"), "logs.0.set_type"),
        (lambda d: d["logs"][0].pop("completed_at"), "logs.0.completed_at"),
        (lambda d: d["sessions"][0].update(status="paused"), "sessions.0.status"),
        (lambda d: d["sessions"][0].update(workout="nope"), "sessions.0.workout"),
        (lambda d: d["logs"][0].update(exercise="nope"), "logs.0.exercise"),
        (lambda d: d["logs"][0].update(workout_session="nope"), "logs.0.workout_session"),
        (lambda d: d["workouts"][0]["exercises"][0].update(exercise="nope"), "workouts.0.exercises.0.exercise"),
        (lambda d: d["logs"].append(dict(d["logs"][0])), "logs.1.id"),
        (lambda d: d.update(logs="many"), "logs"),
        (lambda d: d.update(format_version=2), "format_version"),
        (lambda d: d.pop("format_version"), "file"),
    ],
)
def test_invalid_documents_are_refused_with_paths_and_nothing_is_written(user_client, library, change, path):
    document = valid_document()
    change(document)
    response = upload(user_client, RESTORE, json.dumps(document), name="export.json")
    assert response.status_code == 400, response.content
    assert path in response.json()["errors"], response.json()
    assert counts(user_client.user["id"]) == NOTHING


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]"])
def test_files_that_are_not_an_export_are_refused(user_client, content):
    response = upload(user_client, RESTORE, content, name="export.json")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_a_restore_that_fails_midway_leaves_the_account_empty(user_client, library, monkeypatch):
    from backend.portability.services import restore

    def fail(*args, **kwargs):
        raise RuntimeError("auth database down")

    monkeypatch.setattr(restore, "_grants", fail)
    document = valid_document()
    with pytest.raises(RuntimeError):
        restore.restore(
            type("User", (), {"id": user_client.user["id"], "username": "x"})(),
            SimpleUploadedFile("export.json", json.dumps(document).encode()),
        )
    assert counts(user_client.user["id"]) == NOTHING
    assert PersonalRecord.objects(user_id=user_client.user["id"]).count() == 0
