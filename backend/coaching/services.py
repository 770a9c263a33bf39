"""Who may watch whom. Athletes grant and revoke; coaches only ever read."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from backend.coaching.models import CoachGrant
from backend.core.errors import InvalidInput, NotFound

User = get_user_model()

# Called with (athlete_id, coach_id) after a grant is revoked; the live app closes sockets.
revocation_listeners: list[Callable[[int, int], None]] = []
grant_listeners: list[Callable[[int, int], None]] = []


def grant(athlete, coach_username: str) -> tuple[CoachGrant, bool]:
    """Returns the grant and whether it is new; granting twice is harmless."""
    coach = User.objects.filter(username__iexact=coach_username, is_active=True).first()
    if coach is None:
        raise InvalidInput.for_field("username", f"No user named {coach_username!r}.")
    if coach.id == athlete.id:
        raise InvalidInput.for_field("username", "You cannot be your own coach.")
    try:
        with transaction.atomic():
            created_grant, created = CoachGrant.objects.get_or_create(athlete=athlete, coach=coach)
    except IntegrityError:  # granted concurrently
        created_grant, created = CoachGrant.objects.get(athlete=athlete, coach=coach), False
    if created:
        for listener in grant_listeners:
            listener(athlete.id, coach.id)
    return created_grant, created


def revoke(athlete, coach_username: str) -> None:
    grant_row = CoachGrant.objects.filter(athlete=athlete, coach__username__iexact=coach_username).first()
    if grant_row is None:
        raise NotFound(f"{coach_username!r} is not one of your coaches.")
    coach_id = grant_row.coach_id
    grant_row.delete()
    for listener in revocation_listeners:
        listener(athlete.id, coach_id)


def coaches_of(athlete) -> list[CoachGrant]:
    return list(CoachGrant.objects.filter(athlete=athlete).select_related("coach"))


def athletes_of(coach) -> list[CoachGrant]:
    return list(CoachGrant.objects.filter(coach=coach, athlete__is_active=True).select_related("athlete"))


def can_watch(viewer_id: int, athlete_id: int) -> bool:
    """The athlete themself, or a coach the athlete has granted."""
    return viewer_id == athlete_id or CoachGrant.objects.filter(coach_id=viewer_id, athlete_id=athlete_id).exists()


def athlete_for_coach(coach, username: str):
    """The athlete with that username if they granted this coach; 404 otherwise (no hint either way)."""
    grant_row = (
        CoachGrant.objects.filter(coach=coach, athlete__username__iexact=username, athlete__is_active=True)
        .select_related("athlete")
        .first()
    )
    if grant_row is None:
        raise NotFound("Athlete not found.")
    return grant_row.athlete


def athlete_ids_of(coach_id: int) -> list[int]:
    return list(CoachGrant.objects.filter(coach_id=coach_id).values_list("athlete_id", flat=True))
