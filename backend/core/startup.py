"""What a server process checks and reports before it accepts requests."""

import gc
import logging

from django.conf import settings
from django.db import connection as auth_db
from django.urls import get_resolver

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


def settle_heap() -> None:
    """Imports every route now and takes what start-up built out of the garbage collector's scans.

    Python's full collections walk every object tracked in memory: modules, pydantic schemas and,
    on the embedded store, every document. At 160,000 objects (a fresh server after its first
    requests) a full collection stopped the process for about 90 ms, once every few hundred
    requests, and the store's documents add to that. Objects alive now live as long as the
    process, so they are frozen (gc.freeze); what requests create is still collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 - the URLconf imports every router and builds its schemas
    gc.collect()
    gc.freeze()
