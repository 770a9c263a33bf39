from datetime import datetime

from ninja import Schema
from pydantic import Field


class GrantIn(Schema):
    username: str = Field(min_length=1, max_length=150, description="The coach's username.")


class CoachOut(Schema):
    username: str
    granted_at: datetime


class AthleteOut(Schema):
    username: str
    granted_at: datetime
