import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it } from "vitest";
import { resetDbConnection } from "../src/lib/db";
import { SyncQueue, backoffDelay, localIdFor, type Op, type Transport } from "../src/lib/queue";

/** A pretend API with client_id idempotency, and a switch for the network. */
function fakeServer() {
  const state = {
    online: true,
    failNext: 0,
    sessions: new Map<string, any>(),
    logs: [] as any[],
    requests: [] as string[],
    loseAnswers: 0, // the server handles the request but the answer never arrives
  };
  let nextId = 1;
  const transport: Transport = async (method, path, body: any) => {
    if (!state.online) throw new TypeError("Failed to fetch");
    state.requests.push(`${method} ${path}`);
    if (state.failNext > 0) {
      state.failNext--;
      return { status: 503, data: { detail: "busy" } };
    }
    let response;
    if (path === "/api/workout-sessions/") {
      const existing = [...state.sessions.values()].find((s) => s.client_id === body.client_id);
      const session = existing ?? { id: `s${nextId++}`, status: body.status ?? "planned", client_id: body.client_id };
      state.sessions.set(session.id, session);
      response = { status: existing ? 200 : 201, data: session };
    } else if (path === "/api/exercise-logs/") {
      if (!state.sessions.has(body.workout_session)) {
        response = { status: 400, data: { detail: "Workout session does not exist" } };
      } else {
        const existing = state.logs.find((l) => l.client_id === body.client_id);
        const log = existing ?? { ...body, id: `l${nextId++}` };
        if (!existing) state.logs.push(log);
        response = { status: existing ? 200 : 201, data: log };
      }
    } else {
      const match = path.match(/^\/api\/workout-sessions\/(\w+)\/(\w+)\/$/);
      const session = match && state.sessions.get(match[1]);
      if (!session) response = { status: 404, data: { detail: "Not found" } };
      else if (match![2] === "complete" && session.status !== "in_progress")
        response = { status: 400, data: { detail: "Only in-progress sessions can be completed" } };
      else {
        session.status = match![2] === "complete" ? "completed" : session.status;
        response = { status: 200, data: session };
      }
    }
    if (state.loseAnswers > 0) {
      state.loseAnswers--;
      throw new TypeError("connection reset");
    }
    return response;
  };
  return { state, transport };
}

const logOp = (ref: string, n: number): Op => ({
  kind: "log.create",
  ref,
  body: { client_id: `c-${ref}-${n}`, exercise: "e1", set_number: n, reps: 5, weight: 100 },
});

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});

describe("SyncQueue", () => {
  it("keeps sets while offline and sends each exactly once when back online", async () => {
    const { state, transport } = fakeServer();
    state.sessions.set("s0", { id: "s0", status: "in_progress" });
    const queue = new SyncQueue(transport);
    state.online = false;
    for (const n of [1, 2, 3]) await queue.enqueue(logOp("s0", n));
    expect(await queue.flush()).toBe("offline");
    expect(await queue.pending()).toHaveLength(3);
    expect(state.logs).toHaveLength(0);

    state.online = true;
    const synced: any[] = [];
    queue.on({ synced: (_op, data) => synced.push(data) });
    expect(await queue.flush()).toBe("done");
    expect(state.logs.map((l) => l.set_number)).toEqual([1, 2, 3]);
    expect(synced).toHaveLength(3);
    expect(await queue.pending()).toHaveLength(0);
  });

  it("never duplicates a set whose answer was lost: the replay gets the same log back", async () => {
    const { state, transport } = fakeServer();
    state.sessions.set("s0", { id: "s0", status: "in_progress" });
    const queue = new SyncQueue(transport);
    await queue.enqueue(logOp("s0", 1));
    await queue.enqueue(logOp("s0", 2));
    state.loseAnswers = 1; // set 1 reaches the server, its answer does not reach us
    expect(await queue.flush()).toBe("offline");
    expect(await queue.pending()).toHaveLength(2);
    expect(await queue.flush()).toBe("done");
    expect(state.logs).toHaveLength(2);
    expect(state.requests.filter((r) => r === "POST /api/exercise-logs/")).toHaveLength(3);
  });

  it("replays a session started offline first, then its sets under the server's id", async () => {
    const { state, transport } = fakeServer();
    const queue = new SyncQueue(transport);
    state.online = false;
    const localId = localIdFor("abc");
    await queue.enqueue({ kind: "session.create", localId, body: { workout: "w1", status: "in_progress", client_id: "abc" } });
    await queue.enqueue(logOp(localId, 1));
    await queue.enqueue(logOp(localId, 2));
    await queue.enqueue({ kind: "session.action", ref: localId, action: "complete", body: { rating: 4 } });
    expect(await queue.resolve(localId)).toBeUndefined();
    state.online = true;
    expect(await queue.flush()).toBe("done");
    const [session] = [...state.sessions.values()];
    expect(await queue.resolve(localId)).toBe(session.id);
    expect(state.logs.map((l) => l.workout_session)).toEqual([session.id, session.id]);
    expect(session.status).toBe("completed");
  });

  it("keeps an operation the server could not handle yet and retries it in order", async () => {
    const { state, transport } = fakeServer();
    state.sessions.set("s0", { id: "s0", status: "in_progress" });
    const queue = new SyncQueue(transport);
    await queue.enqueue(logOp("s0", 1));
    await queue.enqueue(logOp("s0", 2));
    state.failNext = 1;
    expect(await queue.flush()).toBe("retry");
    const [first] = await queue.pending();
    expect(first.attempts).toBe(1);
    expect(first.lastError).toBe("busy");
    expect(await queue.flush()).toBe("done");
    expect(state.logs.map((l) => l.set_number)).toEqual([1, 2]);
  });

  it("drops an operation the server refuses for good and reports it, then carries on", async () => {
    const { state, transport } = fakeServer();
    state.sessions.set("s0", { id: "s0", status: "completed" });
    const queue = new SyncQueue(transport);
    const rejected: string[] = [];
    queue.on({ rejected: (_op, detail) => rejected.push(detail) });
    await queue.enqueue({ kind: "session.action", ref: "s0", action: "complete" });
    await queue.enqueue(logOp("s0", 1));
    expect(await queue.flush()).toBe("done");
    expect(rejected).toEqual(["Only in-progress sessions can be completed"]);
    expect(state.logs).toHaveLength(1);
  });

  it("replays one flush at a time even when asked twice", async () => {
    const { state, transport } = fakeServer();
    state.sessions.set("s0", { id: "s0", status: "in_progress" });
    const queue = new SyncQueue(transport);
    for (const n of [1, 2, 3]) await queue.enqueue(logOp("s0", n));
    const [a, b] = await Promise.all([queue.flush(), queue.flush()]);
    expect([a, b]).toEqual(["done", "done"]);
    expect(state.requests).toHaveLength(3);
  });

  it("survives a reload: a new queue object on the same database sees the pending work", async () => {
    const { state, transport } = fakeServer();
    state.sessions.set("s0", { id: "s0", status: "in_progress" });
    state.online = false;
    await new SyncQueue(transport).enqueue(logOp("s0", 1));
    resetDbConnection();
    state.online = true;
    const again = new SyncQueue(transport);
    expect(await again.pending()).toHaveLength(1);
    expect(await again.flush()).toBe("done");
    expect(state.logs).toHaveLength(1);
  });
});

describe("backoffDelay", () => {
  it("doubles from the base up to the cap, with at most 20 % jitter off", () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, () => 0)).toBe(30000);
    expect(backoffDelay(0, () => 1)).toBe(800);
  });
});
