"""Importing another app's CSV export (Strong, Hevy): every row is read and checked before anything
is written, then everything new goes in with bulk inserts, and comes out again if a write fails.

* A workout in the file (one date and name) becomes a completed session of a private Workout
  with that name (the user's own workout of that name if there is one); its rows become sets.
* Exercise names match the library by name or alias, then the user's own exercises, without
  case; other names become the user's custom exercises.
* Idempotent: sessions and sets get client_ids derived from the source, the user and what
  identifies them in the file, so importing a file again finds them and creates nothing (and a
  later, longer export of the same app adds only what is new).
* Progress: `import.progress` on the user's live feed (ws/me/) every PROGRESS_EVERY rows read and
  sets written, then `import.completed` (or `import.failed`).
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from django.core.cache import cache
from mongoengine.errors import NotUniqueError
from pymongo.errors import BulkWriteError, DuplicateKeyError

from backend.core.errors import ApiError
from backend.live import events
from backend.portability.services.csvfile import CsvReader, LineErrors, Row, bind_columns
from backend.training.documents import Exercise, ExerciseLog, Workout, WorkoutExercise, WorkoutSession, utcnow
from backend.training.services import records
from backend.training.services import workouts as workout_service
from backend.training.services.sessions import refresh_volume, set_volume

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5_000
WRITE_BATCH = 5_000
QUERY_BATCH = 1_000
LOCK_SECONDS = 15 * 60
NAMESPACE = uuid.UUID("5b0f7a52-3f0e-4c55-9d38-6f1f7e0c2a41")  # of this project's import ids

MAX_NAME = 200
MAX_SET_NOTES = 500
MAX_SESSION_NOTES = 5000
MAX_WEIGHT = 2000  # kg, as the API allows
MAX_REPS = 10_000
MAX_SECONDS = 86_400
MAX_DISTANCE = 1_000_000  # metres
MAX_WORKOUT_EXERCISES = workout_service.MAX_EXERCISES


@dataclass(slots=True)
class ParsedSet:
    line: int
    exercise: str
    identity: str  # what tells this set apart from the exercise's others in its session (Set Order, set_index)
    set_type: str
    reps: int | None
    weight: float | None
    duration_seconds: int | None
    distance: float | None
    rpe: float | None
    notes: str | None
    superset: str | None = None
    client_id: str = ""
    set_number: int = 0
    completed_at: datetime | None = None


@dataclass(slots=True)
class SessionHead:
    """What a row says about its workout; the first row of a workout decides."""

    start: datetime
    end: datetime
    workout_name: str
    notes: str | None

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.start, exercise_key(self.workout_name))


@dataclass
class ParsedSession:
    head: SessionHead
    line: int
    sets: list[ParsedSet] = field(default_factory=list)
    client_id: str = ""


SKIP = object()  # what a row parser returns for a row that is not a set (a rest timer, an empty set)
RowParser = Callable[[Row], "tuple[SessionHead, ParsedSet] | object | None"]


class CsvFormat:
    """One app's export format. `bind` checks the header and returns the row parser."""

    source = ""
    label = ""

    def bind(self, keys: dict[str, int], names: dict[str, str], units: str) -> RowParser:
        raise NotImplementedError


@dataclass
class Parsed:
    sessions: dict[tuple, ParsedSession] = field(default_factory=dict)
    rows: int = 0
    skipped: int = 0


class Progress:
    """Publishes import.progress every `every` rows read and sets written (nothing for small
    files), and import.completed / import.failed at the end."""

    def __init__(self, user_id: int, source: str, every: int):
        self.user_id = user_id
        self.source = source
        self.every = max(1, every)
        self.sent = 0

    def step(self, phase: str, done: int, total: int | None = None, **extra: Any) -> None:
        if done // self.every > self.sent:
            self.sent = done // self.every
            events.publish_to_user(
                self.user_id, "import.progress", source=self.source, phase=phase, rows_done=done, rows_total=total,
                **extra,
            )

    def restart(self) -> None:
        self.sent = 0

    def completed(self, summary: dict[str, Any]) -> None:
        events.publish_to_user(self.user_id, "import.completed", source=self.source, **summary)

    def failed(self, detail: str) -> None:
        events.publish_to_user(self.user_id, "import.failed", source=self.source, detail=detail)

    @contextmanager
    def reporting_failures(self) -> Iterator[None]:
        """Publishes import.failed with the reason when the import raises; the error propagates."""
        try:
            yield
        except ApiError as exc:
            self.failed(exc.detail)
            raise
        except Exception:
            self.failed("The import failed; nothing was imported.")
            raise


@contextmanager
def import_lock(user_id: int) -> Iterator[None]:
    """One import at a time per account (imports of the same file racing would each find the
    other's sets missing)."""
    key = f"portability:import:{user_id}"
    if not cache.add(key, "1", LOCK_SECONDS):
        raise ApiError("Another import into your account is running; try again when it has finished.", status_code=409)
    try:
        yield
    finally:
        cache.delete(key)


