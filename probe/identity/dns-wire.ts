/**
 * The DNS messages of a PTR lookup and its forward check, read from decoded packets (dns-packet). Pure: what a
 * reply means is decided here, the socket is in dns-client.ts.
 */
import { canonicalIp, parseIp } from '../../schema/ip/cidr.js';
import { canonicalName, validDnsName } from '../../schema/kinds/names.js';

export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const RCODE_NAMES: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 4: 'NOTIMP', 5: 'REFUSED' };

/** A resource record as dns-packet decodes it (only the fields read here). */
export interface DnsRecord {
  type: string;
  name: string;
  ttl?: number;
  data?: unknown;
}

export interface DnsReply {
  rcode: number;
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

/**
 * What the PTR question answered: a name (with the TTL to keep it), no name (with a negative TTL if the server gave
 * one), or a failure (with the record's TTL when the answer itself was there but unusable).
 */
export type PtrAnswer = { kind: 'name'; name: string; ttl: number } | { kind: 'none'; ttl: number | null } | { kind: 'error'; error: string; ttl?: number };

const INVALID_PTR_NAME = 'invalid name in PTR record';

/** The reverse-lookup name of an address: its four octets in reverse under in-addr.arpa, or 32 nibbles under ip6.arpa. */
export function reverseName(ip: string): string {
  const parsed = parseIp(ip);
  if (parsed.family === 4) return `${parsed.text.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${[...parsed.value.toString(16).padStart(32, '0')].reverse().join('.')}.ip6.arpa`;
}

const sameName = (a: string, b: string) => canonicalName(a) === canonicalName(b);

/** Records of `type` for `qname`, following the CNAME chain the recursive server put in front (RFC 2317 delegation); the TTL is the chain's smallest. */
function follow(answers: DnsRecord[], qname: string, type: 'PTR' | 'A' | 'AAAA'): { data: string[]; ttl: number | null } {
  const owners = [qname];
  let ttl: number | null = null;
  const min = (t: number | undefined) => (ttl = Math.min(ttl ?? Infinity, t ?? 0));
  for (let hop = 0; hop < 8; hop++) {
    const cname = answers.find((a) => a.type === 'CNAME' && sameName(a.name, owners.at(-1)!) && typeof a.data === 'string');
    if (!cname || owners.some((o) => sameName(o, cname.data as string))) break;
    min(cname.ttl);
    owners.push(cname.data as string);
  }
  const records = answers.filter((a) => a.type === type && owners.some((o) => sameName(o, a.name)) && typeof a.data === 'string');
  if (!records.length) return { data: [], ttl: null };
  for (const r of records) min(r.ttl);
  return { data: records.map((r) => r.data as string), ttl };
}

/** RFC 2308: a negative answer is cached for the smaller of the SOA record's TTL and its minimum field. */
export function negativeTtl(authorities: DnsRecord[]): number | null {
  const soa = authorities.find((a) => a.type === 'SOA');
  if (!soa) return null;
  const minimum = (soa.data as { minimum?: number } | undefined)?.minimum;
  return Math.min(soa.ttl ?? 0, minimum ?? soa.ttl ?? 0);
}

function rcodeText(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `rcode ${rcode}`;
}

/**
 * The PTR reply for `qname`. Several PTR names: the first in order, so the name does not flap with the server's
 * rotation. A name that is not a hostname (validDnsName: the zone's owner may put any bytes there) is an error, so the
 * server keeps the name it had; an empty one (the root) is no name.
 */
export function readPtr(reply: DnsReply, qname: string): PtrAnswer {
  if (reply.rcode === RCODE.NXDOMAIN) return { kind: 'none', ttl: negativeTtl(reply.authorities) };
  if (reply.rcode !== RCODE.NOERROR) return { kind: 'error', error: rcodeText(reply.rcode) };
  const { data, ttl } = follow(reply.answers, qname, 'PTR');
  const present = data.filter((d) => d.replace(/\.$/, '') !== '');
  const names = present
    .map(validDnsName)
    .filter((n): n is string => n !== null)
    .sort();
  if (names.length) return { kind: 'name', name: names[0]!, ttl: ttl ?? 0 };
  if (present.length) return { kind: 'error', error: INVALID_PTR_NAME, ttl: ttl ?? 0 };
  return { kind: 'none', ttl: negativeTtl(reply.authorities) };
}

/** The addresses an A/AAAA reply gives for `qname` (canonical text; none for NXDOMAIN or no records), or null when the lookup failed. */
export function readAddresses(reply: DnsReply, qname: string, type: 'A' | 'AAAA'): string[] | null {
  if (reply.rcode === RCODE.NXDOMAIN) return [];
  if (reply.rcode !== RCODE.NOERROR) return null;
  const out = new Set<string>();
  for (const text of follow(reply.answers, qname, type).data) {
    const ip = canonicalIp(text);
    if (ip) out.add(ip);
  }
  return [...out];
}
