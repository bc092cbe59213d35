// @ts-check
import { api } from '../lib/api.js';
import { ACTION_FAMILIES, auditPath, compactDetails, FILTER_KEYS } from '../lib/audit-query.js';
import { stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { useData } from '../lib/use-data.js';

const PAGE = 50;

/** This page's URL with some filters changed (and back on the newest entries). */
function filterHref(query, changes) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (query.get(k)) p.set(k, /** @type {string} */ (query.get(k)));
  for (const [k, v] of Object.entries(changes)) p.set(k, v);
  return `#/audit?${p}`;
}

function Filters({ query }) {
  const set = (k) => (e) => setQuery({ [k]: e.currentTarget.value, before: null }, { replace: true });
  const action = query.get('action') ?? '';
  const families = action && !ACTION_FAMILIES.includes(action) ? [...ACTION_FAMILIES, action] : ACTION_FAMILIES;
  return html`<form class="toolbar sticky" role="search" aria-label="Filter the audit log" onSubmit=${(e) => e.preventDefault()}>
    <label>Action <select name="action" value=${action} onChange=${set('action')}>
      <option value="">any</option>${families.map((a) => html`<option value=${a}>${a}</option>`)}</select></label>
    <label>Actor <input type="search" name="actor" value=${query.get('actor') ?? ''} placeholder="username" onInput=${set('actor')} /></label>
    <label>Since <input type="date" name="since" value=${query.get('since') ?? ''} onChange=${set('since')} /></label>
    <label>Until <input type="date" name="until" value=${query.get('until') ?? ''} onChange=${set('until')} /></label>
  </form>`;
}

function Entries({ query, entries }) {
  if (entries.length === 0) return html`<p class="muted">No entry matches these filters.</p>`;
  return html`<div class="scroll-x"><table class="audit">
    <caption class="muted">Newest first</caption>
    <thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th><th scope="col">From</th></tr></thead>
    <tbody>${entries.map((e) => {
      const details = compactDetails(e.details);
      return html`<tr key=${e.id} data-action=${e.action}>
        <td class="nowrap"><time datetime=${e.at}>${stamp(e.at)}</time></td>
        <td><a href=${filterHref(query, { actor: e.actor })} title=${`Only entries by ${e.actor}`}>${e.actor}</a></td>
        <td><a href=${filterHref(query, { action: e.action })} title=${`Only ${e.action} entries`}><code>${e.action}</code></a></td>
        <td>${e.targetType ? `${e.targetType}${e.targetId ? ` ${e.targetId}` : ''}` : ''}</td>
        <td class="details" title=${details}>${details}</td>
        <td>${e.clientAddress ?? ''}</td></tr>`;
    })}</tbody>
  </table></div>`;
}

/** The audit log (admins): filters kept in the URL, so a view can be shared; "Older" pages back with `before`. */
export function Audit({ query }) {
  const path = auditPath(query, PAGE);
  const { data, error } = useData(() => api('GET', path), [path]);
  const before = query.get('before');
  return html`<section>
    <h1>Audit log</h1>
    <${Filters} query=${query} />
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data && html`<${Entries} query=${query} entries=${data.entries} />`}
    <div class="pager">
      ${before && html`<button type="button" onClick=${() => setQuery({ before: null })}>Newest</button>`}
      ${data?.next && html`<button type="button" onClick=${() => setQuery({ before: data.next })}>Older</button>`}
    </div>
  </section>`;
}
