// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * One shared EventSource on /api/live for the whole page. Pages subscribe by event type; the header shows
 * whether the feed is connected. EventSource reconnects by itself; after a hard failure we retry.
 */
const listeners = new Map();
const stateListeners = new Set();
let source = null;
let state = 'connecting';

function setState(s) {
  state = s;
  for (const fn of stateListeners) fn(s);
}

function dispatch(type, data) {
  for (const fn of listeners.get(type) ?? []) fn(data);
}

const TYPES = ['allocation', 'flows', 'hello', 'hosts', 'job', 'macs', 'operation', 'ports', 'probe', 'subnets', 'traffic', 'vm'];
let greeted = false;

export function startLive() {
  if (source) return;
  source = new EventSource('/api/live');
  source.onopen = () => setState('live');
  source.onerror = () => {
    if (source?.readyState === EventSource.CLOSED) {
      source = null;
      setState('offline');
      setTimeout(startLive, 5000);
    } else setState('connecting');
  };
  for (const t of TYPES) source.addEventListener(t, (e) => dispatch(t, JSON.parse(/** @type {MessageEvent} */ (e).data)));
  // events are not replayed: after a reconnect, whatever the page shows may be stale
  source.addEventListener('hello', () => {
    if (greeted) dispatch('reconnected', {});
    greeted = true;
  });
}

export function stopLive() {
  source?.close();
  source = null;
  setState('offline');
}

export function subscribe(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}

/** Calls the latest `fn` for each event of `type` while the component is mounted. */
export function useLive(type, fn) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => subscribe(type, (d) => ref.current(d)), [type]);
}

export function useLiveState() {
  const [s, set] = useState(state);
  useEffect(() => {
    stateListeners.add(set);
    return () => stateListeners.delete(set);
  }, []);
  return s;
}
