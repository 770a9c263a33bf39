import type { ComponentChildren } from "preact";
import { token } from "./api/client";
import { match, navigate, path } from "./lib/router";
import { Icon } from "./ui/icons";
import { Toasts } from "./ui/kit";
import { AuthPage } from "./pages/auth";
import { HomePage } from "./pages/home";
import { WorkoutPage, WorkoutEditor } from "./pages/workouts";
import { ExercisesPage, ExercisePage, ExerciseEditor } from "./pages/exercises";
import { SessionRoute } from "./pages/session";
import { HistoryPage, ProgressPage } from "./pages/history";
import { CoachDashboard, CoachSessionPage } from "./pages/coach";
import { ProfilePage } from "./pages/profile";
import { DataPage } from "./pages/data";

type Route = [string, (params: Record<string, string>) => ComponentChildren, string?];

const routes: Route[] = [
  ["/", () => <HomePage />, "/"],
  ["/workouts/new", () => <WorkoutEditor />, "/"],
  ["/workouts/:id", (p) => <WorkoutPage id={p.id} />, "/"],
  ["/workouts/:id/edit", (p) => <WorkoutEditor id={p.id} />, "/"],
  ["/exercises", () => <ExercisesPage />, "/exercises"],
  ["/exercises/new", () => <ExerciseEditor />, "/exercises"],
  ["/exercises/:id", (p) => <ExercisePage id={p.id} />, "/exercises"],
  ["/sessions/:id", (p) => <SessionRoute id={p.id} />, "/history"],
  ["/history", () => <HistoryPage />, "/history"],
  ["/progress/:exercise", (p) => <ProgressPage exercise={p.exercise} />, "/history"],
  ["/coach", () => <CoachDashboard />, "/coach"],
  ["/coach/:athlete/sessions/:id", (p) => <CoachSessionPage athlete={p.athlete} id={p.id} />, "/coach"],
  ["/profile", () => <ProfilePage />, "/profile"],
  ["/data", () => <DataPage />, "/profile"],
];

const tabs = [
  ["/", "home", "Today"],
  ["/history", "history", "History"],
  ["/exercises", "library", "Library"],
  ["/coach", "coach", "Coach"],
  ["/profile", "user", "Profile"],
] as const;

function TabBar({ active }: { active?: string }) {
  return (
    <nav class="tabbar" aria-label="Main">
      <a class="brand" href="/">
        <span class="logo-mark">
          <Icon name="bolt" />
        </span>
        Workout
      </a>
      {tabs.map(([href, icon, text]) => (
        <a key={href} href={href} class={`tab ${active === href ? "active" : ""}`} aria-current={active === href ? "page" : undefined}>
          <Icon name={icon} />
          {text}
        </a>
      ))}
    </nav>
  );
}

export function App() {
  const current = path.value;
  if (!token.value) {
    if (current !== "/login" && current !== "/signup") queueMicrotask(() => navigate("/login", { replace: true }));
    return (
      <>
        <AuthPage mode={current === "/signup" ? "signup" : "login"} />
        <Toasts />
      </>
    );
  }
  if (current === "/login" || current === "/signup") queueMicrotask(() => navigate("/", { replace: true }));
  for (const [pattern, render, tab] of routes) {
    const params = match(pattern, current);
    if (params) {
      const immersive = pattern === "/sessions/:id";
      return (
        <div class={`app ${immersive ? "immersive" : ""}`}>
          <TabBar active={tab} />
          <main class="main">
            {render(params)}
          </main>
          <Toasts />
        </div>
      );
    }
  }
  return (
    <div class="app">
      <TabBar />
      <main class="main">
        <div class="page">
          <div class="empty">
            <h2>Nothing here</h2>
            <a class="btn primary" href="/">
              Go to Today
            </a>
          </div>
        </div>
      </main>
    </div>
  );
}
