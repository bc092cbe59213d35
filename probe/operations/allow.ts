/** Whether this probe may run an operation against an address: ALLOWED_TARGETS, whatever the server asks. */
import { contains, parseCidr, parseIp } from '../../schema/ip/cidr.js';
import { unmapIPv4 } from '../../schema/ip/special.js';

/** `allowed`: CIDRs (canonical, from probe/config.ts); empty: any address. An IPv4-mapped IPv6 address is judged as its IPv4 address. */
export function targetAllowed(address: string, allowed: readonly string[]): boolean {
  if (!allowed.length) return true;
  const ip = parseIp(unmapIPv4(address));
  return allowed.some((c) => {
    const cidr = parseCidr(c);
    return cidr.family === ip.family && contains(cidr, ip);
  });
}
