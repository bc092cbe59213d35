// @ts-check
import { AlertItem } from '../components/alert-item.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { useData } from '../lib/use-data.js';

const PAGE = 100;

async function loadAlerts(before) {
  const p = new URLSearchParams({ limit: String(PAGE) });
  if (before) p.set('before', before);
  const [a, m] = await Promise.all([api('GET', `/api/alerts?${p}`), api('GET', '/api/maintenance')]);
  return { alerts: a.alerts, next: a.next, windows: new Map(m.windows.map((w) => [w.id, w.name || `#${w.id}`])) };
}

/** Recent alert events, newest first, muted ones too; reloaded as hosts, ports and probes change. */
export function Alerts({ query }) {
  // the server's cursor (`<ms>:<event id>`); anything else is the newest page
  const raw = query.get('before');
  const before = raw && /^\d+:\S+$/.test(raw) ? raw : null;
  const { data, error } = useData(() => loadAlerts(before), [before], { events: ['hosts', 'ports', 'probe'], debounceMs: 1000 });
  return html`<section class="alerts">
    <h1>Alerts</h1>
    <p class="muted">What was sent to the webhook endpoints, or held back by a <a href="#/maintenance">maintenance window</a> (kept 30 days).</p>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data &&
    (data.alerts.length === 0
      ? html`<p class="muted">No alerts${before ? ' before this' : ' yet'}.</p>`
      : html`<ol class="alert-list">${data.alerts.map((a) => html`<${AlertItem} key=${a.event.id} alert=${a} windows=${data.windows} />`)}</ol>`)}
    <div class="pager">
      ${before && html`<button type="button" onClick=${() => setQuery({ before: null })}>Newest</button>`}
      ${data?.next && html`<button type="button" onClick=${() => setQuery({ before: data.next })}>Older</button>`}
    </div>
  </section>`;
}
