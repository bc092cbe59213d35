// @ts-check
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { useData } from '../lib/use-data.js';
import { CopyBlock } from './copy.js';

/** A probe's addresses a router could export to: its interfaces' addresses without loopback and prefix length. */
function probeAddresses(probe) {
  const list = (probe.network?.interfaces ?? []).flatMap((i) => i.addresses).map((a) => a.replace(/\/\d+$/, ''));
  return list.filter((a) => !/^127\.|^::1$|^fe80:/i.test(a));
}

const VARIABLES = [
  ['NETFLOW_ENABLED', '1', '0 turns the collector off'],
  ['NETFLOW_BIND_HOST', '0.0.0.0', 'the address it listens on'],
  ['NETFLOW_BIND_PORT', '2055', 'the UDP port'],
  ['NETFLOW_SAMPLING', '', 'sampling rates by exporter, e.g. 192.0.2.1=1000 (when the router does not send its own)'],
  ['NETFLOW_TEMPLATE_TTL_SECONDS', '1800', 'v9/IPFIX templates not refreshed for this long are forgotten'],
  ['NETFLOW_LOG_FILE', '', 'keep the raw flows on the probe in this file (rotated)'],
];

/**
 * What the Flows page shows before any flow arrived: how to point a router or firewall at a probe (UDP 2055 on a
 * probe's address) and the probe's NETFLOW_* settings.
 */
export function FlowsEmpty() {
  const { data } = useData(() => api('GET', '/api/probes'), [], { events: ['probe'] });
  const probes = data?.probes ?? [];
  const target = probes.flatMap(probeAddresses)[0] ?? '<probe address>';
  const softflowd = `softflowd -i eth0 -n ${target}:2055 -v 10`;
  const mikrotik = `/ip traffic-flow set enabled=yes\n/ip traffic-flow target add dst-address=${target} port=2055 version=ipfix`;
  const cisco = `flow exporter EDGE-IPAM\n destination ${target}\n transport udp 2055\n export-protocol ipfix`;
  return html`<section class="flows-empty notice" aria-labelledby="flows-empty-title" data-empty>
    <h2 id="flows-empty-title">No flows yet</h2>
    <p>Every probe collects <strong>NetFlow v5, v9 and IPFIX</strong> on <strong>UDP port 2055</strong>. Point a router's or
      firewall's flow export at a probe's address; within a minute of the first export the map and the tables fill in.
      A probe in a container needs <code>--network host</code> (or <code>-p 2055:2055/udp</code>), and the probe's firewall must let UDP 2055 in.</p>
    ${probes.length > 0 &&
    html`<ul class="probe-targets">${probes.map(
      (p) => html`<li key=${p.id}><strong>${p.name}</strong> ${probeAddresses(p).length ? probeAddresses(p).map((a) => html`<code>${a}</code> `) : html`<span class="muted">address not reported</span>`}</li>`,
    )}</ul>`}
    <${CopyBlock} label="Linux (softflowd)" text=${softflowd} />
    <${CopyBlock} label="MikroTik RouterOS" text=${mikrotik} />
    <${CopyBlock} label="Cisco IOS (Flexible NetFlow)" text=${cisco} />
    <h3>Probe settings</h3>
    <div class="scroll-x" tabindex="0" role="region" aria-label="The probe's NetFlow settings"><table class="flow-vars">
      <thead><tr><th scope="col">Variable</th><th scope="col">Default</th><th scope="col">Meaning</th></tr></thead>
      <tbody>${VARIABLES.map(([name, def, meaning]) => html`<tr key=${name}><td><code>${name}</code></td><td>${def ? html`<code>${def}</code>` : html`<span class="muted">unset</span>`}</td><td>${meaning}</td></tr>`)}</tbody>
    </table></div>
  </section>`;
}
