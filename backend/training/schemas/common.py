"""Pieces the training schemas share."""

from typing import Annotated

from pydantic import BeforeValidator, Field

# Ids are 24-hex strings. Out schemas turn ObjectIds and referenced documents into that form.
ObjectIdStr = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{24}$", examples=["507f1f77bcf86cd799439011"])]


def _to_id(value):
    if value is None or isinstance(value, str):
        return value
    return str(getattr(value, "id", value))


IdOut = Annotated[str, BeforeValidator(_to_id)]
ShortText = Annotated[str, Field(min_length=1, max_length=50)]
