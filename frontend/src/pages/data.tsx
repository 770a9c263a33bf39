import { useEffect, useReducer, useRef, useState } from "preact/hooks";
import { errorText, offline, token } from "../api/client";
import { LiveSocket } from "../lib/live";
import { IMPORT_PATHS, type ImportSource, type ImportState, importReducer, phaseText, startImport } from "../lib/importProgress";
import { download, upload } from "../lib/transfer";
import { Icon } from "../ui/icons";
import { NetworkBanner, TopBar, toast } from "../ui/kit";

const SOURCES: { id: ImportSource; label: string; accept: string; help: string }[] = [
  { id: "strong", label: "Strong", accept: ".csv,text/csv", help: "In Strong: Profile → Settings → Export Strong Data. Both the current and the older (semicolon) CSV work." },
  { id: "hevy", label: "Hevy", accept: ".csv,text/csv", help: "In Hevy: Profile → Settings → Export & Import Data → Export Workouts (CSV)." },
  { id: "json", label: "Backup", accept: ".json,.gz,application/json,application/gzip", help: "A backup downloaded below, from this server or another. It restores into an account with no training yet." },
];

type Action = { type: "start"; source: ImportSource } | { type: "clear" } | Parameters<typeof importReducer>[1];

function reducer(state: ImportState | null, action: Action): ImportState | null {
  if (action.type === "start") return startImport(action.source);
  if (action.type === "clear") return null;
  return state ? importReducer(state, action) : state;
}

export function DataPage() {
  return (
    <div class="page">
      <TopBar title="Import & export" backTo="/profile" />
      <div class="stack loose">
        <NetworkBanner />
        <ImportCard />
        <ExportCard />
      </div>
    </div>
  );
}

function ImportCard() {
  const [source, setSource] = useState<ImportSource>("strong");
  const [units, setUnits] = useState<"metric" | "imperial">("metric");
  const [file, setFile] = useState<File | null>(null);
  const [state, dispatch] = useReducer(reducer, null);
  const input = useRef<HTMLInputElement>(null);
  const busy = state !== null && state.phase !== "done" && state.phase !== "failed";

  // Big files report progress on the user's live feed while the request runs.
  useEffect(() => {
    if (!token.value) return;
    const socket = new LiveSocket({ path: "/ws/me/", token: token.value, onMessage: (message) => dispatch({ type: "live", message }) });
    return () => socket.close();
  }, []);

  function choose(id: ImportSource) {
    setSource(id);
    setFile(null);
    dispatch({ type: "clear" });
    if (input.current) input.current.value = "";
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!file || busy) return;
    const form = new FormData();
    form.append("file", file);
    if (source !== "json") form.append("units", units);
    dispatch({ type: "start", source });
    try {
      const response = await upload(
        IMPORT_PATHS[source],
        form,
        (loaded, total) => dispatch({ type: "upload", loaded, total }),
        () => dispatch({ type: "uploaded" }),
      );
      dispatch({ type: "response", ...response });
    } catch {
      dispatch({ type: "network-error" });
    }
  }

  const current = SOURCES.find((s) => s.id === source)!;
  return (
    <section class="card stack" aria-labelledby="import-title">
      <div class="row">
        <span class="avatar round"><Icon name="upload" /></span>
        <div class="grow">
          <h2 id="import-title">Import</h2>
          <span class="small muted">Bring your history from another app</span>
        </div>
      </div>
      <div class="segmented" role="radiogroup" aria-label="Import from">
        {SOURCES.map((s) => (
          <button key={s.id} type="button" role="radio" aria-checked={source === s.id} class={source === s.id ? "on" : ""} disabled={busy} onClick={() => choose(s.id)}>
            {s.label}
          </button>
        ))}
      </div>
      <p class="small muted">{current.help}</p>
      <form class="stack" onSubmit={submit}>
        <label class="field">
          <span>File to import</span>
          <input ref={input} class="input" type="file" name="file" accept={current.accept} disabled={busy}
            onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </label>
        {source !== "json" && (
          <label class="field">
            <span>Units, if the file does not say</span>
            <select class="input" value={units} disabled={busy} onChange={(e) => setUnits((e.target as HTMLSelectElement).value as "metric" | "imperial")}>
              <option value="metric">Kilograms and kilometres</option>
              <option value="imperial">Pounds and miles</option>
            </select>
          </label>
        )}
        <button class="btn primary block" type="submit" disabled={!file || busy || offline.value}>
          {busy ? "Importing…" : `Import from ${current.label}`}
        </button>
      </form>
      {state && <ImportProgress state={state} />}
    </section>
  );
}

