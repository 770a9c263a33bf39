"""In-memory hash indexes for the embedded store.

mongomock answers every query by testing every document. For each index a collection declares,
this keeps a hash of the values of each prefix of its fields, so a query that pins those fields
by equality only tests the documents that can match. The index proposes candidates; mongomock's
own matcher still decides, so a candidate set that is too large is harmless. It must never be too
small: a value an index cannot represent (a sub-document, an array in a compound key) marks that
index unusable instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_MISSING = None  # {"field": None} matches documents without the field, so both share a key


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class HashIndex:
    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        self.postings: dict[Any, dict[Any, None]] = {}
        self.keys_of: dict[Any, list[Any]] = {}
        self.usable = True

    def _keys(self, doc: Mapping) -> list[Any] | None:
        values = [doc.get(field, _MISSING) for field in self.fields]
        if len(values) == 1 and isinstance(values[0], list):
            # a multikey index: each element, so equality with any element finds the document
            elements = values[0]
            if all(_hashable(v) for v in elements):
                return [(v,) for v in dict.fromkeys(elements)]
            return None
        if any(isinstance(v, (list, dict)) or not _hashable(v) for v in values):
            return None
        return [tuple(values)]

    def add(self, doc_id: Any, doc: Mapping) -> None:
        if not self.usable:
            return
        keys = self._keys(doc)
        if keys is None:
            self.usable = False
            self.postings.clear()
            self.keys_of.clear()
            return
        self.keys_of[doc_id] = keys
        for key in keys:
            self.postings.setdefault(key, {})[doc_id] = None

    def remove(self, doc_id: Any) -> None:
        for key in self.keys_of.pop(doc_id, ()):
            posting = self.postings.get(key)
            if posting is not None:
                posting.pop(doc_id, None)
                if not posting:
                    del self.postings[key]

    def candidates(self, equalities: Mapping[str, list[Any]]) -> list[Any]:
        """Ids of documents that may match, given the values each leading field may equal."""
        keys: list[tuple] = [()]
        for field in self.fields:
            if field not in equalities:
                break
            keys = [key + (value,) for key in keys for value in equalities[field]]
        matched: dict[Any, None] = {}
        width = len(keys[0])
        if width == len(self.fields):
            for key in keys:
                matched.update(self.postings.get(key, {}))
        else:  # a proper prefix: scan the keys of this index, still far fewer than the documents
            wanted = set(keys)
            for key, posting in self.postings.items():
                if key[:width] in wanted:
                    matched.update(posting)
        return list(matched)


class Lookup:
    """The hash indexes of one collection, kept in step with its documents."""

    def __init__(self):
        self.indexes: dict[str, HashIndex] = {}
        self.dirty: set[Any] = set()

    def define(self, name: str, spec: Mapping, documents: Mapping[Any, Mapping]) -> None:
        fields = []
        for field, direction in spec.get("key", ()):
            if "." in field or field == "_id" or not isinstance(direction, (int, float)):
                break
            fields.append(field)
        if not fields:
            return
        index = HashIndex(tuple(fields))
        for doc_id, doc in documents.items():
            index.add(doc_id, doc)
        self.indexes[name] = index

    def forget(self, name: str) -> None:
        self.indexes.pop(name, None)

    def clear(self) -> None:
        self.indexes.clear()
        self.dirty.clear()

    def mark(self, doc_id: Any) -> None:
        self.dirty.add(doc_id)

    def refresh(self, documents: Mapping[Any, Mapping]) -> None:
        """Re-indexes documents changed since the last refresh (updates change them in place)."""
        if not self.dirty:
            return
        dirty, self.dirty = self.dirty, set()
        for index in self.indexes.values():
            for doc_id in dirty:
                index.remove(doc_id)
                doc = documents.get(doc_id)
                if doc is not None:
                    index.add(doc_id, doc)

    def candidates(self, spec: Any, documents: Mapping[Any, Mapping]) -> list[Any] | None:
        """Ids worth testing against `spec`, or None when no index narrows the search."""
        equalities = equality_conditions(spec)
        if not equalities or not self.indexes:
            return None
        self.refresh(documents)
        best: HashIndex | None = None
        best_width = 0
        for index in self.indexes.values():
            if not index.usable:
                continue
            width = 0
            for field in index.fields:
                if field not in equalities:
                    break
                width += 1
            if width > best_width or (width == best_width and best and len(index.fields) < len(best.fields)):
                best, best_width = index, width
        if best is None or best_width == 0:
            return None
        return best.candidates(equalities)


def equality_conditions(spec: Any) -> dict[str, list[Any]]:
    """Top-level `field: value`, `field: {"$eq": v}` and `field: {"$in": [...]}` conditions."""
    found: dict[str, list[Any]] = {}
    if not isinstance(spec, Mapping):
        return found
    clauses: Iterable = [spec]
    if isinstance(spec.get("$and"), list):
        clauses = [spec, *spec["$and"]]
    for clause in clauses:
        if not isinstance(clause, Mapping):
            continue
        for field, condition in clause.items():
            if field.startswith("$") or "." in field or field in found:
                continue
            values = _equal_values(condition)
            if values is not None:
                found[field] = values
    return found


def _equal_values(condition: Any) -> list[Any] | None:
    if isinstance(condition, Mapping):
        if set(condition) == {"$eq"}:
            condition = condition["$eq"]
        elif set(condition) == {"$in"} and isinstance(condition["$in"], (list, tuple)):
            values = list(condition["$in"])
            if values and all(_scalar(v) for v in values):
                return list(dict.fromkeys(values))
            return None
        else:
            return None
    return [condition] if _scalar(condition) else None


def _scalar(value: Any) -> bool:
    return not isinstance(value, (list, tuple, dict, Mapping)) and _hashable(value) and not hasattr(value, "pattern")
