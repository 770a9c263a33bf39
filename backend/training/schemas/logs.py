from datetime import date, datetime
from uuid import UUID

from backend.core.types import IsoDate, IsoDatetime, StrictFloat, StrictInt
from ninja import Schema
from pydantic import Field, field_validator

from backend.training.constants import SetType
from backend.training.schemas.common import IdOut, ObjectIdStr
from backend.training.schemas.exercises import ExerciseRef
from backend.training.services.sessions import reference_id, referenced

class LogFields(Schema):
    """A set as PUT replaces it: an omitted optional field is cleared, an omitted completed_at kept.
    At least one of reps, weight, duration_seconds or distance is required."""

    workout_session: ObjectIdStr = Field(description="One of your sessions that is not cancelled.")
    exercise: ObjectIdStr = Field(description="An exercise visible to you.")
    set_number: StrictInt = Field(ge=1, le=1000)
    set_type: SetType = SetType.normal
    reps: StrictInt | None = Field(None, ge=0, le=10000)
    weight: StrictFloat | None = Field(None, ge=0, le=2000, description="Kilograms.")
    duration_seconds: StrictInt | None = Field(None, ge=0, le=86400)
    distance: StrictFloat | None = Field(None, ge=0, le=1_000_000, description="Metres.")
    rpe: StrictFloat | None = Field(None, ge=1, le=10, multiple_of=0.5, description="Rate of perceived exertion, 1 to 10 in steps of 0.5.")
    rir: StrictInt | None = Field(None, ge=0, le=100, description="Reps in reserve.")
    notes: str | None = Field(None, max_length=500)
    completed_at: IsoDatetime | None = Field(None, description="When the set was done (default: now).")


class LogIn(LogFields):
    """A new set. At least one of reps, weight, duration_seconds or distance is required."""

    client_id: UUID | None = Field(
        None, description="Made by an offline client: sending the same id again returns the set already logged."
    )


class LogPatch(Schema):
    """Only the fields sent change; null clears an optional field."""

    workout_session: ObjectIdStr | None = None
    exercise: ObjectIdStr | None = None
    set_number: StrictInt | None = Field(None, ge=1, le=1000)
    set_type: SetType | None = None
    reps: StrictInt | None = Field(None, ge=0, le=10000)
    weight: StrictFloat | None = Field(None, ge=0, le=2000)
    duration_seconds: StrictInt | None = Field(None, ge=0, le=86400)
    distance: StrictFloat | None = Field(None, ge=0, le=1_000_000)
    rpe: StrictFloat | None = Field(None, ge=1, le=10, multiple_of=0.5)
    rir: StrictInt | None = Field(None, ge=0, le=100)
    notes: str | None = Field(None, max_length=500)
    completed_at: IsoDatetime | None = None

    @field_validator("workout_session", "exercise", "set_number", "set_type", "completed_at")
    @classmethod
    def not_null(cls, value):
        if value is None:
            raise ValueError("may not be null.")
        return value


class BulkLogsIn(Schema):
    logs: list[LogIn] = Field(min_length=1, max_length=500, description="1 to 500 sets, written all or nothing.")


class LogFilters(Schema):
    session: ObjectIdStr | None = Field(None, description="A workout session id.")
    exercise: ObjectIdStr | None = Field(None, description="An exercise id.")
    date_from: IsoDate | None = Field(None, description="On or after this day (UTC) by completed_at.")
    date_to: IsoDate | None = Field(None, description="On or before this day (UTC) by completed_at.")


class ExerciseName(Schema):
    id: IdOut
    name: str


class LogListOut(Schema):
    id: IdOut
    workout_session: IdOut
    exercise: ExerciseName
    set_number: int
    set_type: SetType
    reps: int | None
    weight: float | None
    duration_seconds: int | None
    distance: float | None
    rpe: float | None
    completed_at: datetime

    @staticmethod
    def resolve_workout_session(obj):
        return reference_id(obj, "workout_session")

    @staticmethod
    def resolve_exercise(obj):
        return referenced(obj, "exercise")


class LogOut(LogListOut):
    exercise: ExerciseRef
    user_id: int
    rir: int | None
    notes: str | None
    client_id: str | None
    created_at: datetime
    updated_at: datetime


class BulkLogsOut(Schema):
    created: int = Field(description="Sets written by this request.")
    existing: int = Field(description="Sets whose client_id was already logged, returned as they are.")
    results: list[LogOut] = Field(description="One per item, in the order sent.")


class RecordOut(Schema):
    value: float
    date: datetime = Field(description="When the set was done.")
    log_id: IdOut


class RepsRecordOut(RecordOut):
    value: int


class PersonalRecordOut(Schema):
    exercise: ExerciseRef
    heaviest_weight: RecordOut | None
    most_reps: RepsRecordOut | None
    best_set_volume: RecordOut | None = Field(description="reps x weight.")
    best_e1rm: RecordOut | None = Field(description="Estimated one-rep max (Epley: weight x (1 + reps / 30)).")


class RecordFilters(Schema):
    exercise: ObjectIdStr | None = Field(None, description="Only this exercise.")


class ProgressFilters(Schema):
    exercise: ObjectIdStr
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class ProgressOut(Schema):
    date: date
    top_set_weight: float | None
    best_e1rm: float | None
    total_volume: float
    set_count: int
