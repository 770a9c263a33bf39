"""Turns training writes into live events. Services call these after a write has succeeded."""

from datetime import timedelta
from typing import Any

from bson import ObjectId

from backend.live import events
from backend.live.events import iso
from backend.training.documents import ExerciseLog, Workout, WorkoutSession, utcnow
from backend.training.services import sessions as session_service

DEFAULT_REST_SECONDS = 60


def session_state(session: WorkoutSession) -> dict[str, Any]:
    """The clock fields every session.* event carries, so a client resyncs from any event."""
    return {
        "status": session.status,
        "start_time": iso(session.start_time),
        "end_time": iso(session.end_time),
        "paused_at": iso(session.paused_at),
        "paused_seconds": session.paused_seconds or 0,
        "elapsed_seconds": session_service.elapsed_seconds(session),
    }


def session_changed(event_type: str, session: WorkoutSession) -> None:
    events.publish(event_type, session.id, session.user_id, **session_state(session))


def log_json(log: ExerciseLog) -> dict[str, Any]:
    from backend.training.schemas.logs import LogOut

    return LogOut.from_orm(log).model_dump(mode="json")


def set_changed(event_type: str, log: ExerciseLog) -> None:
    """set.updated or set.deleted, with the log as it is (or was)."""
    session_id = session_service.reference_id(log, "workout_session")
    events.publish(event_type, session_id, log.user_id, log=log_json(log))


def sets_logged(logs: list[ExerciseLog], beaten: dict[ObjectId, list[dict[str, Any]]]) -> None:
    """set.logged for each new set, record.new for each record it beat, then the rest timer that
    the latest set of an in-progress session starts."""
    latest: dict[ObjectId, ExerciseLog] = {}
    for log in logs:
        session_id = session_service.reference_id(log, "workout_session")
        events.publish("set.logged", session_id, log.user_id, log=log_json(log))
        exercise = session_service.referenced(log, "exercise")
        for record in beaten.get(log.id, []):
            events.publish(
                "record.new",
                session_id,
                log.user_id,
                log_id=str(log.id),
                exercise={"id": str(exercise.id), "name": exercise.name} if exercise else None,
                **record,
            )
        latest[session_id] = log
    for session_id, log in latest.items():
        _start_rest(session_id, log)


def _start_rest(session_id: ObjectId, log: ExerciseLog) -> None:
    # the session as the write just read it (logs._references); the update re-checks the status
    session = session_service.referenced(log, "workout_session")
    if session is None or session.status != "in_progress":
        return
    rest_seconds = _rest_seconds(session, session_service.reference_id(log, "exercise"))
    ends_at = utcnow() + timedelta(seconds=rest_seconds)
    if not WorkoutSession.objects(id=session_id, status="in_progress").update_one(set__rest_ends_at=ends_at):
        return  # paused or ended meanwhile: no rest to announce
    events.publish(
        "rest.started",
        session_id,
        log.user_id,
        ends_at=iso(ends_at),
        rest_seconds=rest_seconds,
        after_log_id=str(log.id),
    )


def _rest_seconds(session: WorkoutSession, exercise_id: ObjectId) -> int:
    """The rest the workout sets for this exercise (its last entry wins), else a minute."""
    workout_id = session_service.reference_id(session, "workout")
    workout = Workout.objects(id=workout_id).only("exercises").first()
    rest = None
    for item in sorted(workout.exercises if workout else [], key=lambda e: e.order):
        if session_service.reference_id(item, "exercise") == exercise_id:
            rest = item.rest_seconds
    return DEFAULT_REST_SECONDS if rest is None else rest
