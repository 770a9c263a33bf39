"""What a server process checks and reports before it accepts requests."""

import logging

from django.conf import settings
from django.db import connection as auth_db

from backend.storage import connection as training_db

logger = logging.getLogger("backend.startup")


def report_backends() -> None:
    auth = settings.DATABASES["default"]
    auth_desc = f"{auth_db.vendor} ({auth.get('HOST') or auth['NAME']})"
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    logger.info(
        "backends: auth database %s; training data %s; channel layer %s",
        auth_desc,
        training_db.describe_backend(),
        layer,
    )


def open_training_store() -> None:
    """Opens the training store now, so a second process on the embedded store fails at start."""
    training_db.ping()
