"""Field types for request schemas: as strict as the OpenAPI schema they publish.

pydantic's lax mode would accept `"5"` for an integer, `0` for a boolean and `0` (a Unix time)
for a date. The API documents JSON types, so request bodies get exactly those types, and dates
must be ISO 8601 strings, in bodies and in query strings alike.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, StrictBool, StrictFloat, StrictInt

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    if not isinstance(value, (str, date)):
        raise ValueError("Enter a date as a YYYY-MM-DD string.")
    return value


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DATETIME.match(value):
        raise ValueError("Enter a date and time in ISO 8601, e.g. 2025-01-15T10:30:00Z.")
    if not isinstance(value, (str, datetime)):
        raise ValueError("Enter a date and time as an ISO 8601 string.")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_datetime)]

__all__ = ["IsoDate", "IsoDatetime", "StrictBool", "StrictFloat", "StrictInt"]
