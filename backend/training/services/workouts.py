"""Workout templates: ownership, visibility and the server-computed totals."""

from mongoengine import Q


def visible_to(user_id: int) -> Q:
    """Workouts a user may read: their own and public ones."""
    return Q(created_by_user_id=user_id) | Q(is_public=True)
