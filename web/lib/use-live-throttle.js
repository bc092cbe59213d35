// @ts-check
import { useEffect, useRef } from 'preact/hooks';
import { subscribe } from './live.js';

/**
 * Calls `fn` after live events of `type` that `accept` takes, at most once every `ms` (the first at once, the
 * last of a burst at the end of its interval): a stream of progress events reloads steadily instead of never, as a
 * debounce would while they keep coming. After the feed reconnects `fn` runs too (events are not replayed).
 */
export function useLiveThrottle(type, accept, fn, ms = 1000) {
  const ref = useRef({ accept, fn });
  ref.current = { accept, fn };
  useEffect(() => {
    let last = 0;
    let timer = /** @type {any} */ (null);
    const fire = () => {
      timer = null;
      last = Date.now();
      ref.current.fn();
    };
    const nudge = () => {
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    };
    const offs = [subscribe(type, (e) => ref.current.accept(e) && nudge()), subscribe('reconnected', nudge)];
    return () => {
      clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [type, ms]);
}
