import { useState } from "preact/hooks";
import { errorText, get } from "../api/client";
import type { ExerciseOut, Page, PersonalRecordOut, ProgressOut, SessionListOut } from "../api/types";
import { formatClock } from "../lib/timer";
import { LineChart } from "../ui/chart";
import { Icon } from "../ui/icons";
import { Empty, Loading, NetworkBanner, PageHead, TopBar, kg, label, shortDate, useData, volume } from "../ui/kit";

export const historyUrl = (page = 1) => `/api/workout-sessions/?page_size=${20 * page}`;
export const RECORDS_URL = "/api/exercise-logs/personal_records/";

export function HistoryPage() {
  const [tab, setTab] = useState<"sessions" | "progress">("sessions");
  const [page, setPage] = useState(1);
  const sessions = useData(() => get<Page<SessionListOut>>(historyUrl(page)), [page]);
  const records = useData(() => get<PersonalRecordOut[]>(RECORDS_URL));
  return (
    <div class="page">
      <PageHead eyebrow="Your training" title="History" />
      <div class="stack">
        <NetworkBanner />
        <div class="segmented" role="tablist">
          <button role="tab" class={tab === "sessions" ? "on" : ""} onClick={() => setTab("sessions")}>Sessions</button>
          <button role="tab" class={tab === "progress" ? "on" : ""} onClick={() => setTab("progress")}>Progress & records</button>
        </div>
        {tab === "sessions" ? (
          sessions.loading && !sessions.data ? (
            <Loading rows={4} />
          ) : !sessions.data?.results.length ? (
            <div class="card">
              <Empty icon="history" title="No sessions yet">
                <p>Start a workout from Today and it shows up here.</p>
              </Empty>
            </div>
          ) : (
            <>
              <div class="card flush list" data-testid="history-list">
                {sessions.data.results.map((s) => (
                  <a key={s.id} class="list-item" href={`/sessions/${s.id}`} data-testid="history-item">
                    <div class="avatar" style="flex-direction:column;gap:0;line-height:1.05">
                      <span style="font-size:11px;text-transform:uppercase">{new Date(s.session_date).toLocaleDateString(undefined, { month: "short" })}</span>
                      <span style="font-size:16px">{new Date(s.session_date).getDate()}</span>
                    </div>
                    <div class="grow">
                      <div style="font-weight:700" class="ellipsis">{s.workout.name ?? "Workout"}</div>
                      <div class="small muted">
                        {shortDate(s.session_date)}
                        {s.actual_duration_minutes != null ? ` · ${s.actual_duration_minutes} min` : ""} · {volume(s.total_volume)}
                      </div>
                    </div>
                    <span class={`badge ${s.status === "completed" ? "good" : s.status === "in_progress" ? "live" : ""}`}>{label(s.status)}</span>
                    <Icon name="chevron" class="chev" />
                  </a>
                ))}
              </div>
              {sessions.data.next && (
                <button class="btn ghost block" onClick={() => setPage(page + 1)}>Show older</button>
              )}
            </>
          )
        ) : records.loading && !records.data ? (
          <Loading rows={4} />
        ) : !records.data?.length ? (
          <div class="card">
            <Empty icon="trophy" title="No records yet">
              <p>Log sets and your personal records appear here.</p>
            </Empty>
          </div>
        ) : (
          <div class="card flush list" data-testid="records-list">
            {records.data.map((r) => (
              <a key={r.exercise.id} class="list-item" href={`/progress/${r.exercise.id}`}>
                <span class="avatar"><Icon name="trophy" /></span>
                <div class="grow">
                  <div style="font-weight:700" class="ellipsis">{r.exercise.name}</div>
                  <div class="small muted">
                    e1RM {kg(r.best_e1rm?.value)} · heaviest {kg(r.heaviest_weight?.value)}
                  </div>
                </div>
                <Icon name="chevron" class="chev" />
              </a>
            ))}
          </div>
        )}
        {sessions.error && !sessions.data ? <p class="error-text">{errorText(sessions.error)}</p> : null}
      </div>
    </div>
  );
}

const METRICS = [
  ["best_e1rm", "e1RM", " kg", "#ff5a1f"],
  ["top_set_weight", "Top set", " kg", "#2563eb"],
  ["total_volume", "Volume", " kg", "#16a34a"],
] as const;

export function ProgressPage({ exercise }: { exercise: string }) {
  const [metric, setMetric] = useState<(typeof METRICS)[number][0]>("best_e1rm");
  const info = useData(() => get<ExerciseOut>(`/api/exercises/${exercise}/`), [exercise]);
  const progress = useData(() => get<ProgressOut[]>(`/api/exercise-logs/progress/?exercise=${exercise}`), [exercise]);
  const records = useData(() => get<PersonalRecordOut[]>(`/api/exercise-logs/personal_records/?exercise=${exercise}`), [exercise]);
  const [, name, unit, color] = METRICS.find((m) => m[0] === metric)!;
  const points: [number, number | null][] = (progress.data ?? []).map((p) => [Date.parse(p.date) / 1000, p[metric] as number | null]);
  const pr = records.data?.[0];
  const last = progress.data?.[progress.data.length - 1];
  return (
    <>
      <TopBar title={info.data?.name ?? "Progress"} backTo="/history" />
      <div class="page stack loose">
        <div class="stack tight">
          <span class="small muted" style="font-weight:700;text-transform:uppercase;letter-spacing:.06em">Progress</span>
          <h1>{info.data?.name ?? "…"}</h1>
        </div>
        <div class="segmented" role="tablist" aria-label="Metric">
          {METRICS.map(([key, text]) => (
            <button key={key} role="tab" class={metric === key ? "on" : ""} onClick={() => setMetric(key)}>{text}</button>
          ))}
        </div>
        <div class="card">
          <div class="spread" style="margin-bottom:8px">
            <h3>{name} over time</h3>
            {last && <span class="badge accent mono">{last[metric] == null ? "—" : Math.round((last[metric] as number) * 10) / 10}{unit}</span>}
          </div>
          {progress.loading && !progress.data ? (
            <Loading rows={1} />
          ) : points.length === 0 ? (
            <Empty icon="chart" title="No data yet"><p>Log this exercise to see the trend.</p></Empty>
          ) : (
            <LineChart points={points} unit="" color={color} />
          )}
        </div>
        <div>
          <div class="section-title" style="margin-top:0">Personal records</div>
          <div class="grid two">
            {([
              ["Estimated 1RM", pr?.best_e1rm, " kg"],
              ["Heaviest weight", pr?.heaviest_weight, " kg"],
              ["Most reps", pr?.most_reps, ""],
              ["Best set volume", pr?.best_set_volume, " kg"],
            ] as const).map(([title, rec, u]) => (
              <div key={title} class="card stat">
                <div class="value">{rec ? `${Math.round(rec.value * 10) / 10}${u}` : "—"}</div>
                <div class="label">{title}</div>
                {rec && <div class="small faint">{shortDate(rec.date)}</div>}
              </div>
            ))}
          </div>
        </div>
        {progress.data && progress.data.length > 0 && (
          <div class="card">
            <table class="table">
              <thead><tr><th>Day</th><th>Top set</th><th>e1RM</th><th>Sets</th><th>Volume</th></tr></thead>
              <tbody>
                {[...progress.data].reverse().slice(0, 12).map((p) => (
                  <tr key={p.date}>
                    <td>{shortDate(p.date)}</td>
                    <td>{kg(p.top_set_weight)}</td>
                    <td>{kg(p.best_e1rm)}</td>
                    <td>{p.set_count}</td>
                    <td>{volume(p.total_volume)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}

export { formatClock };
