// @ts-check
import { arithmeticFor } from './ip.js';

/**
 * The subnet view's rows, from the compact /table answer { now, range, hosts }: hosts in address order and,
 * between them, one row per run of unused addresses. Pure: plain values in, plain values out.
 *
 * Host tuple: [id, ip, status, latencyMs, hostname, seen s ago, changed s ago, flags].
 */
export const RESERVED = 1;

export function hostOf(row, now) {
  const [id, ip, status, latencyMs, hostname, seenAgo, changedAgo, flags] = row;
  const at = (ago) => (ago == null ? null : now - ago);
  return { id, ip, status, latencyMs, hostname, lastSeenAt: at(seenAgo), lastChangeAt: at(changedAgo), reserved: (flags & RESERVED) !== 0 };
}

/** A run of unused addresses; `lo`/`hi` are values in the family's arithmetic, for listing its addresses. */
function run(lo, hi, ip) {
  const first = ip.format(lo);
  return { kind: 'run', key: `r${first}`, first, last: ip.format(hi), count: String(hi - lo + ip.one), lo, hi, ip };
}

/** Hosts and collapsed runs of the usable range, in address order. The block is never enumerated. */
export function collapse({ now, range, hosts }) {
  const ip = arithmeticFor(range[0]);
  const hi = ip.parse(range[1]);
  const rows = [];
  let next = ip.parse(range[0]);
  for (const tuple of hosts) {
    const host = hostOf(tuple, now);
    const v = ip.parse(host.ip);
    if (v > next) rows.push(run(next, v - ip.one, ip));
    rows.push({ kind: 'host', key: `h${host.id}`, host });
    if (v + ip.one > next) next = v + ip.one;
  }
  if (next <= hi) rows.push(run(next, hi, ip));
  return rows;
}

/** The first `limit` addresses of a run (a run of a /64 is never listed whole). */
export function runAddresses(row, limit) {
  const out = [];
  for (let v = row.lo; v <= row.hi && out.length < limit; v += row.ip.one) out.push(row.ip.format(v));
  return out;
}

/**
 * A filter keeps hosts only; with no filter, runs stay and an expanded run lists its first `shown` free
 * addresses (expanded: run's first address → shown), with a "more" row when the run has more.
 */
export function displayItems(rows, { status = '', text = '' } = {}, expanded = new Map()) {
  const needle = text.trim().toLowerCase();
  const filtering = status !== '' || needle !== '';
  const items = [];
  for (const row of rows) {
    if (row.kind === 'host') {
      const h = row.host;
      if (status && h.status !== status) continue;
      if (needle && !h.ip.toLowerCase().startsWith(needle) && !(h.hostname ?? '').toLowerCase().includes(needle)) continue;
      items.push(row);
    } else if (!filtering) {
      const shown = expanded.get(row.first);
      items.push(shown ? { ...row, open: true } : row);
      if (shown) {
        const addresses = runAddresses(row, shown);
        for (const ip of addresses) items.push({ kind: 'free', key: `f${ip}`, ip });
        if (BigInt(row.count) > BigInt(addresses.length)) items.push({ kind: 'more', key: `m${row.first}`, first: row.first, shown: addresses.length, count: row.count });
      }
    }
  }
  return items;
}

/** "198.18.0.13 – 198.18.0.49 (37 unused)"; counts of IPv6 runs exceed 2^53, so they stay exact as BigInt. */
export function runLabel(first, last, count) {
  const n = BigInt(count);
  return `${first === last ? first : `${first} – ${last}`} (${n.toLocaleString('en')} unused)`;
}
