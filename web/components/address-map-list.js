// @ts-check
import { STATE_TEXT } from '../lib/address-map.js';
import { count, grouped } from '../lib/format.js';
import { html } from '../lib/html.js';

const USED_STATES = /** @type {const} */ (['up', 'down', 'unknown', 'reserved', 'previously-used']);
/** Rows drawn at most (a /48 may have thousands of used /64s; the table view lists every host). */
const MAX_ROWS = 500;

/** IPv6: the used /64s (or /120s inside a /64) of the block, with their counts; each zooms in. */
export function BlockList({ view, onZoom }) {
  const caption = `Used /${view.childPrefix}s of ${view.cidr} (${grouped(view.tiles.length)})`;
  if (view.tiles.length === 0) return html`<p class="muted" data-empty>No address of ${view.cidr} is used.</p>`;
  return html`<div class="scroll-x"><table class="map-list">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">Block</th><th scope="col" class="num">Used</th>
      ${USED_STATES.map((s) => html`<th scope="col" class="num" key=${s}>${STATE_TEXT[s]}</th>`)}<th scope="col" class="num">Free</th></tr></thead>
    <tbody>${view.tiles.slice(0, MAX_ROWS).map(
      (t) => html`<tr key=${t.cidr} data-block=${t.cidr}>
        <td><button type="button" class="link" onClick=${() => onZoom(t)}>${t.cidr}</button></td>
        <td class="num">${grouped(t.used)}</td>
        ${USED_STATES.map((s) => html`<td class="num" key=${s}>${t.counts[s] ? grouped(t.counts[s]) : ''}</td>`)}
        <td class="num">${count(t.counts.free)}</td>
      </tr>`,
    )}</tbody>
  </table>${view.tiles.length > MAX_ROWS && html`<p class="muted">The first ${grouped(MAX_ROWS)} of ${grouped(view.tiles.length)} are listed; zoom into one, or use the table.</p>`}</div>`;
}
