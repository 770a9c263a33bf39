"""How the API reads JSON bodies."""

import json

from ninja.parser import Parser


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored (PostgreSQL and MongoDB take neither), or None."""
    if "\x00" in value:
        return "text must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "text must be valid Unicode (no lone surrogate code points)"
    return None


def _check_text(value) -> None:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class ObjectBodyParser(Parser):
    """Every JSON body this API takes is an object of storable text; NaN and Infinity are not JSON."""

    def parse_body(self, request):
        data = json.loads(request.body, parse_constant=_reject_constant)
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        _check_text(data)
        return data
