// A tiny history router: the path is a signal; <a href> clicks inside the app are intercepted.
import { signal } from "@preact/signals";

export const path = signal(location.pathname);
export const search = signal(location.search);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, location.origin);
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  path.value = url.pathname;
  search.value = url.search;
  if (!options.replace) window.scrollTo(0, 0);
}

export function back(fallback = "/"): void {
  if (history.length > 1 && history.state !== "root") history.back();
  else navigate(fallback);
}

window.addEventListener("popstate", () => {
  path.value = location.pathname;
  search.value = location.search;
});

document.addEventListener("click", (event) => {
  const anchor = (event.target as Element | null)?.closest?.("a");
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = anchor.getAttribute("href");
  if (!href || !href.startsWith("/") || href.startsWith("/api/") || anchor.target || anchor.hasAttribute("download")) return;
  event.preventDefault();
  navigate(href);
});

/** Matches "/sessions/:id" against a path; returns the params or null. */
export function match(pattern: string, current: string): Record<string, string> | null {
  const a = pattern.split("/").filter(Boolean);
  const b = current.split("/").filter(Boolean);
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(":")) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}
