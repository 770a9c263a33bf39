"""How mongoengine reaches the training data: a real MongoDB, or the embedded store."""

import contextlib
import logging
from typing import ContextManager

import mongoengine
from django.conf import settings
from mongoengine.connection import DEFAULT_CONNECTION_NAME, get_db

logger = logging.getLogger(__name__)


def uses_embedded_store() -> bool:
    return not settings.MONGODB_URI


def describe_backend() -> str:
    if uses_embedded_store():
        return f"embedded MongoDB emulation (mongomock, persisted in {settings.EMBEDDED_MONGO_DIR})"
    return f"MongoDB at {_without_credentials(settings.MONGODB_URI)}"


def register() -> None:
    """Registers the connection; it is opened on first use, so `manage.py` commands that never
    touch training data neither lock the embedded store nor need a MongoDB server."""
    mongoengine.disconnect(DEFAULT_CONNECTION_NAME)
    if uses_embedded_store():
        from backend.storage.embedded import EmbeddedMongoClient

        mongoengine.register_connection(
            DEFAULT_CONNECTION_NAME,
            db=settings.MONGODB_DB,
            mongo_client_class=EmbeddedMongoClient,
            data_dir=str(settings.EMBEDDED_MONGO_DIR),
            uuidRepresentation="standard",
        )
    else:
        # A database named in the URI path wins over MONGODB_DB.
        mongoengine.register_connection(
            DEFAULT_CONNECTION_NAME,
            db=settings.MONGODB_DB,
            host=settings.MONGODB_URI,
            serverSelectionTimeoutMS=5000,
            uuidRepresentation="standard",
        )


def ping() -> None:
    """Raises if the training database does not answer."""
    get_db().command("ping")


def writes_together() -> ContextManager:
    """A block whose writes reach the disk as one. On the embedded store they are journaled as one
    record, fsynced once when the block ends (a logged set, its session's volume and its records
    cost one fsync, not one each), and a crash keeps all of them or none. On MongoDB each write is
    acknowledged on its own, as without the block."""
    server_store = getattr(getattr(get_db(), "_store", None), "server", None) if uses_embedded_store() else None
    journal = getattr(server_store, "journal", None)
    return journal.operation() if journal is not None else contextlib.nullcontext()


def _without_credentials(uri: str) -> str:
    scheme, sep, rest = uri.partition("://")
    if "@" in rest:
        rest = rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
