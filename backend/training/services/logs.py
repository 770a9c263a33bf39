"""Exercise logs (sets): writing them one at a time or in bulk, and what follows each write
(the session's total volume, personal records); plus progress per exercise.

Every write is one function (create, bulk create, update, delete), so whatever has to follow a
successful write, such as publishing a live event, goes in one place.
"""

from collections import defaultdict
from typing import Any

from bson import ObjectId
from mongoengine import Document, Q
from mongoengine.errors import BulkWriteError, NotUniqueError

from backend.core.errors import ApiError, InvalidInput
from backend.storage.connection import writes_together
from backend.training.documents import Exercise, ExerciseLog, WorkoutSession, utcnow
from backend.training.services import exercises as exercise_service
from backend.training.services import notify, records
from backend.training.services.common import get_or_404, owned_by, parse_id, reference_or_400
from backend.training.services.sessions import (
    Rest,
    WithReferences,
    date_range,
    load_references,
    reference_id,
    refresh_volume,
    rest_after,
    set_volume,
    sets_added,
    to_utc,
)

METRICS = ("reps", "weight", "duration_seconds", "distance")
VALUES = ("set_number", "set_type", "reps", "weight", "duration_seconds", "distance", "rpe", "rir", "notes")
NO_METRIC = "Give at least one of reps, weight, duration_seconds or distance."
MAX_BULK = 500


def load_exercises(logs: list[ExerciseLog]) -> None:
    load_references(logs, "exercise", Exercise, "name", "category")


# --- reads ------------------------------------------------------------------------------------------

def list_logs(user_id: int, filters) -> WithReferences:
    query = owned_by(user_id)
    if filters.session:
        query &= Q(workout_session=parse_id(filters.session))
    if filters.exercise:
        query &= Q(exercise=parse_id(filters.exercise))
    query &= date_range(filters.date_from, filters.date_to, "completed_at")
    return WithReferences(ExerciseLog.objects(query).order_by("-completed_at", "-id"), load_exercises)


def get_log(user_id: int, log_id: str) -> ExerciseLog:
    return get_or_404(ExerciseLog, log_id, owned_by(user_id), "Exercise log")


def personal_records(user_id: int, exercise: str | None) -> list:
    exercise_id = _visible_exercise(user_id, exercise).id if exercise else None
    found = records.list_records(user_id, exercise_id)
    exercises = _stored(Exercise, {"_id": {"$in": [r["exercise"] for r in found]}}, "name", "category")
    shown = [
        {**r, "exercise": {"id": r["exercise"], **exercises[str(r["exercise"])]}}
        for r in found
        if str(r["exercise"]) in exercises
    ]
    return sorted(shown, key=lambda r: (r["exercise"]["name"].lower(), str(r["exercise"]["id"])))


def progress(user_id: int, filters) -> list[dict[str, Any]]:
    """Per UTC day, ascending: heaviest set, best estimated 1RM, volume and set count (warm-ups
    excluded from all four)."""
    exercise = _visible_exercise(user_id, filters.exercise)
    query = Q(user_id=user_id, exercise=exercise.id, set_type__ne="warmup")
    query &= date_range(filters.date_from, filters.date_to, "completed_at")
    rows = ExerciseLog.objects(query).order_by("completed_at").only("reps", "weight", "completed_at").as_pymongo()
    days: dict = defaultdict(lambda: {"top_set_weight": None, "best_e1rm": None, "total_volume": 0.0, "set_count": 0})
    for row in rows:
        day = days[row["completed_at"].date()]
        reps, weight = row.get("reps") or 0, row.get("weight")
        day["set_count"] += 1
        if weight is not None:
            day["top_set_weight"] = max(weight, day["top_set_weight"] or 0)
        if reps > 0 and weight:
            day["total_volume"] += reps * weight
            estimate = records.e1rm(weight, reps)
            day["best_e1rm"] = max(estimate, day["best_e1rm"] or 0)
    return [
        {"date": day, **values, "total_volume": round(values["total_volume"], 2)}
        for day, values in sorted(days.items())
    ]


# --- writes -----------------------------------------------------------------------------------------

def create_log(user_id: int, data: dict[str, Any]) -> tuple[ExerciseLog, bool]:
    """Logs one set. Returns (log, created): a client_id the user already used returns that set."""
    client_id = _client_id(data)
    if client_id and (existing := _existing(user_id, [client_id])):
        return existing[client_id], False
    sessions, exercises = _references(user_id, [data])
    errors = _rule_errors(data, sessions, exercises)
    if errors:
        raise InvalidInput.from_errors({field: [message] for field, message in errors.items()})
    log = _build(user_id, data, sessions, exercises, client_id)
    with writes_together():
        try:
            log.save()
        except NotUniqueError:  # the same client_id, sent twice at once
            existing = _existing(user_id, [client_id])
            if not existing:
                raise
            return existing[client_id], False
        followed_by = _after_created([log], sessions)
    notify.sets_logged([log], *followed_by)
    return log, True


