"""Loads the shipped exercise library into the database, idempotently."""

import json
from dataclasses import dataclass
from pathlib import Path

from backend.training.documents import Exercise, utcnow

LIBRARY_FILE = Path(__file__).resolve().parent.parent / "data" / "exercises.json"
_FIELDS = (
    "name",
    "aliases",
    "description",
    "category",
    "difficulty_level",
    "primary_muscles",
    "secondary_muscles",
    "equipment_needed",
    "instructions",
)


@dataclass
class SeedResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def seed_exercises(path: Path = LIBRARY_FILE) -> SeedResult:
    """Creates missing library exercises and refreshes changed ones; custom exercises are untouched."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    existing = {exercise.name.lower(): exercise for exercise in Exercise.objects(is_custom=False)}
    result = SeedResult()
    new = []
    for entry in entries:
        values = {field: entry[field] for field in _FIELDS}
        current = existing.get(entry["name"].lower())
        if current is None:
            new.append(Exercise(is_custom=False, is_public=True, **values))
            result.created += 1
        elif any(getattr(current, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(current, field, value)
            current.updated_at = utcnow()
            current.save()
            result.updated += 1
        else:
            result.unchanged += 1
    if new:
        for exercise in new:
            exercise.validate()
        Exercise.objects.insert(new)
    return result