def import_csv(user_id: int, upload, fmt: CsvFormat, units: str = "metric", progress_every: int | None = None) -> dict:
    """Imports one CSV export; returns {sessions, sets, exercises_created, workouts_created,
    skipped_rows, already_imported}. Raises InvalidInput naming every bad line (nothing written)."""
    progress = Progress(user_id, fmt.source, progress_every or PROGRESS_EVERY)
    with import_lock(user_id), progress.reporting_failures():
        parsed = _read(upload, fmt, units, progress)
        summary = _write(user_id, fmt, parsed, progress)
    progress.completed(summary)
    return summary


# --- reading ----------------------------------------------------------------------------------------

def _read(upload, fmt: CsvFormat, units: str, progress: Progress) -> Parsed:
    reader = CsvReader(upload)
    keys, names = bind_columns(reader)
    parse_row = fmt.bind(keys, names, units)
    width = len(reader.header)
    parsed = Parsed()
    errors = LineErrors()
    for line, fields in reader:
        parsed.rows += 1
        progress.step("reading", parsed.rows, None, bytes_read=reader.bytes_read, bytes_total=reader.size)
        if len(fields) != width and not (len(fields) > width and not any(f.strip() for f in fields[width:])):
            errors.add(line, [f"This row has {len(fields)} fields; the header has {width}."])
            continue
        row = Row(keys, names, fields)
        result = parse_row(row)
        if row.errors:
            errors.add(line, row.errors)
            continue
        if result is SKIP or result is None:
            parsed.skipped += 1
            continue
        head, parsed_set = result
        parsed_set.line = line
        session = parsed.sessions.get(head.key)
        if session is None:
            session = parsed.sessions[head.key] = ParsedSession(head=head, line=line)
        session.sets.append(parsed_set)
    if reader.error:
        line, message = reader.error
        errors.add(line, [message])
    if errors:
        raise errors.exception()
    return parsed


def empty_set(*metrics: float | int | None) -> bool:
    """A row with no reps, weight, time or distance is a set that was never done."""
    return all(not value for value in metrics)


# --- writing ----------------------------------------------------------------------------------------

class Written:
    """What this import inserted, so a failure can take it back."""

    def __init__(self):
        self.exercises: list[ObjectId] = []
        self.workouts: list[ObjectId] = []
        self.sessions: list[ObjectId] = []
        self.logs: list[ObjectId] = []

    def undo(self) -> None:
        for model, ids in (
            (ExerciseLog, self.logs),
            (WorkoutSession, self.sessions),
            (Workout, self.workouts),
            (Exercise, self.exercises),
        ):
            for start in range(0, len(ids), QUERY_BATCH):
                model._get_collection().delete_many({"_id": {"$in": ids[start : start + QUERY_BATCH]}})


def _write(user_id: int, fmt: CsvFormat, parsed: Parsed, progress: Progress) -> dict:
    sessions = sorted(parsed.sessions.values(), key=lambda s: (s.head.start, s.head.workout_name, s.line))
    _identify(user_id, fmt.source, sessions)
    existing_sessions = _existing_sessions(user_id, [s.client_id for s in sessions])
    known_logs = _existing_logs(user_id, [item.client_id for s in sessions for item in s.sets])
    new_sets = [(s, item) for s in sessions for item in s.sets if item.client_id not in known_logs]
    new_sessions = [
        s for s in sessions
        if s.client_id not in existing_sessions and any(item.client_id not in known_logs for item in s.sets)
    ]
    summary = {
        "sessions": len(new_sessions),
        "sets": len(new_sets),
        "exercises_created": 0,
        "workouts_created": 0,
        "skipped_rows": parsed.skipped,
        "already_imported": sum(len(s.sets) for s in sessions) - len(new_sets),
    }
    if not new_sets:
        return summary

    now = utcnow()
    written = Written()
    touched_sessions: set[ObjectId] = set()
    exercise_ids: set[ObjectId] = set()
    try:
        exercises = _exercises(user_id, fmt, [item for _, item in new_sets], written, now)
        summary["exercises_created"] = len(written.exercises)
        workouts = _workouts(user_id, fmt, new_sessions, exercises, written, now)
        summary["workouts_created"] = len(written.workouts)
        session_ids = dict(existing_sessions)
        session_docs = []
        for session in new_sessions:
            head = session.head
            oid = ObjectId()
            session_ids[session.client_id] = oid
            session_docs.append(
                WorkoutSession(
                    id=oid,
                    user_id=user_id,
                    workout=workouts[exercise_key(head.workout_name)],
                    status="completed",
                    session_date=head.start,
                    start_time=head.start,
                    end_time=head.end,
                    actual_duration_minutes=int((head.end - head.start).total_seconds() / 60 + 0.5),
                    notes=head.notes,
                    total_volume=_volume(session.sets),
                    client_id=session.client_id,
                    created_at=now,
                    updated_at=now,
                )
            )
        for doc in session_docs:
            doc.validate()
        for start in range(0, len(session_docs), WRITE_BATCH):
            batch = session_docs[start : start + WRITE_BATCH]
            written.sessions.extend(doc.id for doc in batch)
            WorkoutSession.objects.insert(batch, load_bulk=False)

        progress.restart()
        total = len(new_sets)
        for start in range(0, total, WRITE_BATCH):
            batch = []
            for session, item in new_sets[start : start + WRITE_BATCH]:
                exercise_id = exercises[exercise_key(item.exercise)].id
                exercise_ids.add(exercise_id)
                session_id = session_ids[session.client_id]
                if session.client_id in existing_sessions:
                    touched_sessions.add(session_id)
                batch.append(_log_document(user_id, session_id, exercise_id, item, now))
            written.logs.extend(doc["_id"] for doc in batch)
            ExerciseLog._get_collection().insert_many(batch, ordered=True)
            progress.step("writing", min(start + WRITE_BATCH, total), total)

        for session_id in touched_sessions:
            refresh_volume(user_id, session_id)
        for exercise_id in exercise_ids:
            records.recompute(user_id, exercise_id)
    except Exception as exc:
        _undo(user_id, written, touched_sessions, exercise_ids)
        if isinstance(exc, (NotUniqueError, DuplicateKeyError, BulkWriteError)):
            raise ApiError(
                "Some of these sessions or sets were written by another request meanwhile (or a set "
                "with the same import id was moved); nothing was imported, try again.",
                status_code=409,
            ) from exc
        raise
    return summary


