/** Parsers for the text our sweep tools print. Pure: tested with captured output. */
import { isHostMac, normaliseMac } from '../../schema/mac.js';

export interface Answer {
  ip: string;
  latencyMs: number | null;
  /** Normalised, where the answer came over a shared segment (nmap's ARP/ND reply). */
  mac?: string;
}

/**
 * Hosts that are up in `nmap -oX -` output, with the smoothed RTT nmap measured.
 * node-nmap is not used for sweeps: it drops IPv6 addresses and latency, and fails a scan on any
 * stderr warning. nmap's XML is generated, one attribute order per element, so a scan of <host> blocks is safe.
 */
export function parseNmapHosts(xml: string): Answer[] {
  const out: Answer[] = [];
  for (const block of xml.match(/<host[\s>][\s\S]*?<\/host>/g) ?? []) {
    if (!/<status state="up"/.test(block)) continue;
    const addr = /<address addr="([^"]+)" addrtype="ipv[46]"/.exec(block)?.[1];
    if (!addr) continue;
    const srtt = /<times srtt="(-?\d+)"/.exec(block)?.[1];
    const mac = hostMac(/<address addr="([^"]+)" addrtype="mac"/.exec(block)?.[1]);
    out.push({ ip: addr, latencyMs: srtt && Number(srtt) >= 0 ? Number(srtt) / 1000 : null, ...(mac ? { mac } : {}) });
  }
  return out;
}

/** Echo replies in iputils `ping` output ("64 bytes from fd00:18::11: icmp_seq=1 ttl=64 time=0.061 ms"). First reply per address wins. */
export function parsePingReplies(text: string): Answer[] {
  const seen = new Map<string, number | null>();
  for (const m of text.matchAll(/bytes from ([0-9a-fA-F:.]+?)(?:%\S+)?: icmp_seq=\d+ .*?time[=<]([\d.]+) ms/g)) {
    if (!seen.has(m[1]!)) seen.set(m[1]!, Number(m[2]));
  }
  return [...seen].map(([ip, latencyMs]) => ({ ip, latencyMs }));
}

/** Addresses from `ip -6 neigh show` that the kernel has recently reached (not FAILED or INCOMPLETE). */
export function parseNeighbours(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F:.]+)\s.*\b(REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP)\b/.exec(line.trim());
    if (m && /lladdr/.test(line)) out.push(m[1]!);
  }
  return out;
}

/** A MAC worth recording (unicast, not all zeroes), normalised; null otherwise. */
export function hostMac(text: string | undefined | null): string | null {
  const mac = text ? normaliseMac(text) : null;
  return mac && isHostMac(mac) ? mac : null;
}

/** Neighbour states whose link-layer address is current enough to name a host (not FAILED, INCOMPLETE or NOARP). */
const LIVE_NEIGHBOUR = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT']);

export interface Neighbour {
  ip: string;
  mac: string;
  dev: string | null;
}

/** Entries of `ip -j neigh show` (either family) with a live state and a host MAC. Anything malformed is skipped. */
export function parseNeighbourJson(json: string): Neighbour[] {
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(rows)) return [];
  const out: Neighbour[] = [];
  for (const row of rows as Record<string, unknown>[]) {
    if (!row || typeof row.dst !== 'string' || typeof row.lladdr !== 'string') continue;
    const states = Array.isArray(row.state) ? row.state : [];
    if (!states.some((s) => LIVE_NEIGHBOUR.has(String(s)))) continue;
    const mac = hostMac(row.lladdr);
    if (mac) out.push({ ip: row.dst, mac, dev: typeof row.dev === 'string' ? row.dev : null });
  }
  return out;
}
