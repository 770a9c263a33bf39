from ninja import Query, Router, Status
from ninja.pagination import paginate

from backend.core.pagination import PageNumberPagination
from backend.core.schemas import ErrorOut
from backend.training.schemas.logs import (
    BulkLogsIn,
    BulkLogsOut,
    LogFields,
    LogFilters,
    LogIn,
    LogListOut,
    LogOut,
    LogPatch,
    PersonalRecordOut,
    ProgressFilters,
    ProgressOut,
    RecordFilters,
)
from backend.training.services import logs as service

router = Router(tags=["exercise-logs"])


@router.get("/", response={200: list[LogListOut], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
@paginate(PageNumberPagination)
def list_logs(request, filters: Query[LogFilters]):
    return service.list_logs(request.user.id, filters)


@router.post("/", response={200: LogOut, 201: LogOut, 400: ErrorOut, 401: ErrorOut})
def create_log(request, payload: LogIn):
    """201 with the new set; 200 with the existing one when its client_id was used before."""
    log, created = service.create_log(request.user.id, payload.model_dump())
    return Status(201 if created else 200, log)


# Fixed paths before /{log_id}/.
@router.post("/bulk_create/", response={201: BulkLogsOut, 400: ErrorOut, 401: ErrorOut, 409: ErrorOut})
def bulk_create_logs(request, payload: BulkLogsIn):
    """All or nothing: if any item is invalid, nothing is written and `errors` names each
    problem by path (`logs.3.reps`)."""
    return Status(201, service.bulk_create_logs(request.user.id, [item.model_dump() for item in payload.logs]))


@router.get("/personal_records/", response={200: list[PersonalRecordOut], 400: ErrorOut, 401: ErrorOut})
def personal_records(request, filters: Query[RecordFilters]):
    """Your best sets per exercise; warm-up sets do not count."""
    return service.personal_records(request.user.id, filters.exercise)


@router.get("/progress/", response={200: list[ProgressOut], 400: ErrorOut, 401: ErrorOut})
def progress(request, filters: Query[ProgressFilters]):
    """One entry per day (UTC) with sets of the exercise, oldest first; warm-ups excluded."""
    return service.progress(request.user.id, filters)


@router.get("/{log_id}/", response={200: LogOut, 401: ErrorOut, 404: ErrorOut})
def get_log(request, log_id: str):
    return service.get_log(request.user.id, log_id)


@router.put("/{log_id}/", response={200: LogOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
def replace_log(request, log_id: str, payload: LogFields):
    return service.update_log(request.user.id, log_id, payload.model_dump())


@router.patch("/{log_id}/", response={200: LogOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
def update_log(request, log_id: str, payload: LogPatch):
    return service.update_log(request.user.id, log_id, payload.model_dump(exclude_unset=True))


@router.delete("/{log_id}/", response={204: None, 401: ErrorOut, 404: ErrorOut})
def delete_log(request, log_id: str):
    service.delete_log(request.user.id, log_id)
    return Status(204, None)
