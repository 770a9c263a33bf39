"""Schemas every router shares."""

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words a person can act on.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Messages per field path (e.g. `exercises.0.order`) when validation failed."
    )


class HealthOut(Schema):
    status: str
    timestamp: str
    checks: dict[str, str]
