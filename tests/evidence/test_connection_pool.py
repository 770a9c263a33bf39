"""Many requests at once against a real daphne on PostgreSQL: every one is answered, and the server
never holds more database connections than its pool allows (under ASGI each request runs on a thread
of its own; with persistent per-thread connections PostgreSQL soon refused new clients: 'too many
clients already', a 500 for every request after that)."""

import asyncio
import os

import httpx
import psycopg
import pytest

from tests.conftest import STRONG_PASSWORD

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs DATABASE_URL on PostgreSQL"),
]

POOL_MAX = 4


@pytest.fixture
def pooled_server(tmp_path):
    from tests.servers import DaphneServer

    server = DaphneServer(tmp_path / "data", extra_env={"DATABASE_POOL_MAX_SIZE": str(POOL_MAX)})
    server.start()
    yield server
    server.stop()
    server.drop_database()


def server_connections(server) -> int:
    with psycopg.connect(server._pg_admin, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (server._pg_name,)).fetchone()[0]


def test_concurrent_requests_all_succeed_within_the_pool(pooled_server):
    register = httpx.post(
        f"{pooled_server.url}/api/auth/register/",
        json={"username": "crowd", "email": "crowd@example.com", "password": STRONG_PASSWORD},
    )
    token = register.json()["token"]
    peak = 0

    async def crowd():
        nonlocal peak
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=pooled_server.url, headers={"Authorization": f"Token {token}"}, limits=limits, timeout=30) as client:
            statuses = []
            for _ in range(4):
                responses = await asyncio.gather(*[client.get("/api/workouts/") for _ in range(64)])
                statuses += [r.status_code for r in responses]
                peak = max(peak, server_connections(pooled_server))
            return statuses

    statuses = asyncio.run(crowd())
    assert statuses.count(200) == len(statuses) == 256, sorted(set(statuses))
    assert 1 <= peak <= POOL_MAX
