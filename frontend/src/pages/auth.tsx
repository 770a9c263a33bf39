import { useState } from "preact/hooks";
import { api, errorText } from "../api/client";
import type { AuthOut } from "../api/types";
import { signIn } from "../lib/auth";
import { Icon } from "../ui/icons";

export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const [form, setForm] = useState({ username: "", email: "", password: "" });
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";
  const set = (key: keyof typeof form) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const body = signup ? form : { username: form.username, password: form.password };
      const auth = await api<AuthOut>("POST", signup ? "/api/auth/register/" : "/api/auth/login/", body);
      await signIn(auth);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="auth">
      <form class="panel" onSubmit={submit}>
        <div class="hero">
          <span class="logo-mark">
            <Icon name="bolt" />
          </span>
          <h1>{signup ? "Create your account" : "Welcome back"}</h1>
          <p class="muted">{signup ? "Plan, lift, and watch the numbers climb." : "Log in to pick up where you left off."}</p>
        </div>
        <label class="field">
          <span>Username</span>
          <input class="input" name="username" autocomplete="username" required value={form.username} onInput={set("username")} />
        </label>
        {signup && (
          <label class="field">
            <span>Email</span>
            <input class="input" name="email" type="email" autocomplete="email" required value={form.email} onInput={set("email")} />
          </label>
        )}
        <label class="field">
          <span>Password</span>
          <input
            class="input"
            name="password"
            type="password"
            autocomplete={signup ? "new-password" : "current-password"}
            required
            value={form.password}
            onInput={set("password")}
          />
        </label>
        {error && <p class="error-text" role="alert">{error}</p>}
        <button class="btn primary block xl" type="submit" disabled={busy}>
          {signup ? "Sign up" : "Log in"}
        </button>
        <p class="center muted">
          {signup ? "Already have an account? " : "New here? "}
          <a href={signup ? "/login" : "/signup"} style="color:var(--accent);font-weight:700">
            {signup ? "Log in" : "Create an account"}
          </a>
        </p>
      </form>
    </div>
  );
}
