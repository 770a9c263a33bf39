"""Schemas for imports and exports. The JSON export's document is described here once: it is what
GET /api/export/?format=json returns and what POST /api/import/json/ checks an upload against."""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from backend.training.constants import (
    Difficulty,
    ExerciseCategory,
    ExperienceLevel,
    FitnessGoal,
    MuscleGroup,
    SessionStatus,
    SetType,
)

FileId = Annotated[str, Field(min_length=1, max_length=64, description="The id in the exported account.")]
Tag = Annotated[str, Field(max_length=50)]


class Units(str, Enum):
    metric = "metric"
    imperial = "imperial"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


class ExportQuery(Schema):
    format: ExportFormat = Field(
        ExportFormat.json,
        description="`json`: everything, restorable with POST /api/import/json/. `csv`: one row per set in "
        "Strong's layout (weights in kg, distances in km).",
    )
    gzip: bool = Field(False, description="Compress the file with gzip (`.json.gz`, `.csv.gz`); restoring accepts it as is.")


class ImportSummaryOut(Schema):
    sessions: int = Field(description="Sessions created.")
    sets: int = Field(description="Sets created.")
    exercises_created: int = Field(description="Custom exercises created for names the library does not know.")
    workouts_created: int = Field(description="Private workouts created, one per new workout name.")
    skipped_rows: int = Field(description="Rows that are not sets: rest timers and sets with no reps, weight, time or distance.")
    already_imported: int = Field(description="Sets found from an earlier import of the same data; not created again.")


class RestoreSummaryOut(Schema):
    exercises: int = Field(description="Custom exercises created (yours, and copies of ones this server lacks).")
    workouts: int
    sessions: int
    logs: int
    coach_grants: int
    skipped_coach_grants: list[str] = Field(description="Coaches named in the file who have no account here.")


# --- the JSON export document (format_version 1) ------------------------------------------------------

class ExportAccount(Schema):
    username: str
    email: str | None = None


class ExportProfile(Schema):
    bio: str | None = Field(None, max_length=500)
    height: float | None = Field(None, gt=0, le=300, description="Centimetres.")
    weight: float | None = Field(None, gt=0, le=1000, description="Kilograms.")
    date_of_birth: date | None = None
    fitness_goal: FitnessGoal | None = None
    experience_level: ExperienceLevel | None = None
    preferred_workout_types: list[Tag] = Field(default_factory=list, max_length=20)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ExportExercise(Schema):
    id: FileId
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    category: ExerciseCategory
    difficulty_level: Difficulty = Difficulty.beginner
    primary_muscles: list[MuscleGroup] = Field(default_factory=list)
    secondary_muscles: list[MuscleGroup] = Field(default_factory=list)
    equipment_needed: list[Tag] = Field(default_factory=list)
    instructions: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list)
    aliases: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list)
    video_url: str | None = Field(None, max_length=500)
    image_url: str | None = Field(None, max_length=500)
    is_public: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ExportExerciseRef(Schema):
    """An exercise the data uses but the user does not own (the library's, or another user's public one)."""

    id: FileId
    name: str = Field(min_length=1, max_length=200)
    category: ExerciseCategory
    is_custom: bool = False


class ExportWorkoutEntry(Schema):
    exercise: FileId
    order: int = Field(ge=1)
    target_sets: int | None = Field(None, ge=1)
    target_reps_min: int | None = Field(None, ge=1)
    target_reps_max: int | None = Field(None, ge=1)
    target_weight: float | None = Field(None, ge=0)
    target_duration_seconds: int | None = Field(None, ge=0)
    rest_seconds: int | None = Field(None, ge=0)
    superset_group: str | None = Field(None, max_length=20)
    notes: str | None = Field(None, max_length=500)


class ExportWorkout(Schema):
    id: FileId
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    difficulty_level: Difficulty | None = None
    estimated_duration_minutes: int | None = Field(None, ge=1)
    tags: list[Tag] = Field(default_factory=list)
    is_template: bool = False
    is_public: bool = False
    total_exercises: int | None = Field(None, ge=0)
    exercises: list[ExportWorkoutEntry] = Field(default_factory=list, max_length=100)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ExportSession(Schema):
    id: FileId
    workout: FileId
    status: SessionStatus
    session_date: datetime
    start_time: datetime | None = None
    end_time: datetime | None = None
    paused_at: datetime | None = None
    paused_seconds: float = Field(0, ge=0)
    actual_duration_minutes: int | None = Field(None, ge=0)
    notes: str | None = Field(None, max_length=5000)
    rating: int | None = Field(None, ge=1, le=5)
    calories_burned: int | None = Field(None, ge=0)
    total_volume: float = Field(0, ge=0, description="Recomputed from the sets on import.")
    rest_ends_at: datetime | None = None
    client_id: str | None = Field(None, max_length=64)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ExportLog(Schema):
    id: FileId
    workout_session: FileId
    exercise: FileId
    set_number: int = Field(ge=1)
    set_type: SetType = SetType.normal
    reps: int | None = Field(None, ge=0)
    weight: float | None = Field(None, ge=0, description="Kilograms.")
    duration_seconds: int | None = Field(None, ge=0)
    distance: float | None = Field(None, ge=0, description="Metres.")
    rpe: float | None = Field(None, ge=1, le=10)
    rir: int | None = Field(None, ge=0)
    notes: str | None = Field(None, max_length=500)
    client_id: str | None = Field(None, max_length=64)
    completed_at: datetime
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ExportGrant(Schema):
    coach: str = Field(min_length=1, max_length=150, description="The coach's username.")
    granted_at: datetime | None = None


class ExportDocument(Schema):
    """Everything one user owns. Ids are those of the exporting account; references between the
    lists use them. Times are UTC (ISO 8601 with Z)."""

    format_version: Literal[1]
    app: str = "workout-api"
    exported_at: datetime | None = None
    account: ExportAccount | None = None
    profile: ExportProfile | None = None
    exercises: list[ExportExercise] = Field(default_factory=list, description="Your custom exercises.")
    referenced_exercises: list[ExportExerciseRef] = Field(default_factory=list)
    workouts: list[ExportWorkout] = Field(default_factory=list, description="Your workouts.")
    referenced_workouts: list[ExportWorkout] = Field(
        default_factory=list, description="Others' public workouts your sessions follow."
    )
    coach_grants: list[ExportGrant] = Field(default_factory=list)
    sessions: list[ExportSession] = Field(default_factory=list)
    logs: list[ExportLog] = Field(default_factory=list, description="Sets.")
