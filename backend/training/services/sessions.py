"""Workout sessions: planning, the start/pause/resume/complete/cancel lifecycle, and statistics.

Every write is one function (create, update, delete, and one per action), so whatever has to
follow a successful write, such as publishing a live event, goes in one place.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from bson import DBRef, ObjectId
from mongoengine import Document, Q
from mongoengine.errors import DoesNotExist, NotUniqueError

from backend.core.errors import ApiError, InvalidInput
from backend.training.documents import Exercise, ExerciseLog, Workout, WorkoutSession, utcnow
from backend.training.services import notify, records
from backend.training.services import workouts as workout_service
from backend.training.services.common import get_or_404, owned_by, parse_id, reference_or_400

ONE_MS = timedelta(milliseconds=1)
DEFAULT_REST_SECONDS = 60
ACTIONS = {"in_progress": "start", "completed": "complete", "cancelled": "cancel"}


# --- helpers the log service and the schemas share ------------------------------------------------

def to_utc(value: datetime | None) -> datetime | None:
    """Naive UTC with millisecond precision, as stored; a naive input is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def date_range(date_from: date | None, date_to: date | None, field: str) -> Q:
    """Whole UTC days from `date_from` through `date_to`, both inclusive."""
    if date_from and date_to and date_from > date_to:
        raise InvalidInput.for_field("date_to", "date_to must be on or after date_from.")
    query = Q()
    if date_from:
        query &= Q(**{f"{field}__gte": datetime.combine(date_from, time.min)})
    if date_to and date_to < date.max:
        query &= Q(**{f"{field}__lt": datetime.combine(date_to + timedelta(days=1), time.min)})
    return query


def reference_id(doc: Document, field: str) -> ObjectId | None:
    """The id a reference field holds, without loading the referenced document."""
    value = doc._data.get(field)
    if isinstance(value, (DBRef, Document)):
        return value.id
    return value


def referenced(doc: Document, field: str) -> Document | None:
    """The referenced document (loaded by `load_references` or now), or None if it is gone."""
    value = doc._data.get(field)
    if isinstance(value, Document):
        return value
    try:
        return getattr(doc, field)
    except DoesNotExist:
        return None


def load_references(docs: Iterable[Document], field: str, model: type[Document], *only: str) -> None:
    """Loads what `field` points to for all `docs` with one query, instead of one per document."""
    docs = list(docs)
    ids = {reference_id(doc, field) for doc in docs} - {None}
    if not ids:
        return
    loaded = {obj.id: obj for obj in model.objects(id__in=list(ids)).only(*only)}
    for doc in docs:
        target = loaded.get(reference_id(doc, field))
        if target is not None:
            doc._data[field] = target  # what the field's getter returns; not a change to save


class WithReferences:
    """A queryset for the paginator that loads each page's references in one query per kind."""

    def __init__(self, queryset, load: Callable[[list], None]):
        self.queryset = queryset
        self.load = load

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> list:
        page = list(self.queryset[index])
        self.load(page)
        return page


def elapsed_seconds(session: WorkoutSession, now: datetime | None = None) -> int:
    """Seconds spent in progress, pauses excluded: still counting while in progress, final after."""
    if session.start_time is None:
        return 0
    end = session.end_time or session.paused_at or now or utcnow()
    return max(0, int((end - session.start_time).total_seconds() - (session.paused_seconds or 0)))


def workout_ref(session: WorkoutSession) -> dict[str, Any]:
    workout = referenced(session, "workout")
    return {"id": str(reference_id(session, "workout")), "name": workout.name if workout else None}


def _load_workouts(sessions: list[WorkoutSession]) -> None:
    load_references(sessions, "workout", Workout, "name")


# --- reads ------------------------------------------------------------------------------------------

def list_sessions(user_id: int, filters) -> WithReferences:
    query = owned_by(user_id)
    if filters.status:
        query &= Q(status=filters.status.value)
    if filters.workout:
        query &= Q(workout=parse_id(filters.workout))
    query &= date_range(filters.date_from, filters.date_to, "session_date")
    return WithReferences(WorkoutSession.objects(query).order_by("-session_date", "-id"), _load_workouts)


def get_session(user_id: int, session_id: str) -> WorkoutSession:
    return get_or_404(WorkoutSession, session_id, owned_by(user_id), "Workout session")


