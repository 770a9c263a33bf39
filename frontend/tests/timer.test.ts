import { describe, expect, it } from "vitest";
import {
  anchorFromFields,
  anchorFromHeartbeat,
  clockOffset,
  elapsedAt,
  elapsedFromFields,
  formatClock,
  restFromEvent,
  restRemaining,
} from "../src/lib/timer";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const at = (seconds: number) => T0 + seconds * 1000;
const iso = (seconds: number) => new Date(at(seconds)).toISOString();

describe("elapsed time", () => {
  it("counts from the start, minus pauses, and stops at a pause or the end", () => {
    const running = { status: "in_progress", start_time: iso(0), paused_seconds: 30 };
    expect(elapsedFromFields(running, at(90))).toBe(60);
    expect(elapsedFromFields({ ...running, paused_at: iso(70) }, at(500))).toBe(40);
    expect(elapsedFromFields({ ...running, status: "completed", end_time: iso(200) }, at(999))).toBe(170);
    expect(elapsedFromFields({ status: "planned" }, at(10))).toBe(0);
  });

  it("interpolates from the last server reading and freezes while paused", () => {
    const anchor = anchorFromHeartbeat({ elapsed_seconds: 125, paused: false }, 5000);
    expect(elapsedAt(anchor, 5000)).toBe(125);
    expect(elapsedAt(anchor, 7999)).toBe(127);
    const paused = anchorFromHeartbeat({ elapsed_seconds: 125, paused: true }, 5000);
    expect(elapsedAt(paused, 60000)).toBe(125);
  });

  it("anchors session.* events on the server clock, whatever the local clock says", () => {
    const fields = { status: "in_progress", start_time: iso(0), paused_seconds: 0 };
    const offset = clockOffset(iso(100), 1_000); // the local clock is wildly off
    const anchor = anchorFromFields(fields, 1_000 + offset, 50);
    expect(anchor).toEqual({ elapsed: 100, at: 50, running: true });
    expect(elapsedAt(anchor, 3050)).toBe(103);
    expect(anchorFromFields({ ...fields, paused_at: iso(40) }, at(100), 0).running).toBe(false);
  });

  it("formats like a stopwatch", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(7)).toBe("0:07");
    expect(formatClock(245)).toBe("4:05");
    expect(formatClock(3723)).toBe("1:02:03");
    expect(formatClock(-5)).toBe("0:00");
  });
});

describe("rest countdown", () => {
  it("counts down from rest.started to zero", () => {
    const rest = restFromEvent({ ends_at: iso(90), rest_seconds: 90, server_time: iso(0) })!;
    expect(restRemaining(rest, at(0))).toEqual({ seconds: 90, fraction: 1, done: false });
    expect(restRemaining(rest, at(44.5))).toEqual({ seconds: 46, fraction: 45.5 / 90, done: false });
    expect(restRemaining(rest, at(91))).toEqual({ seconds: 0, fraction: 0, done: true });
  });

  it("takes the length from the snapshot's server_time when the event has none", () => {
    const rest = restFromEvent({ ends_at: iso(40), server_time: iso(10) })!;
    expect(rest.total).toBe(30);
    expect(restRemaining(null, at(0)).done).toBe(true);
    expect(restFromEvent({ ends_at: "garbage" })).toBeNull();
  });
});
