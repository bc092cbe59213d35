// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { CHANGE_WINDOWS, changesPath, isLocalMac, localTimeToIso, toLocalInput, vendorText } from '../lib/identity.js';
import { useData } from '../lib/use-data.js';
import { UnregisteredTalkers } from './flows-unregistered.js';

const when = (t) => (t ? html`<time datetime=${t} title=${new Date(t).toLocaleString()}>${ago(t)}</time>` : '');

function Entry({ subnetId, e, children }) {
  return html`<li data-host=${e.hostId} data-ip=${e.ip}>
    <a href=${`#/subnets/${subnetId}?host=${e.hostId}`}>${e.ip}</a>${e.hostname ? html` <span>${e.hostname}</span>` : ''}
    ${e.mac && html` <code class="mac">${e.mac}</code> <span class="muted">${vendorText(e.vendor, isLocalMac(e.mac))}</span>`} ${children}</li>`;
}

function List({ title, kind, items, subnetId, empty, render }) {
  return html`<div class="change-list" data-list=${kind}>
    <h3>${title} <span class="muted">(${items.length})</span></h3>
    ${items.length === 0 ? html`<p class="muted">${empty}</p>` : html`<ul>${items.map((e) => html`<${Entry} key=${`${e.hostId}-${e.mac}`} subnetId=${subnetId} e=${e}>${render(e)}</${Entry}>`)}</ul>`}
  </div>`;
}

/**
 * The subnet view's "What changed" panel: new addresses, new MACs and addresses gone silent since the last sweep,
 * the last 24 hours or 7 days, or a time the user picks (GET /api/subnets/:id/changes). Loads only while open.
 */
export function SubnetChanges({ subnetId }) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('sweep');
  // the chosen instant (ISO, UTC), or null while the input holds none; a day ago until the user picks one
  const [at, setAt] = useState(() => new Date(Math.floor(Date.now() / 60_000) * 60_000 - 86_400_000).toISOString());
  return html`<details class="subnet-changes" open=${open} onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary>What changed</summary>
    ${open && html`<${ChangesBody} subnetId=${subnetId} choice=${choice} onChoice=${setChoice} at=${at} onAt=${setAt} />`}
  </details>`;
}

function ChangesBody({ subnetId, choice, onChoice, at, onAt }) {
  const id = Number(subnetId);
  const since = choice === 'time' ? at : null;
  const path = changesPath(id, choice, Date.now(), since);
  const { data, error } = useData(() => (path ? api('GET', path) : Promise.resolve(null)), [id, choice, since], {
    events: ['hosts', 'macs'],
    accept: (e) => !!e.subnetIds?.includes(id),
  });
  return html`<div class="changes-body">
    <div class="changes-when">
      <label>Show <select name="changes-since" value=${choice} onChange=${(e) => onChoice(e.currentTarget.value)}>
        ${CHANGE_WINDOWS.map(([k, text]) => html`<option value=${k}>${text}</option>`)}</select></label>
      ${choice === 'time' &&
      // the input holds local time with no zone, which the API refuses: the instant goes out as UTC (toISOString)
      html`<label>Since <input type="datetime-local" name="changes-at" value=${at ? toLocalInput(Date.parse(at)) : ''}
        max=${toLocalInput(Date.now())} onChange=${(e) => onAt(localTimeToIso(e.currentTarget.value))} /></label>`}
    </div>
    ${choice === 'time' && !since && html`<p class="muted" role="status">Pick a date and time.</p>`}
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${path && !data && !error && html`<p>Loading…</p>`}
    ${data &&
    html`<p class="muted">${data.lastSweepAt ? html`Last sweep ${when(data.lastSweepAt)}` : 'No sweep yet'}${data.truncated ? ' · lists cut at 500 each' : ''}</p>
      <div class="change-lists">
        <${List} title="New addresses" kind="new" items=${data.newHosts} subnetId=${id} empty="No new address."
          render=${(e) => html`<span class="muted">first seen ${when(e.firstSeenAt)}</span>`} />
        <${List} title="New MACs" kind="macs" items=${data.newMacs} subnetId=${id} empty="No new MAC."
          render=${(e) => html`<span class="muted">${e.previousMac ? html`was <code>${e.previousMac}</code>, ` : ''}since ${when(e.firstSeenAt)}</span>`} />
        <${List} title="Gone silent" kind="missing" items=${data.missing} subnetId=${id} empty="No address went silent."
          render=${(e) => html`<span class="muted">last seen ${when(e.lastSeenAt)}</span>`} />
        <${UnregisteredTalkers} items=${data.unregistered ?? []} />
      </div>`}
  </div>`;
}
