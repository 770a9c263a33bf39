import { useEffect, useState } from "preact/hooks";
import { api, errorText, get } from "../api/client";
import type { CoachOut, ExperienceLevel, FitnessGoal, ProfileIn, ProfileOut } from "../api/types";
import { me, signOut } from "../lib/auth";
import { pendingCount } from "../lib/sync";
import { Icon } from "../ui/icons";
import { Empty, Loading, PageHead, initials, label, relativeDay, toast, useData } from "../ui/kit";

const GOALS: FitnessGoal[] = ["weight_loss", "muscle_gain", "endurance", "flexibility", "general_fitness"];
const LEVELS: ExperienceLevel[] = ["beginner", "intermediate", "advanced", "expert"];

export function ProfilePage() {
  const profile = useData(() => get<ProfileOut>("/api/auth/profile/"));
  const [form, setForm] = useState<ProfileIn>({});
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    const p = profile.data;
    if (p) setForm({ email: p.email, bio: p.bio, height: p.height, weight: p.weight, date_of_birth: p.date_of_birth, fitness_goal: p.fitness_goal, experience_level: p.experience_level });
  }, [profile.data]);

  async function save(e: Event) {
    e.preventDefault();
    setSaving(true);
    try {
      const clean = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v === "" ? null : v]));
      me.value = await api<ProfileOut>("PATCH", "/api/auth/profile/", clean);
      toast("Profile saved");
    } catch (err) {
      toast(errorText(err), "bad");
    } finally {
      setSaving(false);
    }
  }
  const text = (key: keyof ProfileIn, type = "text") => (
    <input class="input" type={type} name={key} value={(form[key] as string | number | null | undefined) ?? ""}
      onInput={(e) => {
        const raw = (e.target as HTMLInputElement).value;
        setForm({ ...form, [key]: type === "number" ? (raw === "" ? null : Number(raw)) : raw });
      }} />
  );
  const p = profile.data;
  return (
    <div class="page">
      <PageHead eyebrow="Account" title="Profile" action={<button class="btn ghost sm" onClick={() => void signOut()}><Icon name="logout" />Log out</button>} />
      {!p ? (
        profile.error ? <p class="error-text">{errorText(profile.error)}</p> : <Loading />
      ) : (
        <div class="stack loose">
          <div class="card row">
            <span class="avatar round" style="width:56px;height:56px;font-size:20px">{initials(p.username)}</span>
            <div class="grow">
              <h2>{p.username}</h2>
              <span class="small muted">Member since {new Date(p.created_at).toLocaleDateString(undefined, { month: "long", year: "numeric" })}</span>
            </div>
            {pendingCount.value > 0 && <span class="badge warn">{pendingCount.value} to sync</span>}
          </div>
          <form class="card stack" onSubmit={save}>
            <label class="field"><span>Email</span>{text("email", "email")}</label>
            <label class="field"><span>Bio</span>
              <textarea class="input" value={form.bio ?? ""} onInput={(e) => setForm({ ...form, bio: (e.target as HTMLTextAreaElement).value })} />
            </label>
            <div class="grid two">
              <label class="field"><span>Height (cm)</span>{text("height", "number")}</label>
              <label class="field"><span>Weight (kg)</span>{text("weight", "number")}</label>
            </div>
            <label class="field"><span>Date of birth</span>{text("date_of_birth", "date")}</label>
            <div class="grid two">
              <label class="field"><span>Goal</span>
                <select class="input" value={form.fitness_goal ?? ""} onChange={(e) => setForm({ ...form, fitness_goal: ((e.target as HTMLSelectElement).value || null) as FitnessGoal | null })}>
                  <option value="">—</option>
                  {GOALS.map((g) => <option key={g} value={g}>{label(g)}</option>)}
                </select>
              </label>
              <label class="field"><span>Experience</span>
                <select class="input" value={form.experience_level ?? ""} onChange={(e) => setForm({ ...form, experience_level: ((e.target as HTMLSelectElement).value || null) as ExperienceLevel | null })}>
                  <option value="">—</option>
                  {LEVELS.map((g) => <option key={g} value={g}>{label(g)}</option>)}
                </select>
              </label>
            </div>
            <button class="btn primary block" type="submit" disabled={saving}>Save profile</button>
          </form>
          <Coaches />
          <a class="card row" href="/data" data-testid="data-link">
            <span class="avatar round"><Icon name="download" /></span>
            <div class="grow">
              <strong>Import & export</strong>
              <div class="small muted">Bring your history from Strong or Hevy, or download everything you own.</div>
            </div>
            <Icon name="chevron" class="chev" />
          </a>
        </div>
      )}
    </div>
  );
}

function Coaches() {
  const coaches = useData(() => get<CoachOut[]>("/api/coaching/coaches/"));
  const [username, setUsername] = useState("");
  const [error, setError] = useState("");
  async function grant(e: Event) {
    e.preventDefault();
    setError("");
    try {
      await api("POST", "/api/coaching/coaches/", { username: username.trim() });
      toast(`${username.trim()} can now watch your training`);
      setUsername("");
      coaches.reload();
    } catch (err) {
      setError(errorText(err));
    }
  }
  async function revoke(name: string) {
    try {
      await api("DELETE", `/api/coaching/coaches/${encodeURIComponent(name)}/`);
      toast(`${name} no longer has access`);
      coaches.reload();
    } catch (err) {
      toast(errorText(err), "bad");
    }
  }
  return (
    <div>
      <div class="section-title" style="margin-top:0">Coaches</div>
      <div class="card stack">
        <p class="small muted">A coach you add sees your sessions, sets and compliance — live while you train. You can revoke access any time.</p>
        <form class="row" onSubmit={grant}>
          <input class="input grow" placeholder="Coach's username" aria-label="Coach's username" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} required />
          <button class="btn primary" type="submit">Grant</button>
        </form>
        {error && <p class="error-text">{error}</p>}
        {coaches.loading && !coaches.data ? (
          <Loading rows={1} />
        ) : !coaches.data?.length ? (
          <Empty icon="coach" title="No coaches" />
        ) : (
          <div class="list" data-testid="coach-list">
            {coaches.data.map((c) => (
              <div key={c.username} class="list-item" style="padding-left:0;padding-right:0">
                <span class="avatar round">{initials(c.username)}</span>
                <div class="grow">
                  <strong>{c.username}</strong>
                  <div class="small muted">Since {relativeDay(c.granted_at).toLowerCase()}</div>
                </div>
                <button class="btn danger sm" onClick={() => revoke(c.username)}>Revoke</button>
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