def session_detail(user_id: int, session_id: str) -> WorkoutSession:
    """The session with its sets as `logs`: grouped by exercise in the workout's order (exercises
    not in the workout follow, in the order they were first logged), then by set number."""
    session = get_session(user_id, session_id)
    load_references([session], "workout", Workout, "name", "exercises")
    logs = list(ExerciseLog.objects(user_id=user_id, workout_session=session.id))
    load_references(logs, "exercise", Exercise, "name", "category")
    workout = referenced(session, "workout")
    planned = {}
    for item in sorted(workout.exercises if workout else [], key=lambda e: e.order):
        planned.setdefault(reference_id(item, "exercise"), len(planned))
    first_logged: dict[ObjectId, tuple] = {}
    for log in sorted(logs, key=lambda log: (log.completed_at, log.id)):
        first_logged.setdefault(reference_id(log, "exercise"), (log.completed_at, log.id))

    def position(log: ExerciseLog) -> tuple:
        exercise_id = reference_id(log, "exercise")
        if exercise_id in planned:
            return (0, planned[exercise_id], datetime.min, exercise_id, log.set_number, log.completed_at, log.id)
        return (1, 0, *first_logged[exercise_id], log.set_number, log.completed_at, log.id)

    session.logs = sorted(logs, key=position)
    return session


def statistics(user_id: int, filters) -> dict[str, Any]:
    query = owned_by(user_id) & Q(status="completed") & date_range(filters.date_from, filters.date_to, "session_date")
    pipeline = [
        {
            "$group": {
                "_id": None,
                "sessions": {"$sum": 1},
                "minutes": {"$sum": "$actual_duration_minutes"},
                "volume": {"$sum": "$total_volume"},
                "calories": {"$sum": "$calories_burned"},
            }
        }
    ]
    totals = next(iter(WorkoutSession.objects(query).aggregate(pipeline)), {})
    return {
        "sessions_completed": totals.get("sessions", 0),
        "total_duration_minutes": int(totals.get("minutes") or 0),
        "total_volume": round(float(totals.get("volume") or 0), 2),
        "total_calories": int(totals.get("calories") or 0),
        "current_weekly_streak": weekly_streak(user_id),
    }


def weekly_streak(user_id: int, today: date | None = None) -> int:
    """Consecutive ISO weeks (UTC) with a completed session, ending this week or, if this week has
    none yet, last week. Reads completed sessions newest first and stops at the first gap."""
    today = today or utcnow().date()
    this_week = today - timedelta(days=today.weekday())
    expected: date | None = None
    streak = 0
    dates = (
        WorkoutSession.objects(user_id=user_id, status="completed")
        .order_by("-session_date")
        .only("session_date")
        .as_pymongo()
    )
    for row in dates:
        day = row["session_date"].date()
        week = day - timedelta(days=day.weekday())
        if week > this_week:  # dated in the future; not part of a current streak
            continue
        if expected is None:
            if week < this_week - timedelta(weeks=1):
                return 0
            expected, streak = week, 1
        elif week == expected:
            continue
        elif week == expected - timedelta(weeks=1):
            expected, streak = week, streak + 1
        else:
            break
    return streak


def set_volume(set_type: str | None, reps: int | None, weight: float | None) -> float:
    """What one set adds to its session's volume: reps x weight; warm-ups add nothing."""
    return 0.0 if set_type == "warmup" else (reps or 0) * (weight or 0)


def compute_volume(user_id: int, session_id: ObjectId) -> float:
    """Sum of set_volume over the session's sets."""
    rows = (
        ExerciseLog.objects(user_id=user_id, workout_session=session_id, set_type__ne="warmup")
        .only("set_type", "reps", "weight")
        .as_pymongo()
    )
    return round(sum(set_volume(row.get("set_type"), row.get("reps"), row.get("weight")) for row in rows), 2)


def refresh_volume(user_id: int, session_id: ObjectId) -> None:
    """Recounts the volume from the session's sets (after an edit or a delete)."""
    WorkoutSession.objects(id=session_id, user_id=user_id).update_one(
        set__total_volume=compute_volume(user_id, session_id), set__updated_at=utcnow()
    )


def shown_volume(value: float | None) -> float:
    """A stored volume as it is read: sets add to it one at a time ($inc), so 0.1 + 0.2 reads 0.3."""
    return round(value or 0, 2)


@dataclass(frozen=True)
class Rest:
    seconds: int
    ends_at: datetime


