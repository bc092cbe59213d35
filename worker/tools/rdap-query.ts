import ipaddr from 'ipaddr.js';

/** What an RDAP lookup asks for (RFC 9082 path segments: domain/, ip/, autnum/). */
export type RdapQuery =
  | { type: 'domain'; name: string }
  | { type: 'ip'; family: 4 | 6; address: string; prefix: number | null }
  | { type: 'autnum'; asn: number };

const MAX_ASN = 4_294_967_295;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The ASCII (A-label) form of a domain, or null when it is not one; IDNs go through the URL parser's IDNA. */
function asciiDomain(text: string): string | null {
  let name = text.trim().toLowerCase().replace(/\.$/, '');
  if (!name || name.length > 253 || /[/?#@:\s\\%]/.test(name)) return null;
  if (/[^\x00-\x7f]/.test(name)) {
    try {
      name = new URL(`http://${name}/`).hostname;
    } catch {
      return null;
    }
  }
  const labels = name.split('.');
  if (labels.length < 1 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^\d+$/.test(labels.at(-1)!)) return null; // a TLD is never all digits: that is an address
  return name;
}

function parseAddress(text: string): { family: 4 | 6; address: string; prefix: number | null } | null {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined || !addr) return null;
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(addr)) ip = ipaddr.IPv4.parse(addr);
  else if (addr.includes(':') && !addr.includes('%') && ipaddr.IPv6.isValid(addr)) ip = ipaddr.IPv6.parse(addr);
  else return null;
  // the registries list an IPv4-mapped address under its IPv4 one
  if (len === undefined && ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress()) ip = ip.toIPv4Address();
  const family = ip.kind() === 'ipv4' ? 4 : 6;
  if (len === undefined) return { family, address: ip.toString(), prefix: null };
  if (!/^\d{1,3}$/.test(len)) return null;
  const prefix = Number(len);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  // RDAP asks for a prefix by its network address
  const network = family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${prefix}`);
  return { family, address: network.toString(), prefix };
}

/** Reads the `q` of GET /api/tools/rdap: an IP address (or CIDR), an AS number ("AS64496" or "64496"), or a domain name. */
export function parseRdapQuery(text: string): RdapQuery | null {
  const q = text.trim();
  if (!q || q.length > 253) return null;
  const asn = /^(?:as)?(\d{1,10})$/i.exec(q);
  if (asn) {
    const n = Number(asn[1]);
    return n <= MAX_ASN ? { type: 'autnum', asn: n } : null;
  }
  if (/^[\d.]+(\/\d+)?$/.test(q) || q.includes(':')) {
    const ip = parseAddress(q);
    return ip ? { type: 'ip', ...ip } : null;
  }
  const name = asciiDomain(q);
  return name ? { type: 'domain', name } : null;
}

/** The cache key and the RFC 9082 path (below the server's base URL) of a query. */
export function rdapPath(q: RdapQuery): string {
  if (q.type === 'domain') return `domain/${q.name}`;
  if (q.type === 'autnum') return `autnum/${q.asn}`;
  return q.prefix === null ? `ip/${q.address}` : `ip/${q.address}/${q.prefix}`;
}

/** How a query is shown back: "example.com", "198.51.100.0/24", "AS64496". */
export function rdapQueryText(q: RdapQuery): string {
  if (q.type === 'domain') return q.name;
  if (q.type === 'autnum') return `AS${q.asn}`;
  return q.prefix === null ? q.address : `${q.address}/${q.prefix}`;
}
