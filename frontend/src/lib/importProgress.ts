// What an import looks like while it runs: one reducer turns what the upload, the user's live feed
// (ws/me/) and the HTTP response say into what the Import & export page shows. No I/O here.

export type ImportSource = "strong" | "hevy" | "json";

export const IMPORT_PATHS: Record<ImportSource, string> = {
  strong: "/api/import/strong/",
  hevy: "/api/import/hevy/",
  json: "/api/import/json/",
};

/** uploading -> processing (the server has the file) -> reading -> writing -> done, or failed. */
export type ImportPhase = "uploading" | "processing" | "reading" | "writing" | "done" | "failed";

export interface ImportState {
  source: ImportSource;
  phase: ImportPhase;
  /** How far the current phase is, 0..1; null while the server has not said. */
  fraction: number | null;
  rowsDone?: number;
  rowsTotal?: number | null;
  summary?: Record<string, unknown>;
  detail?: string;
  /** [where, messages]: "line 7" for CSV files, a field path such as "logs.3.reps" for backups. */
  problems?: [string, string[]][];
}

export type ImportEvent =
  | { type: "upload"; loaded: number; total: number }
  | { type: "uploaded" }
  | { type: "live"; message: any }
  | { type: "response"; status: number; data: any }
  | { type: "network-error" };

export function startImport(source: ImportSource): ImportState {
  return { source, phase: "uploading", fraction: 0 };
}

const share = (done: unknown, total: unknown): number | null =>
  typeof done === "number" && typeof total === "number" && total > 0 ? Math.min(1, done / total) : null;

function summaryOf(message: Record<string, unknown>): Record<string, unknown> {
  const { type: _type, source: _source, ...summary } = message;
  return summary;
}

function failure(state: ImportState, status: number, data: any): ImportState {
  const detail = typeof data?.detail === "string" ? data.detail : `The import failed (HTTP ${status}).`;
  const errors = data?.errors && typeof data.errors === "object" ? data.errors : null;
  const problems = errors
    ? Object.entries(errors).map(([where, messages]) => [where, Array.isArray(messages) ? messages.map(String) : [String(messages)]] as [string, string[]])
    : undefined;
  return { ...state, phase: "failed", fraction: null, detail, problems };
}

/**
 * The server's word wins: once done, nothing changes it. A failure can still be overtaken: the
 * HTTP response may fill in the line-by-line errors the live feed leaves out, and an import whose
 * response was lost (a dropped connection, a proxy timeout) can still be reported done by the feed.
 */
export function importReducer(state: ImportState, event: ImportEvent): ImportState {
  if (state.phase === "done") return state;
  switch (event.type) {
    case "upload":
      if (state.phase !== "uploading") return state;
      return { ...state, fraction: share(event.loaded, event.total) ?? 0 };
    case "uploaded":
      if (state.phase !== "uploading") return state;
      return { ...state, phase: "processing", fraction: null };
    case "live": {
      const message = event.message ?? {};
      if (message.source !== state.source) return state;
      if (message.type === "import.completed") return { ...state, phase: "done", fraction: 1, summary: summaryOf(message), detail: undefined, problems: undefined };
      if (state.phase === "failed") return state;
      if (message.type === "import.failed") return { ...state, phase: "failed", fraction: null, detail: String(message.detail ?? "The import failed.") };
      if (message.type !== "import.progress") return state;
      if (message.phase === "reading") {
        return { ...state, phase: "reading", fraction: share(message.bytes_read, message.bytes_total), rowsDone: message.rows_done, rowsTotal: null };
      }
      if (message.phase === "writing") {
        return { ...state, phase: "writing", fraction: share(message.rows_done, message.rows_total), rowsDone: message.rows_done, rowsTotal: message.rows_total };
      }
      return state;
    }
    case "response":
      if (event.status < 300) return { ...state, phase: "done", fraction: 1, summary: event.data ?? {}, detail: undefined, problems: undefined };
      return failure(state, event.status, event.data);
    case "network-error":
      if (state.phase === "failed") return state;
      return {
        ...state,
        phase: "failed",
        fraction: null,
        detail: "The connection was lost before the server answered. If the file reached it, the import may still finish: this page says so when it does.",
      };
  }
}

export function phaseText(state: ImportState): string {
  const rows = (n?: number) => (n ?? 0).toLocaleString();
  switch (state.phase) {
    case "uploading":
      return `Uploading… ${Math.round((state.fraction ?? 0) * 100)}%`;
    case "processing":
      return "Checking every row…";
    case "reading":
      return `Checking rows… ${rows(state.rowsDone)} read`;
    case "writing":
      return `Saving sets… ${rows(state.rowsDone)} of ${rows(state.rowsTotal ?? undefined)}`;
    case "done":
      return "Done";
    case "failed":
      return "Nothing was imported";
  }
}
