// @ts-check
import { useRef } from 'preact/hooks';
import { FlowsEmpty } from '../components/flows-empty.js';
import { FlowExporters } from '../components/flows-exporters.js';
import { FlowsMap } from '../components/flows-map.js';
import { FlowsRange } from '../components/flows-range.js';
import { FlowConversations, FlowPorts, FlowTalkers } from '../components/flows-tables.js';
import { HostDrawer } from '../components/host-drawer.js';
import { api } from '../lib/api.js';
import { bytesText, countText, eventInRange, flowsQuery, rangeBounds, RANGES } from '../lib/flows.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { useData } from '../lib/use-data.js';

/** Stored minutes arrive once a minute per probe: reload at most every few seconds however many probes report. */
const RELOAD_MS = 3000;

async function loadFlows(choice, from, to, subnetId) {
  const range = rangeBounds(choice, Date.now(), from, to);
  if ('error' in range) return { range };
  const q = (limit) => flowsQuery({ ...range, subnetId, limit });
  const get = (what, limit) => api('GET', `/api/netflow/${what}?${q(limit)}`);
  const [talkers, conversations, ports, matrix, exporters] = await Promise.all([
    get('talkers', 25),
    get('conversations', 25),
    // the ports have no subnet filter
    api('GET', `/api/netflow/ports?${flowsQuery({ ...range, limit: 20 })}`),
    get('matrix', 200),
    api('GET', '/api/netflow/exporters'),
  ]);
  return { range, talkers, conversations, ports, matrix, exporters: exporters.exporters };
}

function Panel({ id, title, children, note = '' }) {
  return html`<section class="flow-panel" aria-labelledby=${id} data-panel=${id}>
    <h2 id=${id}>${title}${note && html` <span class="muted panel-note">${note}</span>`}</h2>${children}</section>`;
}

/**
 * Who talks to whom (issue 13): the subnet-to-subnet map, top talkers, conversations and ports for a time range
 * and a subnet, and the exporters' counters. The URL keeps range, from, to, subnet and the open host (?host=).
 */
export function Flows({ query }) {
  const known = RANGES.some(([k]) => k === query.get('range'));
  const choice = known ? /** @type {string} */ (query.get('range')) : '1h';
  const from = query.get('from');
  const to = query.get('to');
  const subnetId = Number(query.get('subnet')) || null;
  const hostId = query.get('host');
  const subnets = useData(() => api('GET', '/api/subnets'), [], { events: ['subnets'] });
  const { data: fresh, error } = useData(() => loadFlows(choice, from, to, subnetId), [choice, from, to, subnetId], {
    events: ['flows'],
    // a range that ends now takes every new minute; a custom one only the minutes inside it
    accept: (e) => choice !== 'custom' || (!!fresh && eventInRange(e, fresh.range)),
    debounceMs: RELOAD_MS,
  });
  // while another range or subnet loads, the last answer stays on screen (dimmed) rather than a blank page
  const last = useRef(fresh);
  if (fresh) last.current = fresh;
  const data = fresh ?? last.current;
  const loading = !fresh && !!data;
  const list = subnets.data?.subnets ?? [];
  const byId = new Map(list.map((s) => [s.id, s]));
  const empty = data && !data.range.error && data.exporters.length === 0 && data.talkers.totals.flows === 0;
  const t = data?.talkers?.totals;
  const filtered = subnetId ? ' (every subnet: ports have no subnet filter)' : '';
  return html`<section class=${`flows-page${hostId ? ' with-drawer' : ''}${loading ? ' loading' : ''}`} aria-busy=${loading ? 'true' : 'false'}>
    <div class="page-head">
      <h1>Flows</h1>
      ${t && !empty &&
      html`<p class="flow-totals" data-totals><strong>${bytesText(t.bytes)}</strong> in <strong>${countText(t.flows)}</strong> flows · ${countText(t.packets)} packets · ${data.talkers.grain === 'hour' ? 'hourly roll-up' : data.talkers.grain === 'mixed' ? 'hourly roll-up, minutes at the edges' : 'per minute'}</p>`}
    </div>
    <${FlowsRange} choice=${choice} from=${from} to=${to} subnetId=${subnetId} subnets=${list} error=${data?.range.error ?? ''} />
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${empty && html`<${FlowsEmpty} />`}
    ${data && !data.range.error && !empty &&
    html`<${Panel} id="flows-map" title="Subnet to subnet"><${FlowsMap} matrix=${data.matrix} /></${Panel}>
      <div class="flow-grid">
        <${Panel} id="flows-talkers" title="Top talkers"><${FlowTalkers} talkers=${data.talkers.talkers} subnets=${byId} /></${Panel}>
        <${Panel} id="flows-conversations" title="Top conversations"><${FlowConversations} conversations=${data.conversations.conversations} /></${Panel}>
        <${Panel} id="flows-ports" title="Ports and protocols" note=${filtered}><${FlowPorts} ports=${data.ports.ports} /></${Panel}>
        <${Panel} id="flows-exporters" title="Exporters" note="counters since each probe's collector started"><${FlowExporters} exporters=${data.exporters} /></${Panel}>
      </div>`}
    ${hostId && html`<${HostDrawer} hostId=${hostId} onClose=${() => setQuery({ host: null })} />`}
  </section>`;
}
