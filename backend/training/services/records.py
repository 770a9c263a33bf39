"""Personal records: each user's best sets per exercise, maintained as sets are written.

One PersonalRecord document per (user, exercise) holds the heaviest weight, most reps, best set
volume (reps x weight) and best estimated one-rep max (Epley). A new set is compared with it and
wins only if strictly better (or equal and earlier, which is what a recount would pick), with a
conditional update so concurrent sets cannot overwrite a better record. Changing or deleting a set
that holds a record recounts that one (user, exercise) from its sets. Warm-up sets never count.
Reading records therefore never scans the logs, however many there are.
"""

from datetime import datetime
from typing import Any

from bson import DBRef, ObjectId
from mongoengine import Document, Q
from mongoengine.errors import NotUniqueError

from backend.training.documents import ExerciseLog, PersonalRecord, RecordSet, utcnow

RECORDS = ("heaviest_weight", "most_reps", "best_set_volume", "best_e1rm")


def e1rm(weight: float, reps: int) -> float:
    """Epley's estimated one-rep max; a single is its own max."""
    return round(weight if reps == 1 else weight * (1 + reps / 30), 2)


def claims(set_type: str | None, reps: int | None, weight: float | None) -> dict[str, float]:
    """The value a set offers for each record it qualifies for."""
    if set_type == "warmup":
        return {}
    reps, weight = reps or 0, weight or 0
    values: dict[str, float] = {}
    if weight > 0:
        values["heaviest_weight"] = weight
    if reps > 0:
        values["most_reps"] = reps
    if reps > 0 and weight > 0:
        values["best_set_volume"] = round(reps * weight, 2)
        values["best_e1rm"] = e1rm(weight, reps)
    return values


def update_for_new_log(log: ExerciseLog) -> list[dict[str, Any]]:
    """Records `log` (just written) where it beats the current ones, and says which it beat:
    `[{"record": "heaviest_weight", "old": 100.0, "new": 105.0}, ...]` (`old` is None for a first)."""
    values = claims(log.set_type, log.reps, log.weight)
    if not values:
        return []
    key = Q(user_id=log.user_id, exercise=_exercise_id(log))
    current = _stored_or_created(log.user_id, _exercise_id(log))
    beaten = []
    for name, value in values.items():
        held = current.get(name)
        if held is not None and (value < held["value"] or (value == held["value"] and held["date"] <= log.completed_at)):
            continue  # cannot win: most sets beat nothing, and a write per record would be wasted
        better = (
            Q(**{name: None})
            | Q(**{f"{name}__value__lt": value})
            | Q(**{f"{name}__value": value, f"{name}__date__gt": log.completed_at})
        )
        entry = RecordSet(value=value, date=log.completed_at, log_id=log.id)
        won = PersonalRecord.objects(key & better).update_one(**{f"set__{name}": entry}, set__updated_at=utcnow())
        if won and (held is None or value > held["value"]):
            beaten.append({"record": name, "old": _shown(name, held["value"] if held else None), "new": _shown(name, value)})
    return beaten


def update_for_new_logs(logs: list[ExerciseLog]) -> dict[ObjectId, list[dict[str, Any]]]:
    """update_for_new_log for many new sets (a bulk write), by log id. Only a set that is the best
    of the batch for some record can change one, so only those are compared (at most four per
    exercise); the others beat nothing."""
    leaders: dict[tuple, tuple[float, datetime, ExerciseLog]] = {}
    for log in logs:
        for name, value in claims(log.set_type, log.reps, log.weight).items():
            key = (log.user_id, _exercise_id(log), name)
            leader = leaders.get(key)
            if leader is None or value > leader[0] or (value == leader[0] and log.completed_at < leader[1]):
                leaders[key] = (value, log.completed_at, log)
    contenders = {id(entry[2]) for entry in leaders.values()}
    return {log.id: update_for_new_log(log) if id(log) in contenders else [] for log in logs}


def holds_record(user_id: int, exercise_id: ObjectId, log_id: ObjectId) -> bool:
    held = Q()
    for name in RECORDS:
        held |= Q(**{f"{name}__log_id": log_id})
    return PersonalRecord.objects(Q(user_id=user_id, exercise=exercise_id) & held).count() > 0


def recompute(user_id: int, exercise_id: ObjectId) -> None:
    """Recounts one (user, exercise) from its sets; removes the document if nothing qualifies."""
    best: dict[str, tuple[float, datetime, ObjectId]] = {}
    rows = (
        ExerciseLog.objects(user_id=user_id, exercise=exercise_id, set_type__ne="warmup")
        .order_by("completed_at", "id")
        .only("set_type", "reps", "weight", "completed_at")
        .as_pymongo()
    )
    for row in rows:
        for name, value in claims(row.get("set_type"), row.get("reps"), row.get("weight")).items():
            if name not in best or value > best[name][0]:  # ties keep the earliest
                best[name] = (value, row["completed_at"], row["_id"])
    records = PersonalRecord.objects(user_id=user_id, exercise=exercise_id)
    if not best:
        records.delete()
        return
    changes: dict[str, Any] = {"set__updated_at": utcnow()}
    for name in RECORDS:
        if name in best:
            value, when, log_id = best[name]
            changes[f"set__{name}"] = RecordSet(value=value, date=when, log_id=log_id)
        else:
            changes[f"unset__{name}"] = True
    records.update_one(upsert=True, **changes)


def after_log_changed(log: ExerciseLog, old_exercise_id: ObjectId) -> None:
    """After an edit: recount where the set held a record; elsewhere it can only add one."""
    if holds_record(log.user_id, old_exercise_id, log.id):
        recompute(log.user_id, old_exercise_id)
        if old_exercise_id == _exercise_id(log):
            return
    update_for_new_log(log)


def after_log_deleted(user_id: int, exercise_id: ObjectId, log_id: ObjectId) -> None:
    if holds_record(user_id, exercise_id, log_id):
        recompute(user_id, exercise_id)


def list_records(user_id: int, exercise_id: ObjectId | None = None) -> list[dict[str, Any]]:
    """The user's record documents that hold at least one record (one per exercise), as stored.
    Read with pymongo: they are only shown, and building each as a Document with its four
    embedded ones was most of the records endpoint's time."""
    query: dict[str, Any] = {"user_id": user_id}
    if exercise_id is not None:
        query["exercise"] = exercise_id
    return [r for r in PersonalRecord._get_collection().find(query) if any(r.get(name) for name in RECORDS)]


def _stored_or_created(user_id: int, exercise_id: ObjectId) -> dict[str, Any]:
    """The (user, exercise) record document as stored, created empty the first time. Read with
    pymongo, not as a Document: this runs for every set logged."""
    key = {"user_id": user_id, "exercise": exercise_id}
    current = PersonalRecord._get_collection().find_one(key)
    if current is None:
        try:
            PersonalRecord(user_id=user_id, exercise=exercise_id).save()
        except NotUniqueError:  # created concurrently
            pass
        current = PersonalRecord._get_collection().find_one(key)
    return current


def _exercise_id(doc: Document) -> ObjectId:
    value = doc._data.get("exercise")
    return value.id if isinstance(value, (DBRef, Document)) else value


def _shown(name: str, value: float | None) -> float | int | None:
    return int(value) if name == "most_reps" and value is not None else value
