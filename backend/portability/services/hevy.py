"""Hevy's CSV export (Settings > Export & Import Data > Export Workouts):

    title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe

or with `weight_lbs` and `distance_miles` for accounts set to imperial units. Times look like
`22 Dec 2025, 08:00`. set_type is normal, warmup, dropset (or drop) or failure. Exercise notes are
repeated on every set of the exercise; they are kept once, on its first set.
"""

from __future__ import annotations

from backend.core.errors import InvalidInput
from backend.portability.services import importer
from backend.portability.services.csvfile import LBS_TO_KG, Row
from backend.portability.services.importer import SKIP, CsvFormat, ParsedSet, SessionHead

DATE_FORMATS = (
    "%d %b %Y, %H:%M",
    "%d %b %Y, %H:%M:%S",
    "%d %B %Y, %H:%M",
    "%d %B %Y, %H:%M:%S",
    "%d %b %Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)
REQUIRED = ("title", "start_time", "exercise_title", "set_type")
SET_TYPES = {
    "": "normal",
    "normal": "normal",
    "warmup": "warmup",
    "warm_up": "warmup",
    "dropset": "dropset",
    "drop": "dropset",
    "drop_set": "dropset",
    "failure": "failure",
}
WEIGHTS = {"weight_kg": 1.0, "weight_lbs": LBS_TO_KG}
DISTANCES = {"distance_km": 1000.0, "distance_miles": 1609.344, "distance_meters": 1.0, "distance_m": 1.0}
MAX_SUPERSET = 20


class HevyFormat(CsvFormat):
    source = "hevy"
    label = "Hevy"

    def bind(self, keys: dict[str, int], names: dict[str, str], units: str):
        weight_column = next((c for c in WEIGHTS if c in keys), None)
        distance_column = next((c for c in DISTANCES if c in keys), None)
        missing = [c for c in REQUIRED if c not in keys]
        if weight_column is None:
            missing.append("weight_kg")
        if missing:
            raise InvalidInput(
                "This is not a Hevy CSV export: the header has no " + ", ".join(repr(m) for m in missing)
                + " column. Export from Hevy with Settings > Export & Import Data > Export Workouts.",
                {"line 1": [f"Missing columns: {', '.join(missing)}."]},
            )
        notes_kept: dict[tuple, str | None] = {}

        def parse(row: Row):
            start = row.moment("start_time", DATE_FORMATS)
            end = row.moment("end_time", DATE_FORMATS) if row.text("end_time") else start
            title = row.required("title", importer.MAX_NAME)
            exercise = row.required("exercise_title", importer.MAX_NAME)
            raw_type = row.text("set_type")
            set_type = SET_TYPES.get(raw_type.casefold())
            if set_type is None:
                row.error("set_type", f"{raw_type!r} is not normal, warmup, dropset or failure.")
            set_index = row.number("set_index", integer=True, maximum=10_000)
            weight = row.number(weight_column)
            reps = row.number("reps", integer=True, maximum=importer.MAX_REPS)
            distance = row.number(distance_column) if distance_column else None
            seconds = row.number("duration_seconds", integer=True, maximum=importer.MAX_SECONDS)
            rpe = row.number("rpe", maximum=10)
            description = row.optional_text("description", importer.MAX_SESSION_NOTES)
            notes = row.optional_text("exercise_notes", importer.MAX_SET_NOTES)
            weight = row.converted(weight_column, weight, WEIGHTS[weight_column], importer.MAX_WEIGHT, "kg")
            distance = row.converted(distance_column, distance, DISTANCES.get(distance_column), importer.MAX_DISTANCE, "m")
            if rpe is not None and 0 < rpe < 1:
                row.error("rpe", f"{row.text('rpe')!r} is less than 1.")
            if start and end and end < start:
                row.error("end_time", f"{row.text('end_time')!r} is before start_time {row.text('start_time')!r}.")
            if row.errors:
                return None
            if importer.empty_set(weight, reps, distance, seconds):
                return SKIP
            head = SessionHead(start=start, end=end, workout_name=title, notes=description)
            # exercise notes repeat on every set of the exercise: keep them once per session
            noted = (head.key, importer.exercise_key(exercise))
            if notes is not None and notes_kept.get(noted) == notes:
                notes = None
            elif notes is not None:
                notes_kept[noted] = notes
            superset = row.text("superset_id")[:MAX_SUPERSET] or None
            return head, ParsedSet(
                line=0,
                exercise=exercise,
                identity="" if set_index is None else str(set_index),
                set_type=set_type,
                reps=reps,
                weight=weight,
                duration_seconds=seconds,
                distance=distance,
                rpe=rpe or None,
                notes=notes,
                superset=superset,
            )

        return parse
