/** A PTR lookup with its forward check, through the site's recursive resolver. */
import { getServers } from 'node:dns';
import { parseIp } from '../../schema/ip/cidr.js';
import { DnsClient, parseServer, type DnsServer } from './dns-client.js';
import { readAddresses, readPtr, reverseName, type PtrAnswer } from './dns-wire.js';

/** The forward check's addresses a names item carries at most (schema/kinds/names.ts). */
const MAX_FORWARD = 32;

export type Forward = { addresses: string[]; matches: boolean } | null;
export type PtrLookup = PtrAnswer & { forward: Forward };

/** The system's resolvers (as /etc/resolv.conf names them), read at each question so a change is picked up. */
export function systemServers(): DnsServer[] {
  return getServers()
    .map(parseServer)
    .filter((s): s is DnsServer => s !== null);
}

export class PtrResolver {
  private readonly client: DnsClient;

  /** servers: null → the system's. */
  constructor(servers: DnsServer[] | null, opts: { timeoutMs?: number; attempts?: number } = {}) {
    this.client = new DnsClient({ servers: servers ?? systemServers, ...opts });
  }

  /** The PTR name of `ip` and whether it leads back (A for IPv4, AAAA for IPv6). Never throws: a failure is an `error` answer. */
  async lookup(ip: string): Promise<PtrLookup> {
    const address = parseIp(ip);
    const qname = reverseName(address.text);
    let answer: PtrAnswer;
    try {
      answer = readPtr(await this.client.query(qname, 'PTR'), qname);
    } catch (e) {
      return { kind: 'error', error: (e as Error).message.slice(0, 200), forward: null };
    }
    if (answer.kind !== 'name') return { ...answer, forward: null };
    return { ...answer, forward: await this.forward(answer.name, address.text, address.family === 4 ? 'A' : 'AAAA') };
  }

  private async forward(name: string, ip: string, type: 'A' | 'AAAA'): Promise<Forward> {
    try {
      const addresses = readAddresses(await this.client.query(name, type), name, type);
      if (!addresses) return null;
      return { addresses: addresses.slice(0, MAX_FORWARD), matches: addresses.includes(ip) };
    } catch {
      return null;
    }
  }
}

/** Just the PTR name of an address (traceroute's hop names), or null: no name, or the lookup failed. */
export function ptrNameLookup(servers: DnsServer[] | null): (ip: string) => Promise<string | null> {
  const resolver = new PtrResolver(servers);
  return async (ip) => {
    const r = await resolver.lookup(ip);
    return r.kind === 'name' ? r.name : null;
  };
}
