"""What a coach may read of an athlete who granted them: sessions, sets, compliance. Read-only."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from backend.coaching.services import athlete_for_coach
from backend.core.pagination import PageNumberPagination
from backend.core.schemas import ErrorOut
from backend.training.schemas.sessions import SessionDetailOut, SessionFilters, SessionListOut
from backend.training.services import compliance as compliance_service
from backend.training.services import sessions as session_service

router = Router(tags=["coaching"])


class ComplianceWindow(Schema):
    days: int
    planned: int
    completed: int
    rate: float | None


class ComplianceOut(Schema):
    athlete: str
    windows: list[ComplianceWindow]


@router.get(
    "/{username}/sessions/", response={200: list[SessionListOut], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
)
@paginate(PageNumberPagination)
def athlete_sessions(request, username: str, filters: Query[SessionFilters]):
    athlete = athlete_for_coach(request.user, username)
    return session_service.list_sessions(athlete.id, filters)


@router.get("/{username}/sessions/{session_id}/", response={200: SessionDetailOut, 401: ErrorOut, 404: ErrorOut})
def athlete_session(request, username: str, session_id: str):
    athlete = athlete_for_coach(request.user, username)
    return session_service.session_detail(athlete.id, session_id)


@router.get("/{username}/compliance/", response={200: ComplianceOut, 401: ErrorOut, 404: ErrorOut})
def athlete_compliance(request, username: str):
    athlete = athlete_for_coach(request.user, username)
    return {"athlete": athlete.username, **compliance_service.compliance(athlete.id)}
