"""The embedded store keeps every acknowledged write across restarts and crashes."""

import os

import pytest
from bson import ObjectId
from mongomock import MongoClient

from backend.storage.embedded import EmbeddedMongoClient, Journal, StoreLockedError, close_journal


@pytest.fixture
def store_dir(tmp_path):
    directory = tmp_path / "mongo"
    yield directory
    close_journal(directory)


def open_db(directory):
    return EmbeddedMongoClient(data_dir=str(directory))["workoutdb"]


def reopen_db(directory):
    close_journal(directory)
    return open_db(directory)


def test_writes_survive_a_restart(store_dir):
    db = open_db(store_dir)
    first = db.logs.insert_one({"reps": 5, "weight": 100.0}).inserted_id
    db.logs.insert_many([{"reps": r} for r in range(3)])
    db.logs.update_one({"_id": first}, {"$set": {"reps": 6}, "$inc": {"weight": 2.5}})
    db.logs.delete_many({"reps": {"$lt": 2}})
    db.logs.create_index([("reps", 1)], unique=True, name="reps_unique")

    db = reopen_db(store_dir)
    assert db.logs.find_one({"_id": first}) == {"_id": first, "reps": 6, "weight": 102.5}
    assert sorted(doc["reps"] for doc in db.logs.find()) == [2, 6]
    assert "reps_unique" in db.logs.index_information()
    with pytest.raises(Exception):  # the unique index came back too
        db.logs.insert_one({"reps": 6})


def test_update_many_find_and_modify_and_drop_are_journaled(store_dir):
    db = open_db(store_dir)
    db.sessions.insert_many([{"user": 1, "status": "planned"} for _ in range(4)])
    db.sessions.update_many({"user": 1}, {"$set": {"status": "done"}})
    db.sessions.find_one_and_update({"user": 1}, {"$set": {"status": "special"}})
    db.other.insert_one({"x": 1})
    db.drop_collection("other")
    db.counters.find_one_and_update({"_id": "c"}, {"$inc": {"n": 1}}, upsert=True)

    db = reopen_db(store_dir)
    statuses = sorted(doc["status"] for doc in db.sessions.find())
    assert statuses == ["done", "done", "done", "special"]
    assert db.other.count_documents({}) == 0
    assert db.counters.find_one({"_id": "c"}) == {"_id": "c", "n": 1}


def test_a_torn_tail_is_dropped_and_earlier_writes_are_kept(store_dir):
    db = open_db(store_dir)
    ids = [db.logs.insert_one({"n": i}).inserted_id for i in range(5)]
    close_journal(store_dir)
    journal = store_dir / "journal.bin"
    intact = journal.stat().st_size
    with open(journal, "ab") as handle:  # a crash in the middle of writing a record
        handle.write(b"\x40\x00\x00\x00\x12\x34\x56\x78partial-record")

    db = open_db(store_dir)
    assert [doc["_id"] for doc in db.logs.find()] == ids
    assert journal.stat().st_size == intact  # the garbage is gone, new records follow good ones
    db.logs.insert_one({"n": 99})
    assert reopen_db(store_dir).logs.count_documents({}) == 6


def test_a_corrupt_record_is_not_applied(store_dir):
    db = open_db(store_dir)
    db.logs.insert_one({"n": 1})
    db.logs.insert_one({"n": 2})
    close_journal(store_dir)
    journal = store_dir / "journal.bin"
    data = bytearray(journal.read_bytes())
    data[-3] ^= 0xFF  # flip a byte inside the last record
    journal.write_bytes(bytes(data))
    assert [doc["n"] for doc in open_db(store_dir).logs.find()] == [1]


def test_each_write_appends_only_what_it_changed(store_dir):
    """The cost of a write must not grow with the amount stored."""
    db = open_db(store_dir)
    journal = store_dir / "journal.bin"

    def appended_by_one_insert():
        before = journal.stat().st_size
        db.logs.insert_one({"user_id": 1, "reps": 8, "weight": 80.0, "_id": ObjectId()})
        return journal.stat().st_size - before

    small = appended_by_one_insert()
    db.logs.insert_many([{"user_id": 1, "reps": 8, "weight": 80.0} for _ in range(5000)])
    assert appended_by_one_insert() == small


def test_compaction_folds_the_journal_into_a_snapshot(store_dir):
    close_journal(store_dir)
    journal = Journal(store_dir, compact_min_bytes=4096)
    db = MongoClient(_store=journal.store)["workoutdb"]
    for i in range(200):
        db.logs.insert_one({"n": i, "pad": "x" * 50})
    db.logs.update_one({"n": 7}, {"$set": {"pad": "changed"}})
    assert (store_dir / "snapshot.bin").stat().st_size > 0
    assert (store_dir / "journal.bin").stat().st_size < 4096 + 200
    journal.close()

    reopened = Journal(store_dir)
    db = MongoClient(_store=reopened.store)["workoutdb"]
    assert db.logs.count_documents({}) == 200
    assert db.logs.find_one({"n": 7})["pad"] == "changed"
    reopened.close()


