import { useEffect, useState } from "preact/hooks";
import { api, errorText, get } from "../api/client";
import type { Difficulty, WorkoutExerciseIn, WorkoutIn, WorkoutOut, ExerciseListOut } from "../api/types";
import { navigate } from "../lib/router";
import { startSession } from "../lib/sessions";
import { Icon } from "../ui/icons";
import { Loading, Sheet, TopBar, label, toast, useData, kg } from "../ui/kit";
import { ExerciseBrowser, LEVELS } from "./exercises";
import { myUserId } from "./home";

export function targetText(item: {
  target_sets?: number | null;
  target_reps_min?: number | null;
  target_reps_max?: number | null;
  target_weight?: number | null;
  target_duration_seconds?: number | null;
}): string {
  const parts: string[] = [];
  const reps =
    item.target_reps_min && item.target_reps_max && item.target_reps_min !== item.target_reps_max
      ? `${item.target_reps_min}–${item.target_reps_max}`
      : String(item.target_reps_max ?? item.target_reps_min ?? "");
  if (item.target_sets) parts.push(reps ? `${item.target_sets} × ${reps}` : `${item.target_sets} sets`);
  else if (reps) parts.push(`${reps} reps`);
  if (item.target_weight) parts.push(`@ ${kg(item.target_weight)}`);
  if (item.target_duration_seconds) parts.push(`${item.target_duration_seconds}s`);
  return parts.join(" ") || "No target";
}

