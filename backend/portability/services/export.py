"""Exporting everything a user owns, as chunks of bytes for a streaming download.

* CSV: Strong's current layout, one row per set, so other apps that import Strong files (and
  this one) read it. Weights in kg, distances in km.
* JSON (FORMAT_VERSION): the profile, custom exercises, workouts, sessions, sets and coach grants
  with their ids, which `restore` maps to new ids in another account. Exercises and workouts
  the user's data points to but does not own (library exercises, public workouts of others) are
  listed under `referenced_exercises` / `referenced_workouts` so the file stands on its own.

Sessions are read in batches and their sets with them, so memory does not grow with the history.
Everything is ordered (by date, then id) so two exports of the same data are the same file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from bson import ObjectId

from backend.coaching import services as coaching
from backend.live.events import iso, now_iso
from backend.portability.services.strong import format_duration
from backend.training.documents import Exercise, ExerciseLog, UserProfile, Workout, WorkoutSession, utcnow
from backend.training.services.sessions import shown_volume

FORMAT_VERSION = 1
APP = "workout-api"
CHUNK_BYTES = 64 * 1024
SESSION_BATCH = 500
CSV_HEADER = [
    "Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps", "Distance", "Seconds",
    "Notes", "Workout Notes", "RPE",
]
CSV_SET_ORDER = {"warmup": "W", "dropset": "D", "failure": "F"}

EXERCISE_FIELDS = (
    "name", "description", "category", "difficulty_level", "primary_muscles", "secondary_muscles",
    "equipment_needed", "instructions", "aliases", "video_url", "image_url", "is_public",
)
WORKOUT_FIELDS = (
    "name", "description", "difficulty_level", "estimated_duration_minutes", "tags", "is_template", "is_public",
    "total_exercises",
)
ENTRY_FIELDS = (
    "order", "target_sets", "target_reps_min", "target_reps_max", "target_weight", "target_duration_seconds",
    "rest_seconds", "superset_group", "notes",
)
SESSION_FIELDS = (
    "status", "session_date", "start_time", "end_time", "paused_at", "paused_seconds", "actual_duration_minutes",
    "notes", "rating", "calories_burned", "total_volume", "rest_ends_at", "client_id",
)
LOG_FIELDS = (
    "set_number", "set_type", "reps", "weight", "duration_seconds", "distance", "rpe", "rir", "notes", "client_id",
    "completed_at",
)
PROFILE_FIELDS = (
    "bio", "height", "weight", "date_of_birth", "fitness_goal", "experience_level", "preferred_workout_types",
)
LIST_DEFAULTS = {"primary_muscles", "secondary_muscles", "equipment_needed", "instructions", "aliases", "tags",
                 "preferred_workout_types"}


def filename(user, extension: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", user.username).strip("-.") or "user"
    return f"workout-api-{safe}-{utcnow().strftime('%Y%m%d')}.{extension}"


# --- JSON -------------------------------------------------------------------------------------------

def export_json(user) -> Iterator[bytes]:
    """The whole account as one JSON document, produced piece by piece. What lives in the auth
    database (account, grants) and the small collections are read before the first chunk."""
    user_id = user.id
    exercises = sorted(Exercise.objects(is_custom=True, created_by_user_id=user_id).as_pymongo(), key=_by_created)
    own_exercise_ids = {row["_id"] for row in exercises}
    workouts = sorted(Workout.objects(created_by_user_id=user_id).as_pymongo(), key=_by_created)
    own_workout_ids = {row["_id"] for row in workouts}
    # distinct() on the collection: mongoengine's would load every referenced document
    other_workout_ids = set(WorkoutSession._get_collection().distinct("workout", {"user_id": user_id})) - own_workout_ids
    other_workouts = sorted(Workout.objects(id__in=list(other_workout_ids)).as_pymongo(), key=_by_created) if other_workout_ids else []
    used = set(ExerciseLog._get_collection().distinct("exercise", {"user_id": user_id}))
    for workout in workouts + other_workouts:
        used.update(entry["exercise"] for entry in workout.get("exercises", []))
    other_exercise_ids = used - own_exercise_ids
    referenced = sorted(
        Exercise.objects(id__in=list(other_exercise_ids)).only("id", "name", "category", "is_custom").as_pymongo(),
        key=lambda row: (row["name"].casefold(), row["_id"]),
    ) if other_exercise_ids else []
    profile = UserProfile.objects(user_id=user_id).as_pymongo().first() or {}
    grants = [{"coach": g.coach.username, "granted_at": iso(g.created_at)} for g in coaching.coaches_of(user)]

    head = {
        "format_version": FORMAT_VERSION,
        "app": APP,
        "exported_at": now_iso(),
        "account": {"username": user.username, "email": user.email},
        "profile": _profile_json(profile),
        "exercises": [_exercise_json(row) for row in exercises],
        "referenced_exercises": [
            {"id": str(row["_id"]), "name": row["name"], "category": row["category"], "is_custom": bool(row.get("is_custom"))}
            for row in referenced
        ],
        "workouts": [_workout_json(row) for row in workouts],
        "referenced_workouts": [_workout_json(row) for row in other_workouts],
        "coach_grants": grants,
    }
    return _chunked(_json_pieces(user_id, head))


def _json_pieces(user_id: int, head: dict) -> Iterator[str]:
    yield json.dumps(head, ensure_ascii=False)[:-1]  # the object stays open for sessions and logs
    yield ', "sessions": ['
    first = True
    for batch in _session_batches(user_id):
        for session in batch:
            yield ("" if first else ",") + "\n" + json.dumps(_session_json(session), ensure_ascii=False)
            first = False
    yield '], "logs": ['
    first = True
    for batch in _session_batches(user_id):
        for log in _logs_of(user_id, batch):
            yield ("" if first else ",") + "\n" + json.dumps(_log_json(log), ensure_ascii=False)
            first = False
    yield "]}\n"


def _profile_json(row: dict) -> dict[str, Any]:
    values = {name: _plain(row.get(name), name) for name in PROFILE_FIELDS}
    if values["date_of_birth"] is not None:
        values["date_of_birth"] = values["date_of_birth"][:10]
    return values | {"created_at": iso(row.get("created_at")), "updated_at": iso(row.get("updated_at"))}


def _exercise_json(row: dict) -> dict[str, Any]:
    return {
        "id": str(row["_id"]),
        **{name: _plain(row.get(name), name) for name in EXERCISE_FIELDS},
        "created_at": iso(row.get("created_at")),
        "updated_at": iso(row.get("updated_at")),
    }


def _workout_json(row: dict) -> dict[str, Any]:
    entries = sorted(row.get("exercises", []), key=lambda entry: entry.get("order", 0))
    return {
        "id": str(row["_id"]),
        **{name: _plain(row.get(name), name) for name in WORKOUT_FIELDS},
        "exercises": [
            {"exercise": str(entry["exercise"]), **{name: entry.get(name) for name in ENTRY_FIELDS}} for entry in entries
        ],
        "created_at": iso(row.get("created_at")),
        "updated_at": iso(row.get("updated_at")),
    }


def _session_json(row: dict) -> dict[str, Any]:
    return {
        "id": str(row["_id"]),
        "workout": str(row["workout"]),
        **{name: _plain(row.get(name), name) for name in SESSION_FIELDS},
        "total_volume": shown_volume(row.get("total_volume")),
        "created_at": iso(row.get("created_at")),
        "updated_at": iso(row.get("updated_at")),
    }


def _log_json(row: dict) -> dict[str, Any]:
    return {
        "id": str(row["_id"]),
        "workout_session": str(row["workout_session"]),
        "exercise": str(row["exercise"]),
        **{name: _plain(row.get(name), name) for name in LOG_FIELDS},
        "created_at": iso(row.get("created_at")),
        "updated_at": iso(row.get("updated_at")),
    }


def _plain(value: Any, name: str) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, ObjectId):
        return str(value)
    if value is None and name in LIST_DEFAULTS:
        return []
    return value


# --- CSV --------------------------------------------------------------------------------------------

def export_csv(user) -> Iterator[bytes]:
    return _chunked(_csv_lines(user.id))


def _csv_lines(user_id: int) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    exercise_names: dict[ObjectId, str] = {}
    workout_names: dict[ObjectId, str] = {}
    for batch in _session_batches(user_id):
        logs = _logs_of(user_id, batch)
        _names(Exercise, {log["exercise"] for log in logs} - set(exercise_names), exercise_names)
        _names(Workout, {s["workout"] for s in batch} - set(workout_names), workout_names)
        by_session: dict[ObjectId, list[dict]] = {}
        for log in logs:
            by_session.setdefault(log["workout_session"], []).append(log)
        for session in batch:
            sets = by_session.get(session["_id"], [])
            numbers: dict[ObjectId, int] = {}
            start = session.get("start_time") or session["session_date"]
            for log in sets:
                set_type = log.get("set_type") or "normal"
                if set_type in CSV_SET_ORDER:
                    order = CSV_SET_ORDER[set_type]
                else:
                    numbers[log["exercise"]] = numbers.get(log["exercise"], 0) + 1
                    order = str(numbers[log["exercise"]])
                writer.writerow([
                    start.strftime("%Y-%m-%d %H:%M:%S"),
                    workout_names.get(session["workout"], ""),
                    format_duration(_duration_seconds(session)),
                    exercise_names.get(log["exercise"], ""),
                    order,
                    _number(log.get("weight")),
                    _number(log.get("reps")),
                    _number(None if log.get("distance") is None else round(log["distance"] / 1000, 6)),
                    _number(log.get("duration_seconds")),
                    log.get("notes") or "",
                    session.get("notes") or "",
                    _number(log.get("rpe")),
                ])
            if buffer.tell() >= CHUNK_BYTES:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def _duration_seconds(session: dict) -> float:
    if session.get("actual_duration_minutes") is not None:
        return session["actual_duration_minutes"] * 60
    if session.get("start_time") and session.get("end_time"):
        return max(0.0, (session["end_time"] - session["start_time"]).total_seconds() - (session.get("paused_seconds") or 0))
    return 0


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _names(model, ids: set[ObjectId], into: dict[ObjectId, str]) -> None:
    if ids:
        into.update({row["_id"]: row["name"] for row in model.objects(id__in=list(ids)).only("id", "name").as_pymongo()})


# --- shared -----------------------------------------------------------------------------------------

def _by_created(row: dict) -> tuple:
    return (row.get("created_at") or datetime.min, row["_id"])


def _session_batches(user_id: int) -> Iterator[list[dict]]:
    """The user's sessions oldest first (by date, then id), a batch at a time."""
    rows = WorkoutSession.objects(user_id=user_id).order_by("session_date", "id").as_pymongo()
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= SESSION_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _logs_of(user_id: int, sessions: list[dict]) -> list[dict]:
    """The sets of these sessions in session order; within a session by exercise (in the order
    each was first done), then set number and time."""
    position = {row["_id"]: index for index, row in enumerate(sessions)}
    logs = list(ExerciseLog.objects(user_id=user_id, workout_session__in=list(position)).as_pymongo())
    logs.sort(key=lambda log: (position[log["workout_session"]], log["completed_at"], log["set_number"], log["_id"]))
    first_done: dict[tuple, int] = {}
    for index, log in enumerate(logs):
        first_done.setdefault((log["workout_session"], log["exercise"]), index)
    logs.sort(
        key=lambda log: (
            position[log["workout_session"]],
            first_done[(log["workout_session"], log["exercise"])],
            log["set_number"],
            log["completed_at"],
            log["_id"],
        )
    )
    return logs


def gzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The same bytes gzip-compressed, still a chunk at a time (a large JSON export shrinks about
    tenfold, which keeps it under the upload limit for restoring)."""
    deflater = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for chunk in chunks:
        compressed = deflater.compress(chunk)
        if compressed:
            yield compressed
    yield deflater.flush()


def _chunked(pieces: Iterable[str]) -> Iterator[bytes]:
    """Joins small pieces into chunks of about CHUNK_BYTES, UTF-8 encoded."""
    parts: list[str] = []
    size = 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    if parts:
        yield "".join(parts).encode("utf-8")

