"""What live sockets are told: a session's state and sets, for its owner or a granted coach."""

from typing import Any

from backend.coaching import services as coaching
from backend.core.errors import Forbidden, NotFound
from backend.live.events import iso, now_iso
from backend.training.documents import WorkoutSession, utcnow
from backend.training.services import notify
from backend.training.services import sessions as session_service
from backend.training.services.common import parse_id


def rest_timer(session: WorkoutSession) -> dict[str, Any] | None:
    if session.rest_ends_at and session.status == "in_progress" and session.rest_ends_at > utcnow():
        return {"ends_at": iso(session.rest_ends_at)}
    return None


def session_snapshot(viewer_id: int, session_id: str) -> dict[str, Any]:
    """Raises NotFound for an unknown session, Forbidden when the viewer may not watch it."""
    oid = parse_id(session_id)
    owner = WorkoutSession.objects(id=oid).only("user_id").first() if oid else None
    if owner is None:
        raise NotFound("Workout session not found.")
    if not coaching.can_watch(viewer_id, owner.user_id):
        raise Forbidden("You may not watch this session.")
    session = session_service.session_detail(owner.user_id, session_id)
    return {
        "type": "session.snapshot",
        "session_id": str(session.id),
        "server_time": now_iso(),
        "user_id": session.user_id,
        "workout": session_service.workout_ref(session),
        **notify.session_state(session),
        "logs": [notify.log_json(log) for log in session.logs],
        "rest": rest_timer(session),
    }
