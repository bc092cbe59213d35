// @ts-check
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../components/confirm.js';
import { MaintenanceForm } from '../components/maintenance-form.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { nextText, scheduleText, targetText } from '../lib/maintenance.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';

/** The windows, with the texts of the subnets and hosts they are for (a host's address read once per host). */
async function loadAll() {
  const [m, s, t] = await Promise.all([api('GET', '/api/maintenance'), api('GET', '/api/subnets'), api('GET', '/api/tags')]);
  const hostIds = [...new Set(m.windows.filter((w) => w.scope === 'host').map((w) => w.hostId))];
  const hosts = await Promise.all(hostIds.map((id) => api('GET', `/api/hosts/${id}`).catch(() => null)));
  return {
    windows: m.windows,
    subnets: s.subnets,
    tags: t.tags,
    names: {
      subnets: new Map(s.subnets.map((x) => [x.id, x.name ? `${x.cidr} (${x.name})` : x.cidr])),
      hosts: new Map(hosts.filter(Boolean).map((h) => [h.id, h.hostname ? `${h.ip} (${h.hostname})` : h.ip])),
    },
  };
}

function WindowRow({ w, names, edit, onDeleted }) {
  const label = w.name || targetText(w, names);
  return html`<tr data-window=${w.id} class=${w.activeNow ? 'active' : ''}>
    <td>${w.name || html`<span class="muted">—</span>`}</td>
    <td>${targetText(w, names)}</td>
    <td>${w.kind === 'once' ? 'once' : 'weekly'}: <span class="schedule">${scheduleText(w)}</span></td>
    <td>${w.activeNow && html`<span class="badge active-now">active now</span> `}<span class=${w.next ? '' : 'muted'}>${nextText(w)}</span></td>
    ${edit && html`<td><${ConfirmButton} label="Delete…" name=${label} question=${`Delete the window ${label}?`} action="Delete"
      onConfirm=${() => api('DELETE', `/api/maintenance/${w.id}`).then(onDeleted)} /></td>`}
  </tr>`;
}

/** Maintenance windows: everybody sees them; editors add and delete. */
export function Maintenance() {
  const { data, error, reload } = useData(loadAll, [], { events: ['subnets'] });
  const edit = useCan('editor');
  const [added, setAdded] = useState(0);
  return html`<section class="maintenance">
    <h1>Maintenance windows</h1>
    <p class="muted">Alerts about what a window covers are recorded as muted and not sent while it is on; what is still down when it ends is sent then.
      Times are shown in your time zone; a weekly window keeps to the wall clock of its own zone.</p>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data && edit && html`<${MaintenanceForm} key=${added} subnets=${data.subnets} tags=${data.tags} onAdded=${() => (setAdded(added + 1), reload())} />`}
    ${data &&
    (data.windows.length === 0
      ? html`<p class="muted">No maintenance windows.</p>`
      : html`<div class="scroll-x"><table class="windows">
      <thead><tr><th scope="col">Name</th><th scope="col">Applies to</th><th scope="col">When</th><th scope="col">Now or next</th>${edit && html`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>${data.windows.map((w) => html`<${WindowRow} key=${w.id} w=${w} names=${data.names} edit=${edit} onDeleted=${reload} />`)}</tbody>
    </table></div>`)}
  </section>`;
}
