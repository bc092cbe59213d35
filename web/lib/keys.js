// @ts-check
import { useEffect, useRef } from 'preact/hooks';

/** True when a key press belongs to a text field (typing "j" in a form must not move the selection). */
export function typingIn(target) {
  const el = /** @type {HTMLElement | null} */ (target);
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

/** Page-wide shortcuts: handlers keyed by KeyboardEvent.key; ignored while typing or with modifiers. */
export function useKeys(handlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const on = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key !== 'Escape' && typingIn(e.target)) return;
      const fn = ref.current[e.key];
      if (fn && fn(e) !== false) e.preventDefault();
    };
    addEventListener('keydown', on);
    return () => removeEventListener('keydown', on);
  }, []);
}
