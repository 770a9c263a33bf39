from ninja import Router, Status

from backend.accounts import services
from backend.accounts.schemas import AuthOut, LoginIn, RegisterIn
from backend.core.schemas import ErrorOut

router = Router(tags=["auth"])


def _client_name(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


@router.post("/register/", auth=None, response={201: AuthOut, 400: ErrorOut})
def register(request, payload: RegisterIn):
    user, key = services.register(payload.username, payload.email, payload.password, _client_name(request))
    return Status(201, {"token": key, "user": user})


@router.post("/login/", auth=None, response={200: AuthOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut})
def login(request, payload: LoginIn):
    user, key = services.login(
        payload.username, payload.password, request.META.get("REMOTE_ADDR", ""), _client_name(request)
    )
    return {"token": key, "user": user}


@router.post("/logout/", response={204: None, 401: ErrorOut})
def logout(request):
    services.logout(request.auth_token)
    return Status(204, None)
