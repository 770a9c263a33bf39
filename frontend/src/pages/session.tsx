// The session screen: a big elapsed clock, the rest countdown after each set, fast set entry, PR
// badges, pause/resume/finish. Built for a phone held in one hand: everything you press is low.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { errorText, get, offline, token } from "../api/client";
import type { LogListOut, LogOut, Page, SessionDetailOut, SetType, WorkoutExerciseOut, WorkoutOut } from "../api/types";
import { db, getLocalSession, saveLocalSession, type LocalSession, type QueueRow } from "../lib/db";
import { uuid } from "../lib/ids";
import { LiveSocket, type LiveStatus } from "../lib/live";
import { isLocalId, type SessionAction } from "../lib/queue";
import { navigate } from "../lib/router";
import { enqueue, queue, sync } from "../lib/sync";
import {
  anchorFromFields,
  anchorFromHeartbeat,
  clockOffset,
  elapsedAt,
  formatClock,
  restFromEvent,
  restRemaining,
  type ClockFields,
  type ElapsedAnchor,
  type Rest,
} from "../lib/timer";
import { Icon } from "../ui/icons";
import { Loading, Sheet, TopBar, kg, label, shortDate, toast, useData, volume } from "../ui/kit";
import { Ring } from "../ui/ring";
import { SessionSets, SetRows, type SetLike } from "./sets";
import { targetText } from "./workouts";

export function SessionRoute({ id }: { id: string }) {
  const [state, setState] = useState<{ session?: SessionDetailOut; local?: LocalSession; error?: unknown }>({});
  useEffect(() => {
    let alive = true;
    setState({});
    void (async () => {
      if (isLocalId(id)) {
        const server = await queue.resolve(id);
        if (server) return navigate(`/sessions/${server}`, { replace: true });
        const local = await getLocalSession(id);
        if (alive) setState(local ? { local } : { error: new Error("This session is not on this device.") });
        return;
      }
      try {
        const session = await get<SessionDetailOut>(`/api/workout-sessions/${id}/`);
        if (alive) setState({ session });
      } catch (error) {
        if (alive) setState({ error });
      }
    })();
    return () => {
      alive = false;
    };
  }, [id]);

  if (state.error) return (<><TopBar title="Session" backTo="/history" /><div class="page"><p class="error-text">{errorText(state.error)}</p></div></>);
  if (state.local) return <RunSession key={id} id={id} local={state.local} />;
  if (!state.session) return (<><TopBar title="Session" backTo="/history" /><div class="page"><Loading /></div></>);
  const done = state.session.status === "completed" || state.session.status === "cancelled";
  return done ? <SessionSummary session={state.session} /> : <RunSession key={id} id={id} initial={state.session} />;
}

/* ------------------------------------------------------------------------------------------- */

function SessionSummary({ session }: { session: SessionDetailOut }) {
  return (
    <>
      <TopBar title={session.workout.name ?? "Session"} backTo="/history" />
      <div class="page stack loose" data-testid="session-summary">
        <div class="stack tight">
          <span class="eyebrow small muted" style="font-weight:700;text-transform:uppercase;letter-spacing:.06em">{shortDate(session.session_date)}</span>
          <h1>{session.workout.name ?? "Workout"}</h1>
          <div class="row wrap">
            <span class={`badge ${session.status === "completed" ? "good" : ""}`}>{label(session.status)}</span>
            {session.rating ? <span class="badge warn">{"★".repeat(session.rating)}</span> : null}
          </div>
        </div>
        <div class="grid three">
          <div class="card stat"><div class="value">{formatClock(session.elapsed_seconds)}</div><div class="label">Duration</div></div>
          <div class="card stat"><div class="value">{session.logs.length}</div><div class="label">Sets</div></div>
          <div class="card stat"><div class="value">{volume(session.total_volume)}</div><div class="label">Volume</div></div>
        </div>
        {session.notes && <div class="card"><p class="muted">{session.notes}</p></div>}
        <SessionSets logs={session.logs} linkProgress />
      </div>
    </>
  );
}

