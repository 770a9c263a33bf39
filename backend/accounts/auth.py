"""`Authorization: Token <key>` for every API operation that needs a user."""

from ninja.security import APIKeyHeader

from backend.accounts.models import ApiToken


class TokenAuth(APIKeyHeader):
    param_name = "Authorization"
    openapi_description = "Send `Authorization: Token <key>` with the key from login or register."

    def authenticate(self, request, key):
        scheme, _, value = (key or "").partition(" ")
        if scheme.lower() != "token" or not value.strip():
            return None
        token = ApiToken.objects.for_key(value.strip())
        if token is None:
            return None
        request.auth_token = token
        request.user = token.user
        return token.user


def user_for_key(key: str):
    """The active user a raw key belongs to, or None (websockets authenticate with this)."""
    token = ApiToken.objects.for_key(key) if key else None
    return token.user if token else None