def test_a_crash_between_snapshot_and_journal_truncation_loses_nothing(store_dir):
    db = open_db(store_dir)
    for i in range(10):
        db.logs.insert_one({"n": i})
    db.logs.delete_one({"n": 3})
    journal_bytes = (store_dir / "journal.bin").read_bytes()
    from backend.storage.embedded import open_journal

    open_journal(store_dir).compact()
    close_journal(store_dir)
    (store_dir / "journal.bin").write_bytes(journal_bytes)  # as if truncation never happened

    db = open_db(store_dir)
    assert sorted(doc["n"] for doc in db.logs.find()) == [0, 1, 2, 4, 5, 6, 7, 8, 9]


def test_a_second_process_is_refused_with_a_clear_message(store_dir):
    open_db(store_dir)
    with pytest.raises(StoreLockedError, match="already in use by process %d" % os.getpid()):
        Journal(store_dir)


def test_lookups_by_id_agree_with_a_full_scan(store_dir):
    db = open_db(store_dir)
    ids = db.docs.insert_many([{"n": i, "even": i % 2 == 0} for i in range(50)]).inserted_ids
    assert db.docs.find_one({"_id": ids[4]})["n"] == 4
    assert db.docs.find_one({"_id": ids[4], "even": False}) is None
    # without a sort MongoDB promises no order, so neither does the fast path
    assert sorted(d["n"] for d in db.docs.find({"_id": {"$in": [ids[9], ids[2], ObjectId()]}})) == [2, 9]
    assert db.docs.find_one({"_id": str(ids[4])}) is None  # a string is not an ObjectId
    assert db.docs.count_documents({"_id": {"$ne": ids[0]}}) == 49


def test_indexed_queries_agree_with_plain_mongomock_under_random_writes(store_dir):
    """Hash indexes may only narrow the search, never change an answer."""
    import random

    import mongomock

    rng = random.Random(1234)
    durable = open_db(store_dir).logs
    reference = mongomock.MongoClient(_store=mongomock.store.ServerStore())["workoutdb"].logs
    for collection in (durable, reference):
        collection.create_index([("user_id", 1), ("exercise", 1), ("completed_at", 1)])
        collection.create_index([("tags", 1)])
        collection.create_index([("session", 1)])

    def random_doc():
        doc = {"user_id": rng.choice([1, 2, 3]), "exercise": rng.choice(["a", "b", "c", None]), "n": rng.randint(0, 9)}
        if rng.random() < 0.5:
            doc["tags"] = rng.sample(["x", "y", "z"], rng.randint(0, 2))
        if rng.random() < 0.7:
            doc["session"] = rng.choice(["s1", "s2"])
        return doc

    queries = [
        {"user_id": 1},
        {"user_id": 2, "exercise": "a"},
        {"user_id": {"$in": [1, 3]}, "exercise": {"$in": ["b", None]}},
        {"user_id": 1, "exercise": None},
        {"tags": "x"},
        {"tags": None},
        {"session": None, "user_id": 2},
        {"$and": [{"user_id": 3}, {"n": {"$gt": 4}}]},
        {"user_id": 1.0, "exercise": {"$eq": "c"}},
        {"exercise": "a"},
    ]
    for step in range(400):
        doc = random_doc()
        doc["_id"] = step
        durable.insert_one(dict(doc))
        reference.insert_one(dict(doc))
        if step % 7 == 0:
            change = {"$set": {"user_id": rng.choice([1, 2, 3]), "tags": ["y"]}}
            target = {"n": rng.randint(0, 9)}
            durable.update_many(target, change)
            reference.update_many(target, change)
        if step % 11 == 0:
            target = {"user_id": rng.choice([1, 2, 3]), "n": rng.randint(0, 9)}
            durable.delete_many(target)
            reference.delete_many(target)
        if step % 50 == 0:
            for query in queries:
                got = sorted(d["_id"] for d in durable.find(query))
                assert got == sorted(d["_id"] for d in reference.find(query)), query

    reopened = reopen_db(store_dir).logs  # indexes are rebuilt from the snapshot and journal
    for query in queries:
        assert sorted(d["_id"] for d in reopened.find(query)) == sorted(d["_id"] for d in reference.find(query))


