// @ts-check
import { html } from '../lib/html.js';
import { lossPercent, pathSteps } from '../lib/operations.js';

/**
 * One probe's traceroute as the path it took: each hop in order with its address, name, round trips and loss,
 * the target marked on the last hop when it was reached.
 * @param {{ result: any, label: string }} props
 */
export function TracePath({ result, label }) {
  if (result.hops.length === 0) return html`<p class="muted">No hop answered yet.</p>`;
  const steps = pathSteps(result);
  return html`<div class="op-trace">
    <p class=${result.reached ? 'ok' : 'error'} data-reached=${result.reached ? 'yes' : 'no'}>${result.reached ? 'Reached the target' : 'The target was not reached'} in ${steps.length} ${steps.length === 1 ? 'hop' : 'hops'}</p>
    <ol class="op-path" aria-label=${`Path from ${label}`}>${steps.map(
      (s) => html`<li key=${s.hop} data-hop=${s.hop} class=${`${s.address ? '' : 'silent'}${s.target ? ' target' : ''}`.trim() || undefined} value=${s.hop}>
        <span class="hop-no">${s.hop}</span>
        <span class="hop-host">${s.address ? html`<code>${s.address}</code>` : html`<span class="muted">* no answer</span>`}${s.name && s.name !== s.address ? html` <span class="hop-name">${s.name}</span>` : ''}${s.target ? html` <span class="badge target">target</span>` : ''}</span>
        <span class="hop-rtt muted">${s.rtt}${s.loss > 0 ? `, ${lossPercent(s.loss)} loss` : ''}</span>
      </li>`,
    )}</ol>
  </div>`;
}
