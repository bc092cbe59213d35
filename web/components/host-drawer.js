// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ago, latency, percent, stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { duringOccurrence } from '../lib/maintenance.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { HostAlerts } from './host-alerts.js';
import { HostDevices } from './host-devices.js';
import { HostEditor } from './host-editor.js';
import { HostIdentity } from './host-identity.js';
import { HostPeers } from './host-peers.js';
import { HostPorts } from './host-ports.js';
import { HostTrace } from './host-trace.js';
import { HostOperationsLink } from './op-link.js';
import { Sparkline } from './sparkline.js';
import { StatusPill } from './status.js';

const WEEK_MS = 7 * 86_400_000;

async function loadHost(id) {
  const now = Date.now();
  // the windows' occurrences of the week behind (the state changes' span) and the week ahead
  const range = new URLSearchParams({ from: new Date(now - WEEK_MS).toISOString(), to: new Date(now + WEEK_MS).toISOString() });
  const [host, day, week, events, alerts, maintenance] = await Promise.all([
    api('GET', `/api/hosts/${id}`),
    api('GET', `/api/hosts/${id}/history?window=24h`),
    api('GET', `/api/hosts/${id}/history?window=7d`),
    api('GET', `/api/hosts/${id}/events?limit=50`),
    api('GET', `/api/alerts?hostId=${id}&limit=20`),
    api('GET', `/api/hosts/${id}/maintenance?${range}`),
  ]);
  // port changes have their own list in the Ports section
  const occurrences = maintenance.windows.flatMap((w) => w.occurrences);
  return { host, day, week, events: events.events.filter((e) => e.kind !== 'port'), alerts: alerts.alerts, windows: maintenance.windows, occurrences };
}

function CopyIp({ ip }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(ip);
    } catch {
      // no clipboard permission (plain http, some browsers): select the text so Ctrl+C works
      getSelection()?.selectAllChildren(/** @type {Node} */ (document.getElementById('drawer-ip')));
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return html`<button type="button" class="ip-copy" id="drawer-ip" onClick=${copy} title="Copy the address">${ip}</button>
    <span role="status" class="muted">${copied ? 'Copied' : ''}</span>`;
}

/** What a viewer sees in place of the editor: the same fields, read only. */
function HostDetails({ host }) {
  const row = (label, value) => html`<div><dt>${label}</dt><dd>${value || html`<span class="muted">—</span>`}</dd></div>`;
  return html`<dl class="details">
    ${row('Hostname', host.hostname)}${row('Description', host.description)}
    ${row('Tags', host.tags.length ? host.tags.map((t) => html`<span class="chip">${t}</span>`) : '')}${row('Notes', host.notes)}
    ${row('Reserved', host.reserved ? `yes${host.reservedBy ? `, by ${host.reservedBy}` : ''}${host.reservedUntil ? `, until ${stamp(host.reservedUntil)}` : ''}` : 'no')}
    ${host.reserved && host.reservedNote && row('Reservation note', host.reservedNote)}
  </dl>`;
}

/** "reserved", or "reserved until 2026-12-31 18:00" (the expiry in local time, ISO in its tooltip). */
function ReservedBadge({ host }) {
  if (!host.reserved) return '';
  if (!host.reservedUntil) return html`<span class="badge">reserved</span>`;
  return html`<span class="badge reserved-until" title=${`released on ${new Date(host.reservedUntil).toLocaleString()} if the address stays unused`}>reserved until <time datetime=${host.reservedUntil}>${stamp(host.reservedUntil)}</time></span>`;
}

/**
 * The host drawer: who it is (name and source, MAC and vendor), uptime, latency sparkline, open ports, the path to
 * it, the devices that used the address, state changes and in-place editing. The URL carries ?host=<id>.
 */
export function HostDrawer({ hostId, onClose, onChanged = () => {} }) {
  const { data, error, reload } = useData(() => loadHost(hostId), [hostId], {
    // a new MAC (the macs event) changes the host's MAC, vendor and maybe name
    events: ['hosts', 'macs'],
    accept: (e) => !data || e.subnetIds.includes(data.host.subnetId),
  });
  const heading = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  useEffect(() => heading.current?.focus(), [hostId, !!data]);
  // on close, keyboard focus goes back to the host's row (or the page), not to the top of the document
  useEffect(
    () => () => {
      const restore = () => {
        const row = /** @type {HTMLElement | null} */ (document.querySelector(`a[href$="host=${hostId}"]`));
        (row ?? document.getElementById('main'))?.focus({ preventScroll: true });
      };
      restore();
      // the drawer's own removal in the same frame can leave focus on <body>: check once more after it
      requestAnimationFrame(() => document.activeElement === document.body && restore());
    },
    [hostId],
  );
  const saved = () => (reload(), onChanged());
  const edit = useCan('editor');
  return html`<aside class="drawer" aria-labelledby="drawer-title">
    <header class="drawer-head">
      <h2 id="drawer-title" tabindex="-1" ref=${heading}>${data ? data.host.hostname || data.host.ip : 'Host'}</h2>
      <button type="button" class="close" onClick=${onClose} aria-label="Close the host drawer (Esc)">×</button>
    </header>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data &&
    html`<div class="drawer-body">
      <p class="drawer-ip"><${CopyIp} ip=${data.host.ip} /> <${StatusPill} status=${data.host.status} changedAt=${data.host.lastChangeAt} />
        <${ReservedBadge} host=${data.host} />
        ${data.host.previouslyUsed && html`<span class="badge previously-used" title=${`silent since ${new Date(data.host.lastSeenAt).toLocaleString()}; its address is offered as free again`}>previously used</span>`}</p>
      <${HostIdentity} host=${data.host} />
      <dl class="facts">
        <div><dt>Uptime 24 h</dt><dd>${percent(data.day.uptimePercent)}</dd></div>
        <div><dt>Uptime 7 d</dt><dd>${percent(data.week.uptimePercent)}</dd></div>
        <div><dt>Latency</dt><dd>${data.host.status === 'up' ? latency(data.host.latencyMs) : '—'}</dd></div>
        <div><dt>Last seen</dt><dd>${ago(data.host.lastSeenAt)}</dd></div>
        <div><dt>First seen</dt><dd>${ago(data.host.firstSeenAt)}</dd></div>
        <div><dt>Last change</dt><dd>${ago(data.host.lastChangeAt)}</dd></div>
      </dl>
      <h3>Latency, last 2 h</h3>
      <${Sparkline} samples=${data.day.recent} label="Latency over the last 2 hours" />
      <${HostPorts} host=${data.host} />
      <${HostTrace} host=${data.host} />
      <${HostOperationsLink} host=${data.host} />
      <${HostPeers} host=${data.host} />
      <${HostDevices} host=${data.host} />
      <h3>Details</h3>
      ${edit ? html`<${HostEditor} host=${data.host} onSaved=${saved} />` : html`<${HostDetails} host=${data.host} />`}
      <h3>State changes</h3>
      ${data.events.length === 0
        ? html`<p class="muted">No changes recorded.</p>`
        : html`<ol class="changes">
            ${data.events.map(
              (e) => html`<li key=${e.id}><span class=${`pill ${e.to}`}>${e.to}</span> from ${e.from}
                <time datetime=${e.at} title=${new Date(e.at).toLocaleString()}>${ago(e.at)}</time>
                ${duringOccurrence(e.at, data.occurrences) && html`<span class="badge in-maintenance">in maintenance</span>`}</li>`,
            )}
          </ol>`}
      <${HostAlerts} alerts=${data.alerts} windows=${data.windows} />
    </div>`}
  </aside>`;
}
