import type { HitRatioSample } from '../api/AdminApiTypes.js';
import { html, type SafeHtml } from './html.js';

const W = 600;
const H = 160;
const PAD = { left: 44, right: 10, top: 10, bottom: 26 };

/**
 * The RAM hit ratio over the last minutes as a small SVG line chart, drawn on the server (no script):
 * one point per sampling interval, gaps where there were no lookups, 0–100 % on the vertical axis.
 * The same numbers are given as a table for screen readers and for copying.
 */
export function hitRatioChart(samples: readonly HitRatioSample[], intervalMs: number): SafeHtml {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const n = Math.max(samples.length, 2);
  const x = (i: number): number => PAD.left + (innerW * i) / (n - 1);
  const y = (ratio: number): number => PAD.top + innerH * (1 - ratio);
  const segments: string[] = [];
  let current: string[] = [];
  samples.forEach((s, i) => {
    if (s.ratio === null) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(s.ratio).toFixed(1)}`);
  });
  if (current.length > 0) segments.push(current.join(' '));
  const minutes = Math.round((samples.length * intervalMs) / 60_000);
  const grid = [0, 0.5, 1].map(
    (r) =>
      html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(r)}" y2="${y(r)}" stroke="#c9d1da" /><text
          x="${PAD.left - 6}"
          y="${y(r) + 4}"
          text-anchor="end"
          font-size="12"
          fill="#4a5563"
          >${r * 100}%</text
        >`,
  );
  const points = samples.map((s, i) =>
    s.ratio === null
      ? html``
      : html`<circle cx="${x(i).toFixed(1)}" cy="${y(s.ratio).toFixed(1)}" r="3" fill="#0b5cad" />`,
  );
  const label =
    samples.length === 0
      ? 'No samples yet: the first point appears after one interval.'
      : `RAM hit ratio over the last ${minutes || 1} minute(s), ${samples.length} samples.`;
  return html`<figure class="chart">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="hit-ratio-title" xmlns="http://www.w3.org/2000/svg">
      <title id="hit-ratio-title">${label}</title>
      ${grid} ${segments.map((s) => html`<polyline points="${s}" fill="none" stroke="#0b5cad" stroke-width="2" />`)}
      ${points}
      <text x="${PAD.left}" y="${H - 6}" font-size="12" fill="#4a5563">
        ${samples.length === 0 ? '' : `${minutes || 1} min ago`}
      </text>
      <text x="${W - PAD.right}" y="${H - 6}" font-size="12" fill="#4a5563" text-anchor="end">now</text>
    </svg>
    <figcaption class="hint">
      ${label} One sample every ${Math.round(intervalMs / 1000)} s; gaps: no lookups.
    </figcaption>
  </figure>`;
}
