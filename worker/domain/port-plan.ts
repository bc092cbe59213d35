import type { OpenPort, ScannedHost } from '../../schema/protocol.js';

/** A port as stored for a host. */
export interface StoredPort extends OpenPort {
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface PortHost {
  status: 'up' | 'down' | 'unknown';
  /** Start of the latest applied scan (ms), or null. */
  portsScannedAt: number | null;
  ports: StoredPort[];
}

export type PortChangeKind = 'opened' | 'closed' | 'changed';

export interface PortChange {
  change: PortChangeKind;
  port: StoredPort;
  /** The service before, for `changed`. */
  previous: Pick<OpenPort, 'service' | 'product' | 'version'> | null;
}

export interface PortPlan {
  /** Not applied: a newer scan of this host is stored already. */
  stale: boolean;
  upserts: StoredPort[];
  closed: StoredPort[];
  changes: PortChange[];
}

const keyOf = (p: Pick<OpenPort, 'protocol' | 'port'>) => `${p.port}/${p.protocol}`;
const sameService = (a: OpenPort, b: OpenPort) => a.service === b.service && a.product === b.product && a.version === b.version;

/** Port ranges as nmap's scaninfo lists them ("1,3-4,6-7"): whether `port` is among them. */
export function inPortList(list: string, port: number): boolean {
  for (const part of list.split(',')) {
    const [lo, hi] = part.split('-').map(Number);
    if (lo === undefined || Number.isNaN(lo)) continue;
    if (port >= lo && port <= (hi ?? lo)) return true;
  }
  return false;
}

/**
 * What one host's scan result changes. A port found that was not stored opened; one whose service, product or
 * version differ changed. A stored port the scan did not find closed, but only when the scan could tell: the
 * host is up, something answered (a down host under -Pn answers nothing: its ports are kept, shown stale), the
 * result was not cut short, and the port was among those scanned (`scanned`: nmap's list per protocol; absent: all).
 */
export function planHostPorts(host: PortHost, scan: ScannedHost, at: number, scanned?: { tcp?: string; udp?: string }): PortPlan {
  if (host.portsScannedAt !== null && at <= host.portsScannedAt) return { stale: true, upserts: [], closed: [], changes: [] };
  const stored = new Map(host.ports.map((p) => [keyOf(p), p]));
  const found = new Set<string>();
  const upserts: StoredPort[] = [];
  const changes: PortChange[] = [];
  for (const p of scan.ports) {
    const key = keyOf(p);
    if (found.has(key)) continue;
    found.add(key);
    const before = stored.get(key);
    const port: StoredPort = { ...p, firstSeenAt: before?.firstSeenAt ?? at, lastSeenAt: at };
    upserts.push(port);
    if (!before) changes.push({ change: 'opened', port, previous: null });
    else if (!sameService(before, p)) changes.push({ change: 'changed', port, previous: { service: before.service, product: before.product, version: before.version } });
  }
  const canClose = host.status === 'up' && scan.responsive && !scan.truncated;
  const closed: StoredPort[] = [];
  if (canClose) {
    for (const [key, p] of stored) {
      if (found.has(key)) continue;
      const list = scanned?.[p.protocol];
      if (scanned && (list === undefined || !inPortList(list, p.port))) continue; // not scanned this time
      closed.push(p);
      changes.push({ change: 'closed', port: p, previous: null });
    }
  }
  return { stale: false, upserts, closed, changes };
}
