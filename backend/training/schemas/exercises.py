from datetime import datetime

from backend.core.types import StrictBool
from ninja import Schema
from pydantic import Field, HttpUrl, field_validator

from backend.training.constants import Difficulty, ExerciseCategory, MuscleGroup
from backend.training.schemas.common import IdOut, ShortText


class ExerciseIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    category: ExerciseCategory
    difficulty_level: Difficulty = Difficulty.beginner
    primary_muscles: list[MuscleGroup] = Field(default_factory=list, max_length=8)
    secondary_muscles: list[MuscleGroup] = Field(default_factory=list, max_length=8)
    equipment_needed: list[ShortText] = Field(default_factory=list, max_length=20)
    instructions: list[str] = Field(default_factory=list, max_length=30)
    video_url: HttpUrl | None = Field(None, max_length=500)
    image_url: HttpUrl | None = Field(None, max_length=500)
    is_public: StrictBool = Field(False, description="Custom exercises are private unless this is true.")

    @field_validator("name")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank.")
        return value.strip()

    @field_validator("instructions")
    @classmethod
    def short_steps(cls, value: list[str]) -> list[str]:
        if any(not step.strip() or len(step) > 1000 for step in value):
            raise ValueError("each instruction must be 1 to 1000 characters.")
        return value


class ExercisePatch(Schema):
    """Fields to change. Required fields may be omitted but not set to null."""

    name: str = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    category: ExerciseCategory = None
    difficulty_level: Difficulty = None
    primary_muscles: list[MuscleGroup] = Field(None, max_length=8)
    secondary_muscles: list[MuscleGroup] = Field(None, max_length=8)
    equipment_needed: list[ShortText] = Field(None, max_length=20)
    instructions: list[str] = Field(None, max_length=30)
    video_url: HttpUrl | None = Field(None, max_length=500)
    image_url: HttpUrl | None = Field(None, max_length=500)
    is_public: StrictBool = None

    _not_blank = field_validator("name")(lambda cls, v: ExerciseIn.not_blank(v))
    _short_steps = field_validator("instructions")(lambda cls, v: ExerciseIn.short_steps(v))


class ExerciseFilters(Schema):
    category: ExerciseCategory | None = None
    difficulty: Difficulty | None = None
    muscle_group: MuscleGroup | None = Field(None, description="Matches primary or secondary muscles.")
    equipment: str | None = Field(None, max_length=50)
    custom_only: bool = Field(False, description="Only your own custom exercises.")
    search: str | None = Field(None, max_length=100, description="Case-insensitive match on name or alias.")


class ExerciseListOut(Schema):
    id: IdOut
    name: str
    category: ExerciseCategory
    difficulty_level: Difficulty
    primary_muscles: list[MuscleGroup]
    equipment_needed: list[str]
    is_custom: bool
    is_public: bool


class ExerciseOut(ExerciseListOut):
    description: str | None
    secondary_muscles: list[MuscleGroup]
    instructions: list[str]
    aliases: list[str]
    video_url: str | None
    image_url: str | None
    created_by_user_id: int | None
    created_at: datetime
    updated_at: datetime


class ExerciseRef(Schema):
    """How other resources show the exercise they point to."""

    id: IdOut
    name: str
    category: ExerciseCategory
