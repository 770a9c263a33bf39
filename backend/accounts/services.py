"""Registration, login and logout as plain functions."""

from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from backend.accounts import throttle
from backend.accounts.models import ApiToken
from backend.core.errors import InvalidInput, NotAuthenticated, Throttled

User = get_user_model()

LOGIN_FAILED = "Invalid username or password."


def register(username: str, email: str, password: str, client_name: str = "") -> tuple[User, str]:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError as exc:
        errors["email"] = list(exc.messages)
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["A user with that username already exists."]
    try:
        password_validation.validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput.from_errors(errors)
    try:
        # the user's training profile is created by a post_save receiver inside this transaction
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
            _, key = ApiToken.objects.issue(user, client_name)
    except IntegrityError:  # a concurrent registration won the race for this username
        raise InvalidInput.for_field("username", "A user with that username already exists.") from None
    return user, key


def login(username: str, password: str, client_ip: str, client_name: str = "") -> tuple[User, str]:
    if throttle.is_blocked(username, client_ip):
        raise Throttled("Too many failed login attempts. Try again in a minute.", retry_after=60)
    user = authenticate(username=username, password=password)
    if user is None:
        throttle.record_failure(username, client_ip)
        raise NotAuthenticated(LOGIN_FAILED)
    _, key = ApiToken.objects.issue(user, client_name)
    return user, key


def logout(token: ApiToken) -> None:
    token.delete()

