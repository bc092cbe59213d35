/** Where the probe sits: its default gateways and interfaces, from iproute2's JSON, for `hello.network`. */
import { parseIp } from '../schema/ip/cidr.js';
import { isMulticastMac, isZeroMac, normaliseMac } from '../schema/mac.js';
import { probeNetwork, type ProbeNetwork } from '../schema/protocol.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

type Gateway = ProbeNetwork['gateways'][number];
type Interface = ProbeNetwork['interfaces'][number];

const MAX_GATEWAYS = 8;
const MAX_INTERFACES = 64;
const MAX_ADDRESSES = 32;

function rows(json: string): Record<string, unknown>[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object') : [];
  } catch {
    return [];
  }
}

const canonical = (text: unknown, family: 4 | 6): string | null => {
  if (typeof text !== 'string') return null;
  try {
    const ip = parseIp(text);
    return ip.family === family ? ip.text : null;
  } catch {
    return null;
  }
};

const ifName = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 32 ? v : null);

/** Default routes of `ip -j [-6] route show default`: each gateway (a multipath route's each next hop) once. Pure. */
export function parseGateways(json: string, family: 4 | 6): Gateway[] {
  const out: Gateway[] = [];
  const add = (gateway: unknown, dev: unknown) => {
    const address = canonical(gateway, family);
    const iface = ifName(dev);
    if (address && !out.some((g) => g.address === address && g.interface === iface)) out.push({ family, address, interface: iface });
  };
  for (const r of rows(json)) {
    if (r.dst !== 'default') continue;
    add(r.gateway, r.dev);
    if (Array.isArray(r.nexthops)) for (const h of r.nexthops as Record<string, unknown>[]) add(h?.gateway, h?.dev ?? r.dev);
  }
  return out.slice(0, MAX_GATEWAYS);
}

/** Interfaces of `ip -j addr show` but loopback: name, Ethernet MAC, addresses with their prefix length. Down interfaces without addresses are left out. Pure. */
export function parseInterfaces(json: string): Interface[] {
  const out: Interface[] = [];
  for (const r of rows(json)) {
    const name = ifName(r.ifname);
    if (!name || r.link_type === 'loopback' || name === 'lo') continue;
    const mac = r.link_type === 'ether' && typeof r.address === 'string' ? normaliseMac(r.address) : null;
    const addresses: string[] = [];
    for (const a of Array.isArray(r.addr_info) ? (r.addr_info as Record<string, unknown>[]) : []) {
      const family = a?.family === 'inet' ? 4 : a?.family === 'inet6' ? 6 : null;
      const local = family ? canonical(a.local, family) : null;
      const prefix = a?.prefixlen;
      if (local && typeof prefix === 'number' && Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)) addresses.push(`${local}/${prefix}`);
    }
    const up = Array.isArray(r.flags) && r.flags.includes('UP');
    if (!up && !addresses.length) continue;
    out.push({ name, mac: mac && !isMulticastMac(mac) && !isZeroMac(mac) ? mac : null, addresses: addresses.slice(0, MAX_ADDRESSES) });
  }
  return out.slice(0, MAX_INTERFACES);
}

/** Both parsed into a checked ProbeNetwork; null when it does not fit the schema. Pure. */
export function probeNetworkFrom(json: { routes4: string; routes6: string; addrs: string }): ProbeNetwork | null {
  const parsed = probeNetwork.safeParse({
    gateways: [...parseGateways(json.routes4, 4), ...parseGateways(json.routes6, 6)].slice(0, MAX_GATEWAYS),
    interfaces: parseInterfaces(json.addrs),
  });
  return parsed.success ? parsed.data : null;
}

/** The probe's network now, or null when `ip` is missing or fails (hello then leaves it out). Asynchronous: the Node host's built-in probe shares the server's event loop. */
export async function readNetwork(): Promise<ProbeNetwork | null> {
  try {
    const ip = async (...args: string[]) => (await execFileAsync('ip', ['-j', ...args], { encoding: 'utf8', timeout: 3_000 })).stdout;
    const [routes4, routes6, addrs] = await Promise.all([ip('-4', 'route', 'show', 'default'), ip('-6', 'route', 'show', 'default'), ip('addr', 'show')]);
    return probeNetworkFrom({ routes4, routes6, addrs });
  } catch {
    return null;
  }
}

/**
 * The latest network read, refreshed in the background (at each connect): `hello` must be the first frame on a new
 * socket, so it sends what is known at once rather than holding the link until `ip` answers. A failed read keeps the
 * previous value; reads do not overlap.
 */
export class NetworkInfo {
  private value: ProbeNetwork | null = null;
  private reading: Promise<void> | null = null;

  constructor(private readonly read: () => Promise<ProbeNetwork | null> = readNetwork) {}

  get latest(): ProbeNetwork | null {
    return this.value;
  }

  /** Starts a read unless one is under way; resolves when it is done (never rejects). */
  refresh(): Promise<void> {
    this.reading ??= this.read()
      .then((n) => void (n && (this.value = n)))
      .catch(() => {})
      .finally(() => (this.reading = null));
    return this.reading;
  }
}
