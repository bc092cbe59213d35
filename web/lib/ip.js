// @ts-check
import ipaddr from 'ipaddr.js';

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const quadValue = (q) => ((+q[1] << 24) >>> 0) + (+q[2] << 16) + (+q[3] << 8) + +q[4];
const quadText = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** An address as a BigInt, so IPv4 and IPv6 gaps are plain arithmetic. */
export function toBig(text) {
  // the server sends canonical dotted quads; parsing them directly keeps a /16 of hosts cheap
  const quad = DOTTED_QUAD.exec(text);
  if (quad) return { family: 4, value: BigInt(quadValue(quad)) };
  const addr = ipaddr.parse(text);
  let value = 0n;
  for (const byte of addr.toByteArray()) value = (value << 8n) | BigInt(byte);
  return { family: addr.kind() === 'ipv6' ? 6 : 4, value };
}

/** The address text for a BigInt: dotted quad, or RFC 5952 for IPv6 (the server's form). */
export function fromBig(value, family) {
  if (family === 4) return quadText(Number(value));
  const bytes = new Array(16);
  for (let i = 15; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 255n);
  return ipaddr.fromByteArray(bytes).toString();
}

/**
 * Arithmetic on addresses of one family: IPv4 as plain numbers (fast for a /16 of hosts), IPv6 as BigInt.
 * Values of one family are never mixed, so `<`, `+` and `-` work on either.
 */
export const IPV4 = {
  family: 4,
  one: 1,
  parse: (text) => {
    const quad = DOTTED_QUAD.exec(text);
    return quad ? quadValue(quad) : Number(toBig(text).value);
  },
  format: quadText,
};
export const IPV6 = {
  family: 6,
  one: 1n,
  parse: (text) => toBig(text).value,
  format: (value) => fromBig(value, 6),
};
export const arithmeticFor = (text) => (text.includes(':') ? IPV6 : IPV4);
