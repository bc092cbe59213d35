/**
 * A range index over the @ip-location-db CSV "num" files (`start,end,asn,organisation`, inclusive integer bounds,
 * sorted by start): typed arrays searched by bisection. Pure but for `pause`, which the builder awaits between slices
 * of lines so a 21 MB file never holds the event loop in one turn.
 */

export interface AsnHit {
  asn: number;
  org: string | null;
}

/** Lines parsed between two pauses (a few ms on this machine). */
const LINES_PER_SLICE = 2_000;
/** Bytes decoded at once. */
const BYTES_PER_SLICE = 256 << 10;
const MASK64 = (1n << 64n) - 1n;

/** One family's ranges (disjoint, as the published files are). IPv4 bounds are plain numbers; IPv6 bounds are split into their high and low 64 bits. */
export class AsnIndex {
  private constructor(
    readonly family: 4 | 6,
    private readonly startHi: Float64Array | BigUint64Array,
    private readonly startLo: BigUint64Array | null,
    private readonly endHi: Float64Array | BigUint64Array,
    private readonly endLo: BigUint64Array | null,
    private readonly asns: Uint32Array,
    private readonly orgIds: Uint32Array,
    private readonly orgs: readonly string[],
  ) {}

  get size(): number {
    return this.asns.length;
  }

  /** The range holding `value` (the address as an integer), or null when none does. */
  find(value: bigint): AsnHit | null {
    const i = this.family === 4 ? this.lastStartAtMost4(Number(value)) : this.lastStartAtMost6(value >> 64n, value & MASK64);
    if (i < 0 || !this.endsAtOrAfter(i, value)) return null;
    const org = this.orgs[this.orgIds[i]!]!;
    return { asn: this.asns[i]!, org: org || null };
  }

  private lastStartAtMost4(v: number): number {
    const starts = this.startHi as Float64Array;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= v) (found = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found;
  }

  private lastStartAtMost6(vHi: bigint, vLo: bigint): number {
    const sHi = this.startHi as BigUint64Array;
    const sLo = this.startLo!;
    let lo = 0;
    let hi = sHi.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const h = sHi[mid]!;
      if (h < vHi || (h === vHi && sLo[mid]! <= vLo)) (found = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found;
  }

  private endsAtOrAfter(i: number, value: bigint): boolean {
    if (this.family === 4) return (this.endHi as Float64Array)[i]! >= Number(value);
    const end = ((this.endHi as BigUint64Array)[i]! << 64n) | this.endLo![i]!;
    return end >= value;
  }

  /**
   * Builds the index from a "num" CSV's bytes. Lines that do not parse are skipped (counted in `skipped`); rows out
   * of order are sorted. `pause` is awaited every few thousand lines (the host's yield to its event loop).
   */
  static async build(family: 4 | 6, bytes: Uint8Array, pause: () => Promise<void>): Promise<{ index: AsnIndex; skipped: number }> {
    let capacity = 1;
    for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) capacity++;
    const v4 = family === 4;
    const startHi = v4 ? new Float64Array(capacity) : new BigUint64Array(capacity);
    const endHi = v4 ? new Float64Array(capacity) : new BigUint64Array(capacity);
    const startLo = v4 ? null : new BigUint64Array(capacity);
    const endLo = v4 ? null : new BigUint64Array(capacity);
    const asns = new Uint32Array(capacity);
    const orgIds = new Uint32Array(capacity);
    const orgs: string[] = [];
    const orgIdOf = new Map<string, number>();
    let n = 0;
    let skipped = 0;
    let sorted = true;
    let sincePause = 0;
    const decoder = new TextDecoder();
    let carry = '';
    for (let at = 0; ; at += BYTES_PER_SLICE) {
      const last = at + BYTES_PER_SLICE >= bytes.length;
      const text = carry + decoder.decode(bytes.subarray(at, at + BYTES_PER_SLICE), { stream: !last });
      const cut = last ? text.length : text.lastIndexOf('\n') + 1;
      carry = text.slice(cut);
      let pos = 0;
      while (pos < cut) {
        let nl = text.indexOf('\n', pos);
        if (nl < 0 || nl > cut) nl = cut;
        const from = pos;
        pos = nl + 1;
        if (nl === from || (nl === from + 1 && text.charCodeAt(from) === 13)) continue;
        const row = parseRow(text, family, from, nl);
        if (!row) {
          skipped++;
          continue;
        }
        if (v4) {
          (startHi as Float64Array)[n] = row.start as number;
          (endHi as Float64Array)[n] = row.end as number;
          if (n > 0 && (row.start as number) < (startHi as Float64Array)[n - 1]!) sorted = false;
        } else {
          const s = row.start as bigint;
          const e = row.end as bigint;
          (startHi as BigUint64Array)[n] = s >> 64n;
          startLo![n] = s & MASK64;
          (endHi as BigUint64Array)[n] = e >> 64n;
          endLo![n] = e & MASK64;
          if (n > 0 && s < (((startHi as BigUint64Array)[n - 1]! << 64n) | startLo![n - 1]!)) sorted = false;
        }
        asns[n] = row.asn;
        let id = orgIdOf.get(row.org);
        if (id === undefined) orgIdOf.set(row.org, (id = orgs.push(row.org) - 1));
        orgIds[n] = id;
        n++;
        if (++sincePause >= LINES_PER_SLICE) (sincePause = 0), await pause();
      }
      if (last) break;
      await pause();
    }
    const cols = [startHi, startLo, endHi, endLo, asns, orgIds].map((c) => c?.subarray(0, n) ?? null);
    if (!sorted) sortColumns(cols, family);
    const [sh, sl, eh, el, as, os] = cols as [Float64Array | BigUint64Array, BigUint64Array | null, Float64Array | BigUint64Array, BigUint64Array | null, Uint32Array, Uint32Array];
    return { index: new AsnIndex(family, sh, sl, eh, el, as, os, orgs), skipped };
  }
}

