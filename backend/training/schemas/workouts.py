"""Request and response schemas for workouts.

`total_exercises` and `estimated_duration_minutes` are computed by the server: they are not
fields of the In schemas, so values a client sends for them are ignored.
"""

from datetime import datetime
from typing import Annotated

from backend.core.types import StrictBool, StrictFloat, StrictInt
from ninja import Schema
from pydantic import Field, StringConstraints, field_validator

from backend.training.constants import Difficulty
from backend.training.schemas.common import IdOut, ObjectIdStr
from backend.training.schemas.exercises import ExerciseRef

# Tags are stored stripped and lowercase; the list is deduplicated (first occurrence kept).
Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=50)]


def _not_blank(value: str | None) -> str | None:
    if value is None:
        return value
    if not value.strip():
        raise ValueError("must not be blank.")
    return value.strip()


def _unique_tags(value: list[str] | None) -> list[str] | None:
    return list(dict.fromkeys(value)) if value is not None else value


# --- input ------------------------------------------------------------------------------------------

class WorkoutExerciseIn(Schema):
    """One exercise of a workout with its targets. Orders are unique within a workout."""

    exercise: ObjectIdStr = Field(description="Id of an exercise you can see.")
    order: StrictInt = Field(ge=1, le=1000, description="Position in the workout, from 1.")
    target_sets: StrictInt | None = Field(None, ge=1, le=50)
    target_reps_min: StrictInt | None = Field(None, ge=1, le=1000)
    target_reps_max: StrictInt | None = Field(None, ge=1, le=1000, description="At least target_reps_min.")
    target_weight: StrictFloat | None = Field(None, ge=0, le=2000)
    target_duration_seconds: StrictInt | None = Field(
        None, ge=0, le=86400, description="Work per set, for timed exercises."
    )
    rest_seconds: StrictInt = Field(60, ge=0, le=3600, description="Rest after each set.")
    superset_group: str | None = Field(
        None, max_length=20, description="Exercises sharing a group are done back to back."
    )
    notes: str | None = Field(None, max_length=500)


class AddExerciseIn(WorkoutExerciseIn):
    """The body of add_exercise: without `order` the exercise is appended; with it, it is inserted
    there and the exercises at that order and after move down by one."""

    order: StrictInt | None = Field(None, ge=1, le=1000, description="Where to insert; omit to append.")


class RemoveExerciseIn(Schema):
    order: StrictInt = Field(ge=1, le=1000, description="The order of the exercise to remove.")


class WorkoutIn(Schema):
    """A whole workout. On PUT an omitted field is reset to its default."""

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    difficulty_level: Difficulty | None = None
    tags: list[Tag] = Field(
        default_factory=list, max_length=20, description="Stored stripped, lowercase and deduplicated."
    )
    is_template: StrictBool = False
    is_public: StrictBool = Field(False, description="Public workouts can be read and cloned by everyone.")
    exercises: list[WorkoutExerciseIn] = Field(default_factory=list, max_length=100)

    _name = field_validator("name")(lambda cls, v: _not_blank(v))
    _tags = field_validator("tags")(lambda cls, v: _unique_tags(v))


class WorkoutPatch(Schema):
    """Only the fields sent change. `exercises`, when sent, replaces the whole list.

    Fields that cannot be empty (name, tags, flags, exercises) refuse an explicit null.
    """

    name: str = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    difficulty_level: Difficulty | None = None
    tags: list[Tag] = Field(None, max_length=20)
    is_template: StrictBool = None
    is_public: StrictBool = None
    exercises: list[WorkoutExerciseIn] = Field(None, max_length=100)

    _name = field_validator("name")(lambda cls, v: _not_blank(v))
    _tags = field_validator("tags")(lambda cls, v: _unique_tags(v))


class WorkoutFilters(Schema):
    difficulty: Difficulty | None = None
    tags: str | None = Field(None, max_length=1000, description="Comma-separated; matches any of them.")
    is_template: bool | None = None
    is_public: bool | None = Field(None, description="false: only your private workouts.")
    search: str | None = Field(None, max_length=100, description="Case-insensitive match on name.")


# --- output -----------------------------------------------------------------------------------------

class WorkoutExerciseOut(Schema):
    exercise: ExerciseRef
    order: int
    target_sets: int | None
    target_reps_min: int | None
    target_reps_max: int | None
    target_weight: float | None
    target_duration_seconds: int | None
    rest_seconds: int | None
    superset_group: str | None
    notes: str | None


class WorkoutListOut(Schema):
    id: IdOut
    name: str
    difficulty_level: Difficulty | None
    total_exercises: int
    estimated_duration_minutes: int | None
    tags: list[str]
    is_template: bool
    is_public: bool
    created_by_user_id: int
    created_at: datetime


class WorkoutOut(Schema):
    id: IdOut
    name: str
    description: str | None
    created_by_user_id: int
    difficulty_level: Difficulty | None
    estimated_duration_minutes: int | None = Field(description="Computed by the server.")
    total_exercises: int = Field(description="Computed by the server.")
    tags: list[str]
    is_template: bool
    is_public: bool
    exercises: list[WorkoutExerciseOut] = Field(description="Sorted by order.")
    created_at: datetime
    updated_at: datetime


class WorkoutStatisticsOut(Schema):
    """Your completed sessions of this workout."""

    workout_id: IdOut
    times_performed: int
    last_performed: datetime | None
    average_duration_minutes: float | None
    average_rating: float | None
    total_volume: float
