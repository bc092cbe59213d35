// @ts-check
import { stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { nextText, scheduleText } from '../lib/maintenance.js';
import { AlertItem } from './alert-item.js';

const SHOWN_PAST = 3;
const coverage = (w) => (w.scope === 'host' ? 'this host' : w.scope === 'subnet' ? 'its subnet' : `tag ${w.tag}`);

/** The windows covering the host, each with its latest occurrences up to now and whether it is on. */
function Windows({ windows }) {
  if (windows.length === 0) return html`<p class="muted">No maintenance window covers this host.</p>`;
  const now = Date.now();
  return html`<ul class="host-windows">${windows.map((w) => {
    const past = w.occurrences.filter((o) => Date.parse(o.start) <= now).slice(-SHOWN_PAST);
    return html`<li key=${w.id} data-window=${w.id}>
      <strong>${w.name || `Window #${w.id}`}</strong> <span class="muted">for ${coverage(w)}</span>
      ${w.activeNow && html`<span class="badge active-now">active now</span>`}
      <span class="schedule">${w.kind === 'once' ? 'once' : 'weekly'}: ${scheduleText(w)}</span>
      ${w.kind === 'weekly' && html`<span class="muted">${nextText(w)}</span>`}
      ${past.length > 0 && w.kind === 'weekly' && html`<span class="muted">recently: ${past.map((o) => `${stamp(o.start)} – ${stamp(o.end)}`).join('; ')}</span>`}
    </li>`;
  })}</ul>`;
}

/** The drawer's alerts (the host's recent events, muted ones marked) and the maintenance windows covering it. */
export function HostAlerts({ alerts, windows }) {
  const names = new Map(windows.map((w) => [w.id, w.name || `#${w.id}`]));
  return html`<section class="host-alerts" aria-labelledby="drawer-alerts">
    <h3 id="drawer-alerts">Alerts</h3>
    ${alerts.length === 0
      ? html`<p class="muted">No alerts about this host.</p>`
      : html`<ol class="alert-list compact">${alerts.map((a) => html`<${AlertItem} key=${a.event.id} alert=${a} windows=${names} withHost=${false} />`)}</ol>`}
    <h3>Maintenance</h3>
    <${Windows} windows=${windows} />
  </section>`;
}
