"""The one NinjaAPI: routers, token auth, error handling and docs, mounted at /api/."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError as DatabaseUnavailable
from django.http import HttpRequest
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from mongoengine.errors import ValidationError as MongoValidationError
from pymongo.errors import ConnectionFailure as MongoUnavailable
from ninja.openapi.docs import Swagger

from backend.accounts.auth import TokenAuth
from backend.accounts.router import router as auth_router
from backend.coaching.router import router as coaching_router
from backend.core.errors import ApiError, InvalidInput, field_path
from backend.core.health import check_backends
from backend.core.parser import ObjectBodyParser
from backend.core.renderers import ApiRenderer
from backend.core.schemas import ErrorOut, HealthOut
from backend.portability.router import router as portability_router
from backend.training.routers.coaching import router as coach_views_router
from backend.training.routers.exercises import router as exercises_router
from backend.training.routers.logs import router as logs_router
from backend.training.routers.sessions import router as sessions_router
from backend.training.routers.workouts import router as workouts_router
from backend.training.routers.profile import router as profile_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Workout API",
    version="1.0.0",
    description=(
        "Track exercises, workouts, sessions and sets. Authenticate with `Authorization: Token <key>` "
        "(get a key from `/api/auth/register/` or `/api/auth/login/`). Lists are paginated as "
        "`{count, next, previous, results}`; errors are JSON with a `detail` message."
    ),
    auth=TokenAuth(),
    renderer=ApiRenderer(),
    parser=ObjectBodyParser(),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs/",
    openapi_url="/schema/",
)

api.add_router("/auth/", auth_router)
api.add_router("/auth/profile/", profile_router)
api.add_router("/coaching/", coaching_router)
api.add_router("/coaching/athletes/", coach_views_router)
api.add_router("/exercises/", exercises_router)
api.add_router("/workout-sessions/", sessions_router)
api.add_router("/exercise-logs/", logs_router)
api.add_router("/workouts/", workouts_router)
api.add_router("/", portability_router)  # /import/<source>/ and /export/


@api.get("/health/", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["health"])
def health(request):
    healthy, body = check_backends()
    return Status(200 if healthy else 503, body)


if settings.BENCH_FLOOR_ENDPOINT:

    @api.get("/bench/floor/", include_in_schema=False)
    def bench_floor(request):
        """The framework's floor: token auth, routing and rendering, no work."""
        return {}


# --- one error format for everything ---------------------------------------------------------------

@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError):
    response = api.create_response(request, exc.body(), status=exc.status_code)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        path = field_path(error.get("loc", ()))
        errors.setdefault(path, []).append(_message(error))
    if not errors:
        errors["body"] = ["Invalid request."]
    field, messages = next(iter(errors.items()))
    detail = f"Invalid input: {field}: {messages[0]}"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "Authentication credentials were not provided or are invalid."}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig):
    return api.create_response(request, {"detail": "Request body too large."}, status=413)


@api.exception_handler(MongoValidationError)
def on_document_validation_error(request: HttpRequest, exc: MongoValidationError):
    # Schemas should catch bad input first; this keeps a gap between them and the documents a 400.
    errors = {field: [str(error)] for field, error in (exc.to_dict() or {}).items()} or {"body": [str(exc)]}
    return on_api_error(request, InvalidInput.from_errors(errors))


@api.exception_handler(DatabaseUnavailable)
@api.exception_handler(MongoUnavailable)
def on_backend_unavailable(request: HttpRequest, exc: Exception):
    # No free pooled connection in time, or a database down: the client should retry, not report a bug.
    logger.warning("backend unavailable on %s %s: %s", request.method, request.path, exc)
    response = api.create_response(request, {"detail": "The service is busy or a database is unreachable; try again shortly."}, status=503)
    response["Retry-After"] = "5"
    return response


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception):
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": "Internal server error."}, status=500)


def _message(error: dict) -> str:
    message = str(error.get("msg", "Invalid value."))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message



