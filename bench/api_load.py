"""HTTP throughput and latency of the main endpoints, as ratios to the framework's floor.

Starts a real daphne server (DATABASE_URL / REDIS_URL from the environment when set, else the
embedded defaults), seeds data, then drives each scenario with wrk (Debian's `wrk`) at 32
connections and prints requests/s, p50 and p99, and requests/s as a share of an authenticated
no-op Ninja endpoint measured right before and right after it in the same run (the floor); then
p50 and p99 with one connection, which is each request's own latency without queueing behind the
others. Each scenario runs on a freshly started server. Personal records are read for a user with
100,000 logged sets.

    .venv/bin/python bench/api_load.py [--seconds 8] [--connections 32] [--logs 100000]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import DaphneServer  # noqa: E402

SEED_LOGS = """
import os, sys, random
from datetime import timedelta
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
django.setup()
from bson import ObjectId
from backend.training.documents import Exercise, ExerciseLog, WorkoutSession, utcnow
from backend.training.services import records
user_id, session_id, total = int(sys.argv[1]), ObjectId(sys.argv[2]), int(sys.argv[3])
exercises = [Exercise(name=f"Bench lift {i}", category="strength", is_custom=True, created_by_user_id=user_id, is_public=False).save() for i in range(20)]
start = utcnow() - timedelta(days=3 * 365)
rng = random.Random(7)
batch = []
for n in range(total):
    batch.append(ExerciseLog(id=ObjectId(), workout_session=session_id, exercise=exercises[n % 20], user_id=user_id,
        set_number=1 + n % 5, reps=rng.randint(1, 12), weight=float(rng.randint(20, 200)),
        completed_at=start + timedelta(minutes=15 * n)))
    if len(batch) == 5000:
        ExerciseLog.objects.insert(batch, load_bulk=False); batch = []
if batch:
    ExerciseLog.objects.insert(batch, load_bulk=False)
for exercise in exercises:
    records.recompute(user_id, exercise.id)
