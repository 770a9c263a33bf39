"""The exercise library: system exercises for everyone, custom ones for their creator."""

from typing import Any

from mongoengine import Q

from backend.core.errors import ApiError, Forbidden
from backend.training.documents import Exercise, ExerciseLog, Workout, utcnow
from backend.training.services.common import get_or_404


def visible_to(user_id: int) -> Q:
    return Q(is_custom=False) | Q(is_public=True) | Q(created_by_user_id=user_id)


def list_exercises(user_id: int, filters) -> Any:
    query = visible_to(user_id)
    if filters.category:
        query &= Q(category=filters.category.value)
    if filters.difficulty:
        query &= Q(difficulty_level=filters.difficulty.value)
    if filters.muscle_group:
        muscle = filters.muscle_group.value
        query &= Q(primary_muscles=muscle) | Q(secondary_muscles=muscle)
    if filters.equipment:
        query &= Q(equipment_needed=filters.equipment.strip().lower())
    if filters.custom_only:
        query &= Q(is_custom=True, created_by_user_id=user_id)
    if filters.search and filters.search.strip():
        term = filters.search.strip()
        query &= Q(name__icontains=term) | Q(aliases__icontains=term)
    return Exercise.objects(query).order_by("name", "id")


def get_exercise(user_id: int, exercise_id: str) -> Exercise:
    return get_or_404(Exercise, exercise_id, visible_to(user_id), "Exercise")


def create_exercise(user_id: int, data: dict[str, Any]) -> Exercise:
    exercise = Exercise(is_custom=True, created_by_user_id=user_id, **_clean(data))
    exercise.save()
    return exercise


def update_exercise(user_id: int, exercise_id: str, changes: dict[str, Any]) -> Exercise:
    exercise = _editable(user_id, exercise_id)
    for field, value in _clean(changes).items():
        setattr(exercise, field, value)
    exercise.updated_at = utcnow()
    exercise.save()
    return exercise


def delete_exercise(user_id: int, exercise_id: str) -> None:
    exercise = _editable(user_id, exercise_id)
    workouts = Workout.objects(exercises__exercise=exercise.id).count()
    sets = ExerciseLog.objects(exercise=exercise.id).count()
    if workouts or sets:
        raise ApiError(
            f"This exercise is used by {workouts} workout(s) and {sets} logged set(s); "
            "remove it from them first.",
            status_code=409,
        )
    exercise.delete()


def _editable(user_id: int, exercise_id: str) -> Exercise:
    exercise = get_exercise(user_id, exercise_id)
    if not exercise.is_custom:
        raise Forbidden("Library exercises are read-only; create a custom exercise instead.")
    if exercise.created_by_user_id != user_id:
        raise Forbidden("Only the creator of a custom exercise may change or delete it.")
    return exercise


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for field, value in data.items():
        if field in ("primary_muscles", "secondary_muscles") and value is not None:
            value = list(dict.fromkeys(getattr(m, "value", m) for m in value))
        elif field == "equipment_needed" and value is not None:
            value = list(dict.fromkeys(item.strip().lower() for item in value))
        elif field in ("video_url", "image_url") and value is not None:
            value = str(value)
        cleaned[field] = getattr(value, "value", value)
    if "secondary_muscles" in cleaned and cleaned.get("primary_muscles"):
        cleaned["secondary_muscles"] = [m for m in cleaned["secondary_muscles"] if m not in cleaned["primary_muscles"]]
    return cleaned
