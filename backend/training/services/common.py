"""Lookups every training service shares: ids, ownership, visibility."""

from bson import ObjectId
from bson.errors import InvalidId
from mongoengine import Document, Q

from backend.core.errors import InvalidInput, NotFound


def parse_id(value: str | None) -> ObjectId | None:
    """A 24-hex id as an ObjectId, or None for anything else."""
    if not isinstance(value, str) or len(value) != 24:
        return None
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


def get_or_404(document: type[Document], object_id: str, visible: Q, name: str) -> Document:
    """The object with that id among those the caller may see; others' objects are 404 too."""
    oid = parse_id(object_id)
    obj = document.objects(Q(id=oid) & visible).first() if oid else None
    if obj is None:
        raise NotFound(f"{name} not found.")
    return obj


def reference_or_400(document: type[Document], object_id: str, visible: Q, field: str, name: str) -> Document:
    """Like get_or_404, for ids inside a request body: a bad reference is the client's input error."""
    oid = parse_id(object_id)
    obj = document.objects(Q(id=oid) & visible).first() if oid else None
    if obj is None:
        raise InvalidInput.for_field(field, f"{name} {object_id!r} does not exist or is not visible to you.")
    return obj


def owned_by(user_id: int, field: str = "user_id") -> Q:
    return Q(**{field: user_id})