function ImportProgress({ state }: { state: ImportState }) {
  const percent = state.fraction === null ? undefined : Math.round(state.fraction * 100);
  return (
    <div class="stack" data-testid="import-status" aria-live="polite">
      {state.phase !== "failed" && (
        <>
          <div class="row small">
            <span class="grow" data-testid="import-phase">{phaseText(state)}</span>
            {percent !== undefined && state.phase !== "done" && <span class="muted">{percent}%</span>}
          </div>
          <div class={`progress ${percent === undefined ? "indeterminate" : ""} ${state.phase === "done" ? "done" : ""}`}
            role="progressbar" aria-label="Import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}
            data-phase={state.phase}>
            <i style={percent === undefined ? undefined : `width:${percent}%`} />
          </div>
        </>
      )}
      {state.phase === "done" && state.summary && <Summary source={state.source} summary={state.summary} />}
      {state.phase === "failed" && (
        <div class="stack" role="alert" data-testid="import-error">
          <p class="error-text">{state.detail}</p>
          {state.problems && state.problems.length > 0 && (
            <ul class="problems">
              {state.problems.map(([where, messages]) => (
                <li key={where}><strong>{where}</strong>: {messages.join(" ")}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function Summary({ source, summary }: { source: ImportSource; summary: Record<string, unknown> }) {
  const n = (key: string) => Number(summary[key] ?? 0);
  const figures: [string, number][] =
    source === "json"
      ? [["Sessions", n("sessions")], ["Sets", n("logs")], ["Workouts", n("workouts")], ["Custom exercises", n("exercises")], ["Coaches", n("coach_grants")]]
      : [["Sessions", n("sessions")], ["Sets", n("sets")], ["New exercises", n("exercises_created")], ["New workouts", n("workouts_created")]];
  const skippedCoaches = Array.isArray(summary.skipped_coach_grants) ? (summary.skipped_coach_grants as string[]) : [];
  const nothingNew = source !== "json" && n("sets") === 0;
  return (
    <div class="stack" data-testid="import-summary">
      {nothingNew ? (
        <p><strong>Nothing new to import.</strong> {n("already_imported") > 0 && `All ${n("already_imported").toLocaleString()} sets in this file were imported before.`}</p>
      ) : (
        <div class="summary-grid">
          {figures.map(([label, value]) => (
            <div key={label} class="stat tile">
              <div class="value">{value.toLocaleString()}</div>
              <div class="label">{label}</div>
            </div>
          ))}
        </div>
      )}
      {source !== "json" && !nothingNew && n("already_imported") > 0 && (
        <p class="small muted">{n("already_imported").toLocaleString()} sets were already here from an earlier import and were left as they are.</p>
      )}
      {source !== "json" && n("skipped_rows") > 0 && (
        <p class="small muted">{n("skipped_rows").toLocaleString()} rows were not sets (rest timers, empty sets) and were skipped.</p>
      )}
      {skippedCoaches.length > 0 && (
        <p class="small muted">Coaches without an account here were not granted: {skippedCoaches.join(", ")}.</p>
      )}
      {!nothingNew && <a class="btn ghost block" href="/history">See your history</a>}
    </div>
  );
}

function ExportCard() {
  const [gzip, setGzip] = useState(false);
  const [busy, setBusy] = useState<"json" | "csv" | null>(null);

  async function save(format: "json" | "csv") {
    setBusy(format);
    try {
      const name = await download(`/api/export/?format=${format}${gzip ? "&gzip=true" : ""}`, `workout-export.${format}${gzip ? ".gz" : ""}`);
      toast(`Saved ${name}`);
    } catch (error) {
      toast(errorText(error), "bad");
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="card stack" aria-labelledby="export-title">
      <div class="row">
        <span class="avatar round"><Icon name="download" /></span>
        <div class="grow">
          <h2 id="export-title">Export</h2>
          <span class="small muted">Everything you own, as a file you keep</span>
        </div>
      </div>
      <button class="btn primary block" type="button" disabled={busy !== null || offline.value} onClick={() => save("json")}>
        {busy === "json" ? "Preparing…" : "Download backup (JSON)"}
      </button>
      <p class="small muted">Profile, custom exercises, workouts, sessions, sets and coaches. Restore it here or on another server with Import → Backup.</p>
      <button class="btn ghost block" type="button" disabled={busy !== null || offline.value} onClick={() => save("csv")}>
        {busy === "csv" ? "Preparing…" : "Download sets (CSV, Strong format)"}
      </button>
      <p class="small muted">One row per set, in the columns Strong uses, for spreadsheets and other apps.</p>
      <label class="row small">
        <input type="checkbox" checked={gzip} onChange={(e) => setGzip((e.target as HTMLInputElement).checked)} />
        Compress (gzip) — much smaller for years of training
      </label>
    </section>
  );
}
