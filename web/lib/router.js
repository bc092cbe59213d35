// @ts-check
import { useEffect, useState } from 'preact/hooks';

/** Hash routes: "#/subnets/3?host=17" → { path: '/subnets/3', query: URLSearchParams }. Shareable URLs, no server routes. */
export function parseHash(hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

export function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parseHash(hash);
}

/** Changes some query keys of the current route (null deletes one) without touching the path. */
export function setQuery(changes, { replace = false } = {}) {
  const { path, query } = parseHash(location.hash);
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === '') query.delete(k);
    else query.set(k, String(v));
  }
  const qs = query.toString();
  const next = `#${path}${qs ? `?${qs}` : ''}`;
  if (next === location.hash) return;
  // pushState rather than location.hash: the browser then does no fragment navigation (it looks for an element to
  // scroll to, laying the page out first), ~10 ms of a zoom on the address map; Back still fires hashchange
  if (replace) history.replaceState(null, '', next);
  else history.pushState(null, '', next);
  dispatchEvent(new HashChangeEvent('hashchange'));
}
