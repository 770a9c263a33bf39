"""Counts failed logins per username and per client address in the shared cache."""

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, client_ip: str) -> list[str]:
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:ip:{client_ip}"]


def is_blocked(username: str, client_ip: str) -> bool:
    counts = cache.get_many(_keys(username, client_ip))
    return any(count >= settings.LOGIN_THROTTLE_MAX_FAILURES for count in counts.values())


def record_failure(username: str, client_ip: str) -> None:
    for key in _keys(username, client_ip):
        # add() starts a window that expires on its own; incr() never extends it
        cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # the window closed between add and incr
            cache.add(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
