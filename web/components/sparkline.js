// @ts-check
import { html } from '../lib/html.js';

/**
 * Latency over time as an inline SVG line; samples without an answer are red ticks on the baseline.
 * @param {{ samples: { at: string, up: boolean, latencyMs: number | null }[], width?: number, height?: number, label: string }} props
 */
export function Sparkline({ samples, width = 280, height = 48, label }) {
  if (samples.length < 2) return html`<p class="muted">Not enough samples yet for a latency chart.</p>`;
  const t0 = Date.parse(samples[0].at);
  const t1 = Date.parse(samples[samples.length - 1].at);
  const values = samples.filter((s) => s.up && s.latencyMs != null).map((s) => /** @type {number} */ (s.latencyMs));
  const max = Math.max(...values, 0.001);
  const x = (at) => ((Date.parse(at) - t0) / Math.max(1, t1 - t0)) * (width - 2) + 1;
  const y = (v) => height - 3 - (v / max) * (height - 8);
  let d = '';
  let pen = false;
  for (const s of samples) {
    if (s.up && s.latencyMs != null) {
      d += `${pen ? 'L' : 'M'}${x(s.at).toFixed(1)},${y(s.latencyMs).toFixed(1)}`;
      pen = true;
    } else pen = false;
  }
  const misses = samples.filter((s) => !s.up);
  // few samples: draw each answer as a dot too, so a lone answer between misses is visible
  const answered = samples.filter((s) => s.up && s.latencyMs != null);
  const summary = `${label}: ${values.length} answers, ${misses.length} missed, max ${max.toFixed(2)} ms`;
  return html`<figure class="spark">
    <svg width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${summary}>
      <path d=${d} fill="none" stroke="currentColor" stroke-width="1.5" />
      ${answered.length <= 60 && answered.map((s) => html`<circle cx=${x(s.at)} cy=${y(/** @type {number} */ (s.latencyMs))} r="2" fill="currentColor" />`)}
      ${misses.map((s) => html`<rect class="miss" x=${x(s.at) - 1} y=${height - 6} width="2" height="6" />`)}
    </svg>
    <figcaption>${summary}</figcaption>
  </figure>`;
}