type Column = Float64Array | BigUint64Array | Uint32Array | null;

/** Reorders every column by the start (the published files are sorted; this is for one that is not). */
function sortColumns(cols: Column[], family: 4 | 6): void {
  const [sh, sl] = cols as [Float64Array | BigUint64Array, BigUint64Array | null];
  const key = (i: number): bigint => (family === 4 ? BigInt((sh as Float64Array)[i]!) : (((sh as BigUint64Array)[i]! << 64n) | sl![i]!));
  const order = Array.from({ length: sh.length }, (_, i) => i).sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  for (const col of cols) {
    if (!col) continue;
    const copy = col.slice();
    order.forEach((from, to) => ((col as Float64Array)[to] = (copy as Float64Array)[from]!));
  }
}

interface Row {
  start: number | bigint;
  end: number | bigint;
  asn: number;
  org: string;
}

const MAX6 = (1n << 128n) - 1n;

/** The end of the run of decimal digits in `text` from `at` (at most `max` of them), or -1 when there is none or it is longer. */
function digitsEnd(text: string, at: number, max: number): number {
  let i = at;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i === at || i - at > max ? -1 : i;
}

/** The number written in `text` between `from` and `to` (digits only, at most 10: below 2^53). */
function smallNumber(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

/**
 * `start,end,asn,org` where org may be quoted ("LLC ""SPUTNIK""") and hold commas; null when it is not such a line.
 * Reads `text` from `from` to `to` (a line of a larger text, without its newline) in place: no copy of the numbers.
 */
export function parseRow(text: string, family: 4 | 6, from = 0, to = text.length): Row | null {
  let stop = to;
  if (stop > from && text.charCodeAt(stop - 1) === 13) stop--;
  const width = family === 4 ? 10 : 39;
  const e1 = digitsEnd(text, from, width);
  if (e1 < 0 || text.charCodeAt(e1) !== 44) return null;
  const e2 = digitsEnd(text, e1 + 1, width);
  if (e2 < 0 || text.charCodeAt(e2) !== 44) return null;
  const e3 = digitsEnd(text, e2 + 1, 10);
  if (e3 < 0 || text.charCodeAt(e3) !== 44 || e3 >= stop) return null;
  const asn = smallNumber(text, e2 + 1, e3);
  let start: number | bigint;
  let end: number | bigint;
  // IPv4 bounds fit a double exactly; BigInt only where 128 bits need it
  if (family === 4) (start = smallNumber(text, from, e1)), (end = smallNumber(text, e1 + 1, e2));
  else (start = BigInt(text.slice(from, e1))), (end = BigInt(text.slice(e1 + 1, e2)));
  if (end < start || (family === 4 ? (end as number) > 0xffffffff : (end as bigint) > MAX6) || asn > 0xffffffff) return null;
  let org = text.slice(e3 + 1, stop);
  if (org.charCodeAt(0) === 34) {
    if (org.length < 2 || !org.endsWith('"')) return null;
    org = org.slice(1, -1);
    if (org.includes('"')) org = org.replace(/""/g, '"');
  }
  return { start, end, asn, org: org.trim() };
}

