"""How the API reads JSON bodies."""

import json

from ninja.parser import Parser


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class ObjectBodyParser(Parser):
    """Every JSON body this API takes is an object; NaN and Infinity are not JSON."""

    def parse_body(self, request):
        data = json.loads(request.body, parse_constant=_reject_constant)
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        return data
