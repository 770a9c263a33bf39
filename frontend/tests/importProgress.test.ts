import { describe, expect, it } from "vitest";
import { type ImportEvent, type ImportState, importReducer, phaseText, startImport } from "../src/lib/importProgress";

const run = (events: ImportEvent[], state: ImportState = startImport("strong")) => events.reduce(importReducer, state);
const live = (message: Record<string, unknown>): ImportEvent => ({ type: "live", message: { source: "strong", ...message } });
const SUMMARY = { sessions: 3, sets: 40, exercises_created: 1, workouts_created: 2, skipped_rows: 4, already_imported: 0 };

describe("import progress", () => {
  it("goes uploading -> processing -> reading -> writing -> done with the share of each phase", () => {
    let state = run([{ type: "upload", loaded: 250, total: 1000 }]);
    expect(state).toMatchObject({ phase: "uploading", fraction: 0.25 });
    expect(phaseText(state)).toBe("Uploading… 25%");
    state = run([{ type: "uploaded" }], state);
    expect(state).toMatchObject({ phase: "processing", fraction: null });
    state = run([live({ type: "import.progress", phase: "reading", rows_done: 5000, rows_total: null, bytes_read: 400, bytes_total: 1000 })], state);
    expect(state).toMatchObject({ phase: "reading", fraction: 0.4, rowsDone: 5000 });
    state = run([live({ type: "import.progress", phase: "writing", rows_done: 5000, rows_total: 20000 })], state);
    expect(state).toMatchObject({ phase: "writing", fraction: 0.25, rowsTotal: 20000 });
    expect(phaseText(state)).toBe(`Saving sets… ${(5000).toLocaleString()} of ${(20000).toLocaleString()}`);
    state = run([{ type: "response", status: 201, data: SUMMARY }], state);
    expect(state).toMatchObject({ phase: "done", fraction: 1, summary: SUMMARY });
  });

  it("ignores another source's events and anything after done", () => {
    const other = importReducer(startImport("strong"), { type: "live", message: { type: "import.failed", source: "hevy", detail: "x" } });
    expect(other.phase).toBe("uploading");
    const done = run([{ type: "response", status: 201, data: SUMMARY }, live({ type: "import.failed", detail: "late" }), { type: "network-error" }]);
    expect(done).toMatchObject({ phase: "done", summary: SUMMARY });
  });

  it("keeps every bad line the 400 names", () => {
    const state = run([
      live({ type: "import.failed", detail: "Nothing was imported: 2 lines of the file have errors" }),
      {
        type: "response",
        status: 400,
        data: { detail: "Nothing was imported: 2 lines of the file have errors", errors: { "line 4": ["Weight: 'heavy' is not a number."], "line 9": ["Reps: must be 0 or more."] } },
      },
    ]);
    expect(state.phase).toBe("failed");
    expect(state.problems).toEqual([
      ["line 4", ["Weight: 'heavy' is not a number."]],
      ["line 9", ["Reps: must be 0 or more."]],
    ]);
  });

  it("reports done when the live feed says so even if the response was lost", () => {
    const state = run([{ type: "uploaded" }, { type: "network-error" }, live({ type: "import.completed", ...SUMMARY })]);
    expect(state).toMatchObject({ phase: "done", summary: SUMMARY });
  });

  it("a JSON error without details still names the problem", () => {
    const state = run([{ type: "response", status: 409, data: { detail: "Your account already has training data." } }], startImport("json"));
    expect(state).toMatchObject({ phase: "failed", detail: "Your account already has training data.", problems: undefined });
    const opaque = run([{ type: "response", status: 502, data: null }]);
    expect(opaque.detail).toBe("The import failed (HTTP 502).");
  });
});
