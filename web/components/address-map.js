// @ts-check
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { cellText, countsText, mapView, STATE_TEXT, STATES } from '../lib/address-map.js';
import { count } from '../lib/format.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { MapGrid } from './address-map-grid.js';
import { BlockList } from './address-map-list.js';

/** The legend: every state's swatch, name and count in the block shown (the names, not the colours, carry it). */
function Legend({ counts }) {
  return html`<ul class="map-legend" aria-label="Legend: addresses of this block by state">
    ${STATES.map((s) => html`<li key=${s} data-state=${s}><span class=${`swatch s-${s}`} aria-hidden="true"></span>${STATE_TEXT[s]} <strong>${count(counts[s])}</strong></li>`)}
  </ul>`;
}

/** Where the map is, from the subnet down: each level but the last zooms out to it. */
function Trail({ trail }) {
  return html`<nav class="map-trail" aria-label="Map levels">
    <ol>${trail.map((cidr, i) => {
      const last = i === trail.length - 1;
      return html`<li key=${cidr}>${last ? html`<strong aria-current="location">${cidr}</strong>` : html`<button type="button" class="link" onClick=${() => setQuery({ zoom: i === 0 ? null : cidr })}>${cidr}</button>`}</li>`;
    })}</ol>
  </nav>`;
}

const BAR_COLOUR = { up: 'var(--up)', down: 'var(--down)', unknown: 'var(--unknown)', reserved: 'var(--accent)', 'previously-used': 'var(--muted)' };

/**
 * A used tile's bar as its own background (style.css places it): how full the tile is (a sliver at least), split by
 * the used addresses' states, over a track. No element per bar, nor per state: a /16's map draws 256 of them.
 */
function barStyle(counts, used) {
  const usable = used + Number(counts.free);
  const fill = Math.max(10, (used / usable) * 100);
  const stops = [];
  let at = 0;
  for (const s of STATES) {
    if (s === 'free' || counts[s] === 0) continue;
    const to = at + (counts[s] / used) * fill;
    stops.push(`${BAR_COLOUR[s]} ${at.toFixed(1)}% ${to.toFixed(1)}%`);
    at = to;
  }
  return `background-image:linear-gradient(90deg,${stops.join(',')},transparent ${at.toFixed(1)}%),linear-gradient(var(--line),var(--line))`;
}

/** A free address's offer: reserve it (a host record at exactly this address), or the verified Next free. */
function FreeOffer({ cell, edit, onReserve, onNextFree, onClose }) {
  const first = useRef(/** @type {HTMLButtonElement | null} */ (null));
  useEffect(() => first.current?.focus(), [cell.ip]);
  return html`<div class="map-offer" role="group" aria-labelledby="map-offer-title" data-offer=${cell.ip}
      onKeyDown=${(e) => e.key === 'Escape' && (e.stopPropagation(), onClose())}>
    <p id="map-offer-title"><strong>${cell.ip}</strong> is free.</p>
    ${edit
      ? html`<p class="map-offer-actions">
          <button type="button" ref=${first} onClick=${() => onReserve({ ip: cell.ip })}>Reserve ${cell.ip}</button>
          <button type="button" onClick=${onNextFree}>Next free (verified)…</button>
          <button type="button" class="ghost" onClick=${onClose}>Close</button></p>
          <p class="muted hint">Reserve records this address as it is; Next free lets the probe check the next free addresses first and hands out one that shows no sign of use.</p>`
      : html`<p class="muted">Only editors and admins can reserve it. <button type="button" class="link" ref=${first} onClick=${onClose}>Close</button></p>`}
  </div>`;
}

/**
 * The subnet's address map, beside the table (the same /table answer): a /24 as a 16 × 16 grid of its addresses,
 * bigger IPv4 blocks as tiles that zoom in, IPv6 as the used /64s or /120s. `zoom` (the URL's) is the block shown.
 */
export function AddressMap({ data, zoom, edit, onReserve, onNextFree }) {
  const view = /** @type {any} */ (useMemo(() => mapView(data, data.subnet.cidr, zoom), [data, zoom]));
  const [offer, setOffer] = useState(/** @type {any} */ (null));
  const root = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => setOffer(null), [view.cidr]);
  const closeOffer = () => {
    setOffer(null);
    /** @type {HTMLElement | null | undefined} */ (root.current?.querySelector('.map-grid [tabindex="0"]'))?.focus();
  };
  const activateCell = (cell) => {
    if (cell.hostId != null) setQuery({ host: cell.hostId });
    else if (cell.state === 'free') setOffer(cell);
  };
  const zoomTo = (tile) => setQuery({ zoom: tile.cidr });
  const cellDetail = (c) => `${cellText(c)}${c.hostId != null ? ' · Enter opens the host' : c.state === 'free' ? ' · Enter offers it' : ''}`;
  const tileText = (t) => `${t.cidr}: ${countsText(t.counts)}`;
  // one grid for both, so zooming in patches its 256 cells rather than making them anew
  const cellGrid = {
    items: view.cells,
    label: `Addresses of ${view.cidr}`,
    className: 'cells',
    itemClass: (c) => `cell s-${c.state}`,
    itemText: cellText,
    detail: cellDetail,
    onActivate: activateCell,
    renderItem: (c) => c.label,
  };
  const tileGrid = {
    items: view.tiles,
    label: `/${view.childPrefix} blocks of ${view.cidr}`,
    className: 'tiles',
    itemClass: (t) => (t.used ? 'tile' : 'tile empty'),
    itemStyle: (t) => (t.used ? barStyle(t.counts, t.used) : undefined),
    // drawn from data-label and data-used (style.css): one element a tile; the label is in the name (its block)
    itemData: (t) => [t.label, t.used || ''],
    itemText: tileText,
    detail: (t) => `${tileText(t)} · Enter zooms in`,
    onActivate: zoomTo,
    renderItem: () => null,
  };
  return html`<div class="address-map" ref=${root} data-block=${view.cidr} data-kind=${view.kind}>
    <${Trail} trail=${view.trail} />
    <${Legend} counts=${view.counts} />
    ${view.kind !== 'list' && html`<${MapGrid} ...${view.kind === 'cells' ? cellGrid : tileGrid} columns=${view.columns} resetKey=${view.cidr} />`}
    ${view.kind === 'list' && html`<${BlockList} view=${view} onZoom=${zoomTo} />`}
    ${offer && html`<${FreeOffer} cell=${offer} edit=${edit} onReserve=${onReserve} onNextFree=${onNextFree} onClose=${closeOffer} />`}
  </div>`;
}
