/**
 * Which webhook URLs may be saved. The URL is parsed the WHATWG way (as fetch will), so hex, octal and short
 * IPv4 forms (`http://0x7f.1/`) are checked as the address they mean. Unless private targets are allowed, the
 * host's own addresses are refused: loopback, unspecified, link-local, multicast, the cloud metadata
 * addresses, the IPv4 ones also inside IPv6, and the `localhost` names. LAN ranges (10/8, 172.16/12,
 * 192.168/16, fc00::/7) stay allowed: a homelab's ntfy or chat server lives there. Names are not resolved
 * here, so a public name pointing at 127.0.0.1 passes; the sender must check the address it connects to.
 */
import ipaddr from 'ipaddr.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;
export type UrlVerdict = { ok: true; url: string } | { ok: false; reason: string };
type Address = ipaddr.IPv4 | ipaddr.IPv6;

const METADATA = [ipaddr.parse('169.254.169.254'), ipaddr.parse('fd00:ec2::254')];
/** Names that mean this machine: `localhost` and its subdomains (RFC 6761), and Debian's /etc/hosts aliases of ::1. */
const LOCAL_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);
const REFUSED_RANGES: Record<string, string> = {
  loopback: 'a loopback address',
  unspecified: 'an unspecified address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};
const ALLOW_HINT = ' (WEBHOOK_ALLOW_PRIVATE=1 allows it)';

function sameAddress(a: Address, b: Address): boolean {
  return a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();
}

/** The IPv4 address an IPv6 one carries: mapped (::ffff:a.b.c.d), translated, NAT64 (64:ff9b::/96), or the deprecated compatible form (::a.b.c.d). */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = v6.parts;
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  const carries =
    (zeros(0, 5) && p[5] === 0xffff) || // ::ffff:0:0/96
    (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) || // ::ffff:0:0:0/96
    (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) || // 64:ff9b::/96
    (zeros(0, 6) && p[6] !== 0); // ::a.b.c.d, but not :: or ::1
  if (!carries) return null;
  const [hi, lo] = [p[6]!, p[7]!];
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function refusedAddress(addr: Address): string | null {
  if (METADATA.some((m) => sameAddress(m, addr))) return 'the cloud metadata address';
  const what = REFUSED_RANGES[addr.range()];
  if (what) return what;
  if (addr.kind() === 'ipv6') {
    const inner = embeddedIPv4(addr as ipaddr.IPv6);
    const reason = inner && refusedAddress(inner);
    if (reason) return `${reason} (${inner.toString()} inside IPv6)`;
  }
  return null;
}

/** Why the address a name resolved to may not be sent to (null: it may), for the sender's check at connect time. */
export function refusedResolvedAddress(text: string): string | null {
  if (!ipaddr.isValid(text)) return null;
  const reason = refusedAddress(ipaddr.parse(text));
  return reason && `${reason}${ALLOW_HINT}`;
}

/** Beyond refusedAddress, what a fetch that only ever goes to the public internet (RDAP) refuses: LAN, CGNAT, reserved, 6to4, Teredo… */
const NON_PUBLIC: Record<string, string> = { private: 'a private address', carrierGradeNat: 'a carrier-grade NAT address', uniqueLocal: 'a unique-local address' };

function refusedNonPublic(addr: Address): string | null {
  const own = refusedAddress(addr);
  if (own) return own;
  const inner = addr.kind() === 'ipv6' ? embeddedIPv4(addr as ipaddr.IPv6) : null;
  if (inner) return refusedNonPublic(inner);
  const range = addr.range();
  return range === 'unicast' ? null : (NON_PUBLIC[range] ?? `a reserved address (${range})`);
}

/** Why an address (as text, from a URL or a DNS answer) is not public unicast, or null when it is; not an address: null. */
export function refusedNonPublicAddress(text: string): string | null {
  const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(host)) return null;
  return refusedNonPublic(ipaddr.parse(host));
}

/** Why a WHATWG-parsed URL host may not be fetched by a public-only client, or null (other names are checked when resolved). */
export function refusedNonPublicHost(hostname: string): string | null {
  if (refusedName(hostname)) return 'this machine';
  const addr = parseAddress(hostname);
  return addr && refusedNonPublic(addr);
}

function parseAddress(hostname: string): Address | null {
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const inner = hostname.slice(1, -1);
    return ipaddr.IPv6.isValid(inner) ? ipaddr.IPv6.parse(inner) : null;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? ipaddr.IPv4.parse(hostname) : null;
}

function refusedName(hostname: string): boolean {
  const name = hostname.replace(/\.+$/, '');
  return LOCAL_NAMES.has(name) || name.endsWith('.localhost');
}

export function checkWebhookUrl(text: string, opts: { allowPrivate: boolean }): UrlVerdict {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) {
    return { ok: false, reason: `the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `only http: and https: URLs are allowed, not ${url.protocol}` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'the URL must not carry a user name or password' };
  }
  if (!opts.allowPrivate) {
    if (refusedName(url.hostname)) return { ok: false, reason: `${url.hostname} is this machine${ALLOW_HINT}` };
    const addr = parseAddress(url.hostname);
    const reason = addr && refusedAddress(addr);
    if (reason) return { ok: false, reason: `${url.hostname} is ${reason}${ALLOW_HINT}` };
  }
  return { ok: true, url: url.href };
}
