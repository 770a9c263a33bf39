// One IndexedDB database for the app: the sync queue, local->server id mapping, the data last
// seen (API GET responses) and local copies of sessions started offline.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { Op } from "./queue";

export interface QueueRow {
  seq?: number;
  op: Op;
  createdAt: number;
  attempts: number;
  lastError?: string;
}

export interface LocalSession {
  localId: string;
  client_id: string;
  workout: { id: string; name: string | null };
  start_time: string;
  status: string;
  paused_at?: string | null;
  paused_seconds?: number;
  end_time?: string | null;
}

interface AppDB extends DBSchema {
  queue: { key: number; value: QueueRow };
  ids: { key: string; value: { local: string; server: string } };
  cache: { key: string; value: { key: string; data: unknown; savedAt: number } };
  sessions: { key: string; value: LocalSession };
}

export const DB_NAME = "workout-pwa";
let dbPromise: Promise<IDBPDatabase<AppDB>> | null = null;

export function db(): Promise<IDBPDatabase<AppDB>> {
  dbPromise ??= openDB<AppDB>(DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      database.createObjectStore("ids", { keyPath: "local" });
      database.createObjectStore("cache", { keyPath: "key" });
      database.createObjectStore("sessions", { keyPath: "localId" });
    },
  });
  return dbPromise;
}

/** For tests: forget the open connection (fake-indexeddb is reset between tests). */
export function resetDbConnection(): void {
  dbPromise = null;
}

export async function cacheGet<T>(key: string): Promise<T | undefined> {
  const row = await (await db()).get("cache", key);
  return row?.data as T | undefined;
}

export async function cachePut(key: string, data: unknown): Promise<void> {
  await (await db()).put("cache", { key, data, savedAt: Date.now() });
}

export async function clearUserData(): Promise<void> {
  const database = await db();
  await Promise.all(
    (["queue", "ids", "cache", "sessions"] as const).map((store) => database.clear(store)),
  );
}

export async function saveLocalSession(session: LocalSession): Promise<void> {
  await (await db()).put("sessions", session);
}

export async function getLocalSession(localId: string): Promise<LocalSession | undefined> {
  return (await db()).get("sessions", localId);
}
