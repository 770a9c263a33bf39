// A websocket that reconnects with backoff (0.5 s doubling to 5 s: a live session should come back
// fast) and hands every message to the page. The server sends a
// snapshot first on every (re)connection, so the page simply replaces its state from it: no event
// missed while disconnected stays missing.
import { offline } from "../api/client";
import { backoffDelay } from "./queue";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "closed";

export interface LiveOptions {
  path: string; // e.g. /ws/sessions/<id>/
  token: string;
  onMessage(message: any): void;
  onStatus?(status: LiveStatus): void;
  /** Close codes after which reconnecting is pointless (unauthenticated, forbidden, not found). */
  fatalCodes?: number[];
}

export class LiveSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pinger: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(private options: LiveOptions) {
    this.connect();
    window.addEventListener("online", this.onOnline);
  }

  private onOnline = () => {
    if (this.socket?.readyState === WebSocket.OPEN || this.stopped) return;
    this.attempt = 0;
    this.reconnectNow();
  };

  private url(): string {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}${this.options.path}?token=${encodeURIComponent(this.options.token)}`;
  }

  private connect() {
    this.options.onStatus?.(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      offline.value = false; // the server answered: whatever failed before, we are back
      this.options.onStatus?.("live");
      this.pinger = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, 25000);
    };
    socket.onmessage = (event) => {
      try {
        this.options.onMessage(JSON.parse(event.data));
      } catch (error) {
        console.error("live message", error);
      }
    };
    socket.onclose = (event) => {
      if (this.pinger) clearInterval(this.pinger);
      if (this.socket !== socket) return;
      this.socket = null;
      const fatal = (this.options.fatalCodes ?? [4401, 4403, 4404]).includes(event.code);
      if (this.stopped || fatal) {
        this.options.onStatus?.("closed");
        return;
      }
      this.options.onStatus?.("reconnecting");
      this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, Math.random, 500, 5000));
    };
  }

  private reconnectNow() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.socket) this.connect();
  }

  close() {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    if (this.timer) clearTimeout(this.timer);
    if (this.pinger) clearInterval(this.pinger);
    this.socket?.close();
    this.socket = null;
  }
}