def test_unique_indexes_still_refuse_duplicates_after_in_place_updates(store_dir):
    db = open_db(store_dir)
    db.logs.create_index([("user_id", 1), ("client_id", 1)], unique=True)
    db.logs.insert_one({"user_id": 1, "client_id": "a"})
    second = db.logs.insert_one({"user_id": 1, "client_id": "b"}).inserted_id
    with pytest.raises(Exception):
        db.logs.update_one({"_id": second}, {"$set": {"client_id": "a"}})
    assert db.logs.find_one({"_id": second})["client_id"] == "b"
    with pytest.raises(Exception):
        db.logs.insert_one({"user_id": 1, "client_id": "b"})


def test_mongoengine_saves_and_queryset_updates_survive_a_restart(store_dir):
    """mongoengine writes through with_options() copies of collections; those must journal too."""
    import mongoengine

    class Note(mongoengine.Document):
        text = mongoengine.StringField()
        count = mongoengine.IntField(default=0)
        meta = {"db_alias": "journal-test", "collection": "notes"}

    def connect():
        mongoengine.register_connection(
            "journal-test", db="notes", mongo_client_class=EmbeddedMongoClient, data_dir=str(store_dir)
        )

    connect()
    try:
        note = Note(text="first").save()
        note.text = "edited"
        note.save()
        Note.objects(id=note.id).update_one(inc__count=2)
        Note(text="gone").save().delete()
        mongoengine.disconnect("journal-test")
        close_journal(store_dir)
        connect()
        assert [(n.text, n.count) for n in Note.objects] == [("edited", 2)]
    finally:
        mongoengine.disconnect("journal-test")


def test_a_restarted_process_can_redeclare_partial_unique_indexes(store_dir):
    """Sets without a client_id share (user_id, None); the index only covers string client_ids."""
    spec = dict(unique=True, partialFilterExpression={"client_id": {"$type": "string"}}, name="user_client")
    db = open_db(store_dir)
    db.logs.create_index([("user_id", 1), ("client_id", 1)], **spec)
    db.logs.insert_many([{"user_id": 1, "reps": 5}, {"user_id": 1, "reps": 6}, {"user_id": 1, "client_id": "a"}])
    with pytest.raises(Exception):
        db.logs.insert_one({"user_id": 1, "client_id": "a"})

    db = reopen_db(store_dir)  # a new process declares its indexes again, as mongoengine does
    assert db.logs.create_index([("user_id", 1), ("client_id", 1)], **spec) == "user_client"
    with pytest.raises(Exception):
        db.logs.insert_one({"user_id": 1, "client_id": "a"})
    db.logs.insert_one({"user_id": 1, "reps": 7})
    assert db.logs.count_documents({"user_id": 1}) == 4


def test_redeclaring_an_existing_index_is_free(store_dir, monkeypatch):
    """mongoengine declares every index again on a process's first write to a collection. As on
    MongoDB that is a no-op: nothing is rebuilt over the documents and nothing is journaled (it
    rebuilt the hash indexes over 100,000 sets, seconds in which every write waited)."""
    from backend.storage import lookup

    db = open_db(store_dir)
    db.logs.create_index([("user_id", 1), ("exercise", 1)])
    db.logs.insert_many([{"user_id": n % 7, "exercise": n % 3} for n in range(500)])
    db = reopen_db(store_dir)
    journal = store_dir / "journal.bin"
    size = journal.stat().st_size
    rebuilt = []
    real_define = lookup.Lookup.define
    monkeypatch.setattr(lookup.Lookup, "define", lambda self, *args: rebuilt.append(args[0]) or real_define(self, *args))
    assert db.logs.create_index([("user_id", 1), ("exercise", 1)]) == "user_id_1_exercise_1"
    assert rebuilt == [] and journal.stat().st_size == size
    assert db.logs.count_documents({"user_id": 3, "exercise": 1}) == len([n for n in range(500) if n % 7 == 3 and n % 3 == 1])
    db.logs.create_index([("reps", 1)])  # a new one is built and journaled
    assert rebuilt == ["reps_1"] and journal.stat().st_size > size


def test_a_new_partial_unique_index_checks_only_the_documents_it_covers(store_dir):
    db = open_db(store_dir)
    db.logs.insert_many([{"user_id": 1}, {"user_id": 1}, {"user_id": 2, "client_id": "x"}])
    db.logs.create_index([("user_id", 1), ("client_id", 1)], unique=True, partialFilterExpression={"client_id": {"$type": "string"}})
    db.other.insert_many([{"user_id": 1, "client_id": "x"}, {"user_id": 1, "client_id": "x"}])
    with pytest.raises(Exception):
        db.other.create_index([("user_id", 1), ("client_id", 1)], unique=True, partialFilterExpression={"client_id": {"$type": "string"}})


