// Small shared pieces: top bar, sheet, toasts, empty states, loading, formatting.
import type { ComponentChildren } from "preact";
import { signal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import { Icon } from "./icons";
import { back } from "../lib/router";
import { offline } from "../api/client";
import { pendingCount } from "../lib/sync";

export function TopBar(props: { title?: ComponentChildren; backTo?: string; right?: ComponentChildren }) {
  return (
    <header class="topbar">
      {props.backTo !== undefined ? (
        <button class="icon-btn" aria-label="Back" onClick={() => back(props.backTo)}>
          <Icon name="back" />
        </button>
      ) : (
        <span style="width:44px" />
      )}
      <div class="title ellipsis">{props.title}</div>
      <div class="row" style="min-width:44px;justify-content:flex-end">{props.right}</div>
    </header>
  );
}

export function PageHead(props: { eyebrow?: string; title: ComponentChildren; action?: ComponentChildren }) {
  return (
    <div class="page-head">
      <div class="stack tight">
        {props.eyebrow && <div class="eyebrow">{props.eyebrow}</div>}
        <h1>{props.title}</h1>
      </div>
      {props.action}
    </div>
  );
}

export function NetworkBanner() {
  if (!offline.value && pendingCount.value === 0) return null;
  return (
    <div class="banner offline" role="status" data-testid="network-banner">
      <Icon name={offline.value ? "offline" : "cloud"} />
      {offline.value ? "Offline — showing what you saw last." : "Syncing…"}
      {pendingCount.value > 0 && <span class="badge warn">{pendingCount.value} waiting to sync</span>}
    </div>
  );
}

export function Sheet(props: { open: boolean; onClose(): void; children: ComponentChildren; label?: string }) {
  useEffect(() => {
    if (!props.open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && props.onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [props.open]);
  if (!props.open) return null;
  return (
    <div class="backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="sheet" role="dialog" aria-modal="true" aria-label={props.label}>
        <div class="grabber" />
        {props.children}
      </div>
    </div>
  );
}

interface Toast {
  id: number;
  text: string;
  tone?: "bad";
}
const toasts = signal<Toast[]>([]);
let toastId = 0;
export function toast(text: string, tone?: "bad"): void {
  const id = ++toastId;
  toasts.value = [...toasts.value, { id, text, tone }];
  setTimeout(() => (toasts.value = toasts.value.filter((t) => t.id !== id)), 2600);
}
export function Toasts() {
  return (
    <div class="toasts" aria-live="polite">
      {toasts.value.map((t) => (
        <div key={t.id} class={`toast ${t.tone ?? ""}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}

export function Empty(props: { icon: string; title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <Icon name={props.icon} />
      <h3>{props.title}</h3>
      {props.children}
    </div>
  );
}

export function Loading({ rows = 3 }: { rows?: number }) {
  return (
    <div class="stack">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} class="skeleton" />
      ))}
    </div>
  );
}

/** Loads data with fetcher(), re-running when deps change; shows the cached copy first if any. */
export function useData<T>(fetcher: () => Promise<T>, deps: unknown[] = []) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let alive = true;
    setState((s) => ({ ...s, loading: true }));
    fetcher().then(
      (data) => alive && setState({ data, loading: false }),
      (error) => alive && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      alive = false;
    };
  }, [...deps, nonce]);
  // what failed for want of a network loads again when the network returns
  useEffect(() => {
    if (!state.error) return;
    const retry = () => setNonce((n) => n + 1);
    window.addEventListener("online", retry);
    return () => window.removeEventListener("online", retry);
  }, [state.error]);
  return { ...state, reload: () => setNonce((n) => n + 1), set: (data: T) => setState({ data, loading: false }) };
}

export const initials = (name: string) => name.slice(0, 2).toUpperCase();
export const label = (value?: string | null) => (value ? value.replace(/_/g, " ").replace(/^\w/, (c) => c.toUpperCase()) : "");
export function kg(value?: number | null): string {
  if (value == null) return "—";
  return `${Number.isInteger(value) ? value : value.toFixed(1)} kg`;
}
export function shortDate(iso?: string | null): string {
  if (!iso) return "";
  return new Date(iso).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
}
export function relativeDay(iso?: string | null): string {
  if (!iso) return "";
  const days = Math.floor((Date.now() - Date.parse(iso)) / 86400000);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days < 7) return `${days} days ago`;
  return shortDate(iso);
}
export function volume(value?: number | null): string {
  if (!value) return "0 kg";
  return value >= 10000 ? `${(value / 1000).toFixed(1)} t` : `${Math.round(value).toLocaleString()} kg`;
}
