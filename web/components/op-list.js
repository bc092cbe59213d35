// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { countsText, KINDS, listQuery, runEnded, selectionText } from '../lib/operations.js';
import { setQuery } from '../lib/router.js';
import { useData } from '../lib/use-data.js';
import { useLiveThrottle } from '../lib/use-live-throttle.js';

/** The list reloads on a run's change of state (not on each streamed reply), at most every 2 s. */
const RELOAD_MS = 2000;

/**
 * Recent operations, newest first, filtered by kind, probe and target (kept in the URL as listKind, listProbe,
 * listTarget); each links to its page. "Older operations" pages back with the server's cursor.
 * @param {{ query: URLSearchParams, probes: any[] }} props
 */
export function RecentOperations({ query, probes }) {
  const kind = query.get('listKind') ?? '';
  const probeId = query.get('listProbe') ?? '';
  const target = query.get('listTarget') ?? '';
  const names = new Map(probes.map((p) => [p.id, p.name]));
  const { data, error, reload } = useData(() => api('GET', `/api/operations?${listQuery({ kind, probeId, target, limit: 25 })}`), [kind, probeId, target], { pollMs: 30_000 });
  useLiveThrottle('operation', (e) => e.done == null || runEnded(e.state), reload, RELOAD_MS);
  const [older, setOlder] = useState(/** @type {{ operations: any[], next: string | null } | null} */ (null));
  const [olderError, setOlderError] = useState('');
  useEffect(() => (setOlder(null), setOlderError('')), [kind, probeId, target]);
  const [typed, setTyped] = useState(target);
  useEffect(() => setTyped(target), [target]);

  const next = older ? older.next : data?.next ?? null;
  const loadOlder = async () => {
    try {
      const page = await api('GET', `/api/operations?${listQuery({ kind, probeId, target, before: next ?? '', limit: 25 })}`);
      setOlder((o) => ({ operations: [...(o?.operations ?? []), ...page.operations], next: page.next }));
      setOlderError('');
    } catch (e) {
      setOlderError(e.message);
    }
  };
  const seen = new Set((data?.operations ?? []).map((o) => o.id));
  const rows = [...(data?.operations ?? []), ...(older?.operations ?? []).filter((o) => !seen.has(o.id))];
  const filtered = kind || probeId || target;

  return html`<section class="op-recent" aria-labelledby="op-recent-title">
    <h2 id="op-recent-title">Recent operations</h2>
    <form class="inline op-filters" aria-label="Filter the operations" onSubmit=${(e) => (e.preventDefault(), setQuery({ listTarget: typed.trim() || null }, { replace: true }))}>
      <div class="field"><label for="op-f-kind">Kind</label>
        <select id="op-f-kind" value=${kind} onChange=${(e) => setQuery({ listKind: e.currentTarget.value || null }, { replace: true })}>
          <option value="">all kinds</option>${KINDS.map((k) => html`<option key=${k} value=${k}>${k}</option>`)}
        </select></div>
      <div class="field"><label for="op-f-probe">Probe</label>
        <select id="op-f-probe" value=${probeId} onChange=${(e) => setQuery({ listProbe: e.currentTarget.value || null }, { replace: true })}>
          <option value="">any probe</option>${probes.map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}</option>`)}
        </select></div>
      <div class="field"><label for="op-f-target">Target</label>
        <input id="op-f-target" type="search" value=${typed} onInput=${(e) => setTyped(e.currentTarget.value)} placeholder="address or name" /></div>
      <div class="field"><span class="label-gap" aria-hidden="true"> </span><button type="submit">Filter</button></div>
    </form>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data && rows.length === 0 && html`<p class="muted" data-empty>${filtered ? 'No operation matches these filters.' : 'No operation has run yet.'}</p>`}
    ${rows.length > 0 &&
    html`<div class="scroll-x"><table class="op-list">
      <thead><tr><th scope="col">Started</th><th scope="col">Kind</th><th scope="col">Target</th><th scope="col">From</th><th scope="col" class="opt">By</th><th scope="col">Runs</th></tr></thead>
      <tbody>${rows.map(
        (o) => html`<tr key=${o.id} data-operation=${o.id} class=${o.finished ? undefined : 'running'}>
          <td><a href=${`#/operations/${encodeURIComponent(o.id)}`}><time datetime=${o.createdAt} title=${new Date(o.createdAt).toLocaleString()}>${ago(o.createdAt)}</time><span class="sr-only">: ${o.kind} ${o.target}</span></a></td>
          <td>${o.kind}</td><td><code>${o.target}</code></td><td>${selectionText(o.selection, names)}</td><td class="opt">${o.requestedBy ?? html`<span class="muted">—</span>`}</td>
          <td>${o.finished ? '' : html`<span class="badge running">running</span> `}${countsText(o.counts)}</td></tr>`,
      )}</tbody></table></div>`}
    ${next && html`<p><button type="button" onClick=${loadOlder}>Older operations</button> <span class="error" role="alert">${olderError}</span></p>`}
  </section>`;
}
