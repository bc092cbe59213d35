// @ts-check
/** The Flows page's pure helpers: volumes and protocols as text, the time ranges, the Sankey layout, host links. */
import { grouped } from './format.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** The API's widest range (to − from). */
export const MAX_RANGE_MS = 400 * DAY;
/** An exporter silent this long is marked stale (the probe reports its counters every minute). */
export const STALE_MS = 5 * MIN;

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** Three significant digits with an SI prefix: 999 → "999", 1234 → "1.23 k", 98_760_000 → "98.8 M". */
function si(n, unit) {
  if (!Number.isFinite(n) || n < 1000) return `${Math.round(Math.max(0, n || 0))}${unit ? ` ${unit}` : ''}`;
  let e = Math.min(SI.length - 1, Math.floor(Math.log10(n) / 3));
  let v = n / 1000 ** e;
  // 999.6 k rounds to "1.00e+3": it is 1.00 M
  if (Number(v.toPrecision(3)) >= 1000 && e < SI.length - 1) (e++, (v = n / 1000 ** e));
  return `${Number(v.toPrecision(3))} ${SI[e]}${unit}`;
}

/** A volume in bytes, decimal prefixes as network tools count: "512 B", "1.5 kB", "23.4 MB". */
export const bytesText = (n) => si(n, 'B');

/** A count (packets, flows): exact up to 9,999, then "12.3 k", "4.56 M". */
export const countText = (n) => (n < 10_000 ? grouped(Math.round(n || 0)) : si(n, ''));

export const PROTOCOLS = /** @type {Record<number, string>} */ ({ 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 132: 'SCTP' });
/** Protocols whose flows carry ports. */
const PORTED = new Set([6, 17, 132]);

/** An IP protocol number by name: 6 → "TCP"; unknown ones as "protocol 47". */
export const protocolName = (n) => PROTOCOLS[n] ?? `protocol ${n}`;

/** A service of the ports table: "443/tcp", "53/udp", "ICMP", "protocol 47". */
export function serviceText(protocol, port) {
  return PORTED.has(protocol) && port > 0 ? `${port}/${protocolName(protocol).toLowerCase()}` : protocolName(protocol);
}

/** The time range picker's choices: key, text, span (null: custom from–to). */
export const RANGES = /** @type {const} */ ([
  ['15m', 'last 15 min', 15 * MIN],
  ['1h', 'last hour', HOUR],
  ['6h', 'last 6 h', 6 * HOUR],
  ['24h', 'last 24 h', DAY],
  ['7d', 'last 7 days', 7 * DAY],
  ['30d', 'last 30 days', 30 * DAY],
  ['custom', 'custom…', null],
]);

/** ms of an ISO text or of a number that is already ms (the API's times); null when neither. */
export function msOf(t) {
  if (t == null || t === '') return null;
  const ms = typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The range a choice stands for: { fromMs, toMs }, or { error } for a custom range the API would refuse. An
 * unknown choice is the last hour (the API's default); custom takes `from` and `to` as ISO texts.
 */
export function rangeBounds(choice, now, from = null, to = null) {
  if (choice === 'custom') {
    const fromMs = msOf(from);
    const toMs = msOf(to);
    if (fromMs == null || toMs == null) return { error: 'Pick a start and an end.' };
    if (fromMs >= toMs) return { error: 'The start must be before the end.' };
    if (toMs - fromMs > MAX_RANGE_MS) return { error: 'A range spans at most 400 days.' };
    return { fromMs, toMs };
  }
  const span = RANGES.find(([k]) => k === choice)?.[2] ?? HOUR;
  return { fromMs: now - span, toMs: now };
}

/** The common query of the /api/netflow reads: "from=<ISO>&to=<ISO>[&subnetId=3]&limit=50". */
export function flowsQuery({ fromMs, toMs, subnetId = null, limit = 50 }) {
  const p = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() });
  if (subnetId) p.set('subnetId', String(subnetId));
  p.set('limit', String(limit));
  return p.toString();
}

/** Whether a live `flows` event ({at: the stored minute's start}) falls in the range shown. */
export function eventInRange(event, range) {
  if (!range || 'error' in range) return false;
  const at = msOf(event?.at);
  return at == null || (at + MIN > range.fromMs && at <= range.toMs);
}

