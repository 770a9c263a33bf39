import type { ComponentChildren } from "preact";

/** A progress ring; `fraction` 1 = full. */
export function Ring({ fraction, children, size = 84, stroke = 8 }: { fraction: number; children?: ComponentChildren; size?: number; stroke?: number }) {
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  return (
    <div class="ring" style={{ width: `${size}px`, height: `${size}px` }}>
      <svg viewBox={`0 0 ${size} ${size}`}>
        <circle class="track" cx={size / 2} cy={size / 2} r={r} fill="none" stroke-width={stroke} />
        <circle class="bar" cx={size / 2} cy={size / 2} r={r} fill="none" stroke-width={stroke}
          stroke-dasharray={c} stroke-dashoffset={c * (1 - Math.max(0, Math.min(1, fraction)))} />
      </svg>
      <div class="label">{children}</div>
    </div>
  );
}
