// Session clock and rest countdown: pure functions, so the screen and the tests agree.
//
// The server is the authority. Its `timer` heartbeats carry `elapsed_seconds`, every session.*
// event carries the clock fields, and `rest.started` carries `ends_at`. The client anchors each
// reading to its own monotonic clock and only interpolates between readings.

export interface ClockFields {
  status: string;
  start_time?: string | null;
  end_time?: string | null;
  paused_at?: string | null;
  paused_seconds?: number | null;
}

/** A server reading of the elapsed time, anchored to a local monotonic instant (ms). */
export interface ElapsedAnchor {
  elapsed: number; // seconds of training at `at`
  at: number; // local monotonic ms when the reading was taken
  running: boolean; // false when paused, completed, cancelled or not started
}

const ms = (iso?: string | null) => (iso ? Date.parse(iso) : NaN);

/** Server time minus local time, in ms, from a message's `server_time` received at `localNow`. */
export function clockOffset(serverTime: string | null | undefined, localNow: number): number {
  const server = ms(serverTime);
  return Number.isFinite(server) ? server - localNow : 0;
}

/** Seconds of training for a session's clock fields at wall time `nowMs` (server clock). */
export function elapsedFromFields(fields: ClockFields, nowMs: number): number {
  const start = ms(fields.start_time);
  if (!Number.isFinite(start)) return 0;
  const end = ms(fields.end_time);
  const paused = ms(fields.paused_at);
  const until = Number.isFinite(end) ? end : Number.isFinite(paused) ? paused : nowMs;
  return Math.max(0, Math.floor((until - start) / 1000 - (fields.paused_seconds || 0)));
}

export function isRunning(fields: ClockFields): boolean {
  return fields.status === "in_progress" && !fields.paused_at && !!fields.start_time;
}

/** An anchor from a session's clock fields (snapshot or session.* event). */
export function anchorFromFields(fields: ClockFields, serverNowMs: number, localMono: number): ElapsedAnchor {
  return { elapsed: elapsedFromFields(fields, serverNowMs), at: localMono, running: isRunning(fields) };
}

/** An anchor from a `timer` heartbeat. */
export function anchorFromHeartbeat(
  event: { elapsed_seconds: number; paused: boolean },
  localMono: number,
  status = "in_progress",
): ElapsedAnchor {
  return { elapsed: event.elapsed_seconds, at: localMono, running: status === "in_progress" && !event.paused };
}

/** Elapsed seconds now, interpolated from the last anchor. Never goes backwards within a reading. */
export function elapsedAt(anchor: ElapsedAnchor, localMono: number): number {
  if (!anchor.running) return anchor.elapsed;
  return anchor.elapsed + Math.max(0, Math.floor((localMono - anchor.at) / 1000));
}

/** 0:07, 4:05, 1:02:03 */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

export interface Rest {
  endsAt: number; // server-clock ms
  total: number; // seconds the rest lasts
}

/** A rest from a `rest.started` event (or the snapshot's `rest`, which has no length). */
export function restFromEvent(
  event: { ends_at: string; rest_seconds?: number | null; server_time?: string | null },
  fallbackTotal = 60,
): Rest | null {
  const endsAt = ms(event.ends_at);
  if (!Number.isFinite(endsAt)) return null;
  let total = event.rest_seconds ?? null;
  if (total == null) {
    const now = ms(event.server_time);
    total = Number.isFinite(now) ? Math.max(1, Math.ceil((endsAt - now) / 1000)) : fallbackTotal;
  }
  return { endsAt, total: Math.max(1, total) };
}

/** Seconds left (rounded up) and the fraction of the rest still to go, at server time `nowMs`. */
export function restRemaining(rest: Rest | null, nowMs: number): { seconds: number; fraction: number; done: boolean } {
  if (!rest) return { seconds: 0, fraction: 0, done: true };
  const left = Math.max(0, (rest.endsAt - nowMs) / 1000);
  return { seconds: Math.ceil(left), fraction: Math.min(1, left / rest.total), done: left <= 0 };
}
