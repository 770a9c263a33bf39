"""Live delivery under load: W watching sockets on one session while sets are logged over REST.

Starts a real daphne server (with DATABASE_URL / REDIS_URL from the environment when set, else the
embedded defaults), connects the watchers, logs N sets one after another over HTTP, and prints the
delivery latency of `set.logged` (from the start of each POST to its arrival on each socket) and
how many deliveries were lost. `make bench-live` runs it with 500 watchers and 100 sets.

    .venv/bin/python bench/live.py [--watchers 500] [--sets 100] [--interval 0.25]

Each set fans out to every socket as several events (set.logged, record.new for each record it
beats, rest.started), so 500 watchers mean ~3,000 socket writes per set on a 2-core machine that
also runs the 500 clients; --interval sets the pace (0 = back to back, a saturation test).
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.servers import DaphneServer  # noqa: E402


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def watch(url, sent_at, arrivals, ready, stop):
    async with connect(url, max_queue=None, open_timeout=60) as ws:
        while json.loads(await ws.recv())["type"] != "session.snapshot":
            pass
        ready.release()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            at = time.perf_counter()
            if '"set.logged"' in raw:  # parse only what is measured: the client shares the CPUs
                arrivals.append((json.loads(raw)["log"]["id"], at))


async def run(watchers: int, sets: int, interval: float) -> None:
    with tempfile.TemporaryDirectory() as directory:
        server = DaphneServer(Path(directory) / "data")
        server.manage("seed_exercises")  # the library `make run` and the containers seed
        server.start()
        try:
            await measure(server, watchers, sets, interval)
        finally:
            server.stop()
            server.drop_database()


async def measure(server, watchers, sets, interval):
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        token = (
            await http.post(
                "/api/auth/register/",
                json={"username": "bench", "email": "bench@example.com", "password": "bench-Password-123"},
            )
        ).json()["token"]
        http.headers["Authorization"] = f"Token {token}"
        exercise = (await http.post("/api/exercises/", json={"name": "Bench", "category": "strength"})).json()
        workout = (
            await http.post("/api/workouts/", json={"name": "Bench day", "exercises": [{"exercise": exercise["id"], "order": 1}]})
        ).json()
        session = (await http.post("/api/workout-sessions/", json={"workout": workout["id"]})).json()
        await http.post(f"/api/workout-sessions/{session['id']}/start/", content=b"")

        sent_at: dict[str, float] = {}
        arrivals: list[list] = [[] for _ in range(watchers)]
        ready, stop = asyncio.Semaphore(0), asyncio.Event()
        url = f"{server.ws_url}/ws/sessions/{session['id']}/?token={token}"
        began = time.perf_counter()
        tasks = [asyncio.create_task(watch(url, sent_at, arrivals[i], ready, stop)) for i in range(watchers)]
        for _ in range(watchers):
            # a watcher that failed to connect never becomes ready: stop with its error
            waiting = asyncio.create_task(ready.acquire())
            await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():
                waiting.cancel()
                failed = next(task for task in tasks if task.done())
                raise RuntimeError(f"a watcher could not connect: {failed.exception()!r}")
        connect_seconds = time.perf_counter() - began

        post_seconds = []
        for number in range(1, sets + 1):
            started = time.perf_counter()
            response = await http.post(
                "/api/exercise-logs/",
                json={"workout_session": session["id"], "exercise": exercise["id"], "set_number": number, "reps": 5, "weight": 100},
            )
            response.raise_for_status()
            sent_at[response.json()["id"]] = started
            post_seconds.append(time.perf_counter() - started)
            await asyncio.sleep(interval)
        await asyncio.sleep(2)  # let the last deliveries land
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    latencies = [(at - sent_at[log_id]) * 1000 for socket in arrivals for log_id, at in socket if log_id in sent_at]
    expected = watchers * sets
    lost = expected - len(latencies)
    backends = "PostgreSQL" if server.env.get("DATABASE_URL") else "SQLite"
    layer = "channels-redis" if server.env.get("REDIS_URL") else "in-memory layer"
    print(
        f"live delivery: {watchers} sockets on one session, {sets} sets logged over REST one every "
        f"{interval * 1000:.0f} ms after the previous answer ({backends}, {layer})"
    )
    print(f"  sockets connected in {connect_seconds:.1f}s")
    print(f"  POST /api/exercise-logs/ p50 {statistics.median(post_seconds) * 1000:.1f} ms")
    if latencies:
        print(
            f"  set.logged delivery (POST start -> socket) p50 {percentile(latencies, 50):.1f} ms, "
            f"p95 {percentile(latencies, 95):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms"
        )
    print(f"  delivered {len(latencies)} of {expected}; lost {lost}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=500)
    parser.add_argument("--sets", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between one POST's answer and the next POST")
    args = parser.parse_args()
    asyncio.run(run(args.watchers, args.sets, args.interval))


if __name__ == "__main__":
    main()
