// @ts-check
/**
 * The subnet view's address map, from the same compact /table answer as the table ({ now, range, hosts }): what one
 * block of the subnet looks like. Pure: plain values in, plain values out.
 *
 * Levels: an IPv4 block of /24 or longer is a grid of its addresses (cells); a shorter one a grid of its octet-aligned
 * children (a /16: 256 /24 tiles; a /8: 256 /16 tiles), each zooming in. An IPv6 block shorter than /64 lists its used
 * /64s, a /64 (up to /119) its used /120s, a /120 or longer is a grid of cells.
 */
import { arithmeticFor } from './ip.js';
import { PREVIOUSLY_USED, RESERVED } from './rows.js';

/** @typedef {'up' | 'down' | 'unknown' | 'reserved' | 'previously-used' | 'free'} CellState */
/** @typedef {Record<CellState, number>} Counts (free: a number, or for IPv6 blocks a decimal string, exact) */

export const STATES = /** @type {const} */ (['up', 'down', 'unknown', 'reserved', 'previously-used', 'free']);
export const STATE_TEXT = /** @type {Record<string, string>} */ ({ up: 'up', down: 'down', unknown: 'unknown', reserved: 'reserved', 'previously-used': 'previously used', free: 'free', none: 'not usable' });
export const COLUMNS = 16;

/**
 * One state per used address: up wins (the address answers, whatever its record says), then a reservation, then
 * "previously used" (silent past the threshold: offered as free again), then down or unknown.
 * @param {string} status @param {number} flags
 * @returns {CellState}
 */
export function stateOf(status, flags) {
  if (status === 'up') return 'up';
  if (flags & RESERVED) return 'reserved';
  if (flags & PREVIOUSLY_USED) return 'previously-used';
  return status === 'down' ? 'down' : 'unknown';
}

const bitsOf = (family) => (family === 4 ? 32 : 128);
/** 2^n in the family's arithmetic (numbers for IPv4, BigInt for IPv6). @returns {any} */
const pow2 = (ip, n) => (ip.family === 4 ? 2 ** n : 1n << BigInt(n));
const floorTo = (ip, v, size) => v - (v % size);
const indexIn = (ip, v, base, size) => (ip.family === 4 ? Math.floor((v - base) / size) : Number((v - base) / size));
const fmt = (ip, v, prefix) => `${ip.format(v)}/${prefix}`;

/**
 * The prefix of a block's children on the map, or null when the block is drawn as cells.
 * @param {number} family 4 or 6 @param {number} prefix
 */
export function childPrefix(family, prefix) {
  if (family === 4) return prefix >= 24 ? null : Math.min(24, (Math.floor(prefix / 8) + 1) * 8);
  if (prefix >= 120) return null;
  return prefix < 64 ? 64 : 120;
}

/** "198.18.5.0/24" → { ip, value, prefix } with the host bits cleared; null for anything else. */
export function parseBlock(text) {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(String(text ?? '').trim());
  if (!m) return null;
  const ip = arithmeticFor(m[1]);
  const prefix = Number(m[2]);
  if (prefix > bitsOf(ip.family)) return null;
  let value;
  try {
    value = ip.parse(m[1]);
  } catch {
    return null;
  }
  return { ip, value: floorTo(ip, value, pow2(ip, bitsOf(ip.family) - prefix)), prefix };
}

/** The hosts' address values, parsed once per answer (the table's tuples are in address order). */
const parsedCache = new WeakMap();
function valuesOf(table, ip) {
  let values = parsedCache.get(table);
  if (!values) parsedCache.set(table, (values = table.hosts.map((t) => ip.parse(t[1]))));
  return values;
}

