// @ts-check
import ipaddr from 'ipaddr.js';

/**
 * A dotted quad's value, or -1 for any other text. By hand rather than a RegExp: the subnet view parses every
 * host of a /16 on its first paint, and match arrays are 25,000 strings of garbage there.
 */
function quadValue(text) {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}
const quadText = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** An address as a BigInt, so IPv4 and IPv6 gaps are plain arithmetic. */
export function toBig(text) {
  // the server sends canonical dotted quads; parsing them directly keeps a /16 of hosts cheap
  const quad = quadValue(text);
  if (quad >= 0) return { family: 4, value: BigInt(quad) };
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
    const quad = quadValue(text);
    return quad >= 0 ? quad : Number(toBig(text).value);
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
