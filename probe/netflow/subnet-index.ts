/**
 * Longest-prefix lookup of an address among the managed subnets, for labelling every flow's two ends. Per prefix
 * length present, a Map of network numbers (IPv4: the masked 32-bit value; IPv6: the masked 32-bit words as a key),
 * tried from the longest prefix down: a handful of Map lookups per address, whatever the number of subnets. Answers
 * are cached per address text, since a minute's flows repeat the same addresses. Pure.
 */
import { parseCidr } from '../../schema/ip/cidr.js';

export interface IndexedSubnet {
  id: number;
  cidr: string;
}

interface V4Level {
  prefix: number;
  mask: number;
  nets: Map<number, number>;
}
interface V6Level {
  prefix: number;
  nets: Map<string, number>;
}

/** Distinct addresses whose answer is remembered; past it the cache starts over. */
const CACHE_MAX = 262_144;
/** No subnet: cached as 0 (subnet ids are positive). */
const NONE = 0;

const maskOf = (bits: number): number => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

/** Dotted-quad text to its 32-bit value, or -1 (strict: four decimal parts 0..255). */
export function parseV4(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** IPv6 text (RFC 4291 forms, an embedded IPv4 tail included) into four 32-bit words; false when it is not one. */
export function parseV6(s: string, out: Uint32Array): boolean {
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (s.startsWith('::')) {
    gap = 0;
    i = 2;
  }
  while (i < s.length) {
    const colon = s.indexOf(':', i);
    const end = colon < 0 ? s.length : colon;
    const part = s.slice(i, end);
    if (part.includes('.')) {
      // the last 32 bits written as IPv4
      if (colon >= 0) return false;
      const v4 = parseV4(part);
      if (v4 < 0) return false;
      groups.push(v4 >>> 16, v4 & 0xffff);
      i = end;
      break;
    }
    if (part.length === 0 || part.length > 4 || !/^[0-9a-fA-F]+$/.test(part)) return false;
    groups.push(Number.parseInt(part, 16));
    if (colon < 0) {
      i = end;
      break;
    }
    if (s.charCodeAt(colon + 1) === 58) {
      if (gap >= 0) return false;
      gap = groups.length;
      i = colon + 2;
    } else {
      i = colon + 1;
      if (i >= s.length) return false;
    }
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return false;
  const full = gap < 0 ? groups : [...groups.slice(0, gap), ...new Array<number>(8 - groups.length).fill(0), ...groups.slice(gap)];
  for (let w = 0; w < 4; w++) out[w] = ((full[2 * w]! << 16) | full[2 * w + 1]!) >>> 0;
  return true;
}

const v6Key = (words: ArrayLike<number>, prefix: number): string => {
  let key = '';
  for (let w = 0; w < 4 && w * 32 < prefix; w++) key += `${(words[w]! & maskOf(prefix - w * 32)) >>> 0},`;
  return key;
};

export class SubnetIndex {
  private readonly v4: V4Level[] = [];
  private readonly v6: V6Level[] = [];
  private readonly cache = new Map<string, number>();
  private readonly words = new Uint32Array(4);
  /** Subnets that were not a valid CIDR (left out). */
  readonly skipped: string[] = [];
  readonly size: number;

  constructor(subnets: readonly IndexedSubnet[]) {
    const v4 = new Map<number, V4Level>();
    const v6 = new Map<number, V6Level>();
    let size = 0;
    for (const s of subnets) {
      let c;
      try {
        c = parseCidr(s.cidr);
      } catch {
        this.skipped.push(s.cidr);
        continue;
      }
      size++;
      if (c.family === 4) {
        let level = v4.get(c.prefix);
        if (!level) v4.set(c.prefix, (level = { prefix: c.prefix, mask: maskOf(c.prefix), nets: new Map() }));
        const net = Number(c.first);
        if (!level.nets.has(net)) level.nets.set(net, s.id);
      } else {
        let level = v6.get(c.prefix);
        if (!level) v6.set(c.prefix, (level = { prefix: c.prefix, nets: new Map() }));
        for (let w = 0; w < 4; w++) this.words[w] = Number((c.first >> BigInt(96 - 32 * w)) & 0xffffffffn);
        const key = v6Key(this.words, c.prefix);
        if (!level.nets.has(key)) level.nets.set(key, s.id);
      }
    }
    this.size = size;
    this.v4.push(...[...v4.values()].sort((a, b) => b.prefix - a.prefix));
    this.v6.push(...[...v6.values()].sort((a, b) => b.prefix - a.prefix));
  }

  /** The id of the longest managed prefix holding `ip`, or null (External, or not an address). */
  lookup(ip: string): number | null {
    const cached = this.cache.get(ip);
    if (cached !== undefined) return cached === NONE ? null : cached;
    const id = this.find(ip);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(ip, id);
    return id === NONE ? null : id;
  }

  private find(ip: string): number {
    if (ip.includes(':')) {
      if (!this.v6.length || !parseV6(ip, this.words)) return NONE;
      for (const level of this.v6) {
        const id = level.nets.get(v6Key(this.words, level.prefix));
        if (id !== undefined) return id;
      }
      return NONE;
    }
    const value = this.v4.length ? parseV4(ip) : -1;
    if (value < 0) return NONE;
    for (const level of this.v4) {
      const id = level.nets.get((value & level.mask) >>> 0);
      if (id !== undefined) return id;
    }
    return NONE;
  }
}
