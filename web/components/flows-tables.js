// @ts-check
import { bytesText, countText, protocolName, serviceText } from '../lib/flows.js';
import { html } from '../lib/html.js';
import { FlowAddress } from './flows-address.js';

/** A number cell; `opt`: a column a phone leaves out (packets, flows), the bytes being what matters there. */
const num = (n, text, opt = false) => html`<td class=${opt ? 'num opt' : 'num'} title=${String(n)}>${text(n)}</td>`;

/** A table that scrolls sideways on a narrow screen (a focusable region, so the keyboard can scroll it too). */
function Scroll({ label, children }) {
  return html`<div class="scroll-x" tabindex="0" role="region" aria-label=${label}>${children}</div>`;
}

/** Top talkers (GET /api/netflow/talkers): each address with its host, subnet, bytes in and out, packets and flows. */
export function FlowTalkers({ talkers, subnets }) {
  if (talkers.length === 0) return html`<p class="muted">No talkers in this range.</p>`;
  return html`<${Scroll} label="Top talkers"><table class="flow-table flow-talkers">
    <caption class="sr-only">Top talkers by bytes, in and out</caption>
    <thead><tr><th scope="col">Address</th><th scope="col">Subnet</th><th scope="col">In</th><th scope="col">Out</th><th scope="col" class="opt">Packets</th><th scope="col" class="opt">Flows</th></tr></thead>
    <tbody>${talkers.map(
      (t) => html`<tr key=${t.ip} data-talker=${t.ip}>
        <td><${FlowAddress} ip=${t.ip} hostId=${t.hostId} hostname=${t.hostname} subnetId=${t.subnetId} /></td>
        <td class="subnet">${t.subnetId ? (t.subnetName ?? subnets.get(t.subnetId)?.cidr ?? 'deleted subnet') : html`<span class="muted">External</span>`}</td>
        ${num(t.bytesIn, bytesText)}${num(t.bytesOut, bytesText)}${num(t.packetsIn + t.packetsOut, countText, true)}${num(t.flowsIn + t.flowsOut, countText, true)}</tr>`,
    )}</tbody></table></${Scroll}>`;
}

/** Top conversations (GET /api/netflow/conversations): one direction each, source → destination. */
export function FlowConversations({ conversations }) {
  if (conversations.length === 0) return html`<p class="muted">No conversations in this range.</p>`;
  return html`<${Scroll} label="Top conversations"><table class="flow-table flow-conversations">
    <caption class="sr-only">Top conversations by bytes, source to destination</caption>
    <thead><tr><th scope="col">Source</th><th scope="col">Destination</th><th scope="col">Bytes</th><th scope="col" class="opt">Packets</th><th scope="col" class="opt">Flows</th></tr></thead>
    <tbody>${conversations.map(
      (c) => html`<tr key=${`${c.src}>${c.dst}`} data-conversation=${`${c.src}>${c.dst}`}>
        <td><${FlowAddress} ip=${c.src} hostId=${c.srcHostId} hostname=${c.srcHostname} subnetId=${c.srcSubnetId} /></td>
        <td><${FlowAddress} ip=${c.dst} hostId=${c.dstHostId} hostname=${c.dstHostname} subnetId=${c.dstSubnetId} /></td>
        ${num(c.bytes, bytesText)}${num(c.packets, countText, true)}${num(c.flows, countText, true)}</tr>`,
    )}</tbody></table></${Scroll}>`;
}

/** Top services (GET /api/netflow/ports): protocol and the lower port of each flow. */
export function FlowPorts({ ports }) {
  if (ports.length === 0) return html`<p class="muted">No traffic in this range.</p>`;
  return html`<${Scroll} label="Top ports and protocols"><table class="flow-table flow-ports">
    <caption class="sr-only">Top ports and protocols by bytes</caption>
    <thead><tr><th scope="col">Service</th><th scope="col">Protocol</th><th scope="col">Bytes</th><th scope="col">Packets</th><th scope="col">Flows</th></tr></thead>
    <tbody>${ports.map(
      (p) => html`<tr key=${`${p.protocol}/${p.port}`} data-port=${`${p.protocol}/${p.port}`}>
        <td><code>${serviceText(p.protocol, p.port)}</code></td><td>${protocolName(p.protocol)} <span class="muted">(${p.protocol})</span></td>
        ${num(p.bytes, bytesText)}${num(p.packets, countText)}${num(p.flows, countText)}</tr>`,
    )}</tbody></table></${Scroll}>`;
}
