"""Embedded store: does a write or an indexed read cost more as the store grows?

Fills a store with N exercise-log-shaped documents (inserted in batches), then times single
inserts (each fsynced) and indexed queries at 1,000 and at N documents, and compares an indexed
query with plain mongomock's full scan. Prints ratios measured in this run.

    .venv/bin/python bench/embedded_store.py [N]
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import mongomock
from bson import ObjectId

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from backend.storage.embedded import EmbeddedMongoClient  # noqa: E402


def make_docs(count, start=0):
    return [
        {"user_id": 1 + (i % 5), "exercise": f"ex{i % 40}", "session": f"s{i // 20}", "reps": 8, "weight": 60.0 + i % 50}
        for i in range(start, start + count)
    ]


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def measure(collection):
    insert = timed(lambda: collection.insert_one({"user_id": 1, "exercise": "ex1", "reps": 5, "_id": ObjectId()}), 50)
    query = timed(lambda: list(collection.find({"user_id": 3, "exercise": "ex7"})), 20)
    return insert, query, collection.count_documents({"user_id": 3, "exercise": "ex7"})


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as directory:
        durable = EmbeddedMongoClient(data_dir=directory)["bench"].logs
        durable.create_index([("user_id", 1), ("exercise", 1)])
        # as on exercise_logs: unique client_id per user, for the sets that carry one
        durable.create_index(
            [("user_id", 1), ("client_id", 1)], unique=True, partialFilterExpression={"client_id": {"$type": "string"}}
        )
        durable.insert_many(make_docs(1000))
        small_insert, small_query, small_hits = measure(durable)
        for start in range(1000, total, 10_000):
            durable.insert_many(make_docs(min(10_000, total - start), start))
        big_insert, big_query, big_hits = measure(durable)

        plain = mongomock.MongoClient()["bench"].logs
        plain.insert_many(make_docs(total))
        scan = timed(lambda: list(plain.find({"user_id": 3, "exercise": "ex7"})), 3)

    print(f"{'measure':<44}{'1k docs':>12}{f'{total // 1000}k docs':>12}{'ratio':>8}")
    print(f"{'insert_one, fsynced (ms)':<44}{small_insert * 1e3:>12.2f}{big_insert * 1e3:>12.2f}{big_insert / small_insert:>8.2f}")
    print(f"{'indexed find user_id+exercise (ms)':<44}{small_query * 1e3:>12.2f}{big_query * 1e3:>12.2f}{big_query / small_query:>8.2f}")
    print(f"(the indexed find returns {small_hits} documents at 1k and {big_hits} at {total // 1000}k: its cost follows the answer, not the store)")
    print(f"plain mongomock full scan at {total // 1000}k: {scan * 1e3:.1f} ms = {scan / big_query:.0f}x the indexed query")


if __name__ == "__main__":
    main()
