// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { useCan } from '../lib/session.js';

const when = (t) => html`<time datetime=${t} title=${new Date(t).toLocaleString()}>${ago(t)}</time>`;

/**
 * The What changed panel's "Unregistered talkers": addresses of the subnet heard in flows that have no host record
 * (`unregistered` of GET /api/subnets/:id/changes). An editor's Reserve creates the record as the subnet view's
 * free addresses do (POST /api/hosts, reserved) and opens its drawer.
 */
export function UnregisteredTalkers({ items = [], onChanged = () => {} }) {
  const edit = useCan('editor');
  const [done, setDone] = useState(/** @type {Record<string, number>} ip → the new host's id */ ({}));
  const [note, setNote] = useState('');
  const reserve = async (ip) => {
    try {
      const host = await api('POST', '/api/hosts', { ip, reserved: true });
      setDone({ ...done, [ip]: host.id });
      setNote(`${ip} reserved`);
      onChanged();
      setQuery({ host: host.id });
    } catch (e) {
      setNote(`${ip}: ${e.message}`);
    }
  };
  return html`<div class="change-list" data-list="unregistered">
    <h3>Unregistered talkers <span class="muted">(${items.length})</span></h3>
    ${items.length === 0
      ? html`<p class="muted">No address without a host record in flows.</p>`
      : html`<ul>${items.map(
          (e) => html`<li key=${e.ip} data-ip=${e.ip}>
            ${done[e.ip] ? html`<a href=${`#${location.hash.replace(/^#/, '').split('?')[0]}?host=${done[e.ip]}`}>${e.ip}</a>` : html`<code>${e.ip}</code>`}${' '}
            <span class="muted">in flows since ${when(e.firstSeenAt)}, last ${when(e.lastSeenAt)}</span>${' '}
            ${edit && !done[e.ip] && html`<button type="button" class="link" onClick=${() => reserve(e.ip)}>Reserve<span class="sr-only"> ${e.ip}</span></button>`}
            ${done[e.ip] && html`<span class="badge">reserved</span>`}</li>`,
        )}</ul>`}
    <span role="status" class="muted">${note}</span>
  </div>`;
}