export function WorkoutPage({ id }: { id: string }) {
  const workout = useData(() => get<WorkoutOut>(`/api/workouts/${id}/`), [id]);
  const w = workout.data;
  const mine = w && w.created_by_user_id === myUserId();
  const [busy, setBusy] = useState(false);

  async function act(fn: () => Promise<void>) {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      toast(errorText(err), "bad");
    } finally {
      setBusy(false);
    }
  }
  const groups = new Map<string, number>();
  return (
    <>
      <TopBar
        title={w?.name ?? "Workout"}
        backTo="/"
        right={mine && <a class="icon-btn" href={`/workouts/${id}/edit`} aria-label="Edit workout"><Icon name="edit" /></a>}
      />
      <div class="page stack loose">
        {!w ? (
          workout.error ? <p class="error-text">{errorText(workout.error)}</p> : <Loading />
        ) : (
          <>
            <div class="stack tight">
              <h1>{w.name}</h1>
              <div class="row wrap">
                {w.difficulty_level && <span class="badge accent">{label(w.difficulty_level)}</span>}
                {w.estimated_duration_minutes ? <span class="badge">~{w.estimated_duration_minutes} min</span> : null}
                {w.is_public && <span class="badge info">Public</span>}
                {w.tags.map((t) => <span key={t} class="badge">#{t}</span>)}
              </div>
              {w.description && <p class="muted" style="margin-top:6px">{w.description}</p>}
            </div>
            <div class="card flush list">
              {w.exercises.map((item, i) => {
                const group = item.superset_group;
                if (group && !groups.has(group)) groups.set(group, groups.size);
                return (
                  <a key={i} class="list-item" href={`/exercises/${item.exercise.id}`}>
                    <span class="avatar">{i + 1}</span>
                    <div class="grow">
                      <div class="row" style="gap:8px">
                        <strong class="ellipsis">{item.exercise.name}</strong>
                        {group && <span class="superset-tag">Superset {group}</span>}
                      </div>
                      <div class="small muted">
                        {targetText(item)} · rest {item.rest_seconds ?? 60}s
                      </div>
                    </div>
                    <Icon name="chevron" class="chev" />
                  </a>
                );
              })}
            </div>
            <div class="stack">
              {mine ? (
                <button class="btn primary block xl" disabled={busy} onClick={() => act(() => startSession({ id: w.id, name: w.name }))}>
                  <Icon name="play" /> Start workout
                </button>
              ) : (
                <button class="btn primary block xl" disabled={busy}
                  onClick={() => act(async () => {
                    const copy = await api<WorkoutOut>("POST", `/api/workouts/${w.id}/clone/`);
                    toast("Cloned into your workouts");
                    navigate(`/workouts/${copy.id}`);
                  })}>
                  <Icon name="copy" /> Clone to my workouts
                </button>
              )}
              {mine && (
                <button class="btn danger block" disabled={busy}
                  onClick={() => confirm("Delete this workout?") && act(async () => {
                    await api("DELETE", `/api/workouts/${w.id}/`);
                    toast("Workout deleted");
                    navigate("/", { replace: true });
                  })}>
                  <Icon name="trash" /> Delete
                </button>
              )}
            </div>
          </>
        )}
      </div>
    </>
  );
}

interface Row extends WorkoutExerciseIn {
  name: string;
  key: number;
}
let rowKey = 0;

const numberOrNull = (value: string) => (value.trim() === "" ? null : Number(value));

export function WorkoutEditor({ id }: { id?: string }) {
  const [form, setForm] = useState({ name: "", description: "", difficulty_level: "" as Difficulty | "", tags: "", is_public: false });
  const [rows, setRows] = useState<Row[]>([]);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState("");
  const [saving, setSaving] = useState(false);
  const [loaded, setLoaded] = useState(!id);

  useEffect(() => {
    if (!id) return;
    get<WorkoutOut>(`/api/workouts/${id}/`).then((w) => {
      setForm({ name: w.name, description: w.description ?? "", difficulty_level: w.difficulty_level ?? "", tags: w.tags.join(", "), is_public: w.is_public });
      setRows(
        w.exercises.map((e) => ({
          key: ++rowKey,
          name: e.exercise.name,
          exercise: e.exercise.id,
          order: e.order,
          target_sets: e.target_sets,
          target_reps_min: e.target_reps_min,
          target_reps_max: e.target_reps_max,
          target_weight: e.target_weight,
          target_duration_seconds: e.target_duration_seconds,
          rest_seconds: e.rest_seconds ?? 60,
          superset_group: e.superset_group,
          notes: e.notes,
        })),
      );
      setLoaded(true);
    }, (err) => setError(errorText(err)));
  }, [id]);

  const update = (key: number, changes: Partial<Row>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...changes } : r)));
  const move = (index: number, delta: number) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    next.splice(index + delta, 0, row);
    setRows(next);
  };
  const pick = (e: ExerciseListOut) => {
    setRows([...rows, { key: ++rowKey, name: e.name, exercise: e.id, order: rows.length + 1, target_sets: 3, target_reps_min: 8, target_reps_max: 10, target_weight: null, rest_seconds: 90, superset_group: null }]);
    setPicking(false);
  };

  async function save(e: Event) {
    e.preventDefault();
    setSaving(true);
    setError("");
    const body: WorkoutIn = {
      name: form.name,
      description: form.description || null,
      difficulty_level: (form.difficulty_level || null) as Difficulty | null,
      tags: form.tags.split(",").map((t) => t.trim()).filter(Boolean),
      is_public: form.is_public,
      is_template: true,
      exercises: rows.map(({ key: _k, name: _n, ...rest }, i) => ({ ...rest, order: i + 1 })),
    };
    try {
      const saved = await api<WorkoutOut>(id ? "PUT" : "POST", id ? `/api/workouts/${id}/` : "/api/workouts/", body);
      toast(id ? "Workout saved" : "Workout created");
      navigate(`/workouts/${saved.id}`, { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  }

  const field = (row: Row, key: keyof Row, caption: string, step = "1") => (
    <label>
      <span>{caption}</span>
      <input class="input mono" inputMode="decimal" type="number" step={step} min="0" aria-label={`${row.name} ${caption}`}
        value={(row[key] as number | null) ?? ""}
        onInput={(e) => update(row.key, { [key]: numberOrNull((e.target as HTMLInputElement).value) } as Partial<Row>)} />
    </label>
  );

  if (!loaded) return (<><TopBar title="Edit workout" backTo="/" /><div class="page"><Loading /></div></>);
  return (
    <>
      <TopBar title={id ? "Edit workout" : "New workout"} backTo={id ? `/workouts/${id}` : "/"} />
      <form class="page stack loose" onSubmit={save}>
        <label class="field">
          <span>Name</span>
          <input class="input" name="name" required placeholder="Push day" value={form.name} onInput={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} />
        </label>
        <div class="grid two">
          <label class="field">
            <span>Level</span>
            <select class="input" value={form.difficulty_level} onChange={(e) => setForm({ ...form, difficulty_level: (e.target as HTMLSelectElement).value as Difficulty })}>
              <option value="">—</option>
              {LEVELS.map((l) => <option key={l} value={l}>{label(l)}</option>)}
            </select>
          </label>
          <label class="field">
            <span>Tags</span>
            <input class="input" placeholder="push, upper" value={form.tags} onInput={(e) => setForm({ ...form, tags: (e.target as HTMLInputElement).value })} />
          </label>
        </div>
        <label class="field">
          <span>Notes</span>
          <textarea class="input" value={form.description} onInput={(e) => setForm({ ...form, description: (e.target as HTMLTextAreaElement).value })} />
        </label>
        <label class="row" style="cursor:pointer">
          <input type="checkbox" checked={form.is_public} onChange={(e) => setForm({ ...form, is_public: (e.target as HTMLInputElement).checked })} style="width:22px;height:22px;accent-color:var(--accent)" />
          <span>Share publicly (others can clone it)</span>
        </label>
        <div>
          <div class="section-title" style="margin-top:0">Exercises</div>
          <div class="card flush">
            {rows.length === 0 && <p class="muted center" style="padding:20px">Add the exercises of this workout.</p>}
            {rows.map((row, i) => (
              <div key={row.key} class="we-row" data-testid="workout-row">
                <div class="row">
                  <span class="avatar" style="width:32px;height:32px;font-size:13px">{i + 1}</span>
                  <strong class="grow ellipsis">{row.name}</strong>
                  <button type="button" class="icon-btn" aria-label="Move up" disabled={i === 0} onClick={() => move(i, -1)}><Icon name="up" /></button>
                  <button type="button" class="icon-btn" aria-label="Move down" disabled={i === rows.length - 1} onClick={() => move(i, 1)}><Icon name="down" /></button>
                  <button type="button" class="icon-btn" aria-label="Remove" onClick={() => setRows(rows.filter((r) => r.key !== row.key))}><Icon name="close" /></button>
                </div>
                <div class="we-fields">
                  {field(row, "target_sets", "Sets")}
                  {field(row, "target_reps_min", "Reps min")}
                  {field(row, "target_reps_max", "Reps max")}
                  {field(row, "target_weight", "Kg", "0.5")}
                </div>
                <div class="we-fields">
                  {field(row, "rest_seconds", "Rest s", "5")}
                  <label style="grid-column: span 3">
                    <span>Superset</span>
                    <div class="segmented" style="padding:3px">
                      {["", "A", "B", "C"].map((g) => (
                        <button type="button" key={g} class={(row.superset_group ?? "") === g ? "on" : ""} onClick={() => update(row.key, { superset_group: g || null })}>
                          {g || "None"}
                        </button>
                      ))}
                    </div>
                  </label>
                </div>
              </div>
            ))}
          </div>
          <button type="button" class="btn ghost block" style="margin-top:12px" onClick={() => setPicking(true)}>
            <Icon name="plus" /> Add exercise
          </button>
        </div>
        {error && <p class="error-text" role="alert">{error}</p>}
        <button class="btn primary block xl" type="submit" disabled={saving}>
          {id ? "Save workout" : "Create workout"}
        </button>
      </form>
      <Sheet open={picking} onClose={() => setPicking(false)} label="Add exercise">
        <div class="spread" style="margin-bottom:12px"><h2>Add exercise</h2><button class="icon-btn" onClick={() => setPicking(false)} aria-label="Close"><Icon name="close" /></button></div>
        <ExerciseBrowser onPick={pick} />
      </Sheet>
    </>
  );
}