print(ExerciseLog.objects(user_id=user_id).count())
"""


def wrk(url: str, token: str, seconds: int, connections: int, method="GET", body=None) -> dict:
    script = textwrap.dedent(
        f"""
        wrk.method = "{method}"
        wrk.headers["Authorization"] = "Token {token}"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = {json.dumps(json.dumps(body)) if body is not None else 'nil'}
        """
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    output = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", handle.name, url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def wait_idle(pid: int, timeout: float = 120) -> None:
    """Returns once the server has used under 10% of a core for half a second."""
    ticks_per_second = os.sysconf("SC_CLK_TCK")

    def cpu_ticks() -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = cpu_ticks()
        time.sleep(0.5)
        if cpu_ticks() - before < 0.05 * ticks_per_second:
            return


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--logs", type=int, default=100_000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/api_load.py needs wrk: apt-get install -y wrk")

    with tempfile.TemporaryDirectory() as directory:
        server = DaphneServer(Path(directory) / "data", extra_env={"BENCH_FLOOR_ENDPOINT": "true"})
        server.manage("seed_exercises")  # the library `make run` and the containers seed
        server.start()
        try:
            run(server, args)
        finally:
            server.stop()
            server.drop_database()


def run(server, args):
    url = server.url
    with httpx.Client(base_url=url, timeout=60) as http:
        register = http.post("/api/auth/register/", json={"username": "bench", "email": "b@example.com", "password": "bench-Password-123"})
        token, user_id = register.json()["token"], register.json()["user"]["id"]
        http.headers["Authorization"] = f"Token {token}"
        exercise = http.post("/api/exercises/", json={"name": "Bench", "category": "strength"}).json()
        for i in range(20):
            http.post("/api/workouts/", json={"name": f"Plan {i}", "tags": ["push"], "exercises": [{"exercise": exercise["id"], "order": 1, "target_sets": 3}]})
        workout = http.get("/api/workouts/").json()["results"][0]
        # a typical finished session (20 sets) for the detail scenario, and one that the logging
        # scenarios write into: the detail must not grow with the thousands of sets they log
        session = http.post("/api/workout-sessions/", json={"workout": workout["id"]}).json()
        http.post(f"/api/workout-sessions/{session['id']}/start/", content=b"")
        http.post("/api/exercise-logs/bulk_create/", json={"logs": [
            {"workout_session": session["id"], "exercise": exercise["id"], "set_number": n, "reps": 5, "weight": 100} for n in range(1, 21)
        ]})
        http.post(f"/api/workout-sessions/{session['id']}/complete/", json={})
        logging_into = http.post("/api/workout-sessions/", json={"workout": workout["id"], "status": "in_progress"}).json()
        history = http.post("/api/workout-sessions/", json={"workout": workout["id"]}).json()

    # 100k sets for the records endpoint, written straight into the store while the server is down
    server.stop()
    started = time.monotonic()
    seeding = subprocess.run(
        [sys.executable, "-c", SEED_LOGS, str(user_id), history["id"], str(args.logs)],
        cwd=ROOT, env=server.env, capture_output=True, text=True,
    )
    if seeding.returncode:
        sys.exit(f"seeding failed:\n{seeding.stderr[-3000:]}")
    seeded = seeding.stdout.strip().splitlines()[-1]
    seed_seconds = time.monotonic() - started

    one_set = {"workout_session": logging_into["id"], "exercise": exercise["id"], "set_number": 1, "reps": 5, "weight": 100}
    bulk = {"logs": [dict(one_set, set_number=n) for n in range(1, 21)]}
    scenarios = [
        ("floor: GET /api/bench/floor/", "GET", "/api/bench/floor/", None),
        ("log one set: POST /api/exercise-logs/", "POST", "/api/exercise-logs/", one_set),
        ("bulk log 20 sets: POST .../bulk_create/", "POST", "/api/exercise-logs/bulk_create/", bulk),
        ("list workouts: GET /api/workouts/", "GET", "/api/workouts/", None),
        ("session detail: GET /api/workout-sessions/{id}/", "GET", f"/api/workout-sessions/{session['id']}/", None),
        (f"personal records at {int(seeded):,} sets", "GET", "/api/exercise-logs/personal_records/", None),
    ]
    floor_url = f"{url}{scenarios[0][2]}"

    def floor_rps() -> float:
        return wrk(floor_url, token, max(2, args.seconds // 2), args.connections)["rps"]

    results = []
    for name, method, path, body in scenarios:
        # Each scenario on a server started afresh: on the embedded store every set a scenario logs
        # stays in the server's memory, and a bulk scenario logs thousands; documents loaded at
        # start are frozen out of garbage collections (startup.settle_heap), those written since
        # are not, and they would slow whatever is measured next. The floor again right before
        # each scenario: this VM's speed drifts within a run, and a ratio should compare two
        # measures taken under the same conditions. Each measure starts with the server idle:
        # when wrk stops, the server still works off what was sent.
        server.stop()
        server.start(timeout=300)
        wrk(floor_url, token, 2, args.connections)  # warm-up: the first requests after a start are slower
        wait_idle(server.process.pid)
        floor_before = floor_rps()
        wrk(f"{url}{path}", token, 1, args.connections, method, body)  # warm-up
        wait_idle(server.process.pid)
        loaded = wrk(f"{url}{path}", token, args.seconds, args.connections, method, body)
        wait_idle(server.process.pid)
        # and right after: the ratio is to the mean of the two, so a drift during the scenario
        # counts half against it, half for it
        floor = (floor_before + floor_rps()) / 2
        wait_idle(server.process.pid)
        # one request at a time: the latency of the work itself, without queueing behind 31 others
        alone = wrk(f"{url}{path}", token, max(2, args.seconds // 2), 1, method, body)
        results.append((name, loaded, alone, floor))

    backends = ("PostgreSQL" if server.env.get("DATABASE_URL") else "SQLite") + ", " + (
        "channels-redis" if server.env.get("REDIS_URL") else "in-memory channel layer") + ", embedded MongoDB store"
    print(f"HTTP benchmark: wrk, {args.connections} connections, {args.seconds}s per scenario ({backends})")
    print(f"seeded {int(seeded):,} sets in {seed_seconds:.0f}s")
    print("vs floor: requests/s as a share of the floor's, measured just before and just after the scenario (their mean req/s)")
    print(f"{'':<52}{f'--- {args.connections} connections ---':>57}{'--- 1 connection ---':>27}")
    print(f"{'scenario':<52}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs floor':>10}{'(floor)':>9}{'errors':>8}"
          f"{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}")
    for name, r, alone, floor in results:
        print(f"{name:<52}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['rps'] / floor:>9.0%}{floor:>10.0f}{r['non2xx']:>8}"
              f"{alone['p50']:>9.1f}{alone['p99']:>9.1f}{alone['non2xx']:>9}"
              + (f"  socket errors: {r['socket_errors']} {alone['socket_errors']}".rstrip() if r["socket_errors"] or alone["socket_errors"] else ""))


if __name__ == "__main__":
    main()