def _undo(user_id: int, written: Written, sessions: set[ObjectId], exercise_ids: set[ObjectId]) -> None:
    written.undo()
    try:
        for session_id in sessions:
            refresh_volume(user_id, session_id)
        for exercise_id in exercise_ids:
            records.recompute(user_id, exercise_id)
    except Exception:  # the original error matters more; these are derived values
        logger.exception("could not restore volumes and records for user %s after a failed import", user_id)


def _identify(user_id: int, source: str, sessions: list[ParsedSession]) -> None:
    """Deterministic client_ids (uuid5), set numbers (position among the exercise's sets in the
    session) and completion times (spread over the session, in file order)."""
    for session in sessions:
        head = session.head
        session.client_id = str(
            uuid.uuid5(NAMESPACE, f"{source}|{user_id}|session|{head.start.isoformat()}|{exercise_key(head.workout_name)}")
        )
        seen: Counter = Counter()
        positions: Counter = Counter()
        span = head.end - head.start
        count = len(session.sets)
        for index, item in enumerate(session.sets):
            exercise = exercise_key(item.exercise)
            seen[(exercise, item.identity)] += 1
            positions[exercise] += 1
            item.set_number = positions[exercise]
            item.client_id = str(
                uuid.uuid5(
                    NAMESPACE, f"{session.client_id}|set|{exercise}|{item.identity}|{seen[(exercise, item.identity)]}"
                )
            )
            moment = head.start + span * (index + 1) / count if span > timedelta(0) else head.start
            item.completed_at = moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _existing_sessions(user_id: int, client_ids: list[str]) -> dict[str, ObjectId]:
    found: dict[str, ObjectId] = {}
    for start in range(0, len(client_ids), QUERY_BATCH):
        rows = (
            WorkoutSession.objects(user_id=user_id, client_id__in=client_ids[start : start + QUERY_BATCH])
            .only("id", "client_id")
            .as_pymongo()
        )
        found.update({row["client_id"]: row["_id"] for row in rows})
    return found


def _existing_logs(user_id: int, client_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(client_ids), QUERY_BATCH):
        rows = (
            ExerciseLog.objects(user_id=user_id, client_id__in=client_ids[start : start + QUERY_BATCH])
            .only("client_id")
            .as_pymongo()
        )
        found.update(row["client_id"] for row in rows)
    return found


def exercise_key(name: str) -> str:
    """Names compared without case or repeated spaces: `bench  PRESS` is `Bench Press`."""
    return " ".join(name.split()).casefold()


class ExerciseMatcher:
    """Names to exercises: library names, then the user's own exercises, then library aliases."""

    def __init__(self, user_id: int):
        fields = ("id", "name", "aliases", "category", "is_custom")
        library = list(Exercise.objects(is_custom=False).only(*fields).order_by("name", "id"))
        own = list(Exercise.objects(is_custom=True, created_by_user_id=user_id).only(*fields).order_by("created_at", "id"))
        self.by_key: dict[str, Exercise] = {}
        for exercise in library + own:
            self.by_key.setdefault(exercise_key(exercise.name), exercise)
        for exercise in library:
            for alias in exercise.aliases or []:
                self.by_key.setdefault(exercise_key(alias), exercise)

    def get(self, name: str) -> Exercise | None:
        return self.by_key.get(exercise_key(name))


