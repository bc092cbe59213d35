// @ts-check
// The IP calculator: pure, shared by the browser (answers as you type) and GET /api/tools/ipcalc.
import ipaddr from 'ipaddr.js';

/** @typedef {4 | 6} Family */
/** @typedef {{ family: Family, prefix: number, bits: number, address: ipaddr.IPv4 | ipaddr.IPv6, first: bigint, last: bigint }} Block */
/** @typedef {{ id: number, cidr: string, name: string }} ManagedSubnet */
/** @typedef {'equal' | 'contains' | 'within' | 'overlaps'} Relation */
/** @typedef {{ splitPrefix?: number, splitCount?: number, page?: number, pageSize?: number, managed?: ManagedSubnet[] }} CalcOptions */

export const MAX_PAGE_SIZE = 1024;
export const DEFAULT_PAGE_SIZE = 256;
export const MAX_SUPERNET_INPUTS = 256;
/** Longest text `parseBlock` looks at: an IPv6 address with a /128, or a dotted mask, fits well inside. */
export const MAX_INPUT_LENGTH = 100;

export class IpcalcError extends Error {
  /** @param {'invalid_cidr' | 'invalid_split' | 'mixed_families'} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'IpcalcError';
    this.code = code;
  }
}

// IANA special-purpose registries (RFC 6890 and successors). The most specific range holding a block names its kind.
// ipaddr.js has its own table, but it folds documentation and benchmarking into 'reserved'.
const RANGES = {
  4: {
    unspecified: ['0.0.0.0/32'],
    reserved: ['0.0.0.0/8', '192.0.0.0/24', '192.88.99.0/24', '240.0.0.0/4'],
    broadcast: ['255.255.255.255/32'],
    private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
    shared: ['100.64.0.0/10'],
    loopback: ['127.0.0.0/8'],
    'link-local': ['169.254.0.0/16'],
    documentation: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'],
    benchmarking: ['198.18.0.0/15'],
    multicast: ['224.0.0.0/4'],
  },
  6: {
    unspecified: ['::/128'],
    loopback: ['::1/128'],
    'ipv4-mapped': ['::ffff:0:0/96'],
    nat64: ['64:ff9b::/96', '64:ff9b:1::/48'],
    discard: ['100::/64'],
    reserved: ['::/8', '2001::/23', 'fec0::/10'],
    documentation: ['2001:db8::/32', '3fff::/20'],
    benchmarking: ['2001:2::/48'],
    '6to4': ['2002::/16'],
    ula: ['fc00::/7'],
    'link-local': ['fe80::/10'],
    multicast: ['ff00::/8'],
    global: ['2000::/3'],
  },
};
/** @type {Record<Family, { kind: string, block: Block }[]>} */
const RANGE_BLOCKS = { 4: [], 6: [] };
for (const family of /** @type {Family[]} */ ([4, 6])) {
  for (const [kind, cidrs] of Object.entries(RANGES[family])) for (const c of cidrs) RANGE_BLOCKS[family].push({ kind, block: parseBlock(c) });
  RANGE_BLOCKS[family].sort((a, b) => b.block.prefix - a.block.prefix);
}

/** @param {number[]} bytes */
function bytesValue(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** @param {bigint} value @param {Family} family */
export function formatValue(value, family) {
  return ipaddr.fromByteArray(bytesOf(value, family === 4 ? 4 : 16)).toString();
}

/** @param {string} text */
function strictAddress(text) {
  if (text.includes(':')) return !text.includes('%') && ipaddr.IPv6.isValid(text);
  // ipaddr.js also takes "10.1" and hex or octal parts; a calculator wants dotted quads
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/**
 * An address, "address/prefix" or "address/dotted-mask" as a block. Host bits may be set (198.18.0.5/24 is the
 * /24 holding .5): a calculator is asked about addresses as often as about networks.
 * @param {string} input
 * @returns {Block}
 */
export function parseBlock(input) {
  const text = String(input).trim();
  if (!text || text.length > MAX_INPUT_LENGTH) throw new IpcalcError('invalid_cidr', `"${String(input).slice(0, 40)}" is not an address or a CIDR`);
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  if (!strictAddress(addrText)) throw new IpcalcError('invalid_cidr', `"${addrText}" is not a valid IPv4 or IPv6 address`);
  const address = ipaddr.parse(addrText);
  const family = address.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (/^\d{1,3}$/.test(p) && Number(p) <= bits) prefix = Number(p);
    else if (family === 4 && ipaddr.IPv4.isValidFourPartDecimal(p) && ipaddr.IPv4.parse(p).prefixLengthFromSubnetMask() !== null) {
      prefix = /** @type {number} */ (ipaddr.IPv4.parse(p).prefixLengthFromSubnetMask());
    } else throw new IpcalcError('invalid_cidr', `"${p}" is not a prefix length (0 to ${bits})${family === 4 ? ' or a netmask' : ''}`);
  }
  const network = family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(`${addrText}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addrText}/${prefix}`);
  const last = family === 4 ? ipaddr.IPv4.broadcastAddressFromCIDR(`${addrText}/${prefix}`) : ipaddr.IPv6.broadcastAddressFromCIDR(`${addrText}/${prefix}`);
  return { family, prefix, bits, address, first: bytesValue(network.toByteArray()), last: bytesValue(last.toByteArray()) };
}

/** @param {Block} b */
const cidrOf = (b) => `${formatValue(b.first, b.family)}/${b.prefix}`;

/** @param {Block} a @param {Block} b @returns {Relation | null} how `a` stands to `b` */
export function relation(a, b) {
  if (a.family !== b.family || a.last < b.first || b.last < a.first) return null;
  if (a.first === b.first && a.last === b.last) return 'equal';
  if (a.first <= b.first && b.last <= a.last) return 'contains';
  if (b.first <= a.first && a.last <= b.last) return 'within';
  return 'overlaps'; // never for two CIDR blocks, which nest or are apart; kept for ranges
}

/**
 * The kind of the most specific special range holding the whole block (2001:db8::/48 is documentation, 2000::/3
 * global); 'mixed' for a block no range holds that holds some (0.0.0.0/0, 192.0.0.0/8). @param {Block} b
 */
export function kindOf(b) {
  let spans = false;
  for (const r of RANGE_BLOCKS[b.family]) {
    const rel = relation(r.block, b);
    if (rel === 'contains' || rel === 'equal') return r.kind;
    if (rel === 'within') spans = true;
  }
  if (spans) return 'mixed';
  return b.family === 4 ? 'global' : 'reserved'; // IPv6 outside 2000::/3 and the special ranges is unassigned
}

/** The smallest reverse-DNS zone holding the whole block (octet or nibble boundaries). @param {Block} b */
export function reverseZone(b) {
  if (b.family === 4) {
    return [...bytesOf(b.first, 4).slice(0, Math.floor(b.prefix / 8)).reverse(), 'in-addr', 'arpa'].join('.');
  }
  const hex = b.first.toString(16).padStart(32, '0');
  return [...hex.slice(0, Math.floor(b.prefix / 4)).split('').reverse(), 'ip6', 'arpa'].join('.');
}

/** @param {bigint} value @param {number} length */
function bytesOf(value, length) {
  const bytes = new Array(length);
  for (let i = length - 1; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 255n);
  return bytes;
}

/** @param {bigint} value */
const binary4 = (value) => bytesOf(value, 4).map((o) => o.toString(2).padStart(8, '0')).join('.');

/** @param {bigint} n */
const bitLength = (n) => (n === 0n ? 0 : n.toString(2).length);

/**
 * The split of a block into sub-blocks of one longer prefix, one page of them.
 * @param {Block} b @param {{ splitPrefix?: number, splitCount?: number, page?: number, pageSize?: number }} o
 */
export function splitBlock(b, { splitPrefix, splitCount, page = 1, pageSize = DEFAULT_PAGE_SIZE }) {
  if (splitPrefix !== undefined && splitCount !== undefined) throw new IpcalcError('invalid_split', 'give splitPrefix or splitCount, not both');
  let prefix;
  if (splitCount !== undefined) {
    const n = Number.isSafeInteger(splitCount) && splitCount > 0 ? BigInt(splitCount) : 0n;
    if (n === 0n || (n & (n - 1n)) !== 0n) throw new IpcalcError('invalid_split', `${splitCount} subnets: the count must be a power of two (2, 4, 8, …)`);
    prefix = b.prefix + bitLength(n) - 1;
  } else prefix = Number(splitPrefix);
  if (!Number.isInteger(prefix) || prefix < b.prefix || prefix > b.bits) {
    const why = prefix > b.bits ? `past /${b.bits}` : `shorter than the block's /${b.prefix}`;
    throw new IpcalcError('invalid_split', `cannot split ${cidrOf(b)} into /${prefix}s: that is ${Number.isInteger(prefix) ? why : 'not a prefix length'}`);
  }
  if (!Number.isSafeInteger(page) || page < 1) throw new IpcalcError('invalid_split', 'page must be 1 or more');
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new IpcalcError('invalid_split', `pageSize must be 1 to ${MAX_PAGE_SIZE}`);
  const total = 1n << BigInt(prefix - b.prefix);
  const size = 1n << BigInt(b.bits - prefix);
  const subnets = [];
  for (let i = BigInt(page - 1) * BigInt(pageSize), end = i + BigInt(pageSize); i < end && i < total; i++) {
    subnets.push(`${formatValue(b.first + i * size, b.family)}/${prefix}`);
  }
  return { prefix, total: total.toString(), page, pageSize, subnets };
}

/** The mask of a prefix length and its inverse (the wildcard) as address text. @param {Family} family @param {number} prefix */
function masks(family, prefix) {
  const mask = family === 4 ? ipaddr.IPv4.subnetMaskFromPrefixLength(prefix) : ipaddr.IPv6.subnetMaskFromPrefixLength(prefix);
  const inverse = ipaddr.fromByteArray(mask.toByteArray().map((byte) => byte ^ 255));
  return { netmask: mask.toString(), wildcard: inverse.toString(), netmaskValue: bytesValue(mask.toByteArray()) };
}

/**
 * Everything the calculator says about an address or a block.
 * @param {string} input
 * @param {CalcOptions} [options]
 */
export function calculate(input, options = {}) {
  const b = parseBlock(input);
  const { family, prefix, first, last } = b;
  const { netmask, wildcard, netmaskValue } = masks(family, prefix);
  // RFC 3021: an IPv4 /31 has no network or broadcast address; the server's usable range agrees (schema/ip)
  const edges = family === 4 && prefix <= 30;
  const addresses = last - first + 1n;
  const addressValue = bytesValue(b.address.toByteArray());
  const kind = kindOf(b);
  const wantSplit = options.splitPrefix !== undefined || options.splitCount !== undefined;
  return {
    input: String(input).trim(),
    family,
    address: b.address.toString(),
    cidr: cidrOf(b),
    network: formatValue(first, family),
    prefix,
    netmask,
    wildcard,
    broadcast: edges ? formatValue(last, family) : null,
    firstUsable: formatValue(edges ? first + 1n : first, family),
    lastUsable: formatValue(edges ? last - 1n : last, family),
    addresses: addresses.toString(),
    usable: (edges ? addresses - 2n : addresses).toString(),
    kind,
    reverseZone: reverseZone(b),
    binary: family === 4 ? { address: binary4(addressValue), netmask: binary4(netmaskValue), network: binary4(first) } : null,
    mapped: kind === 'ipv4-mapped' ? mappedIpv4(b) : null,
    split: wantSplit ? splitBlock(b, options) : null,
    managed: managedRelations(b, options.managed ?? []),
  };
}

/** The IPv4 address (or block) inside ::ffff:0:0/96, and its own kind. @param {Block} b */
function mappedIpv4(b) {
  const v4 = parseBlock(`${formatValue(b.first & 0xffffffffn, 4)}/${b.prefix - 96}`);
  return { ipv4: b.prefix === 128 ? formatValue(v4.first, 4) : cidrOf(v4), kind: kindOf(v4) };
}

/**
 * The managed subnets that equal, contain, sit inside or overlap the block, in address order.
 * @param {Block} b @param {ManagedSubnet[]} subnets
 */
export function managedRelations(b, subnets) {
  const out = [];
  for (const s of subnets) {
    let other;
    try {
      other = parseBlock(s.cidr);
    } catch {
      continue;
    }
    const rel = relation(other, b);
    if (rel) out.push({ id: s.id, cidr: s.cidr, name: s.name, relation: rel, first: other.first });
  }
  out.sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
  return out.map(({ first, ...rest }) => rest);
}

/**
 * The smallest block holding every address or block of the list (one family), and the blocks it covers: the list's
 * blocks in address order, duplicates and blocks inside another left out.
 * @param {string[]} list
 */
export function supernet(list) {
  if (list.length === 0) throw new IpcalcError('invalid_cidr', 'give at least one address or CIDR');
  const blocks = list.map(parseBlock);
  const family = blocks[0]?.family ?? 4;
  if (blocks.some((x) => x.family !== family)) throw new IpcalcError('mixed_families', 'the list mixes IPv4 and IPv6; a supernet holds one family');
  blocks.sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : y.prefix === x.prefix ? 0 : x.prefix - y.prefix));
  /** @type {Block[]} */
  const covers = [];
  for (const x of blocks) {
    const prev = covers[covers.length - 1];
    if (!prev || x.last > prev.last) covers.push(x);
  }
  let lo = /** @type {Block} */ (blocks[0]).first;
  let hi = lo;
  for (const x of blocks) if (x.last > hi) hi = x.last;
  const bits = family === 4 ? 32 : 128;
  const prefix = bits - bitLength(lo ^ hi);
  const net = parseBlock(`${formatValue(lo, family)}/${prefix}`);
  return { supernet: cidrOf(net), covers: covers.map(cidrOf) };
}