/** The first index whose value is ≥ v (values ascending). */
function lowerBound(values, v) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const emptyCounts = () => ({ up: 0, down: 0, unknown: 0, reserved: 0, 'previously-used': 0, free: 0 });
/** Addresses of [lo, hi] inside the usable range [a, b]. */
const overlap = (ip, lo, hi, a, b) => {
  const from = lo > a ? lo : a;
  const to = hi < b ? hi : b;
  return to < from ? (ip.family === 4 ? 0 : 0n) : to - from + ip.one;
};
const used = (c) => c.up + c.down + c.unknown + c.reserved + c['previously-used'];
/** free = usable − used; exact (a decimal string) for IPv6, where a /64 has 2^64 addresses. */
const withFree = (ip, c, usable) => ((c.free = ip.family === 4 ? usable - used(c) : String(usable - BigInt(used(c)))), c);

/**
 * The prefixes from the subnet down to the longest on its map: /16 → [16, 24]; /8 → [8, 16, 24]; a /48 → [48, 64, 120].
 * @param {number} family 4 or 6 @param {number} prefix
 */
export function levels(family, prefix) {
  const out = [prefix];
  for (let p = childPrefix(family, prefix); p !== null; p = childPrefix(family, p)) out.push(p);
  return out;
}

/**
 * The map of one block of the subnet: the subnet itself, or `zoom` (a block on one of its levels; anything else
 * falls back to the subnet).
 * @param {{ range: [string, string], hosts: any[] }} table the /table answer
 * @param {string} cidr the subnet
 * @param {string | null} [zoom]
 */
export function mapView(table, cidr, zoom = null) {
  const subnet = parseBlock(cidr);
  if (!subnet) throw new Error(`not a block: ${cidr}`);
  // numbers for IPv4, BigInt for IPv6: never mixed, so the operators work on either
  const ip = /** @type {any} */ (subnet.ip);
  const bits = bitsOf(ip.family);
  const chain = levels(ip.family, subnet.prefix);
  let block = subnet;
  const z = zoom ? parseBlock(zoom) : null;
  if (z && z.ip === ip && chain.includes(z.prefix) && z.prefix > subnet.prefix && floorTo(ip, z.value, pow2(ip, bits - subnet.prefix)) === subnet.value) block = z;
  const trail = chain.filter((p) => p <= block.prefix).map((p) => fmt(ip, floorTo(ip, block.value, pow2(ip, bits - p)), p));

  const values = valuesOf(table, ip);
  const lo = block.value;
  const size = pow2(ip, bits - block.prefix);
  const hi = lo + size - ip.one;
  const [ra, rb] = [ip.parse(table.range[0]), ip.parse(table.range[1])];
  const first = lowerBound(values, lo);
  const end = lowerBound(values, hi + ip.one);
  const counts = emptyCounts();
  for (let i = first; i < end; i++) counts[stateOf(table.hosts[i][2], table.hosts[i][7])]++;
  withFree(ip, counts, overlap(ip, lo, hi, ra, rb));
  const base = { cidr: fmt(ip, lo, block.prefix), family: ip.family, prefix: block.prefix, trail, counts, columns: COLUMNS };

  const child = childPrefix(ip.family, block.prefix);
  if (child === null) return { ...base, kind: 'cells', cells: cellsOf(table, ip, values, lo, Number(size), first, end, ra, rb) };
  const tileSize = pow2(ip, bits - child);
  const tiles = [];
  if (ip.family === 4) {
    // every tile of the grid, empty ones too: the map shows where the free space is
    const n = Number(size) / Number(tileSize);
    for (let t = 0; t < n; t++) tiles.push({ index: t, value: lo + t * Number(tileSize), counts: emptyCounts() });
    for (let i = first; i < end; i++) tiles[indexIn(ip, values[i], lo, tileSize)].counts[stateOf(table.hosts[i][2], table.hosts[i][7])]++;
  } else {
    // IPv6: only the used children, in order (a /48 has 65,536 /64s)
    for (let i = first; i < end; i++) {
      const v = floorTo(ip, values[i], tileSize);
      let tile = tiles.at(-1);
      if (!tile || tile.value !== v) tiles.push((tile = { index: tiles.length, value: v, counts: emptyCounts() }));
      tile.counts[stateOf(table.hosts[i][2], table.hosts[i][7])]++;
    }
  }
  const octet = child / 8 - 1;
  const out = tiles.map((t) => {
    const text = fmt(ip, t.value, child);
    withFree(ip, t.counts, overlap(ip, t.value, t.value + tileSize - ip.one, ra, rb));
    return { index: t.index, cidr: text, label: ip.family === 4 ? text.split('.')[octet] : text, counts: t.counts, used: used(t.counts) };
  });
  return { ...base, kind: ip.family === 4 ? 'tiles' : 'list', childPrefix: child, tiles: out };
}

