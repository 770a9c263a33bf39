// Coaches: every athlete who granted access, their compliance, and any live session updating in
// real time; one live session opens to watch sets appear as they are logged.
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText, get, token } from "../api/client";
import type { AthleteOut, ComplianceOut, LogOut, Page, SessionDetailOut, SessionListOut } from "../api/types";
import { LiveSocket, type LiveStatus } from "../lib/live";
import { anchorFromHeartbeat, elapsedAt, formatClock, type ElapsedAnchor } from "../lib/timer";
import { Icon } from "../ui/icons";
import { Empty, Loading, PageHead, TopBar, initials, label, relativeDay, useData, volume } from "../ui/kit";
import { SessionSets, setText } from "./sets";

interface Live {
  session_id: string;
  workout: string;
  anchor: ElapsedAnchor;
  paused: boolean;
  sets: number;
  lastSet?: LogOut;
}

interface Athlete extends AthleteOut {
  compliance?: ComplianceOut;
  recent?: SessionListOut[];
  live?: Live | null;
}

interface FeedItem {
  key: number;
  athlete: string;
  icon: string;
  text: any;
  at: number;
}

const mono = () => performance.now();
const RECORDS: Record<string, string> = { best_e1rm: "e1RM", heaviest_weight: "heaviest", most_reps: "most reps", best_set_volume: "set volume" };
const sessionAnchor = (s: { elapsed_seconds: number; status: string; paused_at?: string | null }): ElapsedAnchor => ({
  elapsed: s.elapsed_seconds,
  at: mono(),
  running: s.status === "in_progress" && !s.paused_at,
});

async function loadAthlete(a: AthleteOut): Promise<Athlete> {
  const base = `/api/coaching/athletes/${encodeURIComponent(a.username)}`;
  const [compliance, sessions] = await Promise.all([
    get<ComplianceOut>(`${base}/compliance/`).catch(() => undefined),
    get<Page<SessionListOut>>(`${base}/sessions/?page_size=5`).catch(() => undefined),
  ]);
  const running = sessions?.results.find((s) => s.status === "in_progress");
  let live: Live | null = null;
  if (running) {
    const detail = await get<SessionDetailOut>(`${base}/sessions/${running.id}/`).catch(() => null);
    if (detail)
      live = {
        session_id: detail.id,
        workout: detail.workout.name ?? "Workout",
        anchor: sessionAnchor(detail),
        paused: !!detail.paused_at,
        sets: detail.logs.length,
        lastSet: detail.logs[detail.logs.length - 1],
      };
  }
  return { ...a, compliance, recent: sessions?.results, live };
}

