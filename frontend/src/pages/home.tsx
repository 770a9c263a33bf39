import { useEffect, useState } from "preact/hooks";
import { api, errorText, get, offline } from "../api/client";
import { query as exerciseQuery } from "./exercises";
import { historyUrl, RECORDS_URL } from "./history";
import type { Page, SessionListOut, StatisticsOut, WorkoutListOut, WorkoutOut } from "../api/types";
import { me } from "../lib/auth";
import { db, type LocalSession } from "../lib/db";
import { navigate } from "../lib/router";
import { startSession } from "../lib/sessions";
import { Icon } from "../ui/icons";
import { Empty, Loading, NetworkBanner, PageHead, label, relativeDay, toast, useData, volume } from "../ui/kit";

function greeting(): string {
  const hour = new Date().getHours();
  return hour < 12 ? "Good morning" : hour < 18 ? "Good afternoon" : "Good evening";
}

export function WorkoutCard({ workout, mine }: { workout: WorkoutListOut; mine: boolean }) {
  const [busy, setBusy] = useState(false);
  async function start(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      await startSession({ id: workout.id, name: workout.name });
    } catch (err) {
      toast(errorText(err), "bad");
    } finally {
      setBusy(false);
    }
  }
  async function clone(e: Event) {
    e.preventDefault();
    try {
      const copy = await api<WorkoutOut>("POST", `/api/workouts/${workout.id}/clone/`);
      toast(`“${copy.name}” added to your workouts`);
      navigate(`/workouts/${copy.id}`);
    } catch (err) {
      toast(errorText(err), "bad");
    }
  }
  return (
    <a class="list-item" href={`/workouts/${workout.id}`} data-testid="workout-item">
      <span class="avatar">
        <Icon name="dumbbell" />
      </span>
      <div class="grow">
        <div style="font-weight:700" class="ellipsis">
          {workout.name}
        </div>
        <div class="small muted">
          {workout.total_exercises} exercise{workout.total_exercises === 1 ? "" : "s"}
          {workout.estimated_duration_minutes ? ` · ~${workout.estimated_duration_minutes} min` : ""}
          {workout.difficulty_level ? ` · ${label(workout.difficulty_level)}` : ""}
        </div>
      </div>
      {mine ? (
        <button class="btn primary sm" onClick={start} disabled={busy} aria-label={`Start ${workout.name}`}>
          <Icon name="play" /> Start
        </button>
      ) : (
        <button class="btn ghost sm" onClick={clone} aria-label={`Clone ${workout.name}`}>
          <Icon name="copy" /> Clone
        </button>
      )}
    </a>
  );
}

export function HomePage() {
  const workouts = useData(() => get<Page<WorkoutListOut>>("/api/workouts/?page_size=100"));
  const active = useData(() => get<Page<SessionListOut>>("/api/workout-sessions/?status=in_progress&page_size=5"));
  const stats = useData(() => get<StatisticsOut>("/api/workout-sessions/statistics/"));
  const [local, setLocal] = useState<LocalSession[]>([]);
  useEffect(() => {
    void (async () => {
      const database = await db();
      const sessions = await database.getAll("sessions");
      const unsynced = [];
      for (const s of sessions) if (!(await database.get("ids", s.localId)) && s.status === "in_progress") unsynced.push(s);
      setLocal(unsynced);
    })();
  }, []);
  const ownerId = myUserId();
  const all = workouts.data?.results ?? [];
  const own = all.filter((w) => w.created_by_user_id === ownerId);
  const others = all.filter((w) => w.created_by_user_id !== ownerId && w.is_public);

  // Keep what the app needs offline: the user's workouts in full (to start one), the library's
  // first page, recent sessions and records.
  useEffect(() => {
    if (!workouts.data || offline.value) return;
    for (const w of own.slice(0, 20)) void get(`/api/workouts/${w.id}/`).catch(() => {});
    for (const url of [exerciseQuery({ search: "" }, 1), historyUrl(1), RECORDS_URL]) void get(url).catch(() => {});
  }, [workouts.data]);

  return (
    <div class="page">
      <PageHead eyebrow={greeting()} title={me.value?.username ?? "Today"} action={<a class="btn primary sm" href="/workouts/new"><Icon name="plus" />New</a>} />
      <div class="stack">
        <NetworkBanner />
        {[...local.map((s) => ({ id: s.localId, workout: s.workout, start_time: s.start_time })), ...(active.data?.results ?? [])].map((s) => (
          <a key={s.id} class="card accent" href={`/sessions/${s.id}`} data-testid="resume-session">
            <div class="spread">
              <div class="stack tight">
                <span class="badge live" style="align-self:flex-start;background:rgba(255,255,255,.22)">In progress</span>
                <h2 style="margin-top:6px">{s.workout?.name ?? "Workout"}</h2>
                <span class="muted small">Started {relativeDay(s.start_time).toLowerCase()}</span>
              </div>
              <span class="btn" style="background:#fff;color:var(--accent)">
                Resume <Icon name="chevron" />
              </span>
            </div>
          </a>
        ))}
        <div class="grid three">
          <div class="card stat">
            <div class="value">{stats.data?.sessions_completed ?? "–"}</div>
            <div class="label">Workouts</div>
          </div>
          <div class="card stat">
            <div class="value">{stats.data ? volume(stats.data.total_volume) : "–"}</div>
            <div class="label">Volume</div>
          </div>
          <div class="card stat">
            <div class="value">
              {stats.data?.current_weekly_streak ?? "–"}
              <Icon name="flame" class="streak" />
            </div>
            <div class="label">Week streak</div>
          </div>
        </div>
      </div>
      <div class="section-title">
        My workouts <a class="small" href="/workouts/new" style="color:var(--accent);text-transform:none;letter-spacing:0">+ New workout</a>
      </div>
      {workouts.loading && !workouts.data ? (
        <Loading />
      ) : own.length === 0 ? (
        <div class="card">
          <Empty icon="dumbbell" title="No workouts yet">
            <p>Build your first workout template: pick exercises, set targets and rest.</p>
            <a class="btn primary" href="/workouts/new">
              <Icon name="plus" /> Build a workout
            </a>
          </Empty>
        </div>
      ) : (
        <div class="card flush list">
          {own.map((w) => (
            <WorkoutCard key={w.id} workout={w} mine />
          ))}
        </div>
      )}
      {others.length > 0 && (
        <>
          <div class="section-title">Discover</div>
          <div class="card flush list">
            {others.slice(0, 8).map((w) => (
              <WorkoutCard key={w.id} workout={w} mine={false} />
            ))}
          </div>
        </>
      )}
      {workouts.error && !workouts.data ? <p class="error-text">{errorText(workouts.error)}</p> : null}
    </div>
  );
}

/** The user's own id, remembered from the login answer (the profile has none). */
export function myUserId(): number | undefined {
  const raw = localStorage.getItem("workout.user");
  return raw ? (JSON.parse(raw).id as number) : undefined;
}
