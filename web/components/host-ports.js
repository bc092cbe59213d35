// @ts-check
import { api } from '../lib/api.js';
import { ago, span, toMs } from '../lib/format.js';
import { html } from '../lib/html.js';
import { jobEnded, portEventText, staleNote } from '../lib/ports.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { PortScanButton } from './port-scan-button.js';

const when = (t) => html`<time datetime=${t} title=${new Date(t).toLocaleString()}>${ago(t)}</time>`;

function nextScan(t) {
  const ms = toMs(t);
  if (ms == null) return '';
  return ms <= Date.now() ? ' · next scan due' : ` · next scan in ${span(ms - Date.now())}`;
}

function PortTable({ ports, label }) {
  // focusable: in a narrow drawer the table may scroll sideways, and the keyboard must be able to scroll it
  return html`<div class="scroll-x" tabindex="0" role="region" aria-label=${`Open ports of ${label}`}><table class="port-table">
    <caption class="sr-only">Open ports of ${label}</caption>
    <thead><tr><th scope="col">Port</th><th scope="col">Service</th><th scope="col">Product</th><th scope="col">Version</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
    <tbody>${ports.map(
      (p) => html`<tr key=${`${p.protocol}${p.port}`} data-port=${`${p.port}/${p.protocol}`}>
        <td class="num">${p.port}/${p.protocol}${p.state !== 'open' ? html` <span class="muted">${p.state}</span>` : ''}</td>
        <td>${p.service ?? html`<span class="muted">unknown</span>`}</td><td>${p.product ?? ''}</td><td>${p.version ?? ''}</td>
        <td>${when(p.firstSeenAt)}</td><td>${when(p.lastSeenAt)}</td></tr>`,
    )}</tbody></table></div>`;
}

/**
 * The drawer's Ports section: the open ports now (stale when the host is not up), when they were scanned, the
 * history of changes and, for editors, "Scan ports". Reloads on the feed's ports events for this host and when its
 * job is queued or ends (PortScanButton follows the progress in between).
 */
export function HostPorts({ host }) {
  const id = host.id;
  const { data, error, reload } = useData(() => api('GET', `/api/hosts/${id}/ports`), [id], {
    events: ['ports', 'job', 'hosts'],
    accept: (e) => !!(e.hostIds?.includes(id) || (e.jobId && e.jobId === data?.job?.id && jobEnded(e.state)) || e.changes?.some((c) => c.hostId === id)),
  });
  const edit = useCan('editor');
  const label = host.hostname || host.ip;
  if (error) return html`<p class="error" role="alert">${error.message}</p>`;
  if (!data) return html`<p>Loading ports…</p>`;
  const note = data.stale ? staleNote(host.status, host.lastSeenAt) : '';
  return html`<section class="host-ports" aria-labelledby="ports-title">
    <h3 id="ports-title">Ports</h3>
    <div class="ports-head">
      <span class="muted">${data.scannedAt ? html`Scanned ${when(data.scannedAt)}` : 'Not scanned yet'}${nextScan(data.nextScanAt)}</span>
      ${edit && html`<${PortScanButton} target=${{ kind: 'host', id, label }} running=${data.job} onDone=${reload} />`}
    </div>
    ${note && data.ports.length > 0 && html`<p class="notice stale-note">Stale: ${note}. These are the ports it had open when last scanned.</p>`}
    ${data.ports.length === 0
      ? html`<p class="muted">${data.scannedAt ? 'No open ports found.' : 'No ports known.'}</p>`
      : html`<${PortTable} ports=${data.ports} label=${label} />`}
    <h3>Port changes</h3>
    ${data.history.length === 0
      ? html`<p class="muted">No port changes recorded.</p>`
      : html`<ol class="port-changes">${data.history.map(
          (e) => html`<li key=${e.id} data-change=${e.change}><span class=${`change ${e.change}`}>${portEventText(e)}</span> <span class="muted">${when(e.at)}</span></li>`,
        )}</ol>`}
  </section>`;
}
