"""The embedded store: mongomock made durable, for installs without a MongoDB server.

mongomock keeps every collection in memory. This module adds what a desktop install needs:

* Durability. Each write operation appends one record holding the after-images of the documents
  it touched (or their deletion) to an append-only journal and fsyncs it before returning, so an
  acknowledged write survives a crash. A record is framed by its length and CRC32: a torn tail
  left by a crash is detected at start, dropped and truncated, never half-applied.
* Constant write cost. A write appends only what it changed. The journal is folded into a
  snapshot (written to a temp file, fsynced, renamed) once it outgrows the snapshot, so the
  amortised cost per write does not grow with the amount stored.
* Single process. The data directory is locked with flock(); a second process gets a clear error.
* Indexed lookups: mongomock tests every document for every query. Queries by _id, and queries
  that pin the leading fields of a declared index by equality, test only the documents that can
  match (see lookup.py), so reads stay fast at 100k+ documents.
"""

from __future__ import annotations

import datetime
import fcntl
import functools
import itertools
import logging
import os
import struct
import threading
import time
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import bson
import mongomock
import mongomock.collection
import mongomock.database
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions
from pymongo.errors import DuplicateKeyError, OperationFailure
from mongomock import filtering, helpers, store

from backend.storage.lookup import Lookup

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("<II")  # payload length, crc32 of payload
_CODEC = CodecOptions(uuid_representation=UuidRepresentation.STANDARD)
# Fold the journal into the snapshot once it is larger than this and larger than the snapshot.
COMPACT_MIN_BYTES = 32 * 1024 * 1024


class StoreLockedError(RuntimeError):
    """Another process holds the embedded store."""


# --- record framing --------------------------------------------------------------------------

def _frame(payload: dict) -> bytes:
    body = bson.encode(payload, codec_options=_CODEC)
    return _HEADER.pack(len(body), zlib.crc32(body)) + body


def _read_frames(path: Path) -> tuple[list[dict], int, int]:
    """Returns the intact records, the offset after the last one and the file size."""
    records: list[dict] = []
    if not path.exists():
        return records, 0, 0
    data = path.read_bytes()
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        start, end = offset + _HEADER.size, offset + _HEADER.size + length
        if end > len(data) or zlib.crc32(data[start:end]) != crc:
            break
        records.append(bson.decode(data[start:end], codec_options=_CODEC))
        offset = end
    return records, offset, len(data)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- stores that report their own changes ------------------------------------------------------

class _JournaledCollectionStore(store.CollectionStore):
    def __init__(self, name: str, database: "_JournaledDatabaseStore"):
        super().__init__(name)
        self.database = database
        self.lookup = Lookup()

    @property
    def journal(self) -> "Journal":
        return self.database.server.journal

    def __setitem__(self, key, val):
        super().__setitem__(key, val)
        self.journal.touch(self, key)

    def __delitem__(self, key):
        super().__delitem__(key)
        self.journal.touch(self, key)

    def drop(self):
        with self.journal.operation():
            self.journal.forget(self)
            super().drop()
            self.lookup.clear()
            self.journal.record({"o": "drop", "d": self.database.name, "c": self.name})

    def create_index(self, index_name, index_dict):
        if self.indexes.get(index_name) == index_dict:
            # As MongoDB: declaring an index that exists is a no-op. mongoengine re-declares every
            # index on a process's first write to a collection; rebuilding them cost seconds at 100k.
            return
        with self.journal.operation():
            super().create_index(index_name, index_dict)
            self.lookup.define(index_name, index_dict, self._documents)
            self.journal.record(
                {"o": "index", "d": self.database.name, "c": self.name, "name": index_name, "spec": index_dict}
            )

    def drop_index(self, index_name):
        with self.journal.operation():
            super().drop_index(index_name)
            self.lookup.forget(index_name)
            self.journal.record({"o": "dropindex", "d": self.database.name, "c": self.name, "name": index_name})


