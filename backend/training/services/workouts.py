"""Workout templates: ownership, visibility and the server-computed totals."""

import logging
import math
from datetime import timedelta
from typing import Any

from bson import ObjectId
from mongoengine import Q
from mongoengine.errors import SaveConditionError

from backend.core.errors import ApiError, Forbidden, InvalidInput
from backend.training.constants import SessionStatus
from backend.training.documents import Exercise, Workout, WorkoutExercise, WorkoutSession, utcnow
from backend.training.services import exercises as exercise_service
from backend.training.services.common import get_or_404, parse_id, reference_or_400

logger = logging.getLogger(__name__)

MAX_EXERCISES = 100
DEFAULT_SETS = 3  # for the duration estimate when an exercise has no target_sets
DEFAULT_WORK_SECONDS = 40  # per set, when an exercise has no target_duration_seconds
ENTRY_FIELDS = (
    "order",
    "target_sets",
    "target_reps_min",
    "target_reps_max",
    "target_weight",
    "target_duration_seconds",
    "rest_seconds",
    "superset_group",
    "notes",
)


def visible_to(user_id: int) -> Q:
    """Workouts a user may read: their own and public ones."""
    return Q(created_by_user_id=user_id) | Q(is_public=True)


# --- reads ------------------------------------------------------------------------------------------

def list_workouts(user_id: int, filters) -> Any:
    query = visible_to(user_id)
    if filters.difficulty:
        query &= Q(difficulty_level=filters.difficulty.value)
    if filters.tags:
        tags = list(dict.fromkeys(t.strip().lower() for t in filters.tags.split(",") if t.strip()))
        if tags:
            query &= Q(tags__in=tags)
    if filters.is_template is not None:
        query &= Q(is_template=filters.is_template)
    if filters.is_public is not None:
        query &= Q(is_public=filters.is_public)
    if filters.search and filters.search.strip():
        query &= Q(name__icontains=filters.search.strip())
    return Workout.objects(query).exclude("exercises").order_by("-created_at", "-id")


def get_workout(user_id: int, workout_id: str) -> Workout:
    return get_or_404(Workout, workout_id, visible_to(user_id), "Workout")


def workout_view(workout: Workout) -> dict[str, Any]:
    """The full representation, exercises sorted by order with their id, name and category.

    The referenced exercises are read in one query (reading `entry.exercise` would fetch them one
    by one). They need not be visible to the reader: a public workout shows what it contains.
    """
    entries = sorted(workout.exercises, key=lambda e: e.order)
    ids = [_exercise_id(entry) for entry in entries]
    found = {ex.id: ex for ex in Exercise.objects(id__in=ids).only("name", "category")} if ids else {}
    exercises = []
    for entry, exercise_id in zip(entries, ids):
        exercise = found.get(exercise_id)
        if exercise is None:  # deleting a used exercise is refused, so only a manual edit gets here
            logger.warning("workout %s refers to missing exercise %s", workout.id, exercise_id)
            continue
        row = {field: getattr(entry, field) for field in ENTRY_FIELDS}
        row["exercise"] = {"id": str(exercise.id), "name": exercise.name, "category": exercise.category}
        exercises.append(row)
    return {
        "id": str(workout.id),
        "name": workout.name,
        "description": workout.description,
        "created_by_user_id": workout.created_by_user_id,
        "difficulty_level": workout.difficulty_level,
        "estimated_duration_minutes": workout.estimated_duration_minutes,
        "total_exercises": workout.total_exercises,
        "tags": list(workout.tags or []),
        "is_template": workout.is_template,
        "is_public": workout.is_public,
        "exercises": exercises,
        "created_at": workout.created_at,
        "updated_at": workout.updated_at,
    }