def test_threads_reading_while_others_write_never_see_a_half_applied_write(store_dir):
    """Django serves each request on its own thread; reads and in-place updates interleave."""
    import threading

    db = open_db(store_dir)
    db.docs.create_index([("user_id", 1)])
    ids = db.docs.insert_many([{"user_id": i % 3, "tags": [], "n": 0, "m": 0} for i in range(30)]).inserted_ids
    errors = []
    stop = threading.Event()

    def writer(k):
        try:
            for step in range(300):
                doc_id = ids[(k * 7 + step) % len(ids)]
                db.docs.update_one({"_id": doc_id}, {"$inc": {"n": 1, "m": 1}, "$set": {"tags": [str(step)] * (step % 5)}})
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    def reader():
        try:
            while not stop.is_set():
                for doc in db.docs.find({"user_id": 1}):
                    assert doc["n"] == doc["m"], doc  # both fields move together in one update
                db.docs.count_documents({})
        except Exception as exc:
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert errors == []
    assert sum(doc["n"] for doc in db.docs.find()) == 900
    assert sum(doc["n"] for doc in reopen_db(store_dir).docs.find()) == 900


def test_inserting_a_set_without_client_id_examines_a_bounded_number_of_documents(store_dir, monkeypatch):
    """The partial unique index does not cover such sets, so nothing needs comparing with them."""
    from backend.storage import embedded

    db = open_db(store_dir)
    db.logs.create_index([("user_id", 1), ("client_id", 1)], unique=True, partialFilterExpression={"client_id": {"$type": "string"}})
    db.logs.insert_many([{"user_id": 1, "reps": n} for n in range(5000)])
    examined = []
    real = embedded.filtering.filter_applies
    monkeypatch.setattr(embedded.filtering, "filter_applies", lambda spec, doc: examined.append(1) or real(spec, doc))
    db.logs.insert_one({"user_id": 1, "reps": 1})
    db.logs.insert_one({"user_id": 1, "reps": 2, "client_id": "abc"})
    assert len(examined) < 20


def test_an_id_inside_and_is_looked_up_not_scanned(store_dir, monkeypatch):
    """mongoengine writes `visible_to(user) & Q(id__in=...)` as {"$and": [{"$or": ...}, {"_id": ...}]};
    logging a set runs such a query for its exercise. It must not test every stored document."""
    import mongomock.collection

    from backend.storage import embedded

    docs = [{"_id": ObjectId(), "owner": n % 7, "public": n % 3 == 0} for n in range(5000)]
    db, plain = open_db(store_dir), MongoClient()["workoutdb"]
    db.docs.insert_many([dict(d) for d in docs])
    plain.docs.insert_many([dict(d) for d in docs])
    examined = []
    for module in (embedded.filtering, mongomock.collection):
        real = module.filter_applies
        monkeypatch.setattr(module, "filter_applies", lambda spec, doc, real=real: examined.append(1) or real(spec, doc))
    wanted = [docs[1]["_id"], docs[3]["_id"], docs[4001]["_id"], ObjectId()]
    for spec in (
        {"$and": [{"$or": [{"public": True}, {"owner": 1}]}, {"_id": {"$in": wanted}}]},
        {"$and": [{"owner": {"$ne": 3}}, {"_id": docs[4001]["_id"]}], "public": False},
        {"$and": [{"_id": {"$in": []}}, {"owner": 1}]},
    ):
        examined.clear()
        found = sorted(d["_id"] for d in db.docs.find(spec))
        assert len(examined) <= len(wanted), spec
        assert found == sorted(d["_id"] for d in plain.docs.find(spec)), spec
    assert sorted(d["_id"] for d in db.docs.find({"$and": [{"public": True}, {"_id": {"$in": wanted}}]})) == [docs[3]["_id"]]


def test_sorting_agrees_with_mongomock_across_types(store_dir):
    import random
    from datetime import datetime, timedelta

    import mongomock

    rng = random.Random(3)
    values = [None, 3, 2.5, -1, "b", "a", datetime(2025, 1, 1), datetime(2024, 1, 1), ObjectId(), ObjectId(), True, False]
    docs = [{"_id": i, "v": rng.choice(values), "w": rng.randint(0, 3)} for i in range(200)]
    for doc in docs[:20]:
        del doc["v"]  # missing sorts like null
    durable = open_db(store_dir).docs
    reference = mongomock.MongoClient(_store=mongomock.store.ServerStore())["db"].docs
    durable.insert_many([dict(d) for d in docs])
    reference.insert_many([dict(d) for d in docs])
    for sort in ([("v", 1)], [("v", -1)], [("w", 1), ("v", -1)], [("w", -1), ("_id", 1)]):
        assert [d["_id"] for d in durable.find({}, sort=sort)] == [d["_id"] for d in reference.find({}, sort=sort)], sort
    page = list(durable.find({"w": {"$gte": 1}}, sort=[("v", -1), ("_id", 1)]).skip(5).limit(10))
    expected = list(reference.find({"w": {"$gte": 1}}, sort=[("v", -1), ("_id", 1)]).skip(5).limit(10))
    assert page == expected
