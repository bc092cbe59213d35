/** Addresses no operation goes to, and the IPv4 inside an IPv4-mapped IPv6 address (pure). */
import ipaddr from 'ipaddr.js';

/** The IPv4 address of "::ffff:a.b.c.d" (in any notation, "::ffff:c612:a" too), else the text as it is. */
export function unmapIPv4(text: string): string {
  try {
    const ip = ipaddr.parse(text);
    return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address().toString() : text;
  } catch {
    return text;
  }
}

/**
 * Why an address is no target for ping, mtr or traceroute (it would reach the probe itself or every host of a
 * link), or null: the unspecified address, multicast, the limited broadcast.
 */
export function specialTarget(text: string): string | null {
  let ip;
  try {
    ip = ipaddr.parse(unmapIPv4(text));
  } catch {
    return null;
  }
  const range = ip.range();
  if (range === 'unspecified') return `${text} is the unspecified address`;
  if (range === 'multicast') return `${text} is a multicast address`;
  if (range === 'broadcast') return `${text} is the limited broadcast address`;
  return null;
}
