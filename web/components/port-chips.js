// @ts-check
import { html } from '../lib/html.js';
import { chipText, portName, splitChips, staleNote } from '../lib/ports.js';

/**
 * A host's open ports as chips, "22/ssh 443/https 8080/http +2", for the rows of the subnet view and the dashboard.
 * A host that is not up keeps its last known ports: muted, with a title saying so.
 */
export function PortChips({ ports, status, lastSeenAt }) {
  if (!ports?.length) return null;
  const { shown, rest } = splitChips(ports);
  const note = staleNote(status, lastSeenAt);
  const title = (p) => (note ? `${portName(p)} (${note})` : portName(p));
  return html`<span class=${`ports${note ? ' stale' : ''}`} data-stale=${note ? 'true' : undefined}>
    ${shown.map((p) => html`<span class="chip port" key=${`${p.protocol}${p.port}`} title=${title(p)}>${chipText(p)}</span>`)}
    ${rest.length > 0 && html`<span class="chip port more" title=${rest.map(portName).join(', ')}><span aria-hidden="true">+${rest.length}</span><span class="sr-only">and ${rest.length} more: ${rest.map(portName).join(', ')}</span></span>`}
    ${note && html`<span class="sr-only">(${note})</span>`}
  </span>`;
}