def _exercises(user_id: int, fmt: CsvFormat, items: list[ParsedSet], written: Written, now: datetime) -> dict[str, Exercise]:
    """The exercise for every name the new sets use, creating the missing ones as custom exercises."""
    matcher = ExerciseMatcher(user_id)
    found: dict[str, Exercise] = {}
    missing: dict[str, list[ParsedSet]] = {}
    for item in items:
        key = exercise_key(item.exercise)
        if key in found or key in missing:
            if key in missing:
                missing[key].append(item)
            continue
        exercise = matcher.get(item.exercise)
        if exercise is None:
            missing[key] = [item]
        else:
            found[key] = exercise
    created = []
    for key, sets in missing.items():
        cardio = any(s.distance for s in sets) and not any(s.weight or s.reps for s in sets)
        exercise = Exercise(
            id=ObjectId(),
            name=" ".join(sets[0].exercise.split()),
            category="cardio" if cardio else "strength",
            description=f"Imported from {fmt.label}.",
            primary_muscles=["cardio"] if cardio else [],
            is_custom=True,
            is_public=False,
            created_by_user_id=user_id,
            created_at=now,
            updated_at=now,
        )
        exercise.validate()
        created.append(exercise)
        found[key] = exercise
    if created:
        written.exercises.extend(e.id for e in created)
        Exercise.objects.insert(created, load_bulk=False)
    return found


def _workouts(
    user_id: int, fmt: CsvFormat, sessions: list[ParsedSession], exercises: dict[str, Exercise], written: Written,
    now: datetime,
) -> dict[str, ObjectId]:
    """Workout ids by name key: the user's own workout of that name (non-templates first), else a
    new private one holding the exercises of the earliest session with that name, in order."""
    mine: dict[str, ObjectId] = {}
    rows = Workout.objects(created_by_user_id=user_id).only("id", "name", "is_template", "created_at").as_pymongo()
    for row in sorted(rows, key=lambda r: (bool(r.get("is_template")), r.get("created_at") or now, r["_id"])):
        mine.setdefault(exercise_key(row["name"]), row["_id"])
    created = []
    for session in sessions:  # chronological
        key = exercise_key(session.head.workout_name)
        if key in mine:
            continue
        entries: list[WorkoutExercise] = []
        listed: set[str] = set()
        for item in session.sets:
            name_key = exercise_key(item.exercise)
            if name_key in listed or name_key not in exercises or len(entries) >= MAX_WORKOUT_EXERCISES:
                continue
            listed.add(name_key)
            working_sets = sum(1 for s in session.sets if exercise_key(s.exercise) == name_key and s.set_type != "warmup")
            entries.append(
                WorkoutExercise(
                    exercise=exercises[name_key],
                    order=len(entries) + 1,
                    target_sets=working_sets or None,
                    superset_group=item.superset,
                )
            )
        workout = Workout(
            id=ObjectId(),
            name=" ".join(session.head.workout_name.split()),
            description=f"Imported from {fmt.label}.",
            created_by_user_id=user_id,
            exercises=entries,
            total_exercises=len(entries),
            estimated_duration_minutes=workout_service.estimated_duration_minutes(entries),
            is_template=False,
            is_public=False,
            created_at=now,
            updated_at=now,
        )
        workout.validate()
        created.append(workout)
        mine[key] = workout.id
    if created:
        written.workouts.extend(w.id for w in created)
        Workout.objects.insert(created, load_bulk=False)
    return mine


def _volume(sets: list[ParsedSet]) -> float:
    """As sessions.compute_volume, from the parsed sets."""
    return round(sum(set_volume(s.set_type, s.reps, s.weight) for s in sets), 2)


def _log_document(user_id: int, session_id: ObjectId, exercise_id: ObjectId, item: ParsedSet, now: datetime) -> dict:
    """The stored form of an ExerciseLog (as its to_mongo() gives it; None fields are left out).
    Built directly because an import may hold 200,000 of them."""
    doc: dict[str, Any] = {
        "_id": ObjectId(),
        "workout_session": session_id,
        "exercise": exercise_id,
        "user_id": user_id,
        "set_number": item.set_number,
        "set_type": item.set_type,
    }
    for name in ("reps", "weight", "duration_seconds", "distance", "rpe", "notes"):
        value = getattr(item, name)
        if value is not None:
            doc[name] = value
    doc.update(client_id=item.client_id, completed_at=item.completed_at, created_at=now, updated_at=now)
    return doc
