"""The user's fitness profile (MongoDB) beside their account (auth database)."""

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from mongoengine.errors import NotUniqueError

from backend.core.errors import InvalidInput
from backend.training.documents import UserProfile, utcnow


def ensure_profile(user_id: int) -> UserProfile:
    profile = UserProfile.objects(user_id=user_id).first()
    if profile is None:
        try:
            profile = UserProfile(user_id=user_id).save()
        except NotUniqueError:  # created concurrently
            profile = UserProfile.objects.get(user_id=user_id)
    return profile


def profile_view(user, profile: UserProfile) -> dict[str, Any]:
    dob = profile.date_of_birth.date() if profile.date_of_birth else None
    return {
        "username": user.username,
        "email": user.email,
        "bio": profile.bio,
        "height": profile.height,
        "weight": profile.weight,
        "date_of_birth": dob,
        "fitness_goal": profile.fitness_goal,
        "experience_level": profile.experience_level,
        "preferred_workout_types": list(profile.preferred_workout_types or []),
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


def update_profile(user, changes: dict[str, Any]) -> UserProfile:
    """Applies validated changes; `email` lives on the account, the rest on the profile."""
    email = changes.pop("email", None)
    if email is not None:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput.for_field("email", exc.messages[0]) from None
    profile = ensure_profile(user.id)
    for field, value in changes.items():
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime.combine(value, time.min)
        if field == "preferred_workout_types":
            value = [item.strip() for item in value or []]
        setattr(profile, field, getattr(value, "value", value))
    profile.updated_at = utcnow()
    profile.save()
    if email is not None and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    return profile
