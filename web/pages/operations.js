// @ts-check
import { useEffect } from 'preact/hooks';
import { OperationForm } from '../components/op-form.js';
import { RecentOperations } from '../components/op-list.js';
import { RunCard } from '../components/op-run.js';
import { api } from '../lib/api.js';
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { againHref, orderRuns, paramsText, parsePrefill, progressAnnouncement, selectionText } from '../lib/operations.js';
import { useCan, useSession } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { useLiveThrottle } from '../lib/use-live-throttle.js';

/** A running operation's page reloads on its live events at most this often (ping streams a reply a second a probe). */
const RELOAD_MS = 700;
/** …and polls this often while unfinished, should the feed drop an event. */
const POLL_MS = 5000;

const PREFILL_KEYS = ['kind', 'target', 'probe', 'site', 'all', 'count', 'interval', 'size', 'family', 'hops'];

function useProbes() {
  return useData(() => api('GET', '/api/probes'), [], { events: ['probe'] });
}

/**
 * Operations (issue 14): ping, mtr and traceroute from one probe, a site or all probes. `#/operations` is the form
 * (prefilled from the URL: the host drawer's link) and the recent operations; `#/operations/<id>` one operation.
 */
export function Operations({ query }) {
  const { me } = useSession();
  const edit = useCan('editor');
  const probes = useProbes();
  const list = probes.data?.probes ?? [];
  // a new prefill (another host's link) starts a fresh form; the list's filters do not
  const prefillKey = PREFILL_KEYS.map((k) => `${k}=${query.get(k) ?? ''}`).join('&');
  return html`<section class="operations-page">
    <h1>Operations</h1>
    ${probes.error && html`<p class="error" role="alert">Probes: ${probes.error.message}</p>`}
    ${me && !edit && html`<p class="notice">Only editors and admins can start operations; you are ${me.role === 'admin' || me.role === 'editor' ? 'an' : 'a'} ${me.role}. Past operations and their results are below.</p>`}
    ${edit && !probes.data && !probes.error && html`<p>Loading the probes…</p>`}
    ${edit && probes.data && html`<${OperationForm} key=${prefillKey} probes=${list} initial=${parsePrefill(query)} />`}
    <${RecentOperations} query=${query} probes=${list} />
  </section>`;
}

/** One operation, reopenable by its URL: a card per probe, filled in as results arrive. */
export function OperationView({ id }) {
  const edit = useCan('editor');
  const { data: op, error, reload } = useData(() => api('GET', `/api/operations/${encodeURIComponent(id)}`), [id], { pollMs: 30_000 });
  useLiveThrottle('operation', (e) => String(e.operationId) === String(id), reload, RELOAD_MS);
  const running = !!op && !op.finished;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => document.visibilityState === 'visible' && reload(), POLL_MS);
    return () => clearInterval(t);
  }, [running, id]);
  const back = html`<p class="op-back"><a href="#/operations">← All operations</a></p>`;
  if (error) {
    const missing = /** @type {any} */ (error).status === 404;
    return html`<section class="operation-page">${back}
      <h1>Operation</h1><p class="error" role="alert">${missing ? `No operation ${id}: it may have been pruned.` : error.message}</p></section>`;
  }
  if (!op) return html`<section class="operation-page">${back}<h1>Operation</h1><p>Loading…</p></section>`;
  const names = new Map(op.runs.map((r) => [r.probeId, r.probeName]));
  return html`<section class="operation-page" data-operation=${op.id} data-finished=${op.finished ? 'yes' : 'no'}>
    ${back}
    <div class="page-head op-head">
      <h1><span class="op-kind">${op.kind}</span> <code>${op.target}</code></h1>
      ${edit && html`<a class="button-link" href=${againHref(op)}>Run again…</a>`}
    </div>
    <p class="muted op-meta">from ${selectionText(op.selection, names)} · ${paramsText(op.kind, op.params)} · started${' '}<time datetime=${op.createdAt} title=${new Date(op.createdAt).toLocaleString()}>${ago(op.createdAt)}</time>${op.requestedBy ? ` by ${op.requestedBy}` : ''}</p>
    <p class=${`op-progress${op.finished ? ' finished' : ''}`} role="status" aria-live="polite" data-progress>${progressAnnouncement(op)}</p>
    ${op.runs.length === 0 && html`<p class="muted">No probe was chosen.</p>`}
    <div class="op-runs">${orderRuns(op.runs).map((r, i) => html`<${RunCard} key=${r.probeId ?? `gone-${r.probeName}-${i}`} run=${r} op=${op} index=${i} />`)}</div>
  </section>`;
}
