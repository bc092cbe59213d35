// @ts-check
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { HostDrawer } from '../components/host-drawer.js';
import { PortChips } from '../components/port-chips.js';
import { PortScanButton } from '../components/port-scan-button.js';
import { ScanButton } from '../components/scan-button.js';
import { StatusPill } from '../components/status.js';
import { SubnetChanges } from '../components/subnet-changes.js';
import { api, prefetched } from '../lib/api.js';
import { ago, count, grouped, latency } from '../lib/format.js';
import { html } from '../lib/html.js';
import { savedVendorColumn, saveVendorColumn } from '../lib/identity.js';
import { useKeys } from '../lib/keys.js';
import { setQuery } from '../lib/router.js';
import { collapse, displayItems, runLabel } from '../lib/rows.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { scrollRowIntoView, useVisibleRange } from '../lib/window.js';

const ROW = 36; // px; every row has this height (style.css) so the visible window is plain arithmetic
const FREE_PAGE = 256;

/** The vendor cell: the vendor's name (the MAC in its tooltip), "randomised" for a locally administered MAC. */
function VendorCell({ h }) {
  const text = h.macRandom ? 'randomised' : (h.vendor ?? '');
  return html`<td class="vendor" title=${h.mac ? `${h.mac}${h.macRandom ? ' (locally administered)' : ''}` : undefined}>${text}</td>`;
}

const USED_TITLE = 'previously used: silent past the threshold; the address is offered as free again';

/**
 * A previously used address that is not reserved is free again: for an editor (`onReserve`) the free addresses'
 * Reserve, and the hint that it was used in place of the "previously used" badge (the row's style says it too).
 */
function Reuse({ h, onReserve }) {
  return html`<span class="reuse" data-reuse>${onReserve &&
    html`<button type="button" class="link" onClick=${(e) => (e.stopPropagation(), onReserve({ ip: h.ip, hostId: h.id }))}>Reserve<span class="sr-only"> ${h.ip}</span></button> `}<span class="badge previously-used" title=${USED_TITLE}>free again: last seen ${ago(h.lastSeenAt)}</span></span>`;
}

function UsedBadges({ h, onReserve }) {
  if (!h.previouslyUsed) return '';
  if (h.reserved) return html`<span class="badge previously-used" title=${USED_TITLE}>previously used</span> `;
  return html`<${Reuse} h=${h} onReserve=${onReserve} />`;
}

