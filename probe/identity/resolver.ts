/** A PTR lookup with its forward check, through the site's recursive resolver. */
import { getServers } from 'node:dns';
import { parseIp } from '../../schema/ip/cidr.js';
import { DnsClient, parseServer, type DnsServer } from './dns-client.js';
import { readAddresses, readPtr, reverseName, type PtrAnswer } from './dns-wire.js';

/** The forward check's addresses a names item carries at most (schema/kinds/names.ts). */
export const MAX_FORWARD = 32;

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

  /** The PTR name of `ip` alone (no forward check). Never throws: a failure (a stop of `signal` too) is an `error` answer. */
  async ptr(ip: string, signal?: AbortSignal): Promise<PtrAnswer> {
    const qname = reverseName(parseIp(ip).text);
    try {
      return readPtr(await this.client.query(qname, 'PTR', signal), qname);
    } catch (e) {
      return { kind: 'error', error: (e as Error).message.slice(0, 200) };
    }
  }

  /** The PTR name of `ip` and whether it leads back (A for IPv4, AAAA for IPv6). Never throws: a failure is an `error` answer. */
  async lookup(ip: string, signal?: AbortSignal): Promise<PtrLookup> {
    const address = parseIp(ip);
    const answer = await this.ptr(address.text, signal);
    if (answer.kind !== 'name') return { ...answer, forward: null };
    return { ...answer, forward: await this.forward(answer.name, address.text, address.family === 4 ? 'A' : 'AAAA', signal) };
  }

  private async forward(name: string, ip: string, type: 'A' | 'AAAA', signal?: AbortSignal): Promise<Forward> {
    try {
      const addresses = readAddresses(await this.client.query(name, type, signal), name, type);
      if (!addresses) return null;
      return { addresses: addresses.slice(0, MAX_FORWARD), matches: addresses.includes(ip) };
    } catch {
      // a timeout, or a truncated reply (its addresses are partial: "does not lead back" would be a guess)
      return null;
    }
  }
}

/**
 * Just the PTR name of an address (traceroute's hop names), or null: no name, a name that is not a hostname, or the
 * lookup failed or was stopped. Only the PTR question: a hop's forward check would be a question per hop for nothing.
 */
export function ptrNameLookup(servers: DnsServer[] | null, opts: { timeoutMs?: number; attempts?: number } = {}): (ip: string, signal?: AbortSignal) => Promise<string | null> {
  const resolver = new PtrResolver(servers, opts);
  return async (ip, signal) => {
    const r = await resolver.ptr(ip, signal);
    return r.kind === 'name' ? r.name : null;
  };
}
