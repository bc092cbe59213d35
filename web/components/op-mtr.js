// @ts-check
import { html } from '../lib/html.js';
import { hopChart, lossPercent, msText } from '../lib/operations.js';

/**
 * One probe's mtr: the per-hop table (address and name, loss, sent, last/avg/best/worst/stdev) and the per-hop
 * chart (best to worst as a bar with the average marked, the loss as a bar of its own).
 * @param {{ result: any, label: string }} props
 */
export function MtrResult({ result, label }) {
  if (result.hops.length === 0) return html`<p class="muted">No hop answered yet.</p>`;
  return html`<div class="op-mtr">
    <div class="scroll-x" tabindex="0" role="region" aria-label=${`mtr hops from ${label}`}><table class="op-table mtr-table">
      <caption class="sr-only">mtr from ${label}, ${result.cycles} ${result.cycles === 1 ? 'cycle' : 'cycles'}</caption>
      <thead><tr><th scope="col">Hop</th><th scope="col">Host</th><th scope="col">Loss</th><th scope="col">Sent</th><th scope="col">Last</th><th scope="col">Avg</th><th scope="col">Best</th><th scope="col">Worst</th><th scope="col"><abbr title="standard deviation">StDev</abbr></th></tr></thead>
      <tbody>${result.hops.map(
        (h) => html`<tr key=${h.hop} data-hop=${h.hop} class=${h.loss > 0 ? 'lossy' : undefined}>
          <td class="num">${h.hop}</td>
          <td class="host">${h.address ? html`<code>${h.address}</code>` : html`<span class="muted">* no answer</span>`}${h.name && h.name !== h.address ? html` <span class="hop-name">${h.name}</span>` : ''}</td>
          <td class="num">${lossPercent(h.loss)}</td><td class="num">${h.sent}</td>
          <td class="num">${msText(h.lastMs)}</td><td class="num">${msText(h.avgMs)}</td><td class="num">${msText(h.bestMs)}</td><td class="num">${msText(h.worstMs)}</td><td class="num">${msText(h.stdevMs)}</td></tr>`,
      )}</tbody></table></div>
    <${HopChart} hops=${result.hops} label=${label} />
  </div>`;
}

/** @param {{ hops: any[], label: string }} props */
export function HopChart({ hops, label }) {
  const c = hopChart(hops);
  const lossy = hops.filter((h) => h.loss > 0).length;
  const summary = `Latency per hop from ${label}: ${hops.length} hops, scale 0 to ${msText(c.max)}; ${lossy ? `${lossy} with loss` : 'no loss'}`;
  return html`<figure class="op-chart hop-chart">
    <svg viewBox=${`0 0 ${c.width} ${c.height}`} width=${c.width} height=${c.height} role="img" aria-label=${summary}>
      <line class="axis" x1=${c.left} x2=${c.left} y1="0" y2=${c.height} />
      <line class="grid" x1=${c.left + c.span} x2=${c.left + c.span} y1="0" y2=${c.height} />
      ${c.rows.map(
        (r) => html`<g key=${r.hop} data-hop=${r.hop}>
          <text class="hop-label" x=${c.left - 6} y=${r.mid + 4} text-anchor="end">${r.hop}</text>
          ${r.bar
            ? html`<rect class="range" x=${r.bar.x} y=${r.mid - 4} width=${r.bar.width} height="8" rx="2" />
              <rect class="avg" x=${r.avg - 1} y=${r.mid - 7} width="2.5" height="14" />`
            : html`<text class="no-answer" x=${c.left + 4} y=${r.mid + 4}>no answer</text>`}
          <rect class="loss-track" x=${r.loss.x} y=${r.mid - 4} width=${r.loss.full} height="8" />
          ${r.loss.width > 0 && html`<rect class="loss" x=${r.loss.x} y=${r.mid - 4} width=${r.loss.width} height="8" />`}
        </g>`,
      )}
    </svg>
    <figcaption>bar: best – worst, mark: average, 0 – ${msText(c.max)} · right: loss 0 – 100 %</figcaption>
  </figure>`;
}
