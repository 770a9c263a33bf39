import { useEffect, useState } from "preact/hooks";
import { api, errorText, get } from "../api/client";
import type { ExerciseCategory, ExerciseIn, ExerciseListOut, ExerciseOut, MuscleGroup, Difficulty, Page, PersonalRecordOut } from "../api/types";
import { navigate } from "../lib/router";
import { Icon } from "../ui/icons";
import { Empty, Loading, NetworkBanner, PageHead, TopBar, kg, label, toast, useData } from "../ui/kit";

export const CATEGORIES: ExerciseCategory[] = [
  "strength", "cardio", "flexibility", "balance", "plyometrics", "powerlifting", "olympic_weightlifting", "calisthenics", "sports",
];
export const MUSCLES: MuscleGroup[] = ["chest", "back", "shoulders", "arms", "legs", "core", "glutes", "cardio"];
export const LEVELS: Difficulty[] = ["beginner", "intermediate", "advanced", "expert"];
const EQUIPMENT = ["barbell", "dumbbell", "bodyweight", "machine", "cable", "kettlebell", "band"];

interface Filters {
  search: string;
  category?: string;
  muscle_group?: string;
  difficulty?: string;
  equipment?: string;
  custom_only?: boolean;
}

export function query(filters: Filters, page: number, size = 30): string {
  const params = new URLSearchParams({ page: String(page), page_size: String(size) });
  if (filters.search.trim()) params.set("search", filters.search.trim());
  for (const key of ["category", "muscle_group", "difficulty", "equipment"] as const) if (filters[key]) params.set(key, filters[key]!);
  if (filters.custom_only) params.set("custom_only", "true");
  return `/api/exercises/?${params}`;
}

function useDebounced<T>(value: T, ms = 250): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(t);
  }, [value]);
  return current;
}