def workout_statistics(user_id: int, workout_id: str) -> dict[str, Any]:
    """The caller's completed sessions of a workout they can see."""
    workout = get_workout(user_id, workout_id)
    sessions = list(
        WorkoutSession.objects(user_id=user_id, workout=workout.id, status=SessionStatus.completed.value)
        .only("end_time", "actual_duration_minutes", "rating", "total_volume")
        .as_pymongo()
    )
    ends = [s["end_time"] for s in sessions if s.get("end_time") is not None]
    durations = [s["actual_duration_minutes"] for s in sessions if s.get("actual_duration_minutes") is not None]
    ratings = [s["rating"] for s in sessions if s.get("rating") is not None]
    return {
        "workout_id": str(workout.id),
        "times_performed": len(sessions),
        "last_performed": max(ends) if ends else None,
        "average_duration_minutes": round(sum(durations) / len(durations), 2) if durations else None,
        "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "total_volume": round(sum(s.get("total_volume") or 0 for s in sessions), 2),
    }


# --- writes -----------------------------------------------------------------------------------------

def create_workout(user_id: int, data: dict[str, Any]) -> Workout:
    fields = _clean(data)
    fields["exercises"] = _entries(user_id, fields.get("exercises") or [])
    workout = Workout(created_by_user_id=user_id, **fields)
    _recompute(workout)
    workout.save()
    return workout


def update_workout(user_id: int, workout_id: str, changes: dict[str, Any]) -> Workout:
    """PUT sends every field, PATCH only those to change; either way all or nothing is written."""
    workout = _editable(user_id, workout_id)
    fields = _clean(changes)
    if "exercises" in fields:
        fields["exercises"] = _entries(user_id, fields["exercises"] or [])
    for field, value in fields.items():
        setattr(workout, field, value)
    _save(workout)
    return workout


def delete_workout(user_id: int, workout_id: str) -> None:
    workout = _editable(user_id, workout_id)
    sessions = WorkoutSession.objects(workout=workout.id).count()
    if sessions:
        raise ApiError(
            f"This workout is used by {sessions} workout session(s); delete those sessions first "
            "or keep the workout (you can make it private).",
            status_code=409,
        )
    workout.delete()


def clone_workout(user_id: int, workout_id: str) -> Workout:
    """A private copy, owned by the caller, of one of their workouts or a public one."""
    original = get_workout(user_id, workout_id)
    suffix = " (Copy)"
    max_name = Workout.name.max_length
    name = original.name if len(original.name) + len(suffix) <= max_name else original.name[: max_name - len(suffix)]
    clone = Workout(
        name=name + suffix,
        description=original.description,
        created_by_user_id=user_id,
        difficulty_level=original.difficulty_level,
        tags=list(original.tags or []),
        is_template=original.is_template,
        is_public=False,
        exercises=[WorkoutExercise._from_son(entry.to_mongo()) for entry in _sorted(original.exercises)],
    )
    _recompute(clone)
    clone.save()
    return clone


def add_exercise(user_id: int, workout_id: str, item: dict[str, Any]) -> Workout:
    workout = _editable(user_id, workout_id)
    entries = _sorted(workout.exercises)
    if len(entries) >= MAX_EXERCISES:
        raise InvalidInput.for_field("exercises", f"A workout holds at most {MAX_EXERCISES} exercises.")
    _check_reps(item, "")
    exercise = reference_or_400(
        Exercise, item["exercise"], exercise_service.visible_to(user_id), "exercise", "Exercise"
    )
    order = item.get("order")
    if order is None:
        order = (entries[-1].order + 1) if entries else 1
    else:
        for entry in entries:
            if entry.order >= order:
                entry.order += 1
    entries.append(_entry(exercise, {**item, "order": order}))
    workout.exercises = _sorted(entries)
    _save(workout)
    return workout


def remove_exercise(user_id: int, workout_id: str, order: int) -> Workout:
    workout = _editable(user_id, workout_id)
    entries = _sorted(workout.exercises)
    remaining = [entry for entry in entries if entry.order != order]
    if len(remaining) == len(entries):
        present = ", ".join(str(e.order) for e in entries) or "none"
        raise InvalidInput.for_field("order", f"No exercise at order {order} (orders: {present}).")
    for position, entry in enumerate(remaining, start=1):
        entry.order = position
    workout.exercises = remaining
    _save(workout)
    return workout


