"""Training data as mongoengine documents (MongoDB, or the embedded store)."""

from datetime import datetime, timezone

from mongoengine import (
    DateTimeField,
    Document,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from backend.training.constants import EXPERIENCE_LEVELS, FITNESS_GOALS


def utcnow() -> datetime:
    """Naive UTC with millisecond precision: what MongoDB stores and gives back."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class UserProfile(Document):
    """Fitness details for one Django user (linked by id; the user lives in the auth database)."""

    user_id = IntField(required=True, unique=True)
    bio = StringField(max_length=500)
    height = FloatField(min_value=0)  # cm
    weight = FloatField(min_value=0)  # kg
    date_of_birth = DateTimeField()
    fitness_goal = StringField(choices=FITNESS_GOALS)
    experience_level = StringField(choices=EXPERIENCE_LEVELS)
    preferred_workout_types = ListField(StringField(max_length=50))
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {"collection": "user_profiles", "indexes": []}
