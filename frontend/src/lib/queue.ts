// The offline sync queue. Every write that must survive a lost connection (starting a session,
// logging a set, pausing, completing) is stored in IndexedDB first, then replayed in order.
//
// Replays are safe: sets and sessions carry a client-generated `client_id`, and the API answers a
// repeated client_id with the record it already has, so a request that reached the server but
// whose answer was lost is never duplicated. A session started offline has a local id
// ("local-<client_id>") until its create is replayed; later operations that name it are
// rewritten to the server's id.
import { db, type QueueRow } from "./db";

export type SessionAction = "start" | "pause" | "resume" | "complete" | "cancel";

export type Op =
  | { kind: "session.create"; localId: string; body: Record<string, unknown> & { client_id: string } }
  | { kind: "session.action"; ref: string; action: SessionAction; body?: Record<string, unknown> }
  | { kind: "log.create"; ref: string; body: Record<string, unknown> & { client_id: string; exercise: string } };

export interface Response {
  status: number;
  data: any;
}

/** Sends one request; throws (e.g. fetch's TypeError) only when the network failed. */
export type Transport = (method: string, path: string, body?: unknown) => Promise<Response>;

export interface QueueStore {
  add(row: QueueRow): Promise<number>;
  all(): Promise<QueueRow[]>;
  remove(seq: number): Promise<void>;
  put(row: QueueRow): Promise<void>;
  serverId(local: string): Promise<string | undefined>;
  mapId(local: string, server: string): Promise<void>;
}

export const idbStore: QueueStore = {
  async add(row) {
    return (await db()).add("queue", row) as Promise<number>;
  },
  async all() {
    return (await db()).getAll("queue");
  },
  async remove(seq) {
    await (await db()).delete("queue", seq);
  },
  async put(row) {
    await (await db()).put("queue", row);
  },
  async serverId(local) {
    return (await (await db()).get("ids", local))?.server;
  },
  async mapId(local, server) {
    await (await db()).put("ids", { local, server });
  },
};

export const isLocalId = (id: string) => id.startsWith("local-");
export const localIdFor = (clientId: string) => `local-${clientId}`;

export type FlushResult = "done" | "offline" | "retry" | "unauthorized" | "busy";

export interface SyncEvents {
  synced?(op: Op, data: any): void;
  rejected?(op: Op, detail: string): void;
  changed?(): void;
}

export class SyncQueue {
  private flushing: Promise<FlushResult> | null = null;
  private listeners = new Set<SyncEvents>();

  constructor(
    private transport: Transport,
    private store: QueueStore = idbStore,
  ) {}

  on(listener: SyncEvents): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<K extends keyof SyncEvents>(name: K, ...args: Parameters<NonNullable<SyncEvents[K]>>) {
    for (const listener of this.listeners) (listener[name] as any)?.(...args);
  }

  async enqueue(op: Op): Promise<number> {
    const seq = await this.store.add({ op, createdAt: Date.now(), attempts: 0 });
    this.emit("changed");
    return seq;
  }

  pending(): Promise<QueueRow[]> {
    return this.store.all();
  }

  /** The server id for a session id that may be local, once its create has been replayed. */
  async resolve(id: string): Promise<string | undefined> {
    return isLocalId(id) ? this.store.serverId(id) : id;
  }

  /** Replays the queue in order until it is empty or the network (or server) fails. One at a time. */
  flush(): Promise<FlushResult> {
    if (this.flushing) return this.flushing;
    this.flushing = this.run().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async run(): Promise<FlushResult> {
    for (;;) {
      const rows = await this.store.all();
      if (rows.length === 0) return "done";
      const row = rows[0];
      const outcome = await this.replay(row);
      if (outcome !== "next") return outcome;
    }
  }

  private async request(op: Op): Promise<[string, string, unknown] | string> {
    if (op.kind === "session.create") return ["POST", "/api/workout-sessions/", op.body];
    const session = await this.resolve(op.ref);
    if (!session) return `The session ${op.ref} was never created on the server.`;
    if (op.kind === "session.action") {
      return ["POST", `/api/workout-sessions/${session}/${op.action}/`, op.body ?? {}];
    }
    return ["POST", "/api/exercise-logs/", { ...op.body, workout_session: session }];
  }

  private async replay(row: QueueRow): Promise<"next" | FlushResult> {
    const request = await this.request(row.op);
    if (typeof request === "string") return this.reject(row, request);
    let response: Response;
    try {
      response = await this.transport(...request);
    } catch {
      return "offline";
    }
    const { status, data } = response;
    if (status >= 200 && status < 300) {
      if (row.op.kind === "session.create") await this.store.mapId(row.op.localId, data.id);
      await this.store.remove(row.seq!);
      this.emit("synced", row.op, data);
      this.emit("changed");
      return "next";
    }
    if (status === 401) return "unauthorized";
    if (status >= 500 || status === 429 || status === 409 || status === 408) {
      await this.store.put({ ...row, attempts: row.attempts + 1, lastError: data?.detail ?? `HTTP ${status}` });
      return "retry";
    }
    // The server refused it for good (e.g. a session already completed elsewhere): drop it and say so.
    return this.reject(row, data?.detail ?? `HTTP ${status}`);
  }

  private async reject(row: QueueRow, detail: string): Promise<"next"> {
    await this.store.remove(row.seq!);
    this.emit("rejected", row.op, detail);
    this.emit("changed");
    return "next";
  }
}

/** Delay before retry number `attempt` (0-based): 1 s doubling to 30 s, with up to 20 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random, base = 1000, max = 30000): number {
  const plain = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(plain * (1 - 0.2 * random()));
}