export function CoachDashboard() {
  const [athletes, setAthletes] = useState<Athlete[] | null>(null);
  const [error, setError] = useState("");
  const [feed, setFeed] = useState<FeedItem[]>([]);
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [, tick] = useState(0);
  const feedKey = useRef(0);

  async function reload() {
    try {
      const list = await get<AthleteOut[]>("/api/coaching/athletes/");
      setAthletes(await Promise.all(list.map(loadAthlete)));
      setError("");
    } catch (err) {
      setError(errorText(err));
      setAthletes((a) => a ?? []);
    }
  }
  const update = (username: string, fn: (a: Athlete) => Athlete) =>
    setAthletes((list) => list?.map((a) => (a.username === username ? fn(a) : a)) ?? list);
  const push = (athlete: string, icon: string, text: any) =>
    setFeed((items) => [{ key: ++feedKey.current, athlete, icon, text, at: Date.now() }, ...items].slice(0, 30));

  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!token.value) return;
    const socket = new LiveSocket({
      path: "/ws/coach/",
      token: token.value,
      onStatus: setStatus,
      onMessage: async (event) => {
        const who: string = event.athlete;
        switch (event.type) {
          case "coach.snapshot": // every (re)connection: resync everything
          case "athlete.granted":
          case "athlete.revoked":
            await reload();
            break;
          case "athlete.session.started": {
            const detail = await get<SessionDetailOut>(`/api/coaching/athletes/${encodeURIComponent(who)}/sessions/${event.session_id}/`).catch(() => null);
            update(who, (a) => ({
              ...a,
              live: { session_id: event.session_id, workout: detail?.workout.name ?? "Workout", anchor: sessionAnchor(event), paused: false, sets: detail?.logs.length ?? 0 },
            }));
            push(who, "play", <>started <strong>{detail?.workout.name ?? "a workout"}</strong></>);
            break;
          }
          case "athlete.session.paused":
          case "athlete.session.resumed":
            update(who, (a) => (a.live ? { ...a, live: { ...a.live, anchor: sessionAnchor(event), paused: !!event.paused_at } } : a));
            push(who, event.type.endsWith("paused") ? "pause" : "play", event.type.endsWith("paused") ? "paused" : "resumed");
            break;
          case "athlete.session.completed":
          case "athlete.session.cancelled":
            push(who, "check", event.type.endsWith("completed") ? "completed a workout" : "cancelled a workout");
            loadAthlete({ username: who, granted_at: "" }).then((fresh) => update(who, (a) => ({ ...fresh, granted_at: a.granted_at, live: null })));
            break;
          case "timer":
            break;
          case "set.logged":
            update(who, (a) =>
              a.live && a.live.session_id === event.session_id
                ? { ...a, live: { ...a.live, sets: a.live.sets + 1, lastSet: event.log } }
                : a,
            );
            push(who, "dumbbell", <>{event.log.exercise.name} · <span class="mono">{setText(event.log)}</span></>);
            break;
          case "record.new":
            if (event.old != null)
              push(who, "trophy", <>set a record on <strong>{event.exercise?.name}</strong>: {RECORDS[event.record] ?? "record"} <span class="mono">{event.new}{event.record === "most_reps" ? "" : " kg"}</span></>);
            break;
        }
      },
    });
    return () => socket.close();
  }, []);

  const liveCount = athletes?.filter((a) => a.live).length ?? 0;
  return (
    <div class="page wide" data-testid="coach-dashboard">
      <PageHead
        eyebrow="Coach"
        title="Athletes"
        action={<span class={`dot ${status === "live" ? "live" : ""}`}>{status === "live" ? "Real-time" : label(status)}</span>}
      />
      {error && <p class="error-text">{error}</p>}
      {athletes === null ? (
        <Loading rows={3} />
      ) : athletes.length === 0 ? (
        <div class="card">
          <Empty icon="coach" title="No athletes yet">
            <p>When an athlete grants you access (Profile → Coaches), they appear here with their sessions live.</p>
          </Empty>
        </div>
      ) : (
        <div class="coach-layout">
          <div class="stack">
            <div class="grid three">
              <div class="card stat"><div class="value">{athletes.length}</div><div class="label">Athletes</div></div>
              <div class="card stat"><div class="value">{liveCount}</div><div class="label">Training now</div></div>
              <div class="card stat">
                <div class="value">{avgCompliance(athletes)}</div>
                <div class="label">Avg. 30-day compliance</div>
              </div>
            </div>
            <div class="athletes">
              {[...athletes].sort((x, y) => Number(!!y.live) - Number(!!x.live)).map((a) => (
                <AthleteCard key={a.username} athlete={a} />
              ))}
            </div>
            <RecentSessions athletes={athletes} />
          </div>
          <div class="card flush" aria-label="Live activity">
            <div class="spread" style="padding:14px 16px;border-bottom:1px solid var(--line)">
              <h3>Live activity</h3>
              <span class={`dot ${status === "live" ? "live" : ""}`} />
            </div>
            {feed.length === 0 ? (
              <p class="muted small" style="padding:16px">Sets, records and sessions appear here the moment they happen.</p>
            ) : (
              <div class="feed" data-testid="live-feed">
                {feed.map((f) => (
                  <div key={f.key} class="feed-item">
                    <span class="ico"><Icon name={f.icon} /></span>
                    <div class="grow small">
                      <strong>{f.athlete}</strong> {f.text}
                      <div class="faint">{new Date(f.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}</div>
                    </div>
                  </div>
                ))}
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function RecentSessions({ athletes }: { athletes: Athlete[] }) {
  const rows = athletes
    .flatMap((a) => (a.recent ?? []).map((s) => ({ ...s, athlete: a.username })))
    .sort((x, y) => Date.parse(y.session_date) - Date.parse(x.session_date))
    .slice(0, 8);
  if (rows.length === 0) return null;
  return (
    <div class="card">
      <h3 style="margin-bottom:6px">Recent sessions</h3>
      <table class="table">
        <thead>
          <tr><th>Athlete</th><th>Workout</th><th>When</th><th>Duration</th><th>Volume</th><th>Rating</th><th /></tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id}>
              <td><strong>{s.athlete}</strong></td>
              <td>{s.workout.name ?? "Workout"}</td>
              <td class="muted">{relativeDay(s.session_date)}</td>
              <td>{s.actual_duration_minutes != null ? `${s.actual_duration_minutes} min` : "—"}</td>
              <td>{volume(s.total_volume)}</td>
              <td style="color:var(--gold)">{s.rating ? "★".repeat(s.rating) : <span class="faint">—</span>}</td>
              <td style="text-align:right">
                <span class={`badge ${s.status === "completed" ? "good" : s.status === "in_progress" ? "live" : ""}`}>{label(s.status)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function avgCompliance(athletes: Athlete[]): string {
  const rates = athletes.map((a) => a.compliance?.windows.find((w) => w.days === 30)?.rate).filter((r): r is number => r != null);
  return rates.length ? `${Math.round((rates.reduce((x, y) => x + y, 0) / rates.length) * 100)}%` : "—";
}

function AthleteCard({ athlete: a }: { athlete: Athlete }) {
  const live = a.live;
  return (
    <div class={`card athlete-card ${live ? "is-live" : ""}`} data-testid="athlete-card">
      <div class="row">
        <span class="avatar round">{initials(a.username)}</span>
        <div class="grow">
          <strong>{a.username}</strong>
          <div class="small muted">
            {a.recent?.[0] ? `Last session ${relativeDay(a.recent[0].session_date).toLowerCase()}` : "No sessions yet"}
          </div>
        </div>
        {live && <span class="badge live">Live</span>}
      </div>
      {live && (
        <a class="live-box" href={`/coach/${encodeURIComponent(a.username)}/sessions/${live.session_id}`} data-testid="live-session-link">
          <div class="spread">
            <strong class="ellipsis">{live.workout}</strong>
            <span class="timer">{formatClock(elapsedAt(live.anchor, mono()))}</span>
          </div>
          <div class="spread small muted">
            <span data-testid="live-last-set">
              {live.lastSet ? <>{live.lastSet.exercise.name} · <span class="mono">{setText(live.lastSet)}</span></> : "Warming up…"}
            </span>
            <span>{live.sets} sets</span>
          </div>
          <span class="btn sm primary" style="align-self:flex-start"><Icon name="eye" /> Watch live</span>
        </a>
      )}
      <div class="compliance">
        {(a.compliance?.windows ?? []).map((w) => (
          <div key={w.days} class="win">
            <div class="small muted" style="font-weight:600">{w.days} days</div>
            <div style="font-weight:800;font-size:18px" class="num">{w.rate == null ? "—" : `${Math.round(w.rate * 100)}%`}</div>
            <div class="small faint">{w.completed}/{w.planned} done</div>
            <div class="bar"><i style={{ width: `${Math.round((w.rate ?? 0) * 100)}%` }} /></div>
          </div>
        ))}
      </div>
    </div>
  );
}

export function CoachSessionPage({ athlete, id }: { athlete: string; id: string }) {
  const initial = useData(() => get<SessionDetailOut>(`/api/coaching/athletes/${encodeURIComponent(athlete)}/sessions/${id}/`), [athlete, id]);
  const [logs, setLogs] = useState<LogOut[] | null>(null);
  const [anchor, setAnchor] = useState<ElapsedAnchor | null>(null);
  const [state, setState] = useState<{ status: string; paused: boolean }>({ status: "in_progress", paused: false });
  const [flash, setFlash] = useState<string | null>(null);
  const [live, setLive] = useState<LiveStatus>("connecting");
  const [, tick] = useState(0);

  useEffect(() => {
    if (initial.data && !anchor) {
      setAnchor(sessionAnchor(initial.data));
      setLogs((l) => l ?? initial.data!.logs);
      setState({ status: initial.data.status, paused: !!initial.data.paused_at });
    }
  }, [initial.data]);

  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 250);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!token.value) return;
    const socket = new LiveSocket({
      path: `/ws/sessions/${id}/`,
      token: token.value,
      onStatus: setLive,
      onMessage: (event) => {
        switch (event.type) {
          case "session.snapshot": // every (re)connection: the whole state again
            setLogs(event.logs);
            setAnchor(sessionAnchor(event));
            setState({ status: event.status, paused: !!event.paused_at });
            break;
          case "session.started":
          case "session.paused":
          case "session.resumed":
          case "session.completed":
          case "session.cancelled":
            setAnchor(sessionAnchor(event));
            setState({ status: event.status, paused: !!event.paused_at });
            break;
          case "timer":
            setAnchor(anchorFromHeartbeat(event, mono()));
            break;
          case "set.logged":
          case "set.updated":
            setLogs((old) => [...(old ?? []).filter((l) => l.id !== event.log.id), event.log]);
            setFlash(event.log.id);
            break;
          case "set.deleted":
            setLogs((old) => (old ?? []).filter((l) => l.id !== event.log.id));
            break;
        }
      },
    });
    return () => socket.close();
  }, [id]);

  const s = initial.data;
  return (
    <>
      <TopBar title={`${athlete} · live`} backTo="/coach" right={<span class={`dot ${live === "live" ? "live" : ""}`}>{live === "live" ? "Live" : label(live)}</span>} />
      <div class="page stack loose" data-testid="coach-session">
        {!s ? (
          initial.error ? <p class="error-text">{errorText(initial.error)}</p> : <Loading />
        ) : (
          <>
            <div class="spread">
              <div class="row">
                <span class="avatar round">{initials(athlete)}</span>
                <div>
                  <h2>{s.workout.name ?? "Workout"}</h2>
                  <span class="small muted">{athlete}</span>
                </div>
              </div>
              <span class={`badge ${state.status === "in_progress" ? "live" : "good"}`}>{state.paused ? "Paused" : label(state.status)}</span>
            </div>
            <div class="card center" style="padding:22px">
              <div class="mono" style="font-size:56px;font-weight:800;letter-spacing:-.04em">{formatClock(anchor ? elapsedAt(anchor, mono()) : 0)}</div>
              <div class="small muted" style="font-weight:700;letter-spacing:.08em;text-transform:uppercase">{logs?.length ?? 0} sets logged</div>
            </div>
            <SessionSets logs={logs ?? []} flashId={flash} />
          </>
        )}
      </div>
    </>
  );
}
