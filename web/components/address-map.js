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

/** A tile's bar: how full it is (a sliver at least when anything is used), split by the used addresses' states. */
function Bar({ counts, used }) {
  if (!used) return '';
  const usable = used + Number(counts.free);
  const fill = Math.max(10, (used / usable) * 100);
  return html`<span class="t-bar" aria-hidden="true"><span class="t-fill" style=${`width:${fill}%`}>${STATES.filter((s) => s !== 'free' && counts[s] > 0).map(
    (s) => html`<span key=${s} class=${`s-${s}`} style=${`flex-grow:${counts[s]}`}></span>`,
  )}</span></span>`;
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
  const [focused, setFocused] = useState(/** @type {any} */ (null));
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
  const detail = !focused ? '' : 'cidr' in focused ? `${focused.cidr}: ${countsText(focused.counts)}` : cellText(focused);
  return html`<div class="address-map" ref=${root} data-block=${view.cidr} data-kind=${view.kind}>
    <${Trail} trail=${view.trail} />
    <${Legend} counts=${view.counts} />
    ${view.kind === 'cells' &&
    html`<${MapGrid} items=${view.cells} columns=${view.columns} label=${`Addresses of ${view.cidr}`} className="cells" resetKey=${view.cidr}
      itemClass=${(c) => `cell s-${c.state}`} itemText=${cellText} onActivate=${activateCell} onActive=${setFocused}
      renderItem=${(c) => html`<span aria-hidden="true">${c.label}</span><span class="sr-only">${cellText(c)}</span>`} />`}
    ${view.kind === 'tiles' &&
    html`<${MapGrid} items=${view.tiles} columns=${view.columns} label=${`/${view.childPrefix} blocks of ${view.cidr}`} className="tiles" resetKey=${view.cidr}
      itemClass=${(t) => `tile${t.used ? '' : ' empty'}`} itemText=${(t) => `${t.cidr}: ${countsText(t.counts)}`} onActivate=${zoomTo} onActive=${setFocused}
      renderItem=${(t) => html`<span class="t-label" aria-hidden="true">${t.label}</span><${Bar} counts=${t.counts} used=${t.used} /><span class="t-used" aria-hidden="true">${t.used || ''}</span><span class="sr-only">${t.cidr}: ${countsText(t.counts)}</span>`} />`}
    ${view.kind === 'list' && html`<${BlockList} view=${view} onZoom=${zoomTo} />`}
    ${view.kind !== 'list' && html`<p class="map-detail muted" data-detail>${detail}${detail && (view.kind === 'tiles' ? ' · Enter zooms in' : focused?.hostId != null ? ' · Enter opens the host' : focused?.state === 'free' ? ' · Enter offers it' : '')}</p>`}
    ${offer && html`<${FreeOffer} cell=${offer} edit=${edit} onReserve=${onReserve} onNextFree=${onNextFree} onClose=${closeOffer} />`}
  </div>`;
}