/** A subnet id as a label: "External" for null/0, its name (or CIDR) when known, else "deleted subnet". */
export function subnetLabel(id, subnets) {
  if (!id) return 'External';
  const s = subnets?.get(id);
  if (!s) return 'deleted subnet';
  return s.name ? `${s.cidr} ${s.name}` : s.cidr;
}

/** An address of a managed subnet with no host record. */
export const isUnregistered = (subnetId, hostId) => subnetId != null && subnetId !== 0 && hostId == null;

/**
 * Where an address links to from `hash` (the current location.hash): its host drawer on the same page (other
 * query kept), or the host's own subnet view when the page is another subnet's view; an address with no host
 * record but in a managed subnet links to that subnet's view; null for none (External).
 */
export function hostHref(hash, hostId, subnetId = null) {
  if (hostId == null) return subnetId ? `#/subnets/${subnetId}` : null;
  const view = /^#?\/subnets\/(\d+)(\?|$)/.exec(hash ?? '');
  if (view && subnetId && Number(view[1]) !== subnetId) return `#/subnets/${subnetId}?host=${hostId}`;
  return hrefWith(hash, { host: hostId });
}

/** `hash` (a location.hash) with some query keys changed (null deletes one), as router.js's setQuery would. */
export function hrefWith(hash, changes) {
  const raw = (hash ?? '').replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === '') query.delete(k);
    else query.set(k, String(v));
  }
  const qs = query.toString();
  return `#${q < 0 ? raw : raw.slice(0, q)}${qs ? `?${qs}` : ''}`;
}

/** A drop reason as words: "no_template" → "no template". */
export const dropReasonText = (reason) => reason.replaceAll('_', ' ');

