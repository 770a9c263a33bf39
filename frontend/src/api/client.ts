// fetch() with the token, JSON errors as exceptions, and the data last seen kept in IndexedDB so
// the app still shows workouts, exercises and recent sessions with no network.
import { signal } from "@preact/signals";
import { cacheGet, cachePut } from "../lib/db";
import type { Response as QueueResponse } from "../lib/queue";

const TOKEN_KEY = "workout.token";
export const token = signal<string | null>(localStorage.getItem(TOKEN_KEY));
/** True while the last request failed for lack of a network (or the browser says it is offline). */
export const offline = signal<boolean>(typeof navigator !== "undefined" && navigator.onLine === false);

export function setToken(value: string | null): void {
  token.value = value;
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public detail: string,
    public errors?: Record<string, string[]> | null,
  ) {
    super(detail);
  }
}

export class OfflineError extends Error {
  constructor() {
    super("You are offline.");
  }
}

/** The signed-in user's Authorization header, if any. */
export function authorization(): Record<string, string> {
  return token.value ? { Authorization: `Token ${token.value}` } : {};
}

function headers(body?: unknown): HeadersInit {
  const h: Record<string, string> = { Accept: "application/json", ...authorization() };
  if (body !== undefined) h["Content-Type"] = "application/json";
  return h;
}

export const onUnauthorized = { handler: () => {} };

/** Every answer passes here: its body as JSON (or its start as `detail` when it is not JSON), and a
 * 401 while signed in ends the session. */
export function received(status: number, text: string): QueueResponse {
  let data: any = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 200) };
    }
  }
  if (status === 401 && token.value) onUnauthorized.handler();
  return { status, data };
}

/** The raw transport the sync queue uses: throws only on network failure. */
export async function send(method: string, path: string, body?: unknown): Promise<QueueResponse> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(body),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    offline.value = true;
    throw error;
  }
  offline.value = false;
  return received(response.status, await response.text());
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  let result: QueueResponse;
  try {
    result = await send(method, path, body);
  } catch {
    throw new OfflineError();
  }
  if (result.status >= 400) {
    throw new ApiError(result.status, result.data?.detail ?? `HTTP ${result.status}`, result.data?.errors);
  }
  return result.data as T;
}

/** GET that falls back to the copy last seen when the network is down. */
export async function get<T = any>(path: string): Promise<T> {
  try {
    const data = await api<T>("GET", path);
    void cachePut(path, data).catch(() => {});
    return data;
  } catch (error) {
    if (error instanceof OfflineError) {
      const cached = await cacheGet<T>(path);
      if (cached !== undefined) return cached;
    }
    throw error;
  }
}

export const cached = cacheGet;

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.errors ? Object.values(error.errors).flat() : [];
    return fields.length && !error.detail.startsWith("Invalid input") ? `${error.detail} ${fields[0]}` : error.detail;
  }
  if (error instanceof OfflineError) return "You are offline. Try again when you are back online.";
  return error instanceof Error ? error.message : String(error);
}