/* ------------------------------------------------------------------------------------------- */

const SET_TYPES: [SetType, string][] = [["normal", "Normal"], ["warmup", "Warm-up"], ["dropset", "Drop"], ["failure", "Failure"]];
const RPES = [5, 6, 7, 8, 9, 10];
const mono = () => performance.now();

interface Entry {
  weight: string;
  reps: string;
  set_type: SetType;
  rpe: number | null;
}

interface PR {
  exercise: string;
  text: string;
  key: number;
}

const RECORD_NAMES: Record<string, string> = {
  best_e1rm: "Estimated 1RM",
  heaviest_weight: "Heaviest weight",
  most_reps: "Most reps",
  best_set_volume: "Best set volume",
};

function RunSession({ id, initial, local }: { id: string; initial?: SessionDetailOut; local?: LocalSession }) {
  const workoutId = initial?.workout.id ?? local!.workout.id;
  const workoutName = initial?.workout.name ?? local?.workout.name ?? "Workout";
  const [fields, setFields] = useState<ClockFields>(() => initial ?? { status: local!.status, start_time: local!.start_time, paused_at: local!.paused_at, paused_seconds: local!.paused_seconds });
  const [anchor, setAnchor] = useState<ElapsedAnchor>(() =>
    initial
      ? { elapsed: initial.elapsed_seconds, at: mono(), running: initial.status === "in_progress" && !initial.paused_at }
      : anchorFromFields({ status: local!.status, start_time: local!.start_time, paused_at: local!.paused_at, paused_seconds: local!.paused_seconds }, Date.now(), mono()),
  );
  const [logs, setLogs] = useState<LogOut[]>(initial?.logs ?? []);
  const [pending, setPending] = useState<QueueRow[]>([]);
  const [rest, setRest] = useState<Rest | null>(null);
  const offset = useRef(0);
  const [liveStatus, setLiveStatus] = useState<LiveStatus>("connecting");
  const [current, setCurrent] = useState<number | null>(null);
  const [entry, setEntry] = useState<Entry>({ weight: "", reps: "", set_type: "normal", rpe: null });
  const [touched, setTouched] = useState(false);
  const [lastTime, setLastTime] = useState<Record<string, LogListOut[]>>({});
  const [pr, setPr] = useState<PR | null>(null);
  const [finishing, setFinishing] = useState(false);
  const [, setTick] = useState(0);
  const workout = useData(() => get<WorkoutOut>(`/api/workouts/${workoutId}/`), [workoutId]);
  const aliases = useRef(new Set([id]));

  // re-render four times a second for the clocks
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(t);
  }, []);

  // the queued sets of this session, shown as pending until the server has them
  useEffect(() => {
    let alive = true;
    const refresh = async () => {
      const database = await db();
      for (const row of await database.getAll("ids")) if (row.server === id) aliases.current.add(row.local);
      const rows = (await queue.pending()).filter((r) => r.op.kind === "log.create" && aliases.current.has(r.op.ref));
      if (alive) setPending(rows);
    };
    void refresh();
    const off = queue.on({
      changed: () => void refresh(),
      synced: (op, data) => {
        if (op.kind === "log.create" && aliases.current.has(op.ref)) addLog(data as LogOut);
        if (op.kind === "session.create" && op.localId === id) navigate(`/sessions/${data.id}`, { replace: true });
      },
      rejected: (op, detail) => {
        if (op.kind === "log.create" && aliases.current.has(op.ref)) toast(`A set could not be saved: ${detail}`, "bad");
      },
    });
    return () => {
      alive = false;
      off();
    };
  }, [id]);

  const addLog = (log: LogOut) =>
    setLogs((old) => (old.some((l) => l.id === log.id) ? old.map((l) => (l.id === log.id ? log : l)) : [...old, log]));

  // the live socket: snapshot on every (re)connection, then events
  useEffect(() => {
    if (isLocalId(id) || !token.value) return;
    const applyFields = (event: any) => {
      const serverNow = Date.parse(event.server_time) || Date.now() + offset.current;
      setFields({ status: event.status, start_time: event.start_time, end_time: event.end_time, paused_at: event.paused_at, paused_seconds: event.paused_seconds });
      setAnchor(
        typeof event.elapsed_seconds === "number"
          ? { elapsed: event.elapsed_seconds, at: mono(), running: event.status === "in_progress" && !event.paused_at }
          : anchorFromFields(event, serverNow, mono()),
      );
    };
    const socket = new LiveSocket({
      path: `/ws/sessions/${id}/`,
      token: token.value,
      onStatus: setLiveStatus,
      onMessage: (event) => {
        if (event.server_time) offset.current = clockOffset(event.server_time, Date.now());
        switch (event.type) {
          case "session.snapshot":
            applyFields(event);
            setLogs(event.logs);
            setRest(event.rest ? restFromEvent({ ...event.rest, server_time: event.server_time }) : null);
            break;
          case "session.started":
          case "session.paused":
          case "session.resumed":
            applyFields(event);
            if (event.type === "session.paused") setRest(null);
            break;
          case "session.completed":
          case "session.cancelled":
            applyFields(event);
            setRest(null);
            break;
          case "timer":
            setAnchor(anchorFromHeartbeat(event, mono()));
            break;
          case "set.logged":
          case "set.updated":
            addLog(event.log);
            break;
          case "set.deleted":
            setLogs((old) => old.filter((l) => l.id !== event.log.id));
            break;
          case "rest.started":
            setRest(restFromEvent(event));
            break;
          case "record.new":
            if (event.old != null) {
              setPr({ exercise: event.exercise?.name ?? "", text: `${RECORD_NAMES[event.record] ?? "Record"}: ${Math.round(event.new * 10) / 10}${event.record === "most_reps" ? " reps" : " kg"}`, key: Date.now() });
            }
            break;
        }
      },
    });
    return () => socket.close();
  }, [id]);

  // the workout could not load (the server was unreachable): try again once the socket is back
  useEffect(() => {
    if (liveStatus === "live" && !workout.data) workout.reload();
  }, [liveStatus]);

  useEffect(() => {
    if (!pr) return;
    const t = setTimeout(() => setPr(null), 4500);
    return () => clearTimeout(t);
  }, [pr]);

  const items: WorkoutExerciseOut[] = workout.data?.exercises ?? [];
  const pendingSets: SetLike[] = pending.map((row) => {
    const body = row.op.body as any;
    const item = items.find((i) => i.exercise.id === body.exercise);
    return { ...body, exercise: { id: body.exercise, name: item?.exercise.name ?? "Exercise" }, pending: true };
  });
  const allSets: SetLike[] = [...logs.filter((l) => !pendingSets.some((p) => p.client_id && p.client_id === l.client_id)), ...pendingSets];
  const setsFor = (exerciseId: string) => allSets.filter((s) => s.exercise.id === exerciseId).sort((a, b) => a.set_number - b.set_number);

  // which exercise is up: the first whose target sets are not all done
  const index = useMemo(() => {
    if (current !== null) return current;
    const next = items.findIndex((i) => setsFor(i.exercise.id).length < (i.target_sets ?? 3));
    return next === -1 ? Math.max(0, items.length - 1) : next;
  }, [current, items.length, allSets.length]);
  const item = items[index];
  const done = item ? setsFor(item.exercise.id) : [];
  const setNumber = done.length + 1;

  // "last time's numbers" for the current exercise
  useEffect(() => {
    if (!item || lastTime[item.exercise.id]) return;
    const exerciseId = item.exercise.id;
    get<Page<LogListOut>>(`/api/exercise-logs/?exercise=${exerciseId}&page_size=50`).then(
      (page) => {
        const earlier = page.results.filter((l) => !aliases.current.has(l.workout_session) && l.workout_session !== id);
        const sessionId = earlier[0]?.workout_session;
        setLastTime((old) => ({ ...old, [exerciseId]: earlier.filter((l) => l.workout_session === sessionId).sort((a, b) => a.set_number - b.set_number) }));
      },
      () => setLastTime((old) => ({ ...old, [exerciseId]: [] })),
    );
  }, [item?.exercise.id]);

  const previous = item ? lastTime[item.exercise.id] ?? [] : [];
  const lastTimeSet = previous.find((s) => s.set_number === setNumber) ?? previous[previous.length - 1];

  // prefill: this session's previous set, else last time's, else the targets
  useEffect(() => {
    if (!item || touched) return;
    const before = done[done.length - 1];
    const weight = before?.weight ?? lastTimeSet?.weight ?? item.target_weight ?? null;
    const reps = before?.reps ?? lastTimeSet?.reps ?? item.target_reps_max ?? item.target_reps_min ?? null;
    setEntry((e) => ({ ...e, weight: weight == null ? "" : String(weight), reps: reps == null ? "" : String(reps) }));
  }, [item?.exercise.id, setNumber, lastTimeSet?.id, touched]);

  const now = Date.now() + offset.current;
  const elapsed = elapsedAt(anchor, mono());
  const restState = restRemaining(rest, now);
  const paused = !!fields.paused_at;
  const running = fields.status === "in_progress";

  function change(patch: Partial<Entry>) {
    setTouched(true);
    setEntry((e) => ({ ...e, ...patch }));
  }
  function step(key: "weight" | "reps", delta: number) {
    const value = Math.max(0, (parseFloat(entry[key]) || 0) + delta);
    change({ [key]: String(Math.round(value * 100) / 100) });
  }

  async function logSet() {
    if (!item) return;
    const weight = entry.weight.trim() === "" ? null : Number(entry.weight);
    const reps = entry.reps.trim() === "" ? null : Number(entry.reps);
    if (weight == null && reps == null) return toast("Enter reps or weight first", "bad");
    const body = {
      client_id: uuid(),
      exercise: item.exercise.id,
      set_number: setNumber,
      set_type: entry.set_type,
      weight,
      reps,
      rpe: entry.rpe,
      completed_at: new Date().toISOString(),
    };
    const op = { kind: "log.create" as const, ref: id, body };
    setPending((rows) => [...rows, { op, createdAt: Date.now(), attempts: 0 }]); // shown at once
    setTouched(false);
    await enqueue(op);
    // rest starts at once on this device; the server's rest.started replaces it when it comes
    setRest({ endsAt: Date.now() + offset.current + (item.rest_seconds ?? 60) * 1000, total: item.rest_seconds ?? 60 });
    setEntry((e) => ({ ...e, set_type: "normal", rpe: null }));
    // supersets: go on to the next exercise of the group
    if (item.superset_group) {
      const group = items.map((it, i) => [it, i] as const).filter(([it]) => it.superset_group === item.superset_group);
      const position = group.findIndex(([, i]) => i === index);
      const [, nextIndex] = group[(position + 1) % group.length];
      setCurrent(nextIndex);
    } else if (setNumber >= (item.target_sets ?? 3) && index < items.length - 1) {
      setCurrent(index + 1);
    }
  }

  async function action(name: SessionAction, body?: Record<string, unknown>) {
    const stamp = new Date(Date.now() + offset.current).toISOString();
    if (name === "pause") {
      setFields({ ...fields, paused_at: stamp });
      setAnchor({ elapsed, at: mono(), running: false });
      setRest(null);
    } else if (name === "resume") {
      setAnchor({ elapsed, at: mono(), running: true });
      const pausedFor = fields.paused_at ? (Date.now() + offset.current - Date.parse(fields.paused_at)) / 1000 : 0;
      setFields({ ...fields, paused_at: null, paused_seconds: (fields.paused_seconds ?? 0) + pausedFor });
    }
    if (local) {
      const status = name === "complete" ? "completed" : name === "cancel" ? "cancelled" : local.status;
      const updated = { ...local, status, paused_at: name === "pause" ? stamp : null, paused_seconds: fields.paused_seconds ?? 0 };
      await saveLocalSession(updated);
    }
    await enqueue({ kind: "session.action", ref: id, action: name, body });
  }

  async function finish(rating: number | null, notes: string) {
    await action("complete", { rating, notes: notes || null });
    setFinishing(false);
    if (!offline.value) await sync();
    toast(offline.value ? "Workout saved — it will sync when you are back online" : "Workout complete. Nice work!");
    navigate("/history", { replace: true });
  }

  const status: [string, string] = !running
    ? [label(fields.status), ""]
    : paused
      ? ["Paused", ""]
      : isLocalId(id)
        ? ["Offline", ""]
        : liveStatus === "live"
          ? ["Live", "live"]
          : offline.value
            ? ["Offline", ""]
            : ["Connecting", ""];

  return (
    <>
      <TopBar
        title={workoutName}
        backTo="/"
        right={<span class={`dot ${status[1]}`} data-testid="live-status">{status[0]}</span>}
      />
      <div class="session" data-testid="session-screen">
        <div class={`clock ${paused ? "paused" : ""}`}>
          <div class="elapsed" data-testid="elapsed">{formatClock(elapsed)}</div>
          <div class="state">
            {paused ? "Paused" : running ? "Elapsed" : label(fields.status)}
            {pending.length > 0 && <span class="badge warn" data-testid="pending-count">{pending.length} pending</span>}
          </div>
        </div>

        {rest && running && !paused && (
          <div class={`card rest ${restState.done ? "done" : ""}`} data-testid="rest">
            <Ring fraction={restState.fraction}>{restState.done ? <Icon name="check" /> : formatClock(restState.seconds)}</Ring>
            <div class="grow stack tight">
              <strong>{restState.done ? "Rest over — next set" : "Resting"}</strong>
              <span class="small muted">{item ? `Up next: ${item.exercise.name}, set ${setNumber}` : ""}</span>
              <div class="row" style="gap:8px;margin-top:4px">
                <button class="btn sm ghost" onClick={() => setRest({ ...rest, endsAt: rest.endsAt + 15000, total: rest.total + 15 })}>+15s</button>
                <button class="btn sm ghost" onClick={() => setRest(null)}>Skip</button>
              </div>
            </div>
          </div>
        )}

        {workout.loading && !workout.data ? (
          <Loading rows={2} />
        ) : items.length === 0 ? (
          <p class="muted center">{workout.error ? errorText(workout.error) : "This workout has no exercises."}</p>
        ) : (
          <>
            <div class="exercise-pills" role="tablist" aria-label="Exercises" style="margin-top:14px">
              {items.map((it, i) => {
                const n = setsFor(it.exercise.id).length;
                const target = it.target_sets ?? 3;
                return (
                  <button key={i} role="tab" aria-selected={i === index} class={`pill ${i === index ? "on" : ""} ${n >= target ? "done" : ""}`} onClick={() => { setCurrent(i); setTouched(false); }}>
                    {it.superset_group && <span class="superset-tag">{it.superset_group}</span>}
                    {it.exercise.name}
                    <span class="count">{n}/{target}</span>
                  </button>
                );
              })}
            </div>

            {item && (
              <div class="card stack" data-testid="current-exercise">
                <div class="spread">
                  <div class="stack tight grow">
                    <h2 class="ellipsis">{item.exercise.name}</h2>
                    <span class="small muted">
                      Target {targetText(item)}
                      {lastTimeSet ? ` · last time ${lastTimeSet.weight != null ? kg(lastTimeSet.weight) + " × " : ""}${lastTimeSet.reps ?? ""}` : ""}
                    </span>
                  </div>
                  <span class="badge accent">Set {setNumber}</span>
                </div>
                {done.length > 0 && <SetRows sets={done} />}
                <div class="entry">
                  <div class="stepper">
                    <button aria-label="Less weight" onClick={() => step("weight", -2.5)}>−</button>
                    <label class="val">
                      <span class="cap">Weight · kg</span>
                      <input aria-label="Weight" inputMode="decimal" type="number" step="0.5" value={entry.weight} onInput={(e) => change({ weight: (e.target as HTMLInputElement).value })} />
                    </label>
                    <button aria-label="More weight" onClick={() => step("weight", 2.5)}>+</button>
                  </div>
                  <div class="stepper">
                    <button aria-label="Fewer reps" onClick={() => step("reps", -1)}>−</button>
                    <label class="val">
                      <span class="cap">Reps</span>
                      <input aria-label="Reps" inputMode="numeric" type="number" step="1" value={entry.reps} onInput={(e) => change({ reps: (e.target as HTMLInputElement).value })} />
                    </label>
                    <button aria-label="More reps" onClick={() => step("reps", 1)}>+</button>
                  </div>
                </div>
                <div class="segmented" role="group" aria-label="Set type">
                  {SET_TYPES.map(([value, text]) => (
                    <button key={value} class={entry.set_type === value ? "on" : ""} onClick={() => change({ set_type: value })}>{text}</button>
                  ))}
                </div>
                <div class="stack tight">
                  <span class="small muted" style="font-weight:600">RPE</span>
                  <div class="rpe" role="group" aria-label="RPE">
                    {RPES.map((value) => (
                      <button key={value} class={entry.rpe === value ? "on" : ""} onClick={() => change({ rpe: entry.rpe === value ? null : value })}>{value}</button>
                    ))}
                  </div>
                </div>
              </div>
            )}

            {allSets.some((s) => s.exercise.id !== item?.exercise.id) && (
              <>
                <div class="section-title">Logged this session</div>
                <SessionSets logs={allSets.filter((s) => s.exercise.id !== item?.exercise.id)} />
              </>
            )}
          </>
        )}
      </div>

      {running && (
        <div class="dock">
          <div class="inner">
            <button class="btn" aria-label={paused ? "Resume" : "Pause"} onClick={() => action(paused ? "resume" : "pause")}>
              <Icon name={paused ? "play" : "pause"} />
            </button>
            <button class="btn primary xl" onClick={logSet} disabled={!item || paused} data-testid="log-set">
              <Icon name="check" /> Log set {item ? setNumber : ""}
            </button>
            <button class="btn good" aria-label="Finish workout" onClick={() => setFinishing(true)}>
              <Icon name="trophy" />
            </button>
          </div>
        </div>
      )}

      {pr && (
        <div class="pr-badge" key={pr.key} role="status" data-testid="pr-badge">
          <span class="medal"><Icon name="trophy" /></span>
          <div>
            <strong>New personal record!</strong>
            <span>{pr.exercise} · {pr.text}</span>
          </div>
        </div>
      )}

      <FinishSheet open={finishing} onClose={() => setFinishing(false)} onFinish={finish} sets={allSets.length} elapsed={elapsed} />
    </>
  );
}

