// @ts-check
import { dayBound } from './format.js';

/** The action families the audit page filters by (the server matches a prefix ending in ".*"). */
export const ACTION_FAMILIES = ['auth.*', 'user.*', 'token.*', 'subnet.*', 'host.*', 'import.*', 'probe.*'];

/** The URL keys the audit page keeps its filters in. */
export const FILTER_KEYS = ['action', 'actor', 'since', 'until'];

/**
 * The /api/audit request for the page's URL query: action, actor, since/until as whole local days
 * (until includes its day), and `before` to page back. Malformed dates are left out, not sent.
 */
export function auditPath(query, limit) {
  const p = new URLSearchParams({ limit: String(limit) });
  const action = query.get('action');
  if (action) p.set('action', action);
  const actor = query.get('actor')?.trim();
  if (actor) p.set('actor', actor);
  const since = dayBound(query.get('since'));
  if (since != null) p.set('since', new Date(since).toISOString());
  const until = dayBound(query.get('until'), true);
  if (until != null) p.set('until', new Date(until).toISOString());
  const before = query.get('before');
  if (before && /^\d+$/.test(before)) p.set('before', before);
  return `/api/audit?${p}`;
}

/** An entry's details on one line: `role=viewer username=bob`; nested values as compact JSON. */
export function compactDetails(details) {
  if (!details) return '';
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}