class _JournaledDatabaseStore(store.DatabaseStore):
    def __init__(self, name: str, server: "JournaledServerStore"):
        super().__init__()
        self.name = name
        self.server = server

    def __getitem__(self, col_name):
        try:
            return self._collections[col_name]
        except KeyError:
            col = self._collections[col_name] = _JournaledCollectionStore(col_name, self)
            return col

    def rename(self, name, new_name):
        with self.server.journal.operation():
            super().rename(name, new_name)
            self._collections[new_name].database = self
            self.server.journal.record({"o": "rename", "d": self.name, "c": name, "to": new_name})


class JournaledServerStore(store.ServerStore):
    def __init__(self, journal: "Journal"):
        super().__init__()
        self.journal = journal

    def __getitem__(self, db_name):
        try:
            return self._databases[db_name]
        except KeyError:
            db = self._databases[db_name] = _JournaledDatabaseStore(db_name, self)
            return db

    def iter_collections(self):
        for db in self._databases.values():
            yield from db._collections.values()


# --- the journal ---------------------------------------------------------------------------------

class Journal:
    """Owns the data directory: lock, snapshot, journal; replays at open, appends on every write."""

    def __init__(self, directory: Path, compact_min_bytes: int = COMPACT_MIN_BYTES):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.snapshot_path = self.directory / "snapshot.bin"
        self.journal_path = self.directory / "journal.bin"
        self.compact_min_bytes = compact_min_bytes
        self._lock_fd = self._acquire_lock()
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self.store = JournaledServerStore(self)
        self._journal_fd: int | None = None
        self._journal_bytes = 0
        self._snapshot_bytes = 0
        self._open()

    # -- process lock
    def _acquire_lock(self) -> int:
        path = self.directory / "LOCK"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StoreLockedError(
                f"The embedded MongoDB store in {self.directory} is already in use by process {holder}. "
                "It serves one process only: stop the other process, or set MONGODB_URI to use a real "
                "MongoDB server when you need several workers."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        return fd

    # -- opening: snapshot + journal replay
    def _open(self) -> None:
        started = time.monotonic()
        (self.directory / "snapshot.tmp").unlink(missing_ok=True)
        snapshot, _, self._snapshot_bytes = _read_frames(self.snapshot_path)
        for op in snapshot:
            self._apply(op)
        records, good_bytes, size = _read_frames(self.journal_path)
        for record in records:
            for op in record["ops"]:
                self._apply(op)
        self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if good_bytes < size:
            logger.warning(
                "embedded store: dropped %d bytes of an unfinished write at the end of %s",
                size - good_bytes,
                self.journal_path,
            )
            os.ftruncate(self._journal_fd, good_bytes)
            os.fsync(self._journal_fd)
        self._journal_bytes = good_bytes
        for col in self.store.iter_collections():
            for name, spec in col.indexes.items():
                col.lookup.define(name, spec, col._documents)
        documents = sum(len(c._documents) for c in self.store.iter_collections())
        logger.info(
            "embedded store: opened %s with %d documents (%d journal records) in %.2fs",
            self.directory,
            documents,
            len(records),
            time.monotonic() - started,
        )
        if self._should_compact():
            self.compact()

    def _apply(self, op: Mapping[str, Any]) -> None:
        kind = op["o"]
        if kind == "dropdb":
            self.store._databases.pop(op["d"], None)
            return
        db = self.store[op["d"]]
        if kind == "rename":
            col = db._collections.pop(op["c"], None) or _JournaledCollectionStore(op["to"], db)
            col.name = op["to"]
            db._collections[op["to"]] = col
            return
        col = db[op["c"]]
        if kind == "put":
            doc = op["doc"]
            col._documents[doc["_id"]] = doc
        elif kind == "del":
            col._documents.pop(op["id"], None)
        elif kind == "drop":
            store.CollectionStore.drop(col)
        elif kind == "index":
            spec = dict(op["spec"])
            spec["key"] = [tuple(part) for part in spec["key"]]
            store.CollectionStore.create_index(col, op["name"], spec)
        elif kind == "dropindex":
            col.indexes.pop(op["name"], None)
            col._ttl_indexes.pop(op["name"], None)

    # -- write operations
    @property
    def _state(self) -> threading.local:
        local = self._local
        if not hasattr(local, "depth"):
            local.depth = 0
            local.touched = {}
            local.ops = []
        return local

    def operation(self):
        return _Operation(self)

    @property
    def lock(self) -> threading.RLock:
        """Held by every write operation, and by reads while they collect their matches."""
        return self._write_lock

    @property
    def in_operation(self) -> bool:
        return self._state.depth > 0

    def touch(self, collection: _JournaledCollectionStore, doc_id: Any) -> None:
        """Marks a document whose after-image the current operation must journal."""
        state = self._state
        collection.lookup.mark(doc_id)
        state.touched.setdefault(collection, {})[_hashable(doc_id)] = doc_id
        if state.depth == 0:  # a change made outside any wrapped operation still gets journaled
            with self._write_lock:
                self._commit()

    def forget(self, collection: _JournaledCollectionStore) -> None:
        self._state.touched.pop(collection, None)

    def record(self, op: dict) -> None:
        state = self._state
        self._flush_touched_into_ops()
        state.ops.append(op)
        if state.depth == 0:
            self._commit()

    def _flush_touched_into_ops(self) -> None:
        state = self._state
        for collection, ids in state.touched.items():
            collection.lookup.refresh(collection._documents)
            db_name, col_name = collection.database.name, collection.name
            for doc_id in ids.values():
                doc = collection._documents.get(doc_id)
                if doc is None:
                    state.ops.append({"o": "del", "d": db_name, "c": col_name, "id": doc_id})
                else:
                    state.ops.append({"o": "put", "d": db_name, "c": col_name, "doc": doc})
        state.touched = {}

    def _commit(self) -> None:
        self._flush_touched_into_ops()
        state = self._state
        ops, state.ops = state.ops, []
        if not ops:
            return
        frame = _frame({"ops": ops})
        os.write(self._journal_fd, frame)
        os.fsync(self._journal_fd)
        self._journal_bytes += len(frame)
        if self._should_compact():
            self.compact()

    def _should_compact(self) -> bool:
        return self._journal_bytes > max(self.compact_min_bytes, self._snapshot_bytes)

    def compact(self) -> None:
        """Writes the whole store as a new snapshot, then empties the journal."""
        with self._write_lock:
            started = time.monotonic()
            tmp = self.directory / "snapshot.tmp"
            size = 0
            with open(tmp, "wb") as out:
                for db in list(self.store._databases.values()):
                    for col in list(db._collections.values()):
                        for name, spec in col.indexes.items():
                            out.write(frame := _frame({"o": "index", "d": db.name, "c": col.name, "name": name, "spec": spec}))
                            size += len(frame)
                        for doc in list(col._documents.values()):
                            out.write(frame := _frame({"o": "put", "d": db.name, "c": col.name, "doc": doc}))
                            size += len(frame)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.snapshot_path)
            _fsync_dir(self.directory)
            # Replaying the old journal over the new snapshot is harmless (after-images are
            # idempotent), so a crash between the rename and this truncate loses nothing.
            os.ftruncate(self._journal_fd, 0)
            os.fsync(self._journal_fd)
            self._journal_bytes, self._snapshot_bytes = 0, size
            logger.info("embedded store: compacted to %d bytes in %.2fs", size, time.monotonic() - started)

    def close(self) -> None:
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


