// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { alertType, attemptStatus } from '../lib/alerts.js';
import { span, stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { useData } from '../lib/use-data.js';

const LIMIT = 50;

function Log({ endpoint, version }) {
  const { data, error, reload } = useData(() => api('GET', `/api/webhooks/${endpoint.id}/deliveries?limit=${LIMIT}`), [endpoint.id, version], { pollMs: 10_000 });
  if (error) return html`<p class="error" role="alert">${error.message}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const left = data.nextAttemptAt ? Date.parse(data.nextAttemptAt) - Date.now() : null;
  const when = left == null ? '' : `, next attempt ${stamp(data.nextAttemptAt)} (${left < 1500 ? 'due now' : `in ${span(left)}`})`;
  const waiting = data.pending ? `${data.pending} pending${when}` : 'Nothing pending';
  return html`<p class="log-head"><span data-pending>${waiting}</span> <button type="button" class="link" onClick=${reload}>Refresh<span class="sr-only"> the log of ${endpoint.name}</span></button></p>
    ${data.attempts.length === 0
      ? html`<p class="muted">No attempts yet.</p>`
      : html`<div class="scroll-x"><table class="deliveries">
      <caption class="muted">Every attempt, newest first (kept 30 days)</caption>
      <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Attempt</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col">Error</th><th scope="col">Delivery</th></tr></thead>
      <tbody>${data.attempts.map(
        (a) => html`<tr key=${a.id} data-attempt=${a.id}>
          <td class="nowrap"><time datetime=${a.at}>${stamp(a.at)}</time></td><td>${alertType(a.type).label}</td><td class="num">#${a.attempt}</td>
          <td class=${`num ${a.statusCode != null && a.statusCode < 300 ? 'ok' : 'error'}`}>${attemptStatus(a.statusCode)}</td><td class="num">${a.durationMs} ms</td>
          <td class="details" title=${a.error ?? ''}>${a.error ?? ''}</td><td><span class=${`badge state-${a.state}`}>${a.state}</span></td></tr>`,
      )}</tbody></table></div>`}`;
}

/** An endpoint's delivery log, folded: read when opened, refreshed after each Send test (`version`). */
export function WebhookDeliveries({ endpoint, version }) {
  const [open, setOpen] = useState(false);
  return html`<details class="delivery-log" onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary>Delivery log<span class="sr-only"> of ${endpoint.name}</span></summary>
    ${open && html`<${Log} endpoint=${endpoint} version=${version} />`}
  </details>`;
}
