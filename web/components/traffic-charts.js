// @ts-check
import { html } from '../lib/html.js';
import { bpsText, historyChart, intervalChart } from '../lib/traffic.js';

const when = (iso) => new Date(iso).toLocaleString();

/**
 * A pair's history: received throughput of each test over time (a line), UDP loss % on its own scale (red), failed
 * tests as ticks on the baseline; the numbers as a table beside it.
 * @param {{ tests: any[], label: string }} props
 */
export function TrafficHistoryChart({ tests, label }) {
  if (!tests.length) return html`<p class="muted op-chart-empty">No tests of this pair yet.</p>`;
  const c = historyChart(tests);
  const summary = `Received throughput of ${label}: ${c.points.length} measured ${c.points.length === 1 ? 'test' : 'tests'}${c.failed.length ? `, ${c.failed.length} failed` : ''}, scale 0 to ${bpsText(c.max)}${c.lossMax !== null ? `; UDP loss 0 to ${c.lossMax} %` : ''}`;
  return html`<figure class="op-chart traffic-history-chart">
    <svg viewBox=${`0 0 ${c.width} ${c.height}`} width=${c.width} height=${c.height} role="img" aria-label=${summary}>
      <line class="grid" x1="0" x2=${c.width} y1=${c.top} y2=${c.top} />
      <line class="axis" x1="0" x2=${c.width} y1=${c.baseline} y2=${c.baseline} />
      <path class="line" d=${c.path} fill="none" />
      ${c.points.map((p) => html`<circle key=${p.id} class="dot" cx=${p.x} cy=${p.y} r="2.6" data-test=${p.id}><title>${when(p.at)}: ${bpsText(p.bps)}</title></circle>`)}
      ${c.loss.length > 0 && html`<path class="loss-line" d=${c.lossPath} fill="none" />`}
      ${c.loss.map((p) => html`<rect key=${`l${p.id}`} class="loss" x=${p.x - 2} y=${p.y - 2} width="4" height="4"><title>${p.lossPercent} % lost</title></rect>`)}
      ${c.failed.map((f) => html`<rect key=${`f${f.id}`} class="miss" x=${f.x - 1.5} y=${c.baseline - 8} width="3" height="8"><title>failed: ${f.code ?? ''}</title></rect>`)}
    </svg>
    <figcaption><span>received, 0 – ${bpsText(c.max)}</span>${c.lossMax !== null && html` · <span class="miss-key">▪</span> UDP loss, 0 – ${c.lossMax} %`}${c.failed.length > 0 && html` · <span class="miss-key">▮</span> failed`}</figcaption>
  </figure>`;
}

/**
 * A test's per-second throughput as bars, and the seconds as a table.
 * @param {{ intervals: number[], label: string }} props
 */
export function TrafficIntervalChart({ intervals, label }) {
  if (!intervals.length) return null;
  const c = intervalChart(intervals);
  const summary = `Throughput each second of ${label}: ${intervals.length} seconds, scale 0 to ${bpsText(c.max)}, lowest ${bpsText(Math.min(...intervals))}, highest ${bpsText(Math.max(...intervals))}`;
  return html`<figure class="op-chart traffic-interval-chart">
    <svg viewBox=${`0 0 ${c.width} ${c.height}`} width=${c.width} height=${c.height} role="img" aria-label=${summary}>
      <line class="grid" x1="0" x2=${c.width} y1=${c.top} y2=${c.top} />
      ${c.bars.map((b) => html`<rect key=${b.second} class="bar" x=${b.x} y=${b.y} width=${b.width} height=${b.height}><title>second ${b.second}: ${bpsText(b.bps)}</title></rect>`)}
      <line class="axis" x1="0" x2=${c.width} y1=${c.baseline} y2=${c.baseline} />
    </svg>
    <figcaption>per second, 0 – ${bpsText(c.max)}</figcaption>
    <details class="op-replies"><summary>Seconds<span class="sr-only"> of ${label}</span> as a table</summary>
      <table class="op-table"><thead><tr><th scope="col">Second</th><th scope="col">Throughput</th></tr></thead>
      <tbody>${c.bars.map((b) => html`<tr key=${b.second}><td class="num">${b.second}</td><td class="num">${bpsText(b.bps)}</td></tr>`)}</tbody></table></details>
  </figure>`;
}
