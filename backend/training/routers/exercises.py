from ninja import Query, Router, Status
from ninja.pagination import paginate

from backend.core.pagination import PageNumberPagination
from backend.core.schemas import ErrorOut
from backend.training.schemas.exercises import ExerciseFilters, ExerciseIn, ExerciseListOut, ExerciseOut, ExercisePatch
from backend.training.services import exercises as service

router = Router(tags=["exercises"])


@router.get("/", response={200: list[ExerciseListOut], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
@paginate(PageNumberPagination)
def list_exercises(request, filters: Query[ExerciseFilters]):
    return service.list_exercises(request.user.id, filters)


@router.post("/", response={201: ExerciseOut, 400: ErrorOut, 401: ErrorOut})
def create_exercise(request, payload: ExerciseIn):
    return Status(201, service.create_exercise(request.user.id, payload.model_dump()))


@router.get("/{exercise_id}/", response={200: ExerciseOut, 401: ErrorOut, 404: ErrorOut})
def get_exercise(request, exercise_id: str):
    return service.get_exercise(request.user.id, exercise_id)


@router.put("/{exercise_id}/", response={200: ExerciseOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def replace_exercise(request, exercise_id: str, payload: ExerciseIn):
    return service.update_exercise(request.user.id, exercise_id, payload.model_dump())


@router.patch("/{exercise_id}/", response={200: ExerciseOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def update_exercise(request, exercise_id: str, payload: ExercisePatch):
    return service.update_exercise(request.user.id, exercise_id, payload.model_dump(exclude_unset=True))


@router.delete("/{exercise_id}/", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def delete_exercise(request, exercise_id: str):
    service.delete_exercise(request.user.id, exercise_id)
    return Status(204, None)
