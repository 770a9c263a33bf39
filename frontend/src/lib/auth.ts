import { signal } from "@preact/signals";
import { api, cached, get, setToken, token, onUnauthorized } from "../api/client";
import type { AuthOut, ProfileOut } from "../api/types";
import { clearUserData } from "./db";
import { navigate } from "./router";

export const me = signal<ProfileOut | null>(null);

export async function loadMe(): Promise<void> {
  if (!token.value) return;
  me.value = (await cached<ProfileOut>("/api/auth/profile/")) ?? me.value;
  try {
    me.value = await get<ProfileOut>("/api/auth/profile/");
  } catch {
    /* offline with nothing cached: the pages still work from their own caches */
  }
}

export async function signIn(auth: AuthOut): Promise<void> {
  await clearUserData(); // a different user must never see the last one's data or queue
  setToken(auth.token);
  localStorage.setItem("workout.user", JSON.stringify(auth.user));
  await loadMe();
  navigate("/", { replace: true });
}

export async function signOut(): Promise<void> {
  try {
    await api("POST", "/api/auth/logout/");
  } catch {
    /* the token is forgotten here anyway */
  }
  forget();
}

function forget() {
  setToken(null);
  localStorage.removeItem("workout.user");
  me.value = null;
  void clearUserData();
  navigate("/login", { replace: true });
}

onUnauthorized.handler = forget;
