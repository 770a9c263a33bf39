"""Restoring a JSON export (see export.py) into an empty account.

The whole document is checked first (its structure, then that every reference points to
something in the file); nothing is written unless all of it is right. Ids are new and mapped;
everything else (times, client_ids, notes ...) is kept, so exporting the restored account gives
the same document apart from ids and the account itself. Session volumes and personal records
are recomputed from the sets. Exercises and workouts the file references but does not own are
found here by id (same server) or, for exercises, in the library by name; otherwise a private
copy is made. Coach grants are restored for coaches who have an account here.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from datetime import datetime, time
from typing import Any

from bson import ObjectId
from django.db import transaction
from mongoengine import Q
from pydantic import ValidationError

from backend.coaching import services as coaching
from backend.coaching.models import CoachGrant
from backend.core.errors import ApiError, InvalidInput
from backend.portability.schemas import ExportDocument, ExportWorkout
from backend.portability.services import csvfile, importer
from backend.portability.services.importer import ExerciseMatcher, Progress, Written, exercise_key, import_lock
from backend.training.documents import (
    Exercise,
    ExerciseLog,
    PersonalRecord,
    Workout,
    WorkoutExercise,
    WorkoutSession,
    utcnow,
)
from backend.training.services import exercises as exercise_service
from backend.training.services import profiles, records
from backend.training.services import workouts as workout_service
from backend.training.services.common import parse_id
from backend.training.services.sessions import to_utc

SOURCE = "json"
GZIP_MAGIC = b"\x1f\x8b"
MAX_INFLATED_FACTOR = 10  # a compressed export may inflate to ten times the upload limit
MAX_ERRORS = csvfile.MAX_ERROR_LINES


def restore(user, upload, progress_every: int | None = None) -> dict[str, Any]:
    progress = Progress(user.id, SOURCE, progress_every or importer.PROGRESS_EVERY)
    with import_lock(user.id), progress.reporting_failures():
        _refuse_unless_empty(user.id)
        document = _load(upload)
        _check_references(document)
        summary = _write(user, document, progress)
    progress.completed(summary)
    return summary


# --- checks -----------------------------------------------------------------------------------------

def _refuse_unless_empty(user_id: int) -> None:
    counts = {
        ("custom exercise", "custom exercises"): Exercise.objects(created_by_user_id=user_id, is_custom=True).count(),
        ("workout", "workouts"): Workout.objects(created_by_user_id=user_id).count(),
        ("session", "sessions"): WorkoutSession.objects(user_id=user_id).count(),
    }
    held = [f"{count:,} {one if count == 1 else many}" for (one, many), count in counts.items() if count]
    if ExerciseLog.objects(user_id=user_id).limit(1).count(with_limit_and_skip=True):
        held.append("logged sets")
    if held:
        listed = held[0] if len(held) == 1 else ", ".join(held[:-1]) + " and " + held[-1]
        raise ApiError(
            f"A JSON export is restored only into an empty account, and this one already has training data "
            f"({listed}). Restore into a new account, or import a Strong or Hevy CSV file (those add to what is there).",
            status_code=409,
        )


def _load(upload) -> ExportDocument:
    csvfile.check_size(upload)
    data = bytearray()
    for chunk in upload.chunks():
        data.extend(chunk)
        if len(data) > csvfile.max_bytes():
            raise csvfile.too_large()
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(bytes(data))
    try:
        raw = json.loads(bytes(data).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidInput.for_field("file", "The file is not UTF-8 text; upload the JSON file the export gave you.") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput.for_field(
            "file", f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    if not isinstance(raw, dict) or "format_version" not in raw:
        raise InvalidInput.for_field("file", "This is not a Workout API JSON export: it has no format_version.")
    if raw["format_version"] != 1:
        raise InvalidInput.for_field(
            "format_version", f"Format version {raw['format_version']!r} is not supported; this server reads version 1."
        )
    if isinstance(raw.get("logs"), list) and len(raw["logs"]) > csvfile.MAX_ROWS:
        raise InvalidInput.for_field("logs", f"The file has more than {csvfile.MAX_ROWS:,} sets, the limit for one import.")
    try:
        return ExportDocument.model_validate(raw)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            path = ".".join(str(part) for part in error["loc"]) or "file"
            if path not in errors and len(errors) >= MAX_ERRORS:
                continue
            errors.setdefault(path, []).append(error["msg"].removeprefix("Value error, "))
        raise _invalid(errors, exc.error_count()) from None


def _gunzip(data: bytes) -> bytes:
    """A gzip-compressed export (`?format=json&gzip=true`, or gzipped by hand), at most
    MAX_INFLATED_FACTOR times the upload limit once inflated."""
    limit = csvfile.max_bytes() * MAX_INFLATED_FACTOR
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        inflated = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InvalidInput.for_field("file", f"The file looks gzip-compressed but cannot be read: {exc}.") from None
    if len(inflated) > limit or inflater.unconsumed_tail:
        raise csvfile.TooLarge(f"The file is larger than the limit of {limit} bytes once decompressed.")
    return inflated


def _check_references(doc: ExportDocument) -> None:
    """Ids unique per kind, and every reference pointing into the file."""
    errors: dict[str, list[str]] = {}

    def bad(path: str, message: str) -> None:
        if len(errors) < MAX_ERRORS:
            errors.setdefault(path, []).append(message)

    def unique(items, kind: str, prefix_of) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                bad(f"{prefix_of(index)}.id", f"The {kind} id {item.id!r} appears more than once.")
            seen.add(item.id)
        return seen

    exercise_ids = unique(
        doc.exercises + doc.referenced_exercises, "exercise", lambda i: _list_path(doc.exercises, "exercises", "referenced_exercises", i)
    )
    workout_ids = unique(
        doc.workouts + doc.referenced_workouts, "workout", lambda i: _list_path(doc.workouts, "workouts", "referenced_workouts", i)
    )
    session_ids = unique(doc.sessions, "session", lambda i: f"sessions.{i}")
    unique(doc.logs, "set", lambda i: f"logs.{i}")
    for index, workout in enumerate(doc.workouts + doc.referenced_workouts):
        orders: set[int] = set()
        for position, entry in enumerate(workout.exercises):
            path = f"{_list_path(doc.workouts, 'workouts', 'referenced_workouts', index)}.exercises.{position}"
            if entry.exercise not in exercise_ids:
                bad(f"{path}.exercise", f"Exercise {entry.exercise!r} is not in the file.")
            if entry.order in orders:
                bad(f"{path}.order", f"Order {entry.order} is used twice in this workout.")
            orders.add(entry.order)
    client_ids: set[str] = set()
    for index, session in enumerate(doc.sessions):
        if session.workout not in workout_ids:
            bad(f"sessions.{index}.workout", f"Workout {session.workout!r} is not in the file.")
        if session.client_id is not None:
            if session.client_id in client_ids:
                bad(f"sessions.{index}.client_id", f"client_id {session.client_id!r} is used by another session.")
            client_ids.add(session.client_id)
    client_ids = set()
    for index, log in enumerate(doc.logs):
        if log.workout_session not in session_ids:
            bad(f"logs.{index}.workout_session", f"Session {log.workout_session!r} is not in the file.")
        if log.exercise not in exercise_ids:
            bad(f"logs.{index}.exercise", f"Exercise {log.exercise!r} is not in the file.")
        if log.client_id is not None:
            if log.client_id in client_ids:
                bad(f"logs.{index}.client_id", f"client_id {log.client_id!r} is used by another set.")
            client_ids.add(log.client_id)
    if errors:
        raise _invalid(errors, sum(len(m) for m in errors.values()))


def _list_path(first: list, name: str, second_name: str, index: int) -> str:
    """The path of item `index` of `first + second` as the file spells it."""
    return f"{name}.{index}" if index < len(first) else f"{second_name}.{index - len(first)}"


def _invalid(errors: dict[str, list[str]], total: int) -> InvalidInput:
    path, messages = next(iter(errors.items()))
    more = f" (and {total - 1} more)" if total > 1 else ""
    return InvalidInput(f"Nothing was imported: {path}: {messages[0]}{more}", errors)


# --- writing ----------------------------------------------------------------------------------------

def _write(user, doc: ExportDocument, progress: Progress) -> dict[str, Any]:
    user_id = user.id
    now = utcnow()
    written = Written()
    summary: dict[str, Any] = {"exercises": 0, "workouts": 0, "sessions": 0, "logs": 0, "coach_grants": 0,
                               "skipped_coach_grants": []}
    try:
        exercise_map = _exercises(user_id, doc, written, now)
        summary["exercises"] = len(written.exercises)
        workout_map = _workouts(user_id, doc, exercise_map, written, now)
        summary["workouts"] = len(written.workouts)

        volumes: dict[str, float] = defaultdict(float)
        for log in doc.logs:
            if log.set_type != "warmup":
                volumes[log.workout_session] += (log.reps or 0) * (log.weight or 0)
        session_map: dict[str, ObjectId] = {}
        sessions = []
        for item in doc.sessions:
            oid = session_map[item.id] = ObjectId()
            values = item.model_dump(exclude={"id", "workout", "created_at", "updated_at", "total_volume"})
            values = {k: (to_utc(v) if isinstance(v, datetime) else getattr(v, "value", v)) for k, v in values.items()}
            sessions.append(
                WorkoutSession(
                    id=oid,
                    user_id=user_id,
                    workout=workout_map[item.workout],
                    total_volume=round(volumes[item.id], 2),
                    created_at=to_utc(item.created_at) or now,
                    updated_at=to_utc(item.updated_at) or now,
                    **{k: v for k, v in values.items() if v is not None},
                )
            )
        for session in sessions:
            session.validate()
        if sessions:
            written.sessions.extend(s.id for s in sessions)
            WorkoutSession.objects.insert(sessions, load_bulk=False)
        summary["sessions"] = len(sessions)

        exercise_ids: set[ObjectId] = set()
        total = len(doc.logs)
        for start in range(0, total, importer.WRITE_BATCH):
            batch = []
            for item in doc.logs[start : start + importer.WRITE_BATCH]:
                exercise_id = exercise_map[item.exercise]
                exercise_ids.add(exercise_id)
                row: dict[str, Any] = {
                    "_id": ObjectId(),
                    "workout_session": session_map[item.workout_session],
                    "exercise": exercise_id,
                    "user_id": user_id,
                    "set_number": item.set_number,
                    "set_type": item.set_type.value,
                }
                for name in ("reps", "weight", "duration_seconds", "distance", "rpe", "rir", "notes", "client_id"):
                    value = getattr(item, name)
                    if value is not None:
                        row[name] = value
                row.update(
                    completed_at=to_utc(item.completed_at),
                    created_at=to_utc(item.created_at) or now,
                    updated_at=to_utc(item.updated_at) or now,
                )
                batch.append(row)
            written.logs.extend(row["_id"] for row in batch)
            ExerciseLog._get_collection().insert_many(batch, ordered=True)
            progress.step("writing", min(start + importer.WRITE_BATCH, total), total)
        summary["logs"] = total
        for exercise_id in exercise_ids:
            records.recompute(user_id, exercise_id)

        with transaction.atomic():  # grants (auth database) roll back if the profile fails
            summary["coach_grants"], summary["skipped_coach_grants"] = _grants(user, doc)
            if doc.profile is not None:
                _profile(user_id, doc)
    except Exception:
        written.undo()
        # the account was empty, so every record it has now came from this restore
        PersonalRecord.objects(user_id=user_id).delete()
        raise
    return summary


def _exercises(user_id: int, doc: ExportDocument, written: Written, now: datetime) -> dict[str, ObjectId]:
    mapping: dict[str, ObjectId] = {}
    created: list[Exercise] = []
    for item in doc.exercises:
        values = item.model_dump(exclude={"id", "created_at", "updated_at"})
        values = {k: getattr(v, "value", v) for k, v in values.items()}
        for name in ("primary_muscles", "secondary_muscles"):
            values[name] = [getattr(m, "value", m) for m in values[name]]
        exercise = Exercise(
            id=ObjectId(),
            is_custom=True,
            created_by_user_id=user_id,
            created_at=to_utc(item.created_at) or now,
            updated_at=to_utc(item.updated_at) or now,
            **{k: v for k, v in values.items() if v is not None},
        )
        created.append(exercise)
        mapping[item.id] = exercise.id
    if doc.referenced_exercises:
        matcher = ExerciseMatcher(user_id)
        visible = exercise_service.visible_to(user_id)
        by_id = {
            str(e.id): e
            for e in Exercise.objects(
                Q(id__in=[parse_id(r.id) for r in doc.referenced_exercises if parse_id(r.id)]) & visible
            ).only("id", "name")
        }
        for ref in doc.referenced_exercises:
            here = by_id.get(ref.id)
            if here is not None and exercise_key(here.name) == exercise_key(ref.name):
                mapping[ref.id] = here.id
                continue
            match = matcher.get(ref.name)
            if match is not None:
                mapping[ref.id] = match.id
                continue
            copy = Exercise(
                id=ObjectId(), name=ref.name, category=ref.category.value, is_custom=True, is_public=False,
                created_by_user_id=user_id, created_at=now, updated_at=now,
            )
            created.append(copy)
            mapping[ref.id] = copy.id
    for exercise in created:
        exercise.validate()
    if created:
        written.exercises.extend(e.id for e in created)
        Exercise.objects.insert(created, load_bulk=False)
    return mapping


def _workouts(
    user_id: int, doc: ExportDocument, exercises: dict[str, ObjectId], written: Written, now: datetime
) -> dict[str, ObjectId]:
    mapping: dict[str, ObjectId] = {}
    created: list[Workout] = []
    shared = {
        str(w.id): w.id
        for w in Workout.objects(
            Q(id__in=[parse_id(w.id) for w in doc.referenced_workouts if parse_id(w.id)])
            & workout_service.visible_to(user_id)
        ).only("id")
    } if doc.referenced_workouts else {}
    for item, own in [(w, True) for w in doc.workouts] + [(w, False) for w in doc.referenced_workouts]:
        if not own and item.id in shared:
            mapping[item.id] = shared[item.id]
            continue
        workout = _workout(user_id, item, exercises, now, keep_public=own)
        created.append(workout)
        mapping[item.id] = workout.id
    for workout in created:
        workout.validate()
    if created:
        written.workouts.extend(w.id for w in created)
        Workout.objects.insert(created, load_bulk=False)
    return mapping


def _workout(user_id: int, item: ExportWorkout, exercises: dict[str, ObjectId], now: datetime, keep_public: bool) -> Workout:
    entries = []
    for entry in sorted(item.exercises, key=lambda e: e.order):
        values = entry.model_dump(exclude={"exercise"})
        entries.append(WorkoutExercise(exercise=exercises[entry.exercise], **{k: v for k, v in values.items() if v is not None}))
    values = item.model_dump(exclude={"id", "exercises", "created_at", "updated_at", "is_public", "total_exercises"})
    values = {k: getattr(v, "value", v) for k, v in values.items()}
    return Workout(
        id=ObjectId(),
        created_by_user_id=user_id,
        exercises=entries,
        total_exercises=len(entries) if item.total_exercises is None else item.total_exercises,
        is_public=item.is_public if keep_public else False,
        created_at=to_utc(item.created_at) or now,
        updated_at=to_utc(item.updated_at) or now,
        **{k: v for k, v in values.items() if v is not None},
    )


def _profile(user_id: int, doc: ExportDocument) -> None:
    profile = profiles.ensure_profile(user_id)
    data = doc.profile
    for name in ("bio", "height", "weight", "fitness_goal", "experience_level"):
        value = getattr(data, name)
        setattr(profile, name, getattr(value, "value", value))
    profile.date_of_birth = datetime.combine(data.date_of_birth, time.min) if data.date_of_birth else None
    profile.preferred_workout_types = list(data.preferred_workout_types)
    if data.created_at:
        profile.created_at = to_utc(data.created_at)
    profile.updated_at = to_utc(data.updated_at) or utcnow()
    profile.save()


def _grants(user, doc: ExportDocument) -> tuple[int, list[str]]:
    restored, skipped = 0, []
    for item in doc.coach_grants:
        try:
            grant, created = coaching.grant(user, item.coach)
        except InvalidInput:  # no such coach here (or the user themself)
            skipped.append(item.coach)
            continue
        if created and item.granted_at is not None:
            CoachGrant.objects.filter(pk=grant.pk).update(created_at=item.granted_at)
        restored += created
    return restored, skipped