class _Operation:
    """One client-visible write: everything it changes is journaled as one record, fsynced once."""

    def __init__(self, journal: Journal):
        self.journal = journal

    def __enter__(self):
        self.journal._write_lock.acquire()
        self.journal._state.depth += 1
        return self

    def __exit__(self, *exc):
        state = self.journal._state
        state.depth -= 1
        try:
            if state.depth == 0:
                self.journal._commit()
        finally:
            self.journal._write_lock.release()
        return False


class _UnsortableValue(Exception):
    """A value whose MongoDB ordering needs mongomock's general comparison."""


def _sort_key(value: Any) -> tuple:
    """MongoDB's cross-type order (null, numbers, strings, ObjectId, booleans, dates) for plain values."""
    if value is None:
        return (1, 0)
    if isinstance(value, bool):
        return (8, value)
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    if isinstance(value, bson.ObjectId):
        return (7, value)
    if isinstance(value, datetime.datetime):
        return (9, value)
    raise _UnsortableValue


def _value_at(doc: Mapping, dotted: str) -> Any:
    try:
        return helpers.get_value_by_dot(doc, dotted)
    except KeyError:
        return None


def _hashable(doc_id: Any) -> Any:
    return helpers.hashdict(doc_id) if isinstance(doc_id, dict) else doc_id