# --- helpers ----------------------------------------------------------------------------------------

def estimated_duration_minutes(entries: list[WorkoutExercise]) -> int | None:
    """Sets x (work + rest) over all exercises, in whole minutes rounded up; None when empty."""
    if not entries:
        return None
    seconds = 0
    for entry in entries:
        sets = entry.target_sets or DEFAULT_SETS
        work = entry.target_duration_seconds if entry.target_duration_seconds is not None else DEFAULT_WORK_SECONDS
        seconds += sets * (work + (entry.rest_seconds or 0))
    return max(1, math.ceil(seconds / 60))


def _recompute(workout: Workout) -> None:
    workout.total_exercises = len(workout.exercises)
    workout.estimated_duration_minutes = estimated_duration_minutes(workout.exercises)


def _save(workout: Workout) -> None:
    """Saves an existing workout unless someone else saved it since it was read (no lost updates)."""
    read_at = workout.updated_at
    _recompute(workout)
    now = utcnow()
    # Strictly increasing, so a save in the same millisecond still changes what the next one checks.
    workout.updated_at = now if now > read_at else read_at + timedelta(milliseconds=1)
    try:
        workout.save(save_condition={"updated_at": read_at})
    except SaveConditionError:
        raise ApiError(
            "The workout was changed by another request meanwhile; reload it and try again.", status_code=409
        ) from None


def _editable(user_id: int, workout_id: str) -> Workout:
    workout = get_workout(user_id, workout_id)
    if workout.created_by_user_id != user_id:
        raise Forbidden("Only the creator of a workout may change it; clone it to get your own copy.")
    return workout


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {field: getattr(value, "value", value) for field, value in data.items()}


def _entries(user_id: int, items: list[dict[str, Any]]) -> list[WorkoutExercise]:
    """Validated entries for a whole exercise list, or InvalidInput naming every bad field."""
    oids = {parse_id(item["exercise"]) for item in items} - {None}
    visible = exercise_service.visible_to(user_id)
    found = {ex.id: ex for ex in Exercise.objects(Q(id__in=list(oids)) & visible)} if oids else {}

    errors: dict[str, list[str]] = {}
    first_at: dict[int, int] = {}
    for index, item in enumerate(items):
        prefix = f"exercises.{index}."
        if parse_id(item["exercise"]) not in found:
            errors[f"{prefix}exercise"] = [
                f"Exercise {item['exercise']!r} does not exist or is not visible to you."
            ]
        order = item["order"]
        if order in first_at:
            errors[f"{prefix}order"] = [
                f"Order {order} is already used by exercises.{first_at[order]}; "
                "orders must be unique within a workout."
            ]
        else:
            first_at[order] = index
        try:
            _check_reps(item, prefix)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput.from_errors(errors)
    return _sorted(_entry(found[parse_id(item["exercise"])], item) for item in items)


def _check_reps(item: dict[str, Any], prefix: str) -> None:
    low, high = item.get("target_reps_min"), item.get("target_reps_max")
    if low is not None and high is not None and high < low:
        raise InvalidInput.for_field(
            f"{prefix}target_reps_max", f"Must be at least target_reps_min ({low}), got {high}."
        )


def _entry(exercise: Exercise, item: dict[str, Any]) -> WorkoutExercise:
    values = {field: item.get(field) for field in ENTRY_FIELDS if item.get(field) is not None}
    return WorkoutExercise(exercise=exercise, **values)


def _sorted(entries) -> list[WorkoutExercise]:
    return sorted(entries, key=lambda entry: entry.order)


def _exercise_id(entry: WorkoutExercise) -> ObjectId:
    """The referenced exercise's id without fetching it (it is held as a DBRef or a document)."""
    value = entry._data.get("exercise")
    return getattr(value, "id", value)
