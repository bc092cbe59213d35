// @ts-check
import { api } from '../lib/api.js';
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { vendorText } from '../lib/identity.js';
import { useData } from '../lib/use-data.js';

const when = (t) => (t ? html`<time datetime=${t} title=${new Date(t).toLocaleString()}>${ago(t)}</time>` : html`<span class="muted">—</span>`);

/** The devices (MAC, vendor, hostname) that have used this address, newest first: the IP Manager's history. */
export function HostDevices({ host }) {
  const id = host.id;
  const { data, error } = useData(() => api('GET', `/api/hosts/${id}/devices`), [id], {
    events: ['macs', 'hosts'],
    accept: (e) => !!e.changes?.some((c) => c.hostId === id),
  });
  const label = host.hostname || host.ip;
  let body;
  if (error) body = html`<p class="error" role="alert">Device history: ${error.message}</p>`;
  else if (!data) body = html`<p>Loading devices…</p>`;
  else if (data.devices.length === 0) body = html`<p class="muted">No device seen at this address yet.</p>`;
  else
    body = html`<div class="scroll-x" tabindex="0" role="region" aria-label=${`Devices of ${label}`}><table class="device-table">
      <caption class="sr-only">Devices that used ${label}</caption>
      <thead><tr><th scope="col">MAC</th><th scope="col">Vendor</th><th scope="col">Hostname</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
      <tbody>${data.devices.map(
        (d) => html`<tr key=${d.mac} data-device=${d.mac} class=${d.current ? 'current' : undefined}>
          <td><code>${d.mac}</code>${d.current && html` <span class="badge on">current</span>`}</td>
          <td>${vendorText(d.vendor, d.macRandom)}</td><td>${d.hostname ?? ''}</td><td>${when(d.firstSeenAt)}</td><td>${when(d.lastSeenAt)}</td></tr>`,
      )}</tbody></table></div>`;
  return html`<section class="host-devices" aria-labelledby="devices-title"><h3 id="devices-title">Device history</h3>${body}</section>`;
}
