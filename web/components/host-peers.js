// @ts-check
import { api } from '../lib/api.js';
import { bytesText, countText } from '../lib/flows.js';
import { html } from '../lib/html.js';
import { useData } from '../lib/use-data.js';
import { FlowAddress } from './flows-address.js';

const DAY = 86_400_000;

/** The drawer's Top peers: whom the host exchanged most bytes with over the last 24 h (GET /api/netflow/peers). */
export function HostPeers({ host }) {
  const ip = host.ip;
  const { data, error } = useData(
    () => {
      const now = Date.now();
      const p = new URLSearchParams({ ip, from: new Date(now - DAY).toISOString(), to: new Date(now).toISOString(), limit: '10' });
      return api('GET', `/api/netflow/peers?${p}`);
    },
    [ip],
    { events: ['flows'], debounceMs: 5000, pollMs: 120_000 },
  );
  const label = host.hostname || ip;
  let body;
  if (error) body = html`<p class="error" role="alert">Top peers: ${error.message}</p>`;
  else if (!data) body = html`<p>Loading peers…</p>`;
  else if (data.peers.length === 0) body = html`<p class="muted">No flows to or from this address in the last 24 h.</p>`;
  else
    body = html`<div class="scroll-x" tabindex="0" role="region" aria-label=${`Top peers of ${label}`}><table class="peer-table">
      <caption class="sr-only">Addresses ${label} exchanged most bytes with in the last 24 hours</caption>
      <thead><tr><th scope="col">Peer</th><th scope="col" title=${`bytes from the peer to ${label}`}>In</th><th scope="col" title=${`bytes from ${label} to the peer`}>Out</th><th scope="col">Packets</th><th scope="col">Flows</th></tr></thead>
      <tbody>${data.peers.map(
        (p) => html`<tr key=${p.ip} data-peer=${p.ip}>
          <td><${FlowAddress} ip=${p.ip} hostId=${p.hostId} hostname=${p.hostname} subnetId=${p.subnetId} /></td>
          <td class="num">${bytesText(p.bytesIn)}</td><td class="num">${bytesText(p.bytesOut)}</td><td class="num">${countText(p.packets)}</td><td class="num">${countText(p.flows)}</td></tr>`,
      )}</tbody></table></div>`;
  return html`<section class="host-peers" aria-labelledby="peers-title"><h3 id="peers-title">Top peers, last 24 h</h3>${body}</section>`;
}
