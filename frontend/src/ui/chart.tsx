// A uPlot line chart that follows the theme and its container's width.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export function LineChart({ points, unit, color = "#ff5a1f", height = 220 }: { points: [number, number | null][]; unit: string; color?: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const styles = getComputedStyle(document.documentElement);
    const text = styles.getPropertyValue("--text-2").trim() || "#64748b";
    const grid = styles.getPropertyValue("--line").trim() || "rgba(0,0,0,.08)";
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const plot = new uPlot(
      {
        width: el.clientWidth || 320,
        height,
        padding: [12, 8, 0, 0],
        cursor: { points: { size: 10 } },
        legend: { show: false },
        scales: {
          x: {
            time: true,
            // a day or two of data still gets a readable week-wide axis
            // (from the data itself: uPlot widens a single point's range to years before asking)
            range: () => {
              const min = xs[0] ?? 0;
              const max = xs[xs.length - 1] ?? 0;
              return max - min < 6 * 86400 ? [min - 3 * 86400, max + 3 * 86400] : [min - 86400, max + 86400];
            },
          },
          y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] },
        },
        axes: [
          { stroke: text, grid: { show: false }, ticks: { show: false }, font: "12px system-ui", space: 60 },
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { show: false }, font: "12px system-ui", size: 48, values: (_u, vals) => vals.map((v) => `${v}${unit}`) },
        ],
        series: [
          {},
          {
            stroke: color,
            width: 3,
            fill: color + "22",
            points: { show: true, size: 8, fill: color, stroke: color },
            spanGaps: true,
          },
        ],
      },
      [xs, ys],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(points), unit, color]);
  return <div class="chart" ref={box} data-testid="progress-chart" />;
}