/** The searchable, filterable library; `onPick` turns rows into buttons (for the workout editor). */
export function ExerciseBrowser({ onPick }: { onPick?: (e: ExerciseListOut) => void }) {
  const [filters, setFilters] = useState<Filters>({ search: "" });
  const [items, setItems] = useState<ExerciseListOut[]>([]);
  const [count, setCount] = useState<number | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState("");
  const debounced = useDebounced(filters);
  const key = JSON.stringify(debounced);

  useEffect(() => {
    let alive = true;
    setError("");
    get<Page<ExerciseListOut>>(query(debounced, page)).then(
      (data) => {
        if (!alive) return;
        setItems((old) => (page === 1 ? data.results : [...old, ...data.results]));
        setCount(data.count);
      },
      (err) => alive && setError(errorText(err)),
    );
    return () => {
      alive = false;
    };
  }, [key, page]);
  useEffect(() => setPage(1), [key]);

  const toggle = (field: keyof Filters, value: string) =>
    setFilters({ ...filters, [field]: filters[field] === value ? undefined : value });

  return (
    <div class="stack">
      <label class="search">
        <Icon name="search" />
        <input
          class="input"
          type="search"
          placeholder="Search 240+ exercises"
          aria-label="Search exercises"
          value={filters.search}
          onInput={(e) => setFilters({ ...filters, search: (e.target as HTMLInputElement).value })}
        />
      </label>
      <div class="chips" role="group" aria-label="Muscle group">
        <button class={`chip ${filters.custom_only ? "on" : ""}`} onClick={() => setFilters({ ...filters, custom_only: !filters.custom_only })}>
          Custom
        </button>
        {MUSCLES.map((m) => (
          <button key={m} class={`chip ${filters.muscle_group === m ? "on" : ""}`} onClick={() => toggle("muscle_group", m)}>
            {label(m)}
          </button>
        ))}
      </div>
      <div class="chips" role="group" aria-label="Category">
        {CATEGORIES.map((c) => (
          <button key={c} class={`chip ${filters.category === c ? "on" : ""}`} onClick={() => toggle("category", c)}>
            {label(c)}
          </button>
        ))}
      </div>
      <div class="row">
        <select class="input" aria-label="Difficulty" value={filters.difficulty ?? ""} onChange={(e) => setFilters({ ...filters, difficulty: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="">Any level</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>{label(l)}</option>
          ))}
        </select>
        <select class="input" aria-label="Equipment" value={filters.equipment ?? ""} onChange={(e) => setFilters({ ...filters, equipment: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="">Any equipment</option>
          {EQUIPMENT.map((l) => (
            <option key={l} value={l}>{label(l)}</option>
          ))}
        </select>
      </div>
      {error && items.length === 0 ? (
        <div class="card">
          <Empty icon="offline" title="Can’t load exercises">
            <p>{error}</p>
          </Empty>
        </div>
      ) : count === null ? (
        <Loading rows={5} />
      ) : items.length === 0 ? (
        <div class="card">
          <Empty icon="search" title="No exercises match">
            <p>Try fewer filters, or create your own exercise.</p>
          </Empty>
        </div>
      ) : (
        <div class="card flush list" data-testid="exercise-list">
          {items.map((e) => {
            const body = (
              <>
                <span class="avatar">{e.name.slice(0, 1)}</span>
                <div class="grow">
                  <div style="font-weight:650" class="ellipsis">{e.name}</div>
                  <div class="small muted ellipsis">
                    {label(e.category)} · {e.primary_muscles.map(label).join(", ") || "Full body"}
                    {e.equipment_needed.length ? ` · ${e.equipment_needed.join(", ")}` : ""}
                  </div>
                </div>
                {e.is_custom && <span class="badge accent">Custom</span>}
                {onPick ? <Icon name="plus" class="chev" /> : <Icon name="chevron" class="chev" />}
              </>
            );
            return onPick ? (
              <button key={e.id} class="list-item" onClick={() => onPick(e)} data-testid="pick-exercise">
                {body}
              </button>
            ) : (
              <a key={e.id} class="list-item" href={`/exercises/${e.id}`}>
                {body}
              </a>
            );
          })}
        </div>
      )}
      {count !== null && items.length < count && (
        <button class="btn ghost block" onClick={() => setPage(page + 1)}>
          Show more ({count - items.length})
        </button>
      )}
    </div>
  );
}

export function ExercisesPage() {
  return (
    <div class="page">
      <PageHead eyebrow="Library" title="Exercises" action={<a class="btn primary sm" href="/exercises/new"><Icon name="plus" />Custom</a>} />
      <NetworkBanner />
      <ExerciseBrowser />
    </div>
  );
}

export function ExercisePage({ id }: { id: string }) {
  const exercise = useData(() => get<ExerciseOut>(`/api/exercises/${id}/`), [id]);
  const records = useData(() => get<PersonalRecordOut[]>(`/api/exercise-logs/personal_records/?exercise=${id}`), [id]);
  const e = exercise.data;
  const pr = records.data?.[0];
  return (
    <>
      <TopBar title={e?.name ?? "Exercise"} backTo="/exercises" />
      <div class="page">
        {!e ? (
          exercise.error ? <p class="error-text">{errorText(exercise.error)}</p> : <Loading />
        ) : (
          <div class="stack loose">
            <div class="stack tight">
              <h1>{e.name}</h1>
              <div class="row wrap">
                <span class="badge accent">{label(e.category)}</span>
                <span class="badge">{label(e.difficulty_level)}</span>
                {e.primary_muscles.map((m) => <span key={m} class="badge info">{label(m)}</span>)}
                {e.is_custom && <span class="badge warn">Custom</span>}
              </div>
            </div>
            {e.description && <p class="muted">{e.description}</p>}
            {pr && (
              <div class="grid two">
                <div class="card stat"><div class="value">{kg(pr.best_e1rm?.value)}</div><div class="label">Best e1RM</div></div>
                <div class="card stat"><div class="value">{kg(pr.heaviest_weight?.value)}</div><div class="label">Heaviest</div></div>
              </div>
            )}
            <a class="btn ghost block" href={`/progress/${e.id}`}><Icon name="chart" /> Progress & records</a>
            {e.equipment_needed.length > 0 && (
              <div class="stack tight"><h3>Equipment</h3><p class="muted">{e.equipment_needed.join(", ")}</p></div>
            )}
            {e.instructions.length > 0 && (
              <div class="stack tight">
                <h3>How to</h3>
                <ol class="muted" style="margin:0;padding-left:20px;display:flex;flex-direction:column;gap:6px">
                  {e.instructions.map((step, i) => <li key={i}>{step}</li>)}
                </ol>
              </div>
            )}
          </div>
        )}
      </div>
    </>
  );
}

export function ExerciseEditor() {
  const [form, setForm] = useState<ExerciseIn>({ name: "", category: "strength", difficulty_level: "beginner", primary_muscles: [], equipment_needed: [], is_public: false });
  const [error, setError] = useState("");
  async function save(e: Event) {
    e.preventDefault();
    try {
      const created = await api<ExerciseOut>("POST", "/api/exercises/", form);
      toast(`${created.name} created`);
      navigate(`/exercises/${created.id}`, { replace: true });
    } catch (err) {
      setError(errorText(err));
    }
  }
  const muscles = form.primary_muscles ?? [];
  return (
    <>
      <TopBar title="New exercise" backTo="/exercises" />
      <form class="page stack loose" onSubmit={save}>
        <label class="field">
          <span>Name</span>
          <input class="input" required value={form.name} onInput={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} />
        </label>
        <label class="field">
          <span>Category</span>
          <select class="input" value={form.category} onChange={(e) => setForm({ ...form, category: (e.target as HTMLSelectElement).value as ExerciseCategory })}>
            {CATEGORIES.map((c) => <option key={c} value={c}>{label(c)}</option>)}
          </select>
        </label>
        <div class="field">
          <span>Primary muscles</span>
          <div class="row wrap">
            {MUSCLES.map((m) => (
              <button type="button" key={m} class={`chip ${muscles.includes(m) ? "on" : ""}`}
                onClick={() => setForm({ ...form, primary_muscles: muscles.includes(m) ? muscles.filter((x) => x !== m) : [...muscles, m] })}>
                {label(m)}
              </button>
            ))}
          </div>
        </div>
        <label class="field">
          <span>Equipment (comma separated)</span>
          <input class="input" value={(form.equipment_needed ?? []).join(", ")}
            onInput={(e) => setForm({ ...form, equipment_needed: (e.target as HTMLInputElement).value.split(",").map((s) => s.trim()).filter(Boolean) })} />
        </label>
        <label class="field">
          <span>Description</span>
          <textarea class="input" value={form.description ?? ""} onInput={(e) => setForm({ ...form, description: (e.target as HTMLTextAreaElement).value })} />
        </label>
        {error && <p class="error-text">{error}</p>}
        <button class="btn primary block xl" type="submit">Create exercise</button>
      </form>
    </>
  );
}
