from ninja import Query, Router, Status
from ninja.pagination import paginate

from backend.core.pagination import PageNumberPagination
from backend.core.schemas import ErrorOut
from backend.training.schemas.workouts import (
    AddExerciseIn,
    RemoveExerciseIn,
    WorkoutFilters,
    WorkoutIn,
    WorkoutListOut,
    WorkoutOut,
    WorkoutPatch,
    WorkoutStatisticsOut,
)
from backend.training.services import workouts as service

router = Router(tags=["workouts"])

WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get("/", response={200: list[WorkoutListOut], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
@paginate(PageNumberPagination)
def list_workouts(request, filters: Query[WorkoutFilters]):
    """Your workouts and public ones, newest first."""
    return service.list_workouts(request.user.id, filters)


@router.post("/", response={201: WorkoutOut, 400: ErrorOut, 401: ErrorOut})
def create_workout(request, payload: WorkoutIn):
    workout = service.create_workout(request.user.id, payload.model_dump())
    return Status(201, service.workout_view(workout))


@router.get("/{workout_id}/", response={200: WorkoutOut, 401: ErrorOut, 404: ErrorOut})
def get_workout(request, workout_id: str):
    return service.workout_view(service.get_workout(request.user.id, workout_id))


@router.put("/{workout_id}/", response={200: WorkoutOut, **WRITE_ERRORS})
def replace_workout(request, workout_id: str, payload: WorkoutIn):
    workout = service.update_workout(request.user.id, workout_id, payload.model_dump())
    return service.workout_view(workout)


@router.patch("/{workout_id}/", response={200: WorkoutOut, **WRITE_ERRORS})
def update_workout(request, workout_id: str, payload: WorkoutPatch):
    changes = {field: value for field, value in payload.model_dump().items() if field in payload.model_fields_set}
    return service.workout_view(service.update_workout(request.user.id, workout_id, changes))


@router.delete("/{workout_id}/", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def delete_workout(request, workout_id: str):
    """Refused with 409 while workout sessions refer to the workout."""
    service.delete_workout(request.user.id, workout_id)
    return Status(204, None)


@router.post("/{workout_id}/clone/", response={201: WorkoutOut, 401: ErrorOut, 404: ErrorOut})
def clone_workout(request, workout_id: str):
    """A private copy named "<name> (Copy)", owned by you, of your workout or a public one."""
    return Status(201, service.workout_view(service.clone_workout(request.user.id, workout_id)))


@router.post("/{workout_id}/add_exercise/", response={200: WorkoutOut, **WRITE_ERRORS})
def add_exercise(request, workout_id: str, payload: AddExerciseIn):
    workout = service.add_exercise(request.user.id, workout_id, payload.model_dump())
    return service.workout_view(workout)


@router.post("/{workout_id}/remove_exercise/", response={200: WorkoutOut, **WRITE_ERRORS})
def remove_exercise(request, workout_id: str, payload: RemoveExerciseIn):
    """Removes the exercise at `order` and renumbers the rest 1..n."""
    workout = service.remove_exercise(request.user.id, workout_id, payload.order)
    return service.workout_view(workout)


@router.get("/{workout_id}/statistics/", response={200: WorkoutStatisticsOut, 401: ErrorOut, 404: ErrorOut})
def workout_statistics(request, workout_id: str):
    """Your completed sessions of this workout."""
    return service.workout_statistics(request.user.id, workout_id)
