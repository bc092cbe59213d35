// @ts-check
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AddressMap } from '../components/address-map.js';
import { AllocateForm } from '../components/allocate-form.js';
import { HostDrawer } from '../components/host-drawer.js';
import { PortScanButton } from '../components/port-scan-button.js';
import { ScanButton } from '../components/scan-button.js';
import { SubnetChanges } from '../components/subnet-changes.js';
import { FREE_PAGE, ROW, SubnetTable } from '../components/subnet-rows.js';
import { savedSubnetView, saveSubnetView } from '../lib/address-map.js';
import { api, prefetched } from '../lib/api.js';
import { count } from '../lib/format.js';
import { html } from '../lib/html.js';
import { savedVendorColumn, saveVendorColumn } from '../lib/identity.js';
import { useKeys } from '../lib/keys.js';
import { setQuery } from '../lib/router.js';
import { collapse, displayItems } from '../lib/rows.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { scrollRowIntoView, useVisibleRange } from '../lib/window.js';

async function loadTable(id) {
  const table = await prefetched(`/api/subnets/${id}/table`);
  performance.mark('subnet-table-loaded'); // user timing: `npm run bench -- ui` measures the render from here
  return table;
}

/** Table or map, remembered per browser; a zoomed map's URL opens the map. */
function ViewToggle({ view, onView }) {
  return html`<div class="segmented view-toggle" role="group" aria-label="Show the subnet as">
    ${['table', 'map'].map((v) => html`<button type="button" key=${v} class=${view === v ? 'on' : undefined} aria-pressed=${view === v ? 'true' : 'false'} data-view=${v} onClick=${() => onView(v)}>${v === 'table' ? 'Table' : 'Map'}</button>`)}
  </div>`;
}

export function SubnetView({ id, query }) {
  const hostId = query.get('host');
  const status = query.get('status') ?? '';
  const text = query.get('find') ?? '';
  const zoom = query.get('zoom');
  // hosts, ports and macs events name their subnets; a job's end (a sweep or a port scan of this subnet) may bring new ports too
  const { data, error, reload } = useData(() => loadTable(id), [id], {
    events: ['hosts', 'ports', 'job', 'macs'],
    accept: (e) => (e.subnetIds ? e.subnetIds.includes(Number(id)) : e.subnetId === Number(id) && e.state === 'done'),
  });
  const [expanded, setExpanded] = useState(/** @type {Map<number | bigint, number>} run's first address (value) → free addresses shown */ (new Map()));
  const [selected, setSelected] = useState(-1);
  const [note, setNote] = useState('');
  const [vendor, setVendor] = useState(savedVendorColumn);
  const [saved, setSaved] = useState(savedSubnetView);
  const [allocating, setAllocating] = useState(false);
  const view = zoom ? 'map' : saved;
  const showVendor = (shown) => (saveVendorColumn(shown), setVendor(shown));
  const showView = (v) => (saveSubnetView(v), setSaved(v), zoom && v === 'table' && setQuery({ zoom: null }));
  const table = useRef(/** @type {HTMLTableElement | null} */ (null));
  const nextFree = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const edit = useCan('editor');
  const rows = useMemo(() => (data && view === 'table' ? collapse(data) : []), [data, view]);
  const items = useMemo(() => displayItems(rows, { status, text }, expanded), [rows, status, text, expanded]);
  const { start, end } = useVisibleRange(table, items.length, ROW);
  useEffect(() => {
    setExpanded(new Map());
    setAllocating(false);
    setNote('');
  }, [id]);

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
  const closeAllocate = () => (setAllocating(false), requestAnimationFrame(() => nextFree.current?.focus()));
  const move = (delta) => {
    if (view !== 'table') return false;
    const i = Math.max(0, Math.min(items.length - 1, (selected < 0 ? (delta > 0 ? -1 : items.length) : selected) + delta));
    setSelected(i);
    scrollRowIntoView(table.current, i, ROW);
  };
  const activate = () => {
    const item = view === 'table' ? items[selected] : undefined;
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
        ${edit && html`· <button type="button" ref=${nextFree} class="next-free" aria-expanded=${allocating ? 'true' : 'false'} onClick=${() => setAllocating(!allocating)}>Next free…</button>
          <${ScanButton} subnet=${s} onDone=${reload} /> <${PortScanButton} target=${{ kind: 'subnet', id: s.id, label: s.cidr }} onDone=${reload} />`}</p>
    </div>
    ${edit && allocating && html`<${AllocateForm} key=${s.id} subnet=${s} onClose=${closeAllocate} onAllocated=${() => reload()} />`}
    <div class="toolbar sticky" role="search">
      <${ViewToggle} view=${view} onView=${showView} />
      ${view === 'table' &&
      html`<label>Find <input type="search" value=${text} placeholder="address, name, MAC or vendor" onInput=${(e) => filters({ find: e.currentTarget.value })} /></label>
      <label>Status <select value=${status} onChange=${(e) => filters({ status: e.currentTarget.value })}>
        <option value="">all</option><option value="up">up</option><option value="down">down</option><option value="unknown">unknown</option><option value="previously-used">previously used</option>
      </select></label>
      <label class="check"><input type="checkbox" name="vendor-column" checked=${vendor} onChange=${(e) => showVendor(e.currentTarget.checked)} /> Vendor column</label>`}
      <span class="muted keys">${view === 'table' ? 'j/k or ↑/↓ move · Enter opens · Esc closes' : 'arrows move · Home/End · Enter opens or zooms in · Esc closes'}</span>
      <span role="status">${note}</span>
    </div>
    <${SubnetChanges} subnetId=${id} />
    ${view === 'table'
      ? html`<${SubnetTable} tableRef=${table} items=${items} start=${start} end=${end} selected=${selected} subnetId=${id} vendor=${vendor}
          onToggle=${toggle} onMore=${more} onReserve=${edit ? reserve : null} />`
      : html`<${AddressMap} data=${data} zoom=${zoom} edit=${edit} onReserve=${reserve} onNextFree=${() => (setAllocating(true), scrollTo({ top: 0 }))} />`}
    ${hostId && html`<${HostDrawer} hostId=${hostId} onClose=${() => setQuery({ host: null })} onChanged=${reload} />`}
  </section>`;
}
