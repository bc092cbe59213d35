// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { moveIndex } from '../lib/address-map.js';
import { html } from '../lib/html.js';

/** The line under the grid: the focused item's words, or the pointed-at one's while the pointer is over the grid. */
function Detail({ text, hover }) {
  const [pointed, setPointed] = useState(/** @type {string | null} */ (null));
  useEffect(() => {
    hover.current = setPointed;
    return () => (hover.current = null);
  }, []);
  useEffect(() => setPointed(null), [text]);
  return html`<p class="map-detail muted" data-detail>${pointed ?? text}</p>`;
}

const noStyle = () => undefined;
const noData = () => [undefined, undefined];

/** The item index of the grid cell an event happened in, or -1. */
const indexOf = (e) => {
  const el = /** @type {HTMLElement | null} */ (e.target)?.closest?.('[data-index]');
  return el ? Number(el.getAttribute('data-index')) : -1;
};

/**
 * An ARIA grid with a roving tabindex: one item is in the tab order; arrows, Home/End (Ctrl: the grid's ends) and
 * PageUp/PageDown move it, Enter or Space (or a click) activates it. `renderItem(item)` is the item's content (seen,
 * not read: `itemText(item)` is its name), `itemClass(item)`, `itemStyle(item)` and `itemData(item)` (its
 * data-label and data-used, for content drawn by style.css) its looks, `detail(item)` the line under the grid about
 * the item pointed at, or else the one in the tab order. `resetKey`: a new value (another block) starts at the first
 * item again, in the same render. The grid's own handlers serve every cell (no listener per cell: a /16's map is 256
 * of them), and its cells carry no tooltip: the detail line says it, without drawing the grid again.
 */
export function MapGrid({ items, columns, label, className, itemClass, itemText, renderItem, itemStyle = noStyle, itemData = noData, detail, onActivate, resetKey }) {
  const [active, setActive] = useState({ key: resetKey, index: 0 });
  const root = useRef(/** @type {HTMLDivElement | null} */ (null));
  const hover = useRef(/** @type {((text: string | null) => void) | null} */ (null));
  const at = active.key === resetKey ? Math.min(active.index, Math.max(0, items.length - 1)) : 0;
  const pick = (i) => setActive({ key: resetKey, index: i });
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
  // the click has focused the cell already (it is focusable)
  const onClick = (e) => {
    const i = indexOf(e);
    if (i < 0 || !items[i]) return;
    pick(i);
    onActivate(items[i]);
  };
  // another block (a zoom in or out) replaced the focused cell or the trail's button: focus goes to its first cell
  const mounted = useRef(false);
  useEffect(() => {
    if (!mounted.current) return void (mounted.current = true);
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost) /** @type {HTMLElement | null | undefined} */ (root.current?.querySelector('[data-index="0"]'))?.focus({ preventScroll: true });
  }, [resetKey]);
  const onFocusIn = (e) => {
    const i = indexOf(e);
    if (i >= 0 && i !== at) pick(i);
  };
  const onMouseOver = (e) => {
    const i = indexOf(e);
    hover.current?.(i >= 0 && items[i] ? detail(items[i]) : null);
  };
  const onMouseLeave = () => hover.current?.(null);
  const rows = [];
  for (let r = 0; r * columns < items.length; r++) {
    const cells = [];
    for (let i = r * columns; i < Math.min(items.length, (r + 1) * columns); i++) {
      const item = items[i];
      const name = itemText(item);
      const [a, b] = itemData(item);
      // keyed by kind too: tiles become cells as new elements, which is cheaper than rewriting each one's attributes
      cells.push(html`<div role="gridcell" key=${className + i} data-index=${i} class=${itemClass(item)} style=${itemStyle(item)} data-label=${a} data-used=${b} tabindex=${i === at ? 0 : -1} aria-label=${name}>${renderItem(item)}</div>`);
    }
    rows.push(html`<div role="row" key=${r}>${cells}</div>`);
  }
  return html`<div class=${`map-grid ${className}`} role="grid" aria-label=${label} ref=${root} onKeyDown=${onKeyDown} onClick=${onClick} onfocusin=${onFocusIn}
      onMouseOver=${onMouseOver} onMouseLeave=${onMouseLeave}>${rows}</div>
    <${Detail} text=${items[at] ? detail(items[at]) : ''} hover=${hover} />`;
}