def bulk_create_logs(user_id: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    """All or nothing: every item is checked before anything is written, and new sets go in with
    one insert. Items whose client_id the user already used come back as they are; an id repeated
    within the payload is one set."""
    if len(items) > MAX_BULK:
        raise InvalidInput.for_field("logs", f"At most {MAX_BULK} sets per request.")
    try:
        return _bulk_create(user_id, items)
    except _Raced:
        # Another request logged some of these client_ids meanwhile. This try wrote nothing;
        # the second finds those sets and returns them as existing.
        try:
            return _bulk_create(user_id, items)
        except _Raced:
            raise ApiError("These sets are being logged by another request; try again.", status_code=409) from None


def update_log(user_id: int, log_id: str, changes: dict[str, Any]) -> ExerciseLog:
    """Edits a set, possibly moving it to another of the user's sessions or another exercise;
    both sessions' volumes and both exercises' records stay right."""
    log = get_log(user_id, log_id)
    old_session_id = reference_id(log, "workout_session")
    old_exercise_id = reference_id(log, "exercise")
    moves = {
        field: changes[field]
        for field, current in (("workout_session", old_session_id), ("exercise", old_exercise_id))
        if changes.get(field) is not None and parse_id(changes[field]) != current
    }
    merged = {field: getattr(log, field) for field in METRICS} | {k: v for k, v in changes.items() if k in METRICS}
    sessions, exercises = _references(user_id, [moves])
    errors = _rule_errors(moves | merged, sessions, exercises, check=tuple(moves))
    if errors:
        raise InvalidInput.from_errors({field: [message] for field, message in errors.items()})
    if "workout_session" in moves:
        log.workout_session = sessions[moves["workout_session"]]["_id"]
    if "exercise" in moves:
        log.exercise = exercises[moves["exercise"]]
    for field in VALUES:
        if field in changes:
            value = changes[field]
            setattr(log, field, getattr(value, "value", value))
    if changes.get("completed_at") is not None:
        log.completed_at = to_utc(changes["completed_at"])
    log.updated_at = utcnow()
    with writes_together():
        log.save()
        for session_id in {old_session_id, reference_id(log, "workout_session")}:
            refresh_volume(user_id, session_id)
        records.after_log_changed(log, old_exercise_id)
    notify.set_changed("set.updated", log)
    return log


def delete_log(user_id: int, log_id: str) -> None:
    log = get_log(user_id, log_id)
    session_id, exercise_id = reference_id(log, "workout_session"), reference_id(log, "exercise")
    with writes_together():
        log.delete()
        refresh_volume(user_id, session_id)
        records.after_log_deleted(user_id, exercise_id, log.id)
    notify.set_changed("set.deleted", log)


# --- internals --------------------------------------------------------------------------------------

class _Raced(Exception):
    """Some client_ids of a bulk request were logged by another request while it ran."""


def _bulk_create(user_id: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    client_ids = [_client_id(item) for item in items]
    known = _existing(user_id, [cid for cid in client_ids if cid])
    first_with: dict[str, int] = {}
    new: list[int] = []
    for index, cid in enumerate(client_ids):
        if cid and (cid in known or cid in first_with):
            continue
        if cid:
            first_with[cid] = index
        new.append(index)

    sessions, exercises = _references(user_id, [items[i] for i in new])
    errors: dict[str, list[str]] = {}
    for index in new:
        for field, message in _rule_errors(items[index], sessions, exercises).items():
            errors[f"logs.{index}.{field}"] = [message]
    if errors:
        raise InvalidInput.from_errors(errors)

    logs = [_build(user_id, items[i], sessions, exercises, client_ids[i], id=ObjectId()) for i in new]
    for log in logs:
        log.validate()
    if logs:
        with writes_together():
            try:
                ExerciseLog.objects.insert(logs, load_bulk=False)
            except Exception as exc:
                # An ordered insert stops at the first failure; take back what went in before it.
                ExerciseLog.objects(id__in=[log.id for log in logs]).delete()
                if isinstance(exc, (NotUniqueError, BulkWriteError)) and _existing(user_id, list(first_with)):
                    raise _Raced() from exc
                raise
            followed_by = _after_created(logs, sessions)
        notify.sets_logged(logs, *followed_by)

    created = dict(zip(new, logs))
    results = []
    for index, cid in enumerate(client_ids):
        if index in created:
            results.append(created[index])
        elif cid in known:
            results.append(known[cid])
        else:
            results.append(created[first_with[cid]])
    existing = {cid for cid in client_ids if cid in known}
    return {"created": len(logs), "existing": len(existing), "results": results}


def _after_created(
    logs: list[ExerciseLog], sessions: dict[str, dict[str, Any]]
) -> tuple[dict[ObjectId, list[dict[str, Any]]], dict[ObjectId, Rest]]:
    """What follows new sets: their sessions' volume and rest timer (one write per session), and
    the user's records. `sessions` are the sessions as _references read them. Returns the records
    each set beat (see records.update_for_new_log), by log id, and the rest timers started, by
    session id."""
    added: dict[tuple[int, ObjectId], float] = defaultdict(float)
    latest: dict[ObjectId, ExerciseLog] = {}
    for log in logs:
        session_id = reference_id(log, "workout_session")
        added[(log.user_id, session_id)] += set_volume(log.set_type, log.reps, log.weight)
        latest[session_id] = log
    rests = {}
    for (user_id, session_id), amount in added.items():
        rest = rest_after(sessions[str(session_id)], reference_id(latest[session_id], "exercise"))
        if sets_added(user_id, session_id, amount, rest):
            rests[session_id] = rest
    return records.update_for_new_logs(logs), rests


def _references(user_id: int, items: list[dict[str, Any]]) -> tuple[dict, dict]:
    """The sessions (the user's own: status, paused_at and workout, as stored) and exercises
    (visible to the user: name and category, as documents) the items name, by id, each kind in
    one query. pymongo rather than querysets: this runs for every set logged, and a queryset's
    own bookkeeping, like building a whole document, costs more than the query."""
    session_ids = {parse_id(item.get("workout_session")) for item in items} - {None}
    exercise_ids = {parse_id(item.get("exercise")) for item in items} - {None}
    sessions = (
        _stored(WorkoutSession, {"user_id": user_id, "_id": {"$in": list(session_ids)}}, "status", "paused_at", "workout")
        if session_ids
        else {}
    )
    visible = exercise_service.visible_to(user_id).to_query(Exercise)
    exercises = (
        {
            key: Exercise._from_son(son)
            for key, son in _stored(Exercise, {"$and": [visible, {"_id": {"$in": list(exercise_ids)}}]}, "name", "category").items()
        }
        if exercise_ids
        else {}
    )
    return sessions, exercises


def _stored(model: type[Document], query: dict[str, Any], *fields: str) -> dict[str, dict[str, Any]]:
    return {str(son["_id"]): son for son in model._get_collection().find(query, dict.fromkeys(fields, 1))}


def _rule_errors(
    item: dict[str, Any], sessions: dict, exercises: dict, check: tuple[str, ...] = ("workout_session", "exercise")
) -> dict[str, str]:
    errors = {}
    if "workout_session" in check:
        session_id = item.get("workout_session")
        session = sessions.get(str(parse_id(session_id))) if parse_id(session_id) else None
        if session is None:
            errors["workout_session"] = f"Workout session {session_id!r} does not exist or is not yours."
        elif session["status"] == "cancelled":
            errors["workout_session"] = f"Workout session {session_id!r} is cancelled; sets cannot be logged to it."
    if "exercise" in check:
        exercise_id = item.get("exercise")
        if (str(parse_id(exercise_id)) if parse_id(exercise_id) else None) not in exercises:
            errors["exercise"] = f"Exercise {exercise_id!r} does not exist or is not visible to you."
    if all(item.get(field) is None for field in METRICS):
        errors["non_field_errors"] = NO_METRIC
    return errors


def _build(user_id, data, sessions, exercises, client_id, **extra) -> ExerciseLog:
    now = utcnow()
    values = {field: getattr(data.get(field), "value", data.get(field)) for field in VALUES if data.get(field) is not None}
    return ExerciseLog(
        user_id=user_id,
        workout_session=sessions[str(parse_id(data["workout_session"]))]["_id"],
        exercise=exercises[str(parse_id(data["exercise"]))],
        client_id=client_id,
        completed_at=to_utc(data.get("completed_at")) or now,
        created_at=now,
        updated_at=now,
        **values,
        **extra,
    )


def _client_id(data: dict[str, Any]) -> str | None:
    return str(data["client_id"]) if data.get("client_id") else None


def _existing(user_id: int, client_ids: list[str]) -> dict[str, ExerciseLog]:
    if not client_ids:
        return {}
    found = list(ExerciseLog.objects(user_id=user_id, client_id__in=list(set(client_ids))))
    load_exercises(found)
    return {log.client_id: log for log in found}


def _visible_exercise(user_id: int, exercise_id: str) -> Exercise:
    return reference_or_400(Exercise, exercise_id, exercise_service.visible_to(user_id), "exercise", "Exercise")
