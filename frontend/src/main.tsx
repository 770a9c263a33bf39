import { render } from "preact";
import { Workbox } from "workbox-window";
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { App } from "./app";
import { startSync } from "./lib/sync";
import { loadMe } from "./lib/auth";

render(<App />, document.getElementById("app")!);
startSync();
void loadMe();

if ("serviceWorker" in navigator && import.meta.env.PROD) {
  new Workbox("/sw.js", { scope: "/" }).register();
}
