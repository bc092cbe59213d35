// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { moveIndex } from '../lib/address-map.js';
import { html } from '../lib/html.js';

/**
 * An ARIA grid with a roving tabindex: one item is in the tab order; arrows, Home/End (Ctrl: the grid's ends) and
 * PageUp/PageDown move it, Enter or Space (or a click) activates it. `renderItem(item)` is the item's content,
 * `itemClass(item)` its class, `itemText(item)` its tooltip. `resetKey`: a new value (another block) starts at the
 * first item again. `onActive(item)` hears where the focus is, for the detail line.
 */
export function MapGrid({ items, columns, label, className, itemClass, itemText, renderItem, onActivate, onActive, resetKey }) {
  const [active, setActive] = useState(0);
  const root = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => {
    setActive(0);
    onActive?.(items[0] ?? null);
  }, [resetKey]);
  const at = Math.min(active, Math.max(0, items.length - 1));
  const pick = (i) => {
    setActive(i);
    onActive?.(items[i] ?? null);
  };
  const focusAt = (i) => {
    pick(i);
    /** @type {HTMLElement | null | undefined} */ (root.current?.querySelector(`[data-index="${i}"]`))?.focus();
  };
  const onKeyDown = (e) => {
    if (e.altKey) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      if (items[at]) onActivate(items[at]);
      return;
    }
    const next = moveIndex(at, e.key, { count: items.length, columns, ctrl: e.ctrlKey || e.metaKey });
    if (next === null) return;
    // the page's own keys (the table's ↑/↓) must not see it
    e.preventDefault();
    e.stopPropagation();
    focusAt(next);
  };
  const rows = [];
  for (let r = 0; r * columns < items.length; r++) rows.push(items.slice(r * columns, (r + 1) * columns));
  return html`<div class=${`map-grid ${className}`} role="grid" aria-label=${label} ref=${root} onKeyDown=${onKeyDown} style=${`--columns:${columns}`}>
    ${rows.map(
      (row, r) => html`<div role="row" key=${r}>${row.map((item, c) => {
        const i = r * columns + c;
        return html`<div role="gridcell" key=${i} data-index=${i} class=${itemClass(item)} tabindex=${i === at ? 0 : -1} title=${itemText(item)}
          onClick=${() => (focusAt(i), onActivate(item))} onFocus=${() => i !== at && pick(i)}>${renderItem(item)}</div>`;
      })}</div>`,
    )}
  </div>`;
}
