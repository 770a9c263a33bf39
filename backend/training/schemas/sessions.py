from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from backend.core.types import IsoDate, IsoDatetime, StrictInt
from ninja import Schema
from pydantic import AfterValidator, Field

from backend.training.constants import SessionStatus
from backend.training.schemas.common import IdOut, ObjectIdStr
from backend.training.schemas.logs import LogOut
from backend.training.services.sessions import elapsed_seconds, shown_volume, workout_ref


class SessionIn(Schema):
    workout: ObjectIdStr = Field(description="Your own workout or a public one.")
    status: Literal["planned", "in_progress"] = Field(
        "planned", description="`in_progress` starts the session now; otherwise use the actions."
    )
    notes: str | None = Field(None, max_length=5000)
    session_date: IsoDatetime | None = Field(None, description="When it is planned for (default: now).")
    client_id: UUID | None = Field(
        None, description="Made by an offline client: sending the same id again returns the session already created."
    )


class SessionUpdate(Schema):
    """What PUT and PATCH change. Status and times change only through the actions; they are
    accepted here only unchanged (as when a client sends back the session it read)."""

    notes: str | None = Field(None, max_length=5000)
    rating: StrictInt | None = Field(None, ge=1, le=5)
    calories_burned: StrictInt | None = Field(None, ge=0, le=20000)
    session_date: IsoDatetime | None = Field(None, description="Omitted or null keeps the current date.")
    status: SessionStatus | None = Field(None, description="Read-only; see the start/pause/resume/complete/cancel actions.")
    start_time: IsoDatetime | None = Field(None, description="Read-only.")
    end_time: IsoDatetime | None = Field(None, description="Read-only.")


class CompleteIn(Schema):
    rating: StrictInt | None = Field(None, ge=1, le=5)
    notes: str | None = Field(None, max_length=5000)
    calories_burned: StrictInt | None = Field(None, ge=0, le=20000)


class SessionFilters(Schema):
    status: SessionStatus | None = None
    workout: ObjectIdStr | None = Field(None, description="A workout id.")
    date_from: IsoDate | None = Field(None, description="On or after this day (UTC) by session_date.")
    date_to: IsoDate | None = Field(None, description="On or before this day (UTC) by session_date.")


class StatisticsFilters(Schema):
    date_from: IsoDate | None = Field(None, description="Completed sessions on or after this day (UTC).")
    date_to: IsoDate | None = Field(None, description="Completed sessions on or before this day (UTC).")


class WorkoutRef(Schema):
    id: IdOut
    name: str | None = Field(description="Null if the workout has been deleted.")


Volume = Annotated[float, AfterValidator(shown_volume)]


class SessionListOut(Schema):
    id: IdOut
    workout: WorkoutRef
    status: SessionStatus
    session_date: datetime
    start_time: datetime | None
    end_time: datetime | None
    actual_duration_minutes: int | None
    total_volume: Volume
    rating: int | None

    @staticmethod
    def resolve_workout(obj):
        return workout_ref(obj)


class SessionOut(SessionListOut):
    user_id: int
    notes: str | None
    calories_burned: int | None
    paused_at: datetime | None = Field(description="Set while the session is paused.")
    paused_seconds: float = Field(description="Length of the pauses that have ended.")
    elapsed_seconds: int = Field(description="Time in progress without pauses; final once completed or cancelled.")
    client_id: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_elapsed_seconds(obj):
        return elapsed_seconds(obj)


class SessionDetailOut(SessionOut):
    logs: list[LogOut] = Field(description="The session's sets, by exercise (in the workout's order), then set number.")


class StatisticsOut(Schema):
    sessions_completed: int
    total_duration_minutes: int
    total_volume: float
    total_calories: int
    current_weekly_streak: int = Field(
        description="Consecutive ISO weeks with a completed session, ending this week or last week."
    )
