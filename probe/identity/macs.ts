/** Which MAC answered for which address: nmap's own ARP/ND answer first, then the probe's neighbour table. Pure. */
import { canonicalIp } from '../../schema/ip/cidr.js';
import type { SweepResult } from '../../schema/protocol.js';
import type { Answer, Neighbour } from '../sweep/parse.js';

export type UpEntry = SweepResult['up'][number];


/**
 * The sweep's answers with `mac` and `vendor` where known. nmap's MAC wins over the neighbour table's (it is the
 * answer itself; the table may lag a change). Answers without a MAC stay as they were.
 */
export function withMacs(up: Answer[], neighbours: Neighbour[], vendorOf: (mac: string) => string | null): UpEntry[] {
  const table = new Map<string, string>();
  for (const n of neighbours) {
    const ip = canonicalIp(n.ip);
    if (ip && !table.has(ip)) table.set(ip, n.mac);
  }
  return up.map(({ ip, latencyMs, mac }) => {
    const found = mac ?? table.get(canonicalIp(ip) ?? ip);
    return found ? { ip, latencyMs, mac: found, vendor: vendorOf(found) } : { ip, latencyMs };
  });
}

/** The answers without any MAC (MAC collection turned off). */
export const withoutMacs = (up: Answer[]): UpEntry[] => up.map(({ ip, latencyMs }) => ({ ip, latencyMs }));