# --- collections: _id fast path and operation boundaries -----------------------------------------

_SCALAR_ID_TYPES = (bson.ObjectId, str, int, float)


def _ids_in_filter(spec: Any) -> list | None:
    """The _id values an equality or $in filter pins down, at its top level or in a clause of its
    top-level $and (mongoengine writes `Q(...) & Q(id__in=...)` that way), else None. MongoDB
    answers both from the _id index."""
    if not isinstance(spec, Mapping):
        return None
    clauses = [spec, *spec["$and"]] if isinstance(spec.get("$and"), list) else [spec]
    for clause in clauses:
        if isinstance(clause, Mapping) and "_id" in clause:
            ids = _pinned_ids(clause["_id"])
            if ids is not None:
                return ids  # every match satisfies this clause, so it is among these
    return None


def _pinned_ids(value: Any) -> list | None:
    if isinstance(value, _SCALAR_ID_TYPES):
        return [value]
    if isinstance(value, Mapping) and set(value) == {"$in"} and isinstance(value["$in"], (list, tuple)):
        if all(isinstance(v, _SCALAR_ID_TYPES) for v in value["$in"]):
            return list(dict.fromkeys(value["$in"]))
    return None


def _write_operation(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        journal = getattr(self._store, "journal", None)
        if journal is None:
            return method(self, *args, **kwargs)
        with journal.operation():
            return method(self, *args, **kwargs)

    return wrapper


class JournaledCollection(mongomock.Collection):
    def _iter_documents(self, filter):
        journal = getattr(self._store, "journal", None)
        if journal is None:
            return self._matching(filter)
        if journal.in_operation:
            # A write: it changes the stored documents in place, so whatever it visits is journaled.
            return self._touching(self._matching(filter), journal)
        # A read. Django serves each request on its own thread, so take the matches under the
        # store's lock: a write on another thread can never be seen half-applied.
        with journal.lock:
            return iter([dict(doc) for doc in self._matching(filter)])

    def _matching(self, filter):
        ids = _ids_in_filter(filter)
        lookup = getattr(self._store, "lookup", None)
        if ids is None and lookup is not None:
            ids = lookup.candidates(filter, self._store._documents)
        if ids is None:
            return super()._iter_documents(filter)
        stored = self._store._documents
        candidates = [stored[i] for i in ids if i in stored]
        return (doc for doc in candidates if filtering.filter_applies(filter, doc))

    def create_index(self, key_or_list, cache_for=300, session=None, **kwargs):
        """mongomock checks a new unique index against every document, ignoring its
        partialFilterExpression, and re-checks an index that already exists. MongoDB does
        neither: an identical index is a no-op, and a partial index only constrains the
        documents its filter selects. A restarted server re-declares its indexes over data that
        is valid under those rules, so follow them here."""
        partial = kwargs.get("partialFilterExpression")
        if not kwargs.get("unique") or partial is None:
            return super().create_index(key_or_list, cache_for, session, **kwargs)
        index_list = helpers.create_index_list(key_or_list)
        name = kwargs.get("name") or helpers.gen_index_name(index_list)
        spec = {"key": index_list, "unique": True, "partialFilterExpression": partial}
        if kwargs.get("sparse"):
            spec["sparse"] = True
        existing = self._store.indexes.get(name)
        if existing is not None:
            if existing != spec:
                raise OperationFailure(f"Index with name: {name} already exists with different options")
            return name
        seen = set()
        for doc in list(self._store.documents):
            if not filtering.filter_applies(partial, doc):
                continue
            key = tuple(_value_at(doc, field) for field, _ in index_list)
            if key in seen:
                raise DuplicateKeyError("E11000 Duplicate Key Error", 11000)
            seen.add(key)
        self._store.create_index(name, spec)
        return name

    def _get_dataset(self, spec, sort, fields, as_class):
        """Sorts with native keys when the sorted fields hold plain values: mongomock wraps every
        value in a Python comparison object, which made sorting a few thousand sets take seconds."""
        if not sort:
            return super()._get_dataset(spec, sort, fields, as_class)
        pairs = list(sort.items() if isinstance(sort, dict) else sort)
        if any(key.startswith("$") or "." in key for key, _ in pairs):
            return super()._get_dataset(spec, sort, fields, as_class)
        documents = list(self._iter_documents(spec))
        try:
            for key, direction in reversed(pairs):
                documents.sort(key=lambda doc, key=key: _sort_key(doc.get(key)), reverse=direction < 0)
        except _UnsortableValue:
            return super()._get_dataset(spec, sort, fields, as_class)
        return (self._copy_only_fields(doc, fields, as_class) for doc in documents)

    def _ensure_uniques(self, new_data):
        """mongomock's check, except that a partial index is skipped for a document its filter
        does not select (as in MongoDB). Without that, every set logged without a client_id was
        compared with all of the user's other such sets: O(n) per insert."""
        for index in self._store.indexes.values():
            if not index.get("unique"):
                continue
            partial = index.get("partialFilterExpression")
            if partial is not None and not filtering.filter_applies(partial, new_data):
                continue
            key = {field: _value_at(new_data, field) for field, _ in index["key"]}
            if index.get("sparse") and set(key.values()) == {None}:
                continue
            query = {"$and": [partial, key]} if partial is not None else key
            if len(list(self._iter_documents(query))) > 1:
                raise DuplicateKeyError("E11000 Duplicate Key Error", 11000)

    def _touching(self, documents, journal: Journal):
        # Updates change documents in place; whatever a write operation visits may have changed.
        for doc in documents:
            journal.touch(self._store, doc["_id"])
            yield doc


for _name in (
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "find_one_and_delete",
    "find_one_and_replace",
    "find_one_and_update",
    "bulk_write",
    "drop",
    "create_index",
    "create_indexes",
    "drop_index",
    "drop_indexes",
    "rename",
):
    _own = JournaledCollection.__dict__.get(_name)
    setattr(JournaledCollection, _name, _write_operation(_own or getattr(mongomock.Collection, _name)))

def _compute_results(self, with_limit_and_skip=False):
    """mongomock's Cursor copies every matching document before applying skip and limit; a
    page of 20 out of 100k sets copied all 100k. Copy only the page (the sort still sees all),
    once per query: mongomock calls this again for every document the cursor yields."""
    if with_limit_and_skip and self._limit and not self.collection.codec_options.tz_aware:
        start = self._skip or 0
        query = (self._factory, start, self._limit)
        if getattr(self, "_page_query", None) != query:
            self._page = list(itertools.islice(self._factory(), start, start + abs(self._limit)))
            self._page_query = query
        return self._page
    return _mongomock_compute_results(self, with_limit_and_skip)


_mongomock_compute_results = mongomock.collection.Cursor._compute_results
mongomock.collection.Cursor._compute_results = _compute_results

# mongomock builds collections from these module-level names (Database.get_collection and
# Collection.with_options, which mongoengine calls on every save).
mongomock.database.Collection = JournaledCollection
mongomock.collection.Collection = JournaledCollection


# --- the client mongoengine connects with ----------------------------------------------------------

_journals: dict[Path, Journal] = {}
_journals_lock = threading.Lock()


def open_journal(directory: Path) -> Journal:
    """The process-wide journal for a directory (opened, locked and replayed on first use)."""
    directory = Path(directory).resolve()
    with _journals_lock:
        if directory not in _journals:
            _journals[directory] = Journal(directory)
        return _journals[directory]


def close_journal(directory: Path) -> None:
    with _journals_lock:
        journal = _journals.pop(Path(directory).resolve(), None)
    if journal is not None:
        journal.close()


class EmbeddedMongoClient(mongomock.MongoClient):
    """A mongomock client over the durable store in `data_dir` (pass via mongoengine.connect)."""

    def __init__(self, *args, data_dir: str | os.PathLike, **kwargs):
        kwargs.pop("_store", None)
        super().__init__(*args, _store=open_journal(Path(data_dir)).store, **kwargs)
