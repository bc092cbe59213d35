import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

/** A parsed address: canonical text plus its integer value (bigint, since IPv6 needs 128 bits). */
export interface Ip {
  family: Family;
  text: string;
  value: bigint;
}

/** A parsed, validated network. `first`/`last` span every address of the block. */
export interface Cidr {
  cidr: string;
  family: Family;
  prefix: number;
  first: bigint;
  last: bigint;
}

export type CidrErrorCode = 'invalid_ip' | 'invalid_cidr' | 'host_bits_set';

export class CidrError extends Error {
  constructor(
    readonly code: CidrErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CidrError';
  }
}

const bitsOf = (family: Family): number => (family === 4 ? 32 : 128);

function bytesToBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

function isStrictIpText(text: string): boolean {
  if (text.includes(':')) return !text.includes('%') && ipaddr.IPv6.isValid(text);
  // ipaddr.js also accepts "10.1" and hex/octal forms; an IPAM only wants dotted quads.
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** Parses one address; rejects shorthand IPv4, zone ids and anything else ambiguous. */
export function parseIp(input: string): Ip {
  const text = input.trim();
  if (!isStrictIpText(text)) throw new CidrError('invalid_ip', `"${input}" is not a valid IPv4 or IPv6 address`);
  const addr = ipaddr.parse(text);
  const family: Family = addr.kind() === 'ipv4' ? 4 : 6;
  return { family, text: addr.toString(), value: bytesToBigInt(addr.toByteArray()) };
}

/** An address in its canonical text, or null when `input` is not one (for text from tools and the wire). */
export function canonicalIp(input: string): string | null {
  try {
    return parseIp(input).text;
  } catch {
    return null;
  }
}

/** Formats an integer address back to canonical text (RFC 5952 for IPv6). */
export function formatIp(value: bigint, family: Family): string {
  if (family === 4) {
    // the subnet table formats thousands of these per request
    const n = Number(value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const bytes: number[] = new Array(16);
  let v = value;
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** Fixed-width hex so that string order in SQL equals address order. */
export function ipKey(value: bigint, family: Family): string {
  return value.toString(16).padStart(family === 4 ? 8 : 32, '0');
}

/** Parses "net/prefix". Host bits must be zero: "198.18.0.5/24" is an error that names the network meant. */
export function parseCidr(input: string): Cidr {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash < 0) throw new CidrError('invalid_cidr', `"${input}" is not a CIDR: expected address/prefix, e.g. 198.18.0.0/24`);
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  let ip: Ip;
  try {
    ip = parseIp(addrText);
  } catch {
    throw new CidrError('invalid_cidr', `"${input}" is not a CIDR: "${addrText}" is not a valid address`);
  }
  const bits = bitsOf(ip.family);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    throw new CidrError('invalid_cidr', `"${input}" is not a CIDR: the prefix length must be 0 to ${bits}`);
  }
  const prefix = Number(prefixText);
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const first = ip.value & ~hostMask & ((1n << BigInt(bits)) - 1n);
  if (first !== ip.value) {
    const network = `${formatIp(first, ip.family)}/${prefix}`;
    throw new CidrError('host_bits_set', `"${input}" has host bits set; did you mean ${network}?`);
  }
  return { cidr: `${ip.text}/${prefix}`, family: ip.family, prefix, first, last: first | hostMask };
}

export function addressCount(c: Cidr): bigint {
  return c.last - c.first + 1n;
}

/** Addresses that can be hosts: IPv4 blocks larger than /31 lose their network and broadcast address (RFC 3021). */
export function usableRange(c: Cidr): { first: bigint; last: bigint } {
  if (c.family === 4 && c.prefix <= 30) return { first: c.first + 1n, last: c.last - 1n };
  return { first: c.first, last: c.last };
}

export function contains(c: Cidr, ip: Ip): boolean {
  return c.family === ip.family && ip.value >= c.first && ip.value <= c.last;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Every usable address of a block, in order. Callers cap the size first; this never guards. */
export function* usableAddresses(c: Cidr): Generator<string> {
  const { first, last } = usableRange(c);
  for (let v = first; v <= last; v++) yield formatIp(v, c.family);
}

/** Splits a block into consecutive sub-blocks no larger than /`maxPrefix` (a /20 into four /22s). */
export function splitCidr(c: Cidr, maxPrefix: number): Cidr[] {
  if (c.prefix >= maxPrefix) return [c];
  const bits = BigInt((c.family === 4 ? 32 : 128) - maxPrefix);
  const size = 1n << bits;
  const out: Cidr[] = [];
  for (let first = c.first; first <= c.last; first += size) {
    out.push({ cidr: `${formatIp(first, c.family)}/${maxPrefix}`, family: c.family, prefix: maxPrefix, first, last: first + size - 1n });
  }
  return out;
}
