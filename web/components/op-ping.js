// @ts-check
import { html } from '../lib/html.js';
import { lossPercent, msText, pingChart } from '../lib/operations.js';

/**
 * One probe's ping: loss and min/avg/max/mdev, a latency chart (a point per reply by sequence, lost replies as
 * ticks on the baseline) and, folded, every reply as a table. `expected`: the echo requests asked for, so a chart
 * still filling keeps its scale along x.
 * @param {{ result: any, label: string, expected?: number }} props
 */
export function PingResult({ result, label, expected = 0 }) {
  const stats = [
    ['Sent', String(result.sent)],
    ['Received', String(result.received)],
    ['Loss', lossPercent(result.loss)],
    ['Min', msText(result.minMs)],
    ['Avg', msText(result.avgMs)],
    ['Max', msText(result.maxMs)],
    ['Mdev', msText(result.mdevMs)],
  ];
  return html`<div class="op-ping">
    <dl class="op-stats">${stats.map(([k, v]) => html`<div key=${k} data-stat=${k.toLowerCase()}><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
    <${PingChart} replies=${result.replies} label=${label} expected=${expected} />
    ${result.replies.length > 0 &&
    html`<details class="op-replies"><summary>Replies<span class="sr-only"> from ${label}</span> as a table</summary>
      <table class="op-table"><thead><tr><th scope="col">Seq</th><th scope="col"><abbr title="round trip">RTT</abbr></th><th scope="col">TTL</th></tr></thead>
      <tbody>${result.replies.map(
        (r) => html`<tr key=${r.seq} class=${r.rttMs == null ? 'lossy' : undefined}><td class="num">${r.seq}</td><td class="num">${r.rttMs == null ? 'lost' : msText(r.rttMs)}</td><td class="num">${r.ttl ?? '—'}</td></tr>`,
      )}</tbody></table></details>`}
  </div>`;
}

/** @param {{ replies: { seq: number, rttMs: number | null }[], label: string, expected?: number }} props */
export function PingChart({ replies, label, expected = 0 }) {
  if (replies.length === 0) return html`<p class="muted op-chart-empty">No replies yet.</p>`;
  const c = pingChart(replies, { expected });
  const answered = c.points.length;
  const summary = `Round trips from ${label}: ${answered} answered, ${c.misses.length} lost, scale 0 to ${msText(c.max)}`;
  return html`<figure class="op-chart ping-chart">
    <svg viewBox=${`0 0 ${c.width} ${c.height}`} width=${c.width} height=${c.height} role="img" aria-label=${summary}>
      <line class="grid" x1="0" x2=${c.width} y1=${c.top} y2=${c.top} />
      <line class="axis" x1="0" x2=${c.width} y1=${c.baseline} y2=${c.baseline} />
      <path class="line" d=${c.path} fill="none" />
      ${c.points.length <= 100 && c.points.map((p) => html`<circle key=${p.seq} class="dot" cx=${p.x} cy=${p.y} r="2.2"><title>#${p.seq}: ${msText(p.rttMs)}</title></circle>`)}
      ${c.misses.map((m) => html`<rect key=${`m${m.seq}`} class="miss" x=${m.x - 1.5} y=${c.baseline - 8} width="3" height="8"><title>#${m.seq}: lost</title></rect>`)}
    </svg>
    <figcaption><span>0 – ${msText(c.max)}</span>${c.misses.length > 0 && html` · <span class="miss-key">▮</span> lost`}</figcaption>
  </figure>`;
}
