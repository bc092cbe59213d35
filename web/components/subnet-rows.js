// @ts-check
import { ago, grouped, latency } from '../lib/format.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { runLabel } from '../lib/rows.js';
import { PortChips } from './port-chips.js';
import { StatusPill } from './status.js';

export const ROW = 36; // px; every row has this height (style.css) so the visible window is plain arithmetic
export const FREE_PAGE = 256;

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

/**
 * The subnet view's table: only the rows from `start` to `end` are drawn, spacer rows stand in for the rest.
 * `onReserve` is null for a viewer.
 */
export function SubnetTable({ tableRef, items, start, end, selected, subnetId, vendor, onToggle, onMore, onReserve }) {
  const cols = vendor ? 7 : 6;
  return html`<table class=${`hosts${vendor ? ' with-vendor' : ''}`} ref=${tableRef} aria-rowcount=${items.length}>
      <thead><tr><th scope="col" class="c-ip">Address</th><th scope="col" class="c-status">Status</th><th scope="col" class="c-latency">Latency</th><th scope="col" class="c-name">Hostname</th>
        ${vendor && html`<th scope="col" class="c-vendor">Vendor</th>`}<th scope="col" class="c-ports">Ports</th><th scope="col" class="c-seen">Last seen</th></tr></thead>
      <tbody>
        ${start > 0 && html`<tr class="spacer" aria-hidden="true" style=${`height:${start * ROW}px`}><td colspan=${cols}></td></tr>`}
        ${items.slice(start, end).map((item, i) => {
          const sel = start + i === selected;
          if (item.kind === 'host') return html`<${HostRow} key=${item.key} item=${item} selected=${sel} subnetId=${subnetId} vendor=${vendor} onReserve=${onReserve} />`;
          if (item.kind === 'run') return html`<${RunRow} key=${item.key} item=${item} selected=${sel} onToggle=${onToggle} cols=${cols} />`;
          if (item.kind === 'free') return html`<${FreeRow} key=${item.key} item=${item} selected=${sel} onReserve=${onReserve} cols=${cols} />`;
          return html`<tr key=${item.key} class="more"><td colspan=${cols}><button type="button" class="link" onClick=${() => onMore(item)}>Show ${FREE_PAGE} more (${grouped(item.shown)} of ${grouped(item.count)} shown)</button></td></tr>`;
        })}
        ${end < items.length && html`<tr class="spacer" aria-hidden="true" style=${`height:${(items.length - end) * ROW}px`}><td colspan=${cols}></td></tr>`}
      </tbody>
    </table>
    ${items.length === 0 && html`<p class="muted">No address matches.</p>`}`;
}