/** An exporter's drops: the total and each reason with its count, most first. */
export function dropList(drops) {
  const list = Object.entries(drops ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { total: list.reduce((s, [, n]) => s + n, 0), list };
}

/** Export versions seen: [5, 9, 10] → "v5, v9, IPFIX". */
export const versionsText = (versions) =>
  [...(versions ?? [])]
    .sort((a, b) => a - b)
    .map((v) => (v === 10 ? 'IPFIX' : `v${v}`))
    .join(', ');

/** A sampling rate: 1 → "unsampled", 1000 → "1 in 1,000". */
export const samplingText = (rate) => (!rate || rate <= 1 ? 'unsampled' : `1 in ${grouped(rate)}`);

export const exporterStale = (exporter, now, staleMs = STALE_MS) => {
  const seen = msOf(exporter.lastSeenAt);
  return seen == null || now - seen > staleMs;
};

/** Text cut to `max` characters with an ellipsis. */
export const clip = (text, max) => (text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`);

const r1 = (v) => Math.round(v * 10) / 10;

/**
 * Pixels per byte so that bars as tall as their bytes, each at least `minSlot`, with `gap` between them, fill
 * `height`: the bars held at minSlot take their room first, the rest share what is left.
 */
function fitScale(bytes, height, gap, minSlot) {
  const sum = bytes.reduce((s, b) => s + b, 0);
  const avail = height - gap * (bytes.length - 1);
  if (sum <= 0 || avail <= 0) return 0;
  let scale = avail / sum;
  for (let i = 0; i < 8; i++) {
    let fixed = 0;
    let flex = 0;
    for (const b of bytes) b * scale < minSlot ? (fixed += minSlot) : (flex += b);
    if (flex === 0) break;
    const next = Math.max(0, avail - fixed) / flex;
    if (next === scale) break;
    scale = next;
  }
  return scale;
}

/** What a link carries, in words (its tooltip and accessible name). */
export const linkText = (l) => `${l.fromName} → ${l.toName}: ${bytesText(l.bytes)}, ${countText(l.packets)} packets, ${countText(l.flows)} flows`;

/**
 * The subnet-to-subnet map as a Sankey: sources on the left, destinations on the right, each subnet (and External,
 * id 0) a bar on both sides, ranked by its traffic so a subnet sits at about the same height on both; a link is a
 * band as thick as its bytes (at least 1 px), stacked in its bars in the other side's order so bands cross little.
 * Only the `maxLinks` biggest links are drawn (`hidden` counts the rest). Every bar has room for its label.
 * `nodes`: [{id, name, cidr}] (the matrix answer), `links`: [{from, to, bytes, packets, flows}].
 */
export function sankeyLayout(nodes, links, { width = 640, height = 320, nodeWidth = 12, gap = 8, minSlot = 22, maxLinks = 40 } = {}) {
  const byId = new Map(nodes.map((n) => [n.id ?? 0, n]));
  const nameOf = (id) => {
    const n = byId.get(id);
    return id === 0 ? 'External' : n ? n.name || n.cidr || `subnet ${id}` : `deleted subnet ${id}`;
  };
  const all = links.map((l) => ({ ...l, from: l.from ?? 0, to: l.to ?? 0 })).filter((l) => l.bytes > 0);
  all.sort((a, b) => b.bytes - a.bytes || a.from - b.from || a.to - b.to);
  const shown = all.slice(0, maxLinks);
  const total = new Map();
  for (const l of shown) for (const id of new Set([l.from, l.to])) total.set(id, (total.get(id) ?? 0) + l.bytes);
  const ranked = [...total.keys()].sort((a, b) => total.get(b) - total.get(a) || a - b);
  const rank = new Map(ranked.map((id, i) => [id, i]));
  // External is grey; subnets take the palette's tones in rank order
  let next = 0;
  const tones = new Map(ranked.map((id) => [id, id === 0 ? 'ext' : String(next++ % 8)]));

  const side = (key) => {
    const ids = [...new Set(shown.map((l) => l[key]))].sort((a, b) => rank.get(a) - rank.get(b));
    return ids.map((id) => ({ id, name: nameOf(id), cidr: byId.get(id)?.cidr ?? null, tone: tones.get(id), bytes: 0, y: 0, h: 0, slot: 0 }));
  };
  const sources = side('from');
  const targets = side('to');
  const sideBytes = (key) => {
    const m = new Map();
    for (const l of shown) m.set(l[key], (m.get(l[key]) ?? 0) + l.bytes);
    return [...m.values()];
  };
  const scale = Math.min(fitScale(sideBytes('from'), height, gap, minSlot), fitScale(sideBytes('to'), height, gap, minSlot));
  const thick = (bytes) => Math.max(1, bytes * scale);

  const place = (list, key) => {
    const index = new Map(list.map((n) => [n.id, n]));
    for (const l of shown) {
      const n = index.get(l[key]);
      n.bytes += l.bytes;
      n.h += thick(l.bytes);
    }
    let y = 0;
    for (const n of list) {
      n.slot = Math.max(n.h, minSlot);
      n.y = y + (n.slot - n.h) / 2;
      y += n.slot + gap;
    }
    return { index, height: Math.max(0, y - gap) };
  };
  const left = place(sources, 'from');
  const right = place(targets, 'to');
  const x0 = nodeWidth;
  const x1 = width - nodeWidth;
  const xm = (x0 + x1) / 2;
  const outAt = new Map(sources.map((n) => [n.id, n.y]));
  const inAt = new Map(targets.map((n) => [n.id, n.y]));
  const drawn = shown.map((l) => ({ ...l, fromName: nameOf(l.from), toName: nameOf(l.to), tone: tones.get(l.from), width: r1(thick(l.bytes)), y0: 0, y1: 0, d: '' }));
  // each bar stacks its bands in the order of the bars at their other ends
  const stack = (key, other, at) => {
    const order = [...drawn].sort((a, b) => rank.get(a[other]) - rank.get(b[other]) || b.bytes - a.bytes);
    for (const l of order) {
      const t = thick(l.bytes);
      l[key === 'from' ? 'y0' : 'y1'] = at.get(l[key]) + t / 2;
      at.set(l[key], at.get(l[key]) + t);
    }
  };
  stack('from', 'to', outAt);
  stack('to', 'from', inAt);
  for (const l of drawn) {
    l.key = `${l.from}-${l.to}`;
    l.d = `M${r1(x0)} ${r1(l.y0)}C${r1(xm)} ${r1(l.y0)} ${r1(xm)} ${r1(l.y1)} ${r1(x1)} ${r1(l.y1)}`;
  }
  const labelMax = Math.max(4, Math.floor((width / 2 - nodeWidth - 10) / 7));
  const finish = (list, x) =>
    list.map((n) => ({ ...n, x, y: r1(n.y), h: r1(Math.max(n.h, 2)), labelY: r1(n.y + n.h / 2), label: clip(n.name, labelMax) }));
  return {
    width,
    height: Math.max(left.height, right.height, minSlot),
    sources: finish(sources, 0),
    targets: finish(targets, x1),
    links: drawn,
    hidden: all.length - shown.length,
  };
}
