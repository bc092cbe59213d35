// @ts-check
import { useLayoutEffect, useState } from 'preact/hooks';

/**
 * Which rows of a long fixed-height table are on screen (plus a margin): only those are rendered, so a /16
 * with thousands of hosts paints as fast as a /24. The page itself scrolls; the table's offset is measured.
 */
export function useVisibleRange(ref, count, rowHeight, overscan = 20) {
  const [range, setRange] = useState({ start: 0, end: Math.min(count, 60) });
  // measured before the browser paints: the first frame with data already shows its rows
  useLayoutEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const el = ref.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top;
      const first = Math.floor(-top / rowHeight);
      const start = Math.max(0, Math.min(count, first - overscan));
      const end = Math.max(start, Math.min(count, first + Math.ceil(innerHeight / rowHeight) + overscan));
      setRange((r) => (r.start === start && r.end === end ? r : { start, end }));
    };
    const schedule = () => (frame ||= requestAnimationFrame(measure));
    measure();
    addEventListener('scroll', schedule, { passive: true });
    addEventListener('resize', schedule);
    return () => {
      cancelAnimationFrame(frame);
      removeEventListener('scroll', schedule);
      removeEventListener('resize', schedule);
    };
  }, [count, rowHeight]);
  return range;
}

/** Scrolls the page so row `index` of the table is visible (used by keyboard navigation). */
export function scrollRowIntoView(table, index, rowHeight, headerOffset = 100) {
  if (!table) return;
  const y = table.getBoundingClientRect().top + scrollY + index * rowHeight;
  if (y < scrollY + headerOffset) scrollTo({ top: y - headerOffset });
  else if (y + rowHeight > scrollY + innerHeight) scrollTo({ top: y + rowHeight - innerHeight + 8 });
}
