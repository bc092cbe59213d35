import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { RdapQuery } from './rdap-query.js';

/** An RFC 9224 bootstrap file: `services` is a list of `[entries, urls]` (entries: TLD labels, CIDRs or AS ranges). */
export const bootstrapFileSchema = z.object({
  version: z.string().optional(),
  publication: z.string().optional(),
  description: z.string().optional(),
  services: z.array(z.tuple([z.array(z.string()), z.array(z.string())]).rest(z.unknown())).max(10_000),
});
export type BootstrapFile = z.infer<typeof bootstrapFileSchema>;

/** Which of IANA's files answers a query. */
export function bootstrapFileName(q: RdapQuery): 'dns.json' | 'ipv4.json' | 'ipv6.json' | 'asn.json' {
  if (q.type === 'domain') return 'dns.json';
  if (q.type === 'autnum') return 'asn.json';
  return q.family === 4 ? 'ipv4.json' : 'ipv6.json';
}

export interface BootstrapMatch {
  /** The entry that matched ("com", "198.51.100.0/24", "64496-64511"). */
  entry: string;
  /** The base URL to use: the first https one, else the first, always ending in "/". */
  baseUrl: string;
}

/** RFC 9224 §4: several URLs are the same service; https is preferred; a base URL ends in "/". */
export function pickBaseUrl(urls: readonly string[]): string | null {
  const usable = urls.filter((u) => /^https?:\/\//i.test(u));
  const url = usable.find((u) => /^https:/i.test(u)) ?? usable[0];
  if (!url) return null;
  return url.endsWith('/') ? url : `${url}/`;
}

type Candidate = { entry: string; urls: string[]; weight: number };

/** Domains (§4 and §5.1): the entry with the most labels that is the name or a suffix of it, label by label. */
function matchDomain(file: BootstrapFile, name: string): Candidate | null {
  let best: Candidate | null = null;
  for (const [entries, urls] of file.services) {
    for (const raw of entries) {
      const entry = raw.toLowerCase().replace(/\.$/, '');
      if (!entry || !(name === entry || name.endsWith(`.${entry}`))) continue;
      const weight = entry.split('.').length;
      if (!best || weight > best.weight) best = { entry: raw, urls, weight };
    }
  }
  return best;
}

/** Addresses (§5.2): the longest prefix holding the address (or the whole asked-for prefix). */
function matchIp(file: BootstrapFile, q: Extract<RdapQuery, { type: 'ip' }>): Candidate | null {
  const addr = ipaddr.parse(q.address);
  const own = q.prefix ?? (q.family === 4 ? 32 : 128);
  let best: Candidate | null = null;
  for (const [entries, urls] of file.services) {
    for (const entry of entries) {
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        range = ipaddr.parseCIDR(entry);
      } catch {
        continue;
      }
      if (range[0].kind() !== addr.kind() || range[1] > own || !addr.match(range)) continue;
      if (!best || range[1] > best.weight) best = { entry, urls, weight: range[1] };
    }
  }
  return best;
}

/** AS numbers (§5.3): entries are "first-last" ranges (or one number); the narrowest holding the number. */
function matchAsn(file: BootstrapFile, asn: number): Candidate | null {
  let best: Candidate | null = null;
  for (const [entries, urls] of file.services) {
    for (const entry of entries) {
      const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(entry);
      if (!m) continue;
      const first = Number(m[1]);
      const last = m[2] === undefined ? first : Number(m[2]);
      if (asn < first || asn > last) continue;
      const weight = -(last - first);
      if (!best || weight > best.weight) best = { entry, urls, weight };
    }
  }
  return best;
}

/** The service a bootstrap file names for a query, or null when it names none (or only unusable URLs). */
export function findService(file: BootstrapFile, q: RdapQuery): BootstrapMatch | null {
  const found = q.type === 'domain' ? matchDomain(file, q.name) : q.type === 'ip' ? matchIp(file, q) : matchAsn(file, q.asn);
  const baseUrl = found && pickBaseUrl(found.urls);
  return found && baseUrl ? { entry: found.entry, baseUrl } : null;
}
