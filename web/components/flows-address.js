// @ts-check
import { hostHref, isUnregistered } from '../lib/flows.js';
import { html } from '../lib/html.js';

/**
 * An address of the flows tables: a link to its host (the drawer, on this page), its hostname, and "unregistered"
 * for an address of a managed subnet with no host record (linked to that subnet's view). External addresses are text.
 */
export function FlowAddress({ ip, hostId, hostname, subnetId }) {
  const href = hostHref(location.hash, hostId, subnetId);
  const unregistered = isUnregistered(subnetId, hostId);
  return html`<span class="flow-addr" data-ip=${ip}>
    ${href ? html`<a href=${href} data-host=${hostId ?? undefined}>${ip}</a>` : html`<code>${ip}</code>`}
    ${hostname && html` <span class="flow-hostname">${hostname}</span>`}
    ${unregistered && html` <span class="badge unregistered" title="in a managed subnet, with no host record">unregistered</span>`}</span>`;
}