/** Every address of a block of at most 256 (IPv4 /24, IPv6 /120): its state, and the host's id and name. */
function cellsOf(table, ip, values, lo, size, first, end, ra, rb) {
  const cells = [];
  let h = first;
  for (let i = 0; i < size; i++) {
    const v = lo + (ip.family === 4 ? i : BigInt(i));
    const label = ip.family === 4 ? String(i + (Number(lo) & 255)) : (Number(v & 0xffn)).toString(16);
    while (h < end && values[h] < v) h++;
    const tuple = h < end && values[h] === v ? table.hosts[h] : null;
    if (tuple) cells.push({ index: i, ip: tuple[1], label, state: stateOf(tuple[2], tuple[7]), hostId: tuple[0], hostname: tuple[4] ?? null, note: null });
    else if (v < ra || v > rb) cells.push({ index: i, ip: ip.format(v), label, state: 'none', hostId: null, hostname: null, note: v < ra ? 'network address' : 'broadcast address' });
    else cells.push({ index: i, ip: ip.format(v), label, state: 'free', hostId: null, hostname: null, note: null });
  }
  return cells;
}

/** "23 used: 20 up, 2 down, 1 reserved; 231 free" for a tile or a block (states with none left out). */
export function countsText(counts) {
  const parts = STATES.filter((s) => s !== 'free' && counts[s] > 0).map((s) => `${counts[s]} ${STATE_TEXT[s]}`);
  const n = used(counts);
  return `${n} used${parts.length ? `: ${parts.join(', ')}` : ''}; ${counts.free} free`;
}

/** What a cell says to a screen reader and in its tooltip: "198.18.0.5: up, nas" / "198.18.0.0: not usable (network address)". */
export function cellText(cell) {
  if (cell.state === 'none') return `${cell.ip}: not usable (${cell.note})`;
  return `${cell.ip}: ${STATE_TEXT[cell.state]}${cell.hostname ? `, ${cell.hostname}` : ''}`;
}

/**
 * Roving focus in a grid of `count` items, `columns` a row: the index a key moves to, or null for a key that does not
 * move (the caller lets it through). Home/End: the row's ends; with Ctrl, the grid's.
 * @param {number} index @param {string} key @param {{ count: number, columns: number, ctrl?: boolean }} grid
 */
export function moveIndex(index, key, { count, columns, ctrl = false }) {
  if (count === 0) return null;
  const i = Math.max(0, Math.min(count - 1, index));
  const rowStart = i - (i % columns);
  switch (key) {
    case 'ArrowRight':
      return Math.min(count - 1, i + 1);
    case 'ArrowLeft':
      return Math.max(0, i - 1);
    case 'ArrowDown':
      return i + columns < count ? i + columns : i;
    case 'ArrowUp':
      return i - columns >= 0 ? i - columns : i;
    case 'Home':
      return ctrl ? 0 : rowStart;
    case 'End':
      return ctrl ? count - 1 : Math.min(count - 1, rowStart + columns - 1);
    case 'PageDown':
      return Math.min(count - 1, i + columns * 4);
    case 'PageUp':
      return Math.max(0, i - columns * 4);
    default:
      return null;
  }
}

const VIEW_KEY = 'eipam-subnet-view';

/** The subnet view's last choice of table or map, per browser. */
export function savedSubnetView() {
  try {
    return localStorage.getItem(VIEW_KEY) === 'map' ? 'map' : 'table';
  } catch {
    return 'table';
  }
}

export function saveSubnetView(view) {
  try {
    localStorage.setItem(VIEW_KEY, view);
  } catch {
    // storage may be disabled: the choice holds for this page
  }
}
