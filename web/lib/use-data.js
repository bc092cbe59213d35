// @ts-check
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { subscribe } from './live.js';

/**
 * Loads data with `load()` and keeps it fresh: reloads (debounced) when one of the live event types
 * arrives and `accept(event)` says it matters, and every `pollMs` as a safety net should the feed drop.
 * Returns { data, error, reload }.
 */
export function useData(load, deps, { events = [], accept = () => true, pollMs = 30_000, debounceMs = 250 } = {}) {
  const [data, setData] = useState(/** @type {any} */ (null));
  const [error, setError] = useState(/** @type {Error | null} */ (null));
  const gen = useRef(0);
  const reload = useCallback(() => {
    const mine = ++gen.current;
    return load().then(
      (d) => {
        if (mine === gen.current) (setData(d), setError(null));
      },
      (e) => {
        if (mine === gen.current) setError(e);
      },
    );
  }, deps);
  const acceptRef = useRef(accept);
  acceptRef.current = accept;
  useEffect(() => {
    setData(null);
    reload();
    let timer = /** @type {any} */ (null);
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(reload, debounceMs);
    };
    const offs = events.map((t) => subscribe(t, (e) => acceptRef.current(e) && soon()));
    offs.push(subscribe('reconnected', soon));
    const poll = setInterval(() => document.visibilityState === 'visible' && reload(), pollMs);
    return () => {
      clearTimeout(timer);
      clearInterval(poll);
      offs.forEach((off) => off());
    };
  }, [reload]);
  return { data, error, reload };
}
