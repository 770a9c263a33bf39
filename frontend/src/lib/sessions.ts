// Starting a session: straight to the server when it answers, else locally with a queued create.
import { api, OfflineError } from "../api/client";
import type { SessionOut } from "../api/types";
import { saveLocalSession } from "./db";
import { uuid } from "./ids";
import { localIdFor } from "./queue";
import { navigate } from "./router";
import { enqueue } from "./sync";

export async function startSession(workout: { id: string; name: string | null }): Promise<void> {
  const client_id = uuid();
  const body = { workout: workout.id, status: "in_progress", client_id };
  try {
    const session = await api<SessionOut>("POST", "/api/workout-sessions/", body);
    navigate(`/sessions/${session.id}`);
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    const localId = localIdFor(client_id);
    await saveLocalSession({
      localId,
      client_id,
      workout,
      start_time: new Date().toISOString(),
      status: "in_progress",
      paused_seconds: 0,
    });
    await enqueue({ kind: "session.create", localId, body });
    navigate(`/sessions/${localId}`);
  }
}
