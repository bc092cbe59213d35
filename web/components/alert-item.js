// @ts-check
import { alertHostHref, alertType, deliveriesText } from '../lib/alerts.js';
import { ago, stamp } from '../lib/format.js';
import { html } from '../lib/html.js';

/**
 * One alert event: its type (icon and colour), summary, the host it is about, whether a maintenance window muted it
 * (`windows`: window id → name) and how far its deliveries got. `withHost`: link the host (not inside its own drawer).
 */
export function AlertItem({ alert, windows = new Map(), withHost = true }) {
  const { event, muted, mutedBy, deliveries } = alert;
  const t = alertType(event.type);
  const href = withHost ? alertHostHref(event) : null;
  const host = event.data.host;
  const by = mutedBy != null ? windows.get(mutedBy) : undefined;
  return html`<li class=${`alert ${t.tone}`} data-alert-type=${event.type} data-muted=${muted ? 'true' : undefined}>
    <span class="alert-icon" aria-hidden="true">${t.icon}</span><strong class="alert-label">${t.label}</strong>
    ${href && html`<a href=${href}>${host.hostname ? `${host.ip} (${host.hostname})` : host.ip}</a>`}
    <span class="alert-summary">${event.data.summary}</span>
    ${muted && html`<span class="badge muted-badge" title=${by ? `held back by the window ${by}` : 'held back by a maintenance window'}>muted by maintenance${by ? `: ${by}` : ''}</span>`}
    ${event.data.heldByMaintenance && html`<span class="badge">sent after maintenance</span>`}
    <span class="muted">${muted ? 'not sent' : deliveriesText(deliveries)} · <time datetime=${event.timestamp} title=${stamp(event.timestamp)}>${ago(event.timestamp)}</time></span>
  </li>`;
}