function FinishSheet(props: { open: boolean; onClose(): void; onFinish(rating: number | null, notes: string): Promise<void>; sets: number; elapsed: number }) {
  const [rating, setRating] = useState<number | null>(null);
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <Sheet open={props.open} onClose={props.onClose} label="Finish workout">
      <div class="stack loose">
        <div class="center stack tight">
          <h2>Finish workout?</h2>
          <p class="muted">{props.sets} sets · {formatClock(props.elapsed)}</p>
        </div>
        <div class="stack tight">
          <span class="center small muted" style="font-weight:600">How did it go?</span>
          <div class="stars" role="radiogroup" aria-label="Rating">
            {[1, 2, 3, 4, 5].map((n) => (
              <button key={n} role="radio" aria-checked={rating === n} aria-label={`${n} star${n > 1 ? "s" : ""}`} class={rating && n <= rating ? "on" : ""} onClick={() => setRating(n)}>
                <Icon name="star" />
              </button>
            ))}
          </div>
        </div>
        <label class="field">
          <span>Notes</span>
          <textarea class="input" placeholder="Felt strong, bump the weight next time…" value={notes} onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button class="btn good block xl" disabled={busy} data-testid="complete-session"
          onClick={async () => { setBusy(true); try { await props.onFinish(rating, notes); } finally { setBusy(false); } }}>
          <Icon name="check" /> Complete workout
        </button>
        <button class="btn ghost block" onClick={props.onClose}>Keep training</button>
      </div>
    </Sheet>
  );
}
