"""Errors that services raise; api.py turns each into a JSON response with a `detail` message."""

from typing import Any


class ApiError(Exception):
    status_code = 400

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None, status_code: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        if status_code is not None:
            self.status_code = status_code

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.detail}
        if self.errors:
            body["errors"] = self.errors
        return body


class InvalidInput(ApiError):
    """The request is well-formed but breaks a rule; `errors` maps field paths to messages."""

    status_code = 400

    @classmethod
    def for_field(cls, field: str, message: str) -> "InvalidInput":
        return cls.from_errors({field: [message]})

    @classmethod
    def from_errors(cls, errors: dict[str, list[str]]) -> "InvalidInput":
        field, messages = next(iter(errors.items()))
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return cls(f"{field}: {messages[0]}{more}", errors)


class NotAuthenticated(ApiError):
    status_code = 401


class Forbidden(ApiError):
    status_code = 403


class NotFound(ApiError):
    status_code = 404

    def __init__(self, detail: str = "Not found."):
        super().__init__(detail)


class Throttled(ApiError):
    status_code = 429

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


def field_path(loc: tuple | list) -> str:
    """`("body", "payload", "exercises", 0, "order")` -> `exercises.0.order`.

    Ninja locations start with where the value came from and, for schema parameters, the
    parameter's name; clients only care about the field inside their JSON or query string.
    """
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "filters", "data"}:
            parts = parts[1:]
    return ".".join(parts) or "body"