function HostRow({ item, selected, subnetId, vendor, onReserve }) {
  const h = item.host;
  const cls = `host ${h.status}${h.previouslyUsed ? ' previously-used' : ''}${selected ? ' selected' : ''}`;
  return html`<tr data-ip=${h.ip} class=${cls} aria-current=${selected ? 'true' : undefined}
      onClick=${() => setQuery({ host: h.id })}>
    <td><a href=${`#/subnets/${subnetId}?host=${h.id}`} onClick=${(e) => e.stopPropagation()}>${h.ip}</a></td>
    <td><${StatusPill} status=${h.status} changedAt=${h.lastChangeAt} /></td>
    <td class="num">${h.status === 'up' ? latency(h.latencyMs) : ''}</td>
    <td class="name"><${UsedBadges} h=${h} onReserve=${onReserve} />${h.hostname ?? ''}${h.reserved ? html` <span class="badge">reserved</span>` : ''}${h.ptrMismatch ? html` <span class="badge stale-dns" title="its PTR name resolves to another address">stale DNS</span>` : ''}</td>
    ${vendor && html`<${VendorCell} h=${h} />`}
    <td class="ports-cell"><${PortChips} ports=${item.ports} status=${h.status} lastSeenAt=${h.lastSeenAt} /></td>
    <td class="seen">${ago(h.lastSeenAt)}</td>
  </tr>`;
}

function RunRow({ item, selected, onToggle, cols }) {
  return html`<tr class=${`unused${selected ? ' selected' : ''}`} aria-current=${selected ? 'true' : undefined} onClick=${() => onToggle(item)}>
    <td colspan=${cols}><button type="button" class="run" aria-expanded=${item.open ? 'true' : 'false'} onClick=${(e) => (e.stopPropagation(), onToggle(item))}>
      <span aria-hidden="true">${item.open ? '▾' : '▸'}</span> ${runLabel(item.first, item.last, item.count)}</button></td>
  </tr>`;
}

/** A free address; `onReserve` is null for a viewer, who may not reserve. */
function FreeRow({ item, selected, onReserve, cols }) {
  return html`<tr class=${`free${selected ? ' selected' : ''}`} data-free=${item.ip}>
    <td>${item.ip}</td><td><span class="muted">free</span></td><td></td>
    <td colspan=${cols - 3}>${onReserve && html`<button type="button" class="link" onClick=${() => onReserve({ ip: item.ip })}>Reserve</button>`}</td>
  </tr>`;
}

async function loadTable(id) {
  const table = await prefetched(`/api/subnets/${id}/table`);
  performance.mark('subnet-table-loaded'); // user timing: `npm run bench -- ui` measures the render from here
  return table;
}

export function SubnetView({ id, query }) {
  const hostId = query.get('host');
  const status = query.get('status') ?? '';
  const text = query.get('find') ?? '';
  // hosts, ports and macs events name their subnets; a job's end (a sweep or a port scan of this subnet) may bring new ports too
  const { data, error, reload } = useData(() => loadTable(id), [id], {
    events: ['hosts', 'ports', 'job', 'macs'],
    accept: (e) => (e.subnetIds ? e.subnetIds.includes(Number(id)) : e.subnetId === Number(id) && e.state === 'done'),
  });
  const [expanded, setExpanded] = useState(/** @type {Map<number | bigint, number>} run's first address (value) → free addresses shown */ (new Map()));
  const [selected, setSelected] = useState(-1);
  const [note, setNote] = useState('');
  const [vendor, setVendor] = useState(savedVendorColumn);
  const showVendor = (shown) => (saveVendorColumn(shown), setVendor(shown));
  const cols = vendor ? 7 : 6;
  const table = useRef(/** @type {HTMLTableElement | null} */ (null));
  const edit = useCan('editor');
  const rows = useMemo(() => (data ? collapse(data) : []), [data]);
  const items = useMemo(() => displayItems(rows, { status, text }, expanded), [rows, status, text, expanded]);
  const { start, end } = useVisibleRange(table, items.length, ROW);
  useEffect(() => setExpanded(new Map()), [id]);

  // a run is unused by definition: its addresses are listed here, a page at a time, with no round trip
  const toggle = (item) => {
    const next = new Map(expanded);
    if (next.has(item.lo)) next.delete(item.lo);
    else next.set(item.lo, FREE_PAGE);
    setExpanded(next);
  };
  const more = (item) => setExpanded(new Map(expanded).set(item.lo, item.shown + FREE_PAGE));
  // a free address gets a host record; a previously used one has its record already
  const reserve = async ({ ip, hostId = null }) => {
    try {
      const host = hostId == null ? await api('POST', '/api/hosts', { ip, reserved: true }) : await api('PATCH', `/api/hosts/${hostId}`, { reserved: true });
      setNote(`${ip} reserved`);
      await reload();
      setQuery({ host: host.id });
    } catch (e) {
      setNote(e.message);
    }
  };
  const move = (delta) => {
    const i = Math.max(0, Math.min(items.length - 1, (selected < 0 ? (delta > 0 ? -1 : items.length) : selected) + delta));
    setSelected(i);
    scrollRowIntoView(table.current, i, ROW);
  };
  const activate = () => {
    const item = items[selected];
    if (item?.kind === 'host') setQuery({ host: item.host.id });
    else if (item?.kind === 'run') toggle(item);
    else if (item?.kind === 'more') more(item);
    else return false;
  };
  useKeys({ j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1), Enter: activate });

  if (error) return html`<p class="error" role="alert">${error.message}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const s = data.subnet;
  const filters = (changes) => setQuery(changes, { replace: true });
  return html`<section class=${hostId ? 'with-drawer' : ''}>
    <div class="page-head">
      <h1>${s.cidr} <span class="muted">${s.name}</span></h1>
      <p class="summary"><strong>${s.upCount}</strong> up of <strong>${count(s.usedCount)}</strong> used · ${count(s.usable)} usable
        ${edit && html`· <${ScanButton} subnet=${s} onDone=${reload} /> <${PortScanButton} target=${{ kind: 'subnet', id: s.id, label: s.cidr }} onDone=${reload} />`}</p>
    </div>
    <div class="toolbar sticky" role="search">
      <label>Find <input type="search" value=${text} placeholder="address, name, MAC or vendor" onInput=${(e) => filters({ find: e.currentTarget.value })} /></label>
      <label>Status <select value=${status} onChange=${(e) => filters({ status: e.currentTarget.value })}>
        <option value="">all</option><option value="up">up</option><option value="down">down</option><option value="unknown">unknown</option><option value="previously-used">previously used</option>
      </select></label>
      <label class="check"><input type="checkbox" name="vendor-column" checked=${vendor} onChange=${(e) => showVendor(e.currentTarget.checked)} /> Vendor column</label>
      <span class="muted keys">j/k or ↑/↓ move · Enter opens · Esc closes</span>
      <span role="status">${note}</span>
    </div>
    <${SubnetChanges} subnetId=${id} />
    <table class=${`hosts${vendor ? ' with-vendor' : ''}`} ref=${table} aria-rowcount=${items.length}>
      <thead><tr><th scope="col" class="c-ip">Address</th><th scope="col" class="c-status">Status</th><th scope="col" class="c-latency">Latency</th><th scope="col" class="c-name">Hostname</th>
        ${vendor && html`<th scope="col" class="c-vendor">Vendor</th>`}<th scope="col" class="c-ports">Ports</th><th scope="col" class="c-seen">Last seen</th></tr></thead>
      <tbody>
        ${start > 0 && html`<tr class="spacer" aria-hidden="true" style=${`height:${start * ROW}px`}><td colspan=${cols}></td></tr>`}
        ${items.slice(start, end).map((item, i) => {
          const sel = start + i === selected;
          if (item.kind === 'host') return html`<${HostRow} key=${item.key} item=${item} selected=${sel} subnetId=${id} vendor=${vendor} onReserve=${edit ? reserve : null} />`;
          if (item.kind === 'run') return html`<${RunRow} key=${item.key} item=${item} selected=${sel} onToggle=${toggle} cols=${cols} />`;
          if (item.kind === 'free') return html`<${FreeRow} key=${item.key} item=${item} selected=${sel} onReserve=${edit ? reserve : null} cols=${cols} />`;
          return html`<tr key=${item.key} class="more"><td colspan=${cols}><button type="button" class="link" onClick=${() => more(item)}>Show ${FREE_PAGE} more (${grouped(item.shown)} of ${grouped(item.count)} shown)</button></td></tr>`;
        })}
        ${end < items.length && html`<tr class="spacer" aria-hidden="true" style=${`height:${(items.length - end) * ROW}px`}><td colspan=${cols}></td></tr>`}
      </tbody>
    </table>
    ${items.length === 0 && html`<p class="muted">No address matches.</p>`}
    ${hostId && html`<${HostDrawer} hostId=${hostId} onClose=${() => setQuery({ host: null })} onChanged=${reload} />`}
  </section>`;
}
