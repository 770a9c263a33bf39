"""Is each backend answering? Used by /api/health/ and container probes."""

import logging
from datetime import datetime, timezone

from django.db import connection

from backend.storage import connection as training_db

logger = logging.getLogger(__name__)


def check_backends() -> tuple[bool, dict]:
    checks = {}
    for name, probe in (("auth_db", _ping_auth_db), ("mongo", training_db.ping)):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # any failure means unhealthy; the reason goes to the log
            logger.warning("health check %s failed: %s", name, exc)
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return healthy, {
        "status": "healthy" if healthy else "unhealthy",
        "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "checks": checks,
    }


def _ping_auth_db() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
