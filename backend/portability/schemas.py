"""Schemas for imports."""

from enum import Enum

from ninja import Schema
from pydantic import Field


class Units(str, Enum):
    metric = "metric"
    imperial = "imperial"


class ImportSummaryOut(Schema):
    sessions: int = Field(description="Sessions created.")
    sets: int = Field(description="Sets created.")
    exercises_created: int = Field(description="Custom exercises created for names the library does not know.")
    workouts_created: int = Field(description="Private workouts created, one per new workout name.")
    skipped_rows: int = Field(description="Rows that are not sets: rest timers and sets with no reps, weight, time or distance.")
    already_imported: int = Field(description="Sets found from an earlier import of the same data; not created again.")
