// Sets grouped by exercise, as history and the coach's view show them.
import type { LogOut } from "../api/types";
import { Icon } from "../ui/icons";
import { label } from "../ui/kit";

export interface SetLike {
  id?: string;
  client_id?: string | null;
  exercise: { id: string; name: string };
  set_number: number;
  set_type?: string | null;
  reps?: number | null;
  weight?: number | null;
  rpe?: number | null;
  duration_seconds?: number | null;
  pending?: boolean;
}

export function setText(s: SetLike) {
  if (s.weight != null && s.reps != null)
    return (
      <>
        {fmt(s.weight)}<span class="x">kg ×</span>{s.reps}
      </>
    );
  if (s.reps != null) return <>{s.reps} reps</>;
  if (s.duration_seconds != null) return <>{s.duration_seconds}s</>;
  if (s.weight != null) return <>{fmt(s.weight)} kg</>;
  return <>—</>;
}
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function groupByExercise<T extends SetLike>(logs: T[]): { exercise: { id: string; name: string }; sets: T[] }[] {
  const groups = new Map<string, { exercise: { id: string; name: string }; sets: T[] }>();
  for (const log of logs) {
    const group = groups.get(log.exercise.id) ?? { exercise: log.exercise, sets: [] };
    group.sets.push(log);
    groups.set(log.exercise.id, group);
  }
  for (const g of groups.values()) g.sets.sort((a, b) => a.set_number - b.set_number);
  return [...groups.values()];
}

export function SetRows({ sets, flashId }: { sets: SetLike[]; flashId?: string | null }) {
  return (
    <div class="sets">
      {sets.map((s) => (
        <div key={s.id ?? s.client_id} class={`set-row ${s.pending ? "pending" : "logged"} ${flashId && flashId === s.id ? "flash" : ""}`} data-testid={s.pending ? "pending-set" : "logged-set"}>
          <span class="set-no">{s.set_number}</span>
          <span class="set-main">{setText(s)}</span>
          <span class="row" style="gap:6px">
            {s.set_type && s.set_type !== "normal" && <span class="badge">{label(s.set_type)}</span>}
            {s.rpe != null && <span class="badge info">RPE {s.rpe}</span>}
            {s.pending ? (
              <span class="badge warn"><Icon name="clock" class="" />Pending</span>
            ) : (
              <Icon name="check" class="ok" />
            )}
          </span>
        </div>
      ))}
    </div>
  );
}

export function SessionSets({ logs, flashId, linkProgress }: { logs: LogOut[] | SetLike[]; flashId?: string | null; linkProgress?: boolean }) {
  const groups = groupByExercise(logs as SetLike[]);
  if (groups.length === 0) return <p class="muted center" style="padding:16px">No sets logged yet.</p>;
  return (
    <div class="stack">
      {groups.map((g) => (
        <div key={g.exercise.id} class="card" data-testid="exercise-group">
          <div class="spread" style="margin-bottom:4px">
            <h3>{g.exercise.name}</h3>
            {linkProgress && (
              <a class="btn sm ghost" href={`/progress/${g.exercise.id}`} data-testid="progress-link">
                <Icon name="chart" /> Progress
              </a>
            )}
          </div>
          <SetRows sets={g.sets} flashId={flashId} />
        </div>
      ))}
    </div>
  );
}
