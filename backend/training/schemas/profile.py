"""Request and response schemas for the training API."""

from datetime import date, datetime

from backend.core.types import IsoDate, StrictFloat
from ninja import Schema
from pydantic import Field, field_validator

from backend.training.constants import ExperienceLevel, FitnessGoal


class ProfileIn(Schema):
    """Profile fields a user may set. On PUT an omitted field is cleared; on PATCH it is kept."""

    email: str | None = Field(None, min_length=3, max_length=254)
    bio: str | None = Field(None, max_length=500)
    height: StrictFloat | None = Field(None, gt=0, le=300, description="Centimetres.")
    weight: StrictFloat | None = Field(None, gt=0, le=1000, description="Kilograms.")
    date_of_birth: IsoDate | None = None
    fitness_goal: FitnessGoal | None = None
    experience_level: ExperienceLevel | None = None
    preferred_workout_types: list[str] | None = Field(None, max_length=20)

    @field_validator("date_of_birth")
    @classmethod
    def born_in_the_past(cls, value: date | None) -> date | None:
        if value is not None and not (date(1900, 1, 1) <= value < date.today()):
            raise ValueError("date_of_birth must be in the past (and after 1900-01-01).")
        return value

    @field_validator("preferred_workout_types")
    @classmethod
    def short_names(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not item.strip() or len(item) > 50 for item in value):
            raise ValueError("each workout type must be 1 to 50 characters.")
        return value


class ProfileOut(Schema):
    username: str
    email: str
    bio: str | None
    height: float | None
    weight: float | None
    date_of_birth: date | None
    fitness_goal: FitnessGoal | None
    experience_level: ExperienceLevel | None
    preferred_workout_types: list[str]
    created_at: datetime
    updated_at: datetime