def rest_after(session: Mapping[str, Any], exercise_id: ObjectId) -> Rest | None:
    """The rest a new set of this exercise starts: what the session's workout sets for it (its last
    entry wins), else a minute. None unless the session, as just read (stored fields), is running:
    in progress and not paused."""
    if session.get("status") != "in_progress" or session.get("paused_at") is not None:
        return None
    # Read as stored, on every set: a Workout document would also load every exercise it names.
    workout = Workout._get_collection().find_one({"_id": session.get("workout")}, {"exercises": 1})
    seconds = None
    for item in sorted(workout.get("exercises", []) if workout else [], key=lambda e: e["order"]):
        if item["exercise"] == exercise_id:
            seconds = item.get("rest_seconds")
    seconds = DEFAULT_REST_SECONDS if seconds is None else seconds
    return Rest(seconds, utcnow() + timedelta(seconds=seconds))


def sets_added(user_id: int, session_id: ObjectId, volume: float, rest: Rest | None) -> bool:
    """What new sets change on their session, in one write: the volume grows atomically ($inc,
    instead of recounting every set of the session on each one logged; completing the session
    recounts it exactly), and the rest timer starts if the session is still running (it may have
    been paused or ended since it was read). Says whether the rest timer started."""
    # pymongo rather than a queryset: this runs for every set logged, and a queryset costs more
    # Python than the write does on the embedded store.
    sessions = WorkoutSession._get_collection()
    changes: dict[str, Any] = {"$set": {"updated_at": utcnow()}}
    if volume:
        changes["$inc"] = {"total_volume": volume}
    key = {"_id": session_id, "user_id": user_id}
    if rest is not None:
        started = {**changes, "$set": {**changes["$set"], "rest_ends_at": rest.ends_at}}
        if sessions.update_one({**key, "status": "in_progress", "paused_at": None}, started).matched_count:
            return True
    sessions.update_one(key, changes)
    return False


# --- writes -----------------------------------------------------------------------------------------

def create_session(user_id: int, data: dict[str, Any]) -> tuple[WorkoutSession, bool]:
    """Plans (or starts) a session. Returns (session, created): a client_id the user already used
    returns that session instead, so an offline client may safely send it again."""
    client_id = str(data["client_id"]) if data.get("client_id") else None
    if client_id:
        existing = WorkoutSession.objects(user_id=user_id, client_id=client_id).first()
        if existing:
            return existing, False
    workout = reference_or_400(Workout, data["workout"], workout_service.visible_to(user_id), "workout", "Workout")
    now = utcnow()
    session = WorkoutSession(
        user_id=user_id,
        workout=workout,
        status="planned",
        notes=data.get("notes"),
        session_date=to_utc(data.get("session_date")) or now,
        client_id=client_id,
    )
    if data.get("status") == "in_progress":
        session.status, session.start_time, session.session_date = "in_progress", now, now
    try:
        session.save()
    except NotUniqueError:  # the same client_id, sent twice at once
        existing = WorkoutSession.objects(user_id=user_id, client_id=client_id).first()
        if existing is None:
            raise
        return existing, False
    if session.status == "in_progress":
        notify.session_changed("session.started", session)
    return session, True


def update_session(user_id: int, session_id: str, changes: dict[str, Any]) -> WorkoutSession:
    """Edits notes, rating, calories and date. Status and times belong to the actions: sending
    them is accepted only when they are unchanged (a client echoing the session back)."""
    session = get_session(user_id, session_id)
    status = changes.pop("status", None)
    status = getattr(status, "value", status)
    if status is not None and status != session.status:
        action = ACTIONS.get(status)
        how = (
            f"use POST /api/workout-sessions/{session.id}/{action}/ to do that."
            if action
            else "a session cannot go back to planned."
        )
        raise InvalidInput.for_field("status", f"The status changes only through the session's actions: {how}")
    for field, action in (("start_time", "start"), ("end_time", "complete")):
        value = changes.pop(field, None)
        if value is not None and to_utc(value) != getattr(session, field):
            raise InvalidInput.for_field(
                field, f"{field} is set by POST /api/workout-sessions/{session.id}/{action}/ and cannot be edited."
            )
    if changes.get("session_date") is not None:
        session.session_date = to_utc(changes["session_date"])
    for field in ("notes", "rating", "calories_burned"):
        if field in changes:
            setattr(session, field, changes[field])
    session.updated_at = utcnow()
    session.save()
    return session


def delete_session(user_id: int, session_id: str) -> None:
    """Deletes the session and its sets, then corrects the records those sets held."""
    session = get_session(user_id, session_id)
    sets = ExerciseLog.objects(user_id=user_id, workout_session=session.id)
    exercise_ids = {row["exercise"] for row in sets.only("exercise").as_pymongo()}
    sets.delete()
    # Not session.delete(): its CASCADE rule would look for sets by workout_session alone, which
    # no index serves (they are indexed under user_id); they are already gone.
    WorkoutSession._get_collection().delete_one({"_id": session.id, "user_id": user_id})
    for exercise_id in exercise_ids:
        records.recompute(user_id, exercise_id)


