from ninja import Router, Status

from backend.coaching import services
from backend.coaching.schemas import AthleteOut, CoachOut, GrantIn
from backend.core.schemas import ErrorOut

router = Router(tags=["coaching"])


def _coach_view(grant_row):
    return {"username": grant_row.coach.username, "granted_at": grant_row.created_at}


@router.get("/coaches/", response={200: list[CoachOut], 401: ErrorOut})
def list_coaches(request):
    return [_coach_view(g) for g in services.coaches_of(request.user)]


@router.post("/coaches/", response={200: CoachOut, 201: CoachOut, 400: ErrorOut, 401: ErrorOut})
def grant_coach(request, payload: GrantIn):
    grant_row, created = services.grant(request.user, payload.username)
    return Status(201 if created else 200, _coach_view(grant_row))


@router.delete("/coaches/{username}/", response={204: None, 401: ErrorOut, 404: ErrorOut})
def revoke_coach(request, username: str):
    services.revoke(request.user, username)
    return Status(204, None)


@router.get("/athletes/", response={200: list[AthleteOut], 401: ErrorOut})
def list_athletes(request):
    return [{"username": g.athlete.username, "granted_at": g.created_at} for g in services.athletes_of(request.user)]
