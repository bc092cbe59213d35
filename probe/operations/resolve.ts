/** The address an operation runs against: the target itself, or a hostname resolved by this probe's resolver. */
import { canonicalIp } from '../../schema/ip/cidr.js';
import { DnsClient, type DnsServer } from '../identity/dns-client.js';
import { readAddresses } from '../identity/dns-wire.js';
import { systemServers } from '../identity/resolver.js';
import { OperationFailed } from './failure.js';

export type Resolve = (target: string, family: 4 | 6 | undefined, signal: AbortSignal) => Promise<{ address: string; family: 4 | 6 }>;

/** servers: null → the system's (read at each question). A name resolves to its first A (or, failing that, AAAA) record. */
export function resolver(servers: DnsServer[] | null): Resolve {
  const client = new DnsClient({ servers: servers ?? systemServers, timeoutMs: 2_000, attempts: 2 });
  return async (target, family, signal) => {
    const ip = canonicalIp(target);
    if (ip) return { address: ip, family: ip.includes(':') ? 6 : 4 };
    const types = family === 6 ? (['AAAA'] as const) : family === 4 ? (['A'] as const) : (['A', 'AAAA'] as const);
    let lastError = '';
    for (const type of types) {
      try {
        const addresses = readAddresses(await client.query(target, type, signal), target, type);
        if (addresses?.length) return { address: addresses[0]!, family: type === 'A' ? 4 : 6 };
        if (addresses === null) lastError = 'the resolver failed';
      } catch (e) {
        lastError = (e as Error).message;
      }
    }
    const wanted = family ? `IPv${family} address` : 'address';
    throw new OperationFailed('resolve_failed', `${target} has no ${wanted}${lastError ? ` (${lastError})` : ''}`);
  };
}
