"""JSON rendering for the API."""

from datetime import datetime, timezone

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class UtcJSONEncoder(NinjaJSONEncoder):
    """MongoDB hands back naive datetimes that mean UTC; say so (`...Z`) so clients parse them right."""

    def default(self, o):
        if isinstance(o, datetime) and o.tzinfo is None:
            o = o.replace(tzinfo=timezone.utc)
        return super().default(o)


class ApiRenderer(JSONRenderer):
    encoder_class = UtcJSONEncoder
