"""The Strong app's CSV export.

Two layouts exist. The current one is comma-separated:

    Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE

The older one is semicolon-separated, with units per row and sometimes a trailing duration:

    Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;Seconds;Notes;Workout Notes[;Workout Duration]

Set Order is a number, `W` (warm-up), `D` (drop set), `F` (failure) or `Rest Timer` (a rest, not a
set). Strong writes 0 for a value a set does not have. Weights are kilograms and distances
kilometres unless the file says otherwise: a Weight Unit / Distance Unit column, a unit in the
column name (`Weight (lbs)`), or the `units` the user chose for a file that does not say.
"""

from __future__ import annotations

import re
from datetime import timedelta

from backend.core.errors import InvalidInput
from backend.portability.services import importer
from backend.portability.services.csvfile import METRES_PER, WEIGHT_UNITS, Row
from backend.portability.services.importer import SKIP, CsvFormat, ParsedSet, SessionHead

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%Y/%m/%d %H:%M:%S",
)
REQUIRED = ("date", "workout name", "exercise name", "set order", "reps")
SET_TYPES = {"w": "warmup", "d": "dropset", "f": "failure"}
MAX_DURATION = timedelta(days=30)

_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
_UNIT_IN_NAME = re.compile(r"^(weight|distance)\s*\((\w+)\)$")


def parse_duration(raw: str) -> timedelta | None:
    """`1h 5m`, `45m`, `1h`, `50s`, `1h 5m 30s` or `1:05:00`; None if it is none of these."""
    text = raw.strip()
    if not text:
        return timedelta(0)
    match = _DURATION.match(text)
    if match and any(match.groups()):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    match = _CLOCK.match(text)
    if match:
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return None


def format_duration(seconds: float) -> str:
    """The inverse of parse_duration, as Strong writes it: `1h 5m`, `45m`, `50s`."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    if hours and minutes:
        return f"{hours}h {minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"


class StrongFormat(CsvFormat):
    source = "strong"
    label = "Strong"

    def bind(self, keys: dict[str, int], names: dict[str, str], units: str):
        weight_column, weight_factor = _unit_column(keys, "weight", WEIGHT_UNITS, "kg" if units == "metric" else "lbs")
        distance_column, metres = _unit_column(keys, "distance", METRES_PER, "km" if units == "metric" else "mi")
        missing = [names.get(c, c.title()) for c in REQUIRED if c not in keys]
        if weight_column is None:
            missing.append("Weight")
        if missing:
            raise InvalidInput(
                "This is not a Strong CSV export: the header has no "
                + ", ".join(repr(m.title()) for m in missing)
                + " column. Export from Strong with Settings > Export Strong Data.",
                {"line 1": [f"Missing columns: {', '.join(m.title() for m in missing)}."]},
            )
        duration_column = "duration" if "duration" in keys else "workout duration"
        per_row_weight = "weight unit" in keys
        per_row_distance = "distance unit" in keys

        def parse(row: Row):
            exercise = row.text("exercise name")
            order = row.text("set order")
            if order.casefold() == "rest timer" or exercise.casefold() == "rest timer":
                return SKIP
            start = row.moment("date", DATE_FORMATS)
            workout_name = row.required("workout name", importer.MAX_NAME)
            exercise = row.required("exercise name", importer.MAX_NAME)
            set_type, identity = _set_order(row, order)
            duration = parse_duration(row.text(duration_column))
            if duration is None:
                row.error(duration_column, f"{row.text(duration_column)!r} is not a duration like '1h 5m' or '45m'.")
            elif duration > MAX_DURATION:
                row.error(duration_column, f"{row.text(duration_column)!r} is longer than {MAX_DURATION.days} days.")

            factor = weight_factor
            if per_row_weight and row.text("weight unit"):
                factor = WEIGHT_UNITS.get(row.text("weight unit").casefold())
                if factor is None:
                    row.error("weight unit", f"{row.text('weight unit')!r} is not kg or lbs.")
            per_metre = metres
            if per_row_distance and row.text("distance unit"):
                per_metre = METRES_PER.get(row.text("distance unit").casefold())
                if per_metre is None:
                    row.error("distance unit", f"{row.text('distance unit')!r} is not m, km or mi.")

            weight = row.number(weight_column)
            reps = row.number("reps", integer=True, maximum=importer.MAX_REPS)
            distance = row.number(distance_column) if distance_column else None
            seconds = row.number("seconds", integer=True, maximum=importer.MAX_SECONDS)
            rpe = row.number("rpe", maximum=10)
            notes = row.optional_text("notes", importer.MAX_SET_NOTES)
            workout_notes = row.optional_text("workout notes", importer.MAX_SESSION_NOTES)
            weight = row.converted(weight_column, weight, factor, importer.MAX_WEIGHT, "kg")
            distance = row.converted(distance_column, distance, per_metre, importer.MAX_DISTANCE, "m")
            if rpe is not None and 0 < rpe < 1:
                row.error("rpe", f"{row.text('rpe')!r} is less than 1.")
            if row.errors:
                return None
            if importer.empty_set(weight, reps, distance, seconds):
                return SKIP
            head = SessionHead(start=start, end=start + duration, workout_name=workout_name, notes=workout_notes)
            return head, ParsedSet(
                line=0,
                exercise=exercise,
                identity=identity,
                set_type=set_type,
                reps=reps or None,
                weight=weight or None,
                duration_seconds=seconds or None,
                distance=distance or None,
                rpe=rpe or None,
                notes=notes,
            )

        return parse


def _unit_column(keys: dict[str, int], base: str, factors: dict[str, float], default: str):
    """The column holding weights (or distances) and the factor to kg (or metres) its name implies."""
    if base in keys:
        return base, factors[default]
    for key in keys:
        match = _UNIT_IN_NAME.match(key)
        if match and match.group(1) == base and match.group(2) in factors:
            return key, factors[match.group(2)]
    return None, factors[default]


def _set_order(row: Row, order: str) -> tuple[str, str]:
    token = order.strip().casefold()
    if token in SET_TYPES:
        return SET_TYPES[token], token.upper()
    if not token:
        return "normal", ""
    try:
        number = float(token)
    except ValueError:
        number = -1
    if number < 0 or number != int(number):
        row.error("set order", f"{order!r} is not a set number, W (warm-up), D (drop set), F (failure) or Rest Timer.")
        return "normal", token
    return "normal", str(int(number))
