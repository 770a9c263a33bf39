"""Soak: virtual athletes run full sessions against a real server for a while.

Each athlete repeats: plan a session, start it, log 20 sets one by one, complete it. Afterwards
every acknowledged set must be in the database (counted through the API), and the server's peak
memory (VmHWM) is reported. Prints figures; exits non-zero only if a set went missing or a request
failed.

    .venv/bin/python bench/soak.py [--athletes 50] [--seconds 120]
"""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.servers import DaphneServer  # noqa: E402


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def sign_up(url: str, number: int, gate: asyncio.Semaphore) -> str:
    """Setup, not load: a few at a time (password hashing is deliberately slow)."""
    async with gate, httpx.AsyncClient(base_url=url, timeout=60) as http:
        response = await http.post(
            "/api/auth/register/",
            json={"username": f"soak{number}", "email": f"soak{number}@example.com", "password": "correct-Horse-battery-9"},
        )
        if response.status_code != 201:
            raise RuntimeError(f"registration failed: {response.status_code} {response.text}")
        return response.json()["token"]


async def athlete(url: str, token: str, deadline: float, stats: dict) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60, headers={"Authorization": f"Token {token}"}) as http:
        exercise = (await http.post("/api/exercises/", json={"name": "Soak Squat", "category": "strength"})).json()
        workout = (
            await http.post("/api/workouts/", json={"name": "Soak", "exercises": [{"exercise": exercise["id"], "order": 1, "target_sets": 20}]})
        ).json()
        acknowledged = 0
        while time.monotonic() < deadline:
            session = (await http.post("/api/workout-sessions/", json={"workout": workout["id"]})).json()
            started = await http.post(f"/api/workout-sessions/{session['id']}/start/", content=b"")
            stats["errors"] += started.status_code >= 400
            for set_number in range(1, 21):
                response = await http.post(
                    "/api/exercise-logs/",
                    json={"workout_session": session["id"], "exercise": exercise["id"], "set_number": set_number, "reps": 5, "weight": 60 + set_number},
                )
                if response.status_code == 201:
                    acknowledged += 1
                else:
                    stats["errors"] += 1
                stats["requests"] += 1
            done = await http.post(f"/api/workout-sessions/{session['id']}/complete/", json={"rating": 4})
            stats["errors"] += done.status_code >= 400
            stats["sessions"] += 1
            stats["requests"] += 3
        stored = (await http.get("/api/exercise-logs/", params={"page_size": 1})).json()["count"]
        stats["acknowledged"] += acknowledged
        stats["stored"] += stored


async def soak(server: DaphneServer, athletes: int, seconds: int) -> int:
    stats = {"requests": 0, "errors": 0, "sessions": 0, "acknowledged": 0, "stored": 0}
    gate = asyncio.Semaphore(4)
    tokens = await asyncio.gather(*(sign_up(server.url, n, gate) for n in range(athletes)))
    began = time.monotonic()
    await asyncio.gather(*(athlete(server.url, token, began + seconds, stats) for token in tokens))
    elapsed = time.monotonic() - began
    backends = ("PostgreSQL" if server.env.get("DATABASE_URL") else "SQLite") + ", " + (
        "channels-redis" if server.env.get("REDIS_URL") else "in-memory channel layer")
    print(f"soak: {athletes} athletes for {elapsed:.0f}s ({backends}, embedded MongoDB store)")
    print(f"  {stats['sessions']} sessions, {stats['requests']} requests ({stats['requests'] / elapsed:.0f}/s), {stats['errors']} errors")
    print(f"  sets acknowledged {stats['acknowledged']}, stored {stats['stored']}, missing {stats['acknowledged'] - stats['stored']}")
    print(f"  server peak RSS {peak_rss_mib(server.process.pid):.0f} MiB")
    return 0 if stats["errors"] == 0 and stats["acknowledged"] == stats["stored"] else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        server = DaphneServer(Path(directory) / "data")
        server.manage("seed_exercises")  # the library `make run` and the containers seed
        server.start()
        try:
            status = asyncio.run(soak(server, args.athletes, args.seconds))
        finally:
            server.stop()
            server.drop_database()
    sys.exit(status)


if __name__ == "__main__":
    main()
