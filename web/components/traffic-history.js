// @ts-check
import { html } from '../lib/html.js';
import { bpsText, pairText, stateText } from '../lib/traffic.js';
import { setQuery } from '../lib/router.js';
import { TrafficHistoryChart } from './traffic-charts.js';

const lossText = (t) => (t.lossPercent == null ? '—' : `${+t.lossPercent.toFixed(2)} %`);

/**
 * The history per pair: a choice of the pairs recently tested, the chosen pair's chart and its tests as a table
 * (each opens above as the current test).
 * @param {{ pairs: any[], pair: string, tests: any[] | null, error: Error | null }} props
 */
export function TrafficHistory({ pairs, pair, tests, error }) {
  const chosen = pairs.find((p) => p.pair === pair);
  const label = chosen ? pairText(chosen) : pair;
  return html`<section class="traffic-history" aria-labelledby="tt-history-title">
    <div class="page-head"><h2 id="tt-history-title">History</h2>
      ${pairs.length > 0 &&
      html`<div class="field"><label for="tt-pair">Pair</label>
        <select id="tt-pair" value=${pair} onChange=${(e) => setQuery({ pair: e.currentTarget.value }, { replace: true })}>
          ${!chosen && pair && html`<option value=${pair}>${pair}</option>`}
          ${pairs.map((p) => html`<option key=${p.pair} value=${p.pair}>${pairText(p)} (${p.tests})</option>`)}
        </select></div>`}
    </div>
    ${error && html`<p class="error" role="alert">History: ${error.message}</p>`}
    ${!pairs.length && !error && html`<p class="muted">No traffic test has run yet.</p>`}
    ${pair && tests && html`<${TrafficHistoryChart} tests=${tests} label=${label} />`}
    ${pair && tests && tests.length > 0 &&
    html`<table class="op-list traffic-list"><caption class="sr-only">Tests of ${label}, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Protocol</th><th scope="col">State</th><th scope="col">Received</th><th scope="col">Sent</th><th scope="col">Loss</th><th scope="col"><span class="sr-only">Open</span></th></tr></thead>
      <tbody>${tests.map(
        (t) => html`<tr key=${t.id} data-test=${t.id}>
          <td><time datetime=${t.createdAt}>${new Date(t.createdAt).toLocaleString()}</time></td>
          <td>${t.protocol.toUpperCase()}${t.reverse ? ' (reverse)' : ''}${t.scheduleId != null ? html` <span class="muted">scheduled</span>` : ''}</td>
          <td><span class=${`run-state ${t.state}`}>${stateText(t.state)}</span>${t.code ? html` <span class="muted">${t.code}</span>` : ''}</td>
          <td class="num">${bpsText(t.receivedBps)}</td><td class="num">${bpsText(t.sentBps)}</td><td class="num">${lossText(t)}</td>
          <td><a href=${`#/traffic?test=${encodeURIComponent(t.id)}&pair=${encodeURIComponent(t.pair)}`}>details<span class="sr-only"> of the test at ${new Date(t.createdAt).toLocaleString()}</span></a></td>
        </tr>`,
      )}</tbody></table>`}
  </section>`;
}
