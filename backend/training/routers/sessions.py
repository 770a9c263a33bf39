from ninja import Query, Router, Status
from ninja.pagination import paginate

from backend.core.pagination import PageNumberPagination
from backend.core.schemas import ErrorOut
from backend.training.schemas.sessions import (
    CompleteIn,
    SessionDetailOut,
    SessionFilters,
    SessionIn,
    SessionListOut,
    SessionOut,
    SessionUpdate,
    StatisticsFilters,
    StatisticsOut,
)
from backend.training.services import sessions as service

router = Router(tags=["workout-sessions"])

ACTION = {200: SessionOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get("/", response={200: list[SessionListOut], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
@paginate(PageNumberPagination)
def list_sessions(request, filters: Query[SessionFilters]):
    return service.list_sessions(request.user.id, filters)


@router.post("/", response={200: SessionOut, 201: SessionOut, 400: ErrorOut, 401: ErrorOut})
def create_session(request, payload: SessionIn):
    """201 with the new session; 200 with the existing one when its client_id was used before."""
    session, created = service.create_session(request.user.id, payload.model_dump())
    return Status(201 if created else 200, session)


# Fixed paths before /{session_id}/.
@router.get("/statistics/", response={200: StatisticsOut, 400: ErrorOut, 401: ErrorOut})
def statistics(request, filters: Query[StatisticsFilters]):
    return service.statistics(request.user.id, filters)


@router.get("/{session_id}/", response={200: SessionDetailOut, 401: ErrorOut, 404: ErrorOut})
def get_session(request, session_id: str):
    return service.session_detail(request.user.id, session_id)


@router.put("/{session_id}/", response={200: SessionOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
def replace_session(request, session_id: str, payload: SessionUpdate):
    return service.update_session(request.user.id, session_id, payload.model_dump())


@router.patch("/{session_id}/", response={200: SessionOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
def update_session(request, session_id: str, payload: SessionUpdate):
    return service.update_session(request.user.id, session_id, payload.model_dump(exclude_unset=True))


@router.delete("/{session_id}/", response={204: None, 401: ErrorOut, 404: ErrorOut})
def delete_session(request, session_id: str):
    """Deletes the session and its sets."""
    service.delete_session(request.user.id, session_id)
    return Status(204, None)


@router.post("/{session_id}/start/", response=ACTION)
def start_session(request, session_id: str):
    """planned -> in_progress; start_time and session_date become now."""
    return service.start_session(request.user.id, session_id)


@router.post("/{session_id}/pause/", response=ACTION)
def pause_session(request, session_id: str):
    return service.pause_session(request.user.id, session_id)


@router.post("/{session_id}/resume/", response=ACTION)
def resume_session(request, session_id: str):
    return service.resume_session(request.user.id, session_id)


@router.post("/{session_id}/complete/", response=ACTION)
def complete_session(request, session_id: str, payload: CompleteIn | None = None):
    """in_progress -> completed: end_time now, duration without pauses, total volume."""
    data = payload.model_dump(exclude_unset=True) if payload else {}
    return service.complete_session(request.user.id, session_id, data)


@router.post("/{session_id}/cancel/", response=ACTION)
def cancel_session(request, session_id: str):
    """planned or in_progress -> cancelled (a running session ends now; its sets are kept)."""
    return service.cancel_session(request.user.id, session_id)
