/**
 * Address text straight from packet bytes, once per flow: no parsing library on the hot path. The output equals
 * schema/ip/cidr.ts canonicalIp (ipaddr.js): IPv4 dotted quad; IPv6 RFC 5952 (lowercase, no leading zeros, the
 * longest run of two or more zero groups compressed, the first one on a tie), IPv4-mapped as hex groups
 * (::ffff:c612:1), as canonicalIp writes it.
 */

const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

export function ipv4Text(b: Uint8Array, o: number): string {
  return DECIMAL[b[o]!]! + '.' + DECIMAL[b[o + 1]!]! + '.' + DECIMAL[b[o + 2]!]! + '.' + DECIMAL[b[o + 3]!]!;
}

export function ipv6Text(b: Uint8Array, o: number): string {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (b[o + 2 * i] === 0 && b[o + 2 * i + 1] === 0) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLen) {
        bestStart = runStart;
        bestLen = i - runStart + 1;
      }
    } else runStart = -1;
  }
  let text = '';
  let colon = false;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLen - 1;
      colon = false;
      continue;
    }
    if (colon) text += ':';
    text += ((b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!).toString(16);
    colon = true;
  }
  return text;
}

/** Entries of an Ipv4Names before it starts over. */
export const IPV4_NAMES_MAX = 65_536;

/** Slots of an Ipv4Names' table: twice IPV4_NAMES_MAX, so probes stay short. */
const SLOTS = 2 * IPV4_NAMES_MAX;

/**
 * IPv4 text by address value, remembered: flows repeat their talkers, and the same string instance for the same
 * address is cheaper here (no concatenation) and downstream (a string caches its hash for the aggregator's Maps).
 * An open-addressing table on the 32-bit value (a Map's keys above 2^31 are boxed numbers). Bounded: it starts
 * over when full.
 */
export class Ipv4Names {
  private readonly keys = new Int32Array(SLOTS);
  private readonly names: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  private size = 0;

  text(b: Uint8Array, o: number): string {
    const key = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
    const { keys, names } = this;
    let i = Math.imul(key, 0x9e3779b1) >>> 15; // 17 bits: SLOTS
    for (;;) {
      const name = names[i];
      if (name === undefined) break;
      if (keys[i] === key) return name;
      i = (i + 1) & (SLOTS - 1);
    }
    const name = ipv4Text(b, o);
    if (this.size >= IPV4_NAMES_MAX) {
      names.fill(undefined);
      this.size = 0;
      i = Math.imul(key, 0x9e3779b1) >>> 15;
    }
    keys[i] = key;
    names[i] = name;
    this.size++;
    return name;
  }
}

/** dgram reports IPv4 senders on a dual-stack socket as ::ffff:a.b.c.d; the exporter is a.b.c.d. */
export function exporterAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.', 7) ? address.slice(7) : address;
}
