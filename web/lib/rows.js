// @ts-check
import { grouped } from './format.js';
import { arithmeticFor } from './ip.js';
import { chipsOf } from './ports.js';

/**
 * The subnet view's rows, from the compact /table answer { now, range, hosts, ports }: hosts in address order and,
 * between them, one row per run of unused addresses. Pure: plain values in, plain values out.
 *
 * Host tuple: [id, ip, status, latencyMs, hostname, seen s ago, changed s ago, flags, mac, vendor] (servers before
 * the MAC columns send the first eight); `ports`: host id → [[port, protocol, service], …] for the hosts with open ports.
 */
export const RESERVED = 1;
export const PREVIOUSLY_USED = 2;
export const MAC_RANDOM = 4;
export const PTR_MISMATCH = 8;

export function hostOf(row, now) {
  const [id, ip, status, latencyMs, hostname, seenAgo, changedAgo, flags, mac = null, vendor = null] = row;
  const at = (ago) => (ago == null ? null : now - ago);
  return {
    id,
    ip,
    status,
    latencyMs,
    hostname,
    lastSeenAt: at(seenAgo),
    lastChangeAt: at(changedAgo),
    reserved: (flags & RESERVED) !== 0,
    previouslyUsed: (flags & PREVIOUSLY_USED) !== 0,
    macRandom: (flags & MAC_RANDOM) !== 0,
    ptrMismatch: (flags & PTR_MISMATCH) !== 0,
    mac,
    vendor,
  };
}

/**
 * Rows are built for every host of the block but drawn only for the few on screen, so what a row shows (the
 * host object, a run's address texts) is worked out when first read: a /16 with 5,000 hosts collapses without
 * allocating 20,000 strings the first paint never shows.
 */
class HostItem {
  constructor(tuple, now, portTuples) {
    this.kind = 'host';
    this.tuple = tuple;
    this.now = now;
    this.portTuples = portTuples;
    this._host = undefined; // every field set here: objects of one shape stay fast
    this._ports = undefined;
  }
  get key() {
    return `h${this.tuple[0]}`;
  }
  get host() {
    return (this._host ??= hostOf(this.tuple, this.now));
  }
  /** Open ports as chips ({ port, protocol, service }), [] for none. */
  get ports() {
    return (this._ports ??= chipsOf(this.portTuples));
  }
}

/** A run of unused addresses; `lo`/`hi` are values in the family's arithmetic, for listing its addresses. */
class RunItem {
  constructor(lo, hi, ip, open = false) {
    this.kind = 'run';
    this.lo = lo;
    this.hi = hi;
    this.ip = ip;
    this.open = open;
    this._first = undefined;
    this._last = undefined;
  }
  get key() {
    return `r${this.first}`;
  }
  get first() {
    return (this._first ??= this.ip.format(this.lo));
  }
  get last() {
    return (this._last ??= this.ip.format(this.hi));
  }
  get count() {
    return String(this.hi - this.lo + this.ip.one);
  }
  opened() {
    return new RunItem(this.lo, this.hi, this.ip, true);
  }
}

/** Hosts and collapsed runs of the usable range, in address order. The block is never enumerated. */
export function collapse({ now, range, hosts, ports = {} }) {
  const ip = arithmeticFor(range[0]);
  const hi = ip.parse(range[1]);
  const rows = [];
  let next = ip.parse(range[0]);
  for (const tuple of hosts) {
    const v = ip.parse(tuple[1]);
    if (v > next) rows.push(new RunItem(next, v - ip.one, ip));
    rows.push(new HostItem(tuple, now, ports[tuple[0]]));
    if (v + ip.one > next) next = v + ip.one;
  }
  if (next <= hi) rows.push(new RunItem(next, hi, ip));
  return rows;
}

/** The first `limit` addresses of a run (a run of a /64 is never listed whole). */
export function runAddresses(row, limit) {
  const out = [];
  for (let v = row.lo; v <= row.hi && out.length < limit; v += row.ip.one) out.push(row.ip.format(v));
  return out;
}

/**
 * A MAC prefix in any common notation ("00:0c:29", "00-0c-29-ab", "000c.29ab", lowercase) against the stored
 * "00:0c:29:ab:cd:ef". Without a ':' or '-' it takes 6 hex digits, so "10" or "198.18" keep to addresses.
 */
export function macMatches(mac, needle) {
  if (!mac) return false;
  const hex = needle.replace(/[:\-.\s]/g, '');
  const marked = /[:-]/.test(needle);
  return (marked ? hex.length >= 2 : hex.length >= 6) && /^[0-9a-f]+$/.test(hex) && mac.replace(/:/g, '').startsWith(hex);
}

/**
 * A filter keeps hosts only (status 'previously-used': the hosts with that flag); with no filter, runs stay and an expanded run lists its first `shown` free
 * addresses (expanded: the run's first address as a value of its family's arithmetic, `row.lo` → shown), with a
 * "more" row when the run has more.
 */
export function displayItems(rows, { status = '', text = '' } = {}, expanded = new Map()) {
  const needle = text.trim().toLowerCase();
  const filtering = status !== '' || needle !== '';
  if (!filtering && expanded.size === 0) return rows; // the first paint of every subnet view
  const items = [];
  for (const row of rows) {
    if (row.kind === 'host') {
      const [, ip, hostStatus, , hostname, , , flags, mac, vendor] = row.tuple;
      if (status === 'previously-used' ? (flags & PREVIOUSLY_USED) === 0 : status && hostStatus !== status) continue;
      if (needle && !ip.toLowerCase().startsWith(needle) && !(hostname ?? '').toLowerCase().includes(needle) && !macMatches(mac, needle) && !(vendor ?? '').toLowerCase().includes(needle)) continue;
      items.push(row);
    } else if (!filtering) {
      const shown = expanded.size > 0 ? expanded.get(row.lo) : undefined;
      items.push(shown ? row.opened() : row);
      if (shown) {
        const addresses = runAddresses(row, shown);
        for (const ip of addresses) items.push({ kind: 'free', key: `f${ip}`, ip });
        if (BigInt(row.count) > BigInt(addresses.length)) items.push({ kind: 'more', key: `m${row.first}`, lo: row.lo, shown: addresses.length, count: row.count });
      }
    }
  }
  return items;
}

/** "198.18.0.13 – 198.18.0.49 (37 unused)"; counts of IPv6 runs exceed 2^53, so they stay exact as BigInt. */
export function runLabel(first, last, count) {
  return `${first === last ? first : `${first} – ${last}`} (${grouped(BigInt(count))} unused)`;
}