# --- the lifecycle ----------------------------------------------------------------------------------

def start_session(user_id: int, session_id: str) -> WorkoutSession:
    session = get_session(user_id, session_id)
    if session.status != "planned":
        raise ApiError(f"Only planned sessions can be started; this one is {_label(session.status)}.")
    now = utcnow()
    _transition(session, {"status": "planned"}, status="in_progress", start_time=now, session_date=now)
    notify.session_changed("session.started", session)
    return session


def pause_session(user_id: int, session_id: str) -> WorkoutSession:
    session = get_session(user_id, session_id)
    if session.status != "in_progress":
        raise ApiError(f"Only in-progress sessions can be paused; this one is {_label(session.status)}.")
    if session.paused_at is not None:
        raise ApiError("This session is already paused; resume it first.")
    _transition(session, {"status": "in_progress", "paused_at": None}, paused_at=utcnow())
    notify.session_changed("session.paused", session)
    return session


def resume_session(user_id: int, session_id: str) -> WorkoutSession:
    session = get_session(user_id, session_id)
    if session.status != "in_progress":
        raise ApiError(f"Only paused sessions can be resumed; this one is {_label(session.status)}.")
    if session.paused_at is None:
        raise ApiError("This session is not paused.")
    _transition(
        session,
        {"status": "in_progress", "paused_at": session.paused_at},
        paused_seconds=_pauses_until(session, utcnow()),
        unset__paused_at=True,
    )
    notify.session_changed("session.resumed", session)
    return session


def complete_session(user_id: int, session_id: str, data: dict[str, Any]) -> WorkoutSession:
    """Ends the session now (closing an open pause), with its duration and volume."""
    session = get_session(user_id, session_id)
    if session.status != "in_progress":
        hint = " Start it first." if session.status == "planned" else ""
        raise ApiError(f"Only in-progress sessions can be completed; this one is {_label(session.status)}.{hint}")
    start = session.start_time or utcnow()  # always set by start; a hand-edited document may lack it
    end = max(utcnow(), start + ONE_MS)
    paused = _pauses_until(session, end)
    elapsed = max(0.0, (end - start).total_seconds() - paused)
    changes = {field: data[field] for field in ("rating", "notes", "calories_burned") if data.get(field) is not None}
    _transition(
        session,
        {"status": "in_progress", "paused_at": session.paused_at},
        status="completed",
        start_time=start,
        end_time=end,
        paused_seconds=paused,
        unset__paused_at=True,
        actual_duration_minutes=int(elapsed / 60 + 0.5),
        total_volume=compute_volume(user_id, session.id),
        **changes,
    )
    notify.session_changed("session.completed", session)
    return session


def cancel_session(user_id: int, session_id: str) -> WorkoutSession:
    """Cancels a planned or running session; a running one ends now, its sets are kept."""
    session = get_session(user_id, session_id)
    if session.status not in ("planned", "in_progress"):
        raise ApiError(f"Only planned or in-progress sessions can be cancelled; this one is {_label(session.status)}.")
    expected = {"status": session.status, "paused_at": session.paused_at}
    if session.status == "planned":
        _transition(session, expected, status="cancelled")
    else:
        start = session.start_time or utcnow()
        end = max(utcnow(), start + ONE_MS)
        _transition(
            session, expected, status="cancelled", start_time=start, end_time=end,
            paused_seconds=_pauses_until(session, end), unset__paused_at=True,
        )
    notify.session_changed("session.cancelled", session)
    return session


def _pauses_until(session: WorkoutSession, now: datetime) -> float:
    """Paused seconds, counting an open pause up to `now`."""
    paused = session.paused_seconds or 0
    if session.paused_at is not None:
        paused += max(0.0, (now - session.paused_at).total_seconds())
    return round(paused, 3)


def _transition(session: WorkoutSession, expected: dict[str, Any], **changes) -> None:
    """Applies `changes` only if the stored session still matches `expected`, so two clients
    racing on the same session cannot both win (e.g. complete and cancel)."""
    if not session.modify(query=expected, updated_at=utcnow(), **changes):
        raise ApiError("This session changed while your request was handled; reload it and try again.", status_code=409)


def _label(status: str) -> str:
    return status.replace("_", " ")
