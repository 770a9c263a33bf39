"""Turns training writes into live events. Services call these after a write has succeeded."""

from __future__ import annotations  # sessions imports this module

from typing import Any

from bson import ObjectId

from backend.live import events
from backend.live.events import iso
from backend.training.documents import ExerciseLog, WorkoutSession
from backend.training.services import sessions as session_service


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


def sets_logged(
    logs: list[ExerciseLog], beaten: dict[ObjectId, list[dict[str, Any]]], rests: dict[ObjectId, session_service.Rest]
) -> None:
    """set.logged for each new set, record.new for each record it beat, then rest.started where the
    session's latest new set started the rest timer: per session, in that order, in one publish."""
    by_session: dict[ObjectId, list[tuple[str, dict[str, Any]]]] = {}
    latest: dict[ObjectId, ExerciseLog] = {}
    for log in logs:
        session_id = session_service.reference_id(log, "workout_session")
        pending = by_session.setdefault(session_id, [])
        pending.append(("set.logged", {"log": log_json(log)}))
        exercise = session_service.referenced(log, "exercise")
        for record in beaten.get(log.id, []):
            shown = {"id": str(exercise.id), "name": exercise.name} if exercise else None
            pending.append(("record.new", {"log_id": str(log.id), "exercise": shown, **record}))
        latest[session_id] = log
    for session_id, pending in by_session.items():
        if rest := rests.get(session_id):
            after = latest[session_id]
            pending.append(("rest.started", {"ends_at": iso(rest.ends_at), "rest_seconds": rest.seconds, "after_log_id": str(after.id)}))
        events.publish_all(session_id, latest[session_id].user_id, pending)
