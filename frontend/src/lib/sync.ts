// The app's one sync queue, replayed when the app opens, when the network returns, after each new
// operation, and on a backoff timer while the server cannot be reached.
import { signal } from "@preact/signals";
import { send, offline } from "../api/client";
import { SyncQueue, backoffDelay, type Op } from "./queue";

export const queue = new SyncQueue(send);
export const pendingCount = signal(0);
export const syncing = signal(false);

let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | null = null;

async function refreshCount() {
  pendingCount.value = (await queue.pending()).length;
}

queue.on({ changed: () => void refreshCount() });

export async function sync(): Promise<void> {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  syncing.value = true;
  const locks = (navigator as any).locks;
  // One tab at a time replays the queue.
  const result = locks
    ? await locks.request("workout-sync", () => queue.flush())
    : await queue.flush();
  syncing.value = false;
  await refreshCount();
  if (result === "done" || result === "unauthorized") {
    attempt = 0;
    return;
  }
  if (result === "offline") offline.value = true;
  retryTimer = setTimeout(() => void sync(), backoffDelay(attempt++, Math.random, 1000, 20000));
}

export async function enqueue(op: Op): Promise<void> {
  await queue.enqueue(op);
  void sync();
}

export function startSync(): void {
  window.addEventListener("online", () => {
    offline.value = false;
    attempt = 0;
    void sync();
  });
  window.addEventListener("offline", () => {
    offline.value = true;
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void sync();
  });
  void refreshCount();
  void sync();
}
