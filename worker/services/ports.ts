import { and, desc, eq, sql } from 'drizzle-orm';
import { hosts, jobs, portEvents, type PortEventRow } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { activeJob } from './jobs.js';
import { getHost } from './hosts.js';

/** A host's open port in a list: `22/tcp ssh`. */
export interface PortChip {
  port: number;
  protocol: 'tcp' | 'udp';
  service: string | null;
}

type ChipRow = [number, number, PortChip['protocol'], string | null];

async function chipsWhere(deps: AppDeps, where: ReturnType<typeof sql>): Promise<Map<number, PortChip[]>> {
  const [{ part }] = (await deps.db.all<{ part: string }>(sql`
    SELECT json_group_array(json_array(host_id, port, protocol, service)) AS part
    FROM (SELECT host_id, port, protocol, service FROM host_ports WHERE ${where} ORDER BY host_id, protocol, port)`)) as [{ part: string }];
  const out = new Map<number, PortChip[]>();
  for (const [hostId, port, protocol, service] of JSON.parse(part) as ChipRow[]) {
    const list = out.get(hostId) ?? [];
    list.push({ port, protocol, service });
    out.set(hostId, list);
  }
  return out;
}

/** Open ports of these hosts (a page of a search: at most a few hundred ids). */
export const portChipsOf = (deps: AppDeps, hostIds: number[]) =>
  hostIds.length ? chipsWhere(deps, sql`host_id IN (SELECT value FROM json_each(${JSON.stringify(hostIds)}))`) : Promise.resolve(new Map<number, PortChip[]>());

/** Open ports of every host of a subnet, in one read. */
export const portChipsOfSubnet = (deps: AppDeps, subnetId: number) => chipsWhere(deps, sql`host_id IN (SELECT id FROM hosts WHERE subnet_id = ${subnetId})`);

export function portEventView(e: PortEventRow) {
  return {
    kind: 'port' as const,
    id: e.id,
    at: e.at.toISOString(),
    change: e.change,
    port: e.port,
    protocol: e.protocol,
    service: e.service,
    product: e.product,
    version: e.version,
    previous: e.change === 'changed' ? { service: e.prevService, product: e.prevProduct, version: e.prevVersion } : null,
    probeId: e.probeId,
  };
}

/** Port changes, newest first: of one host, or of all. */
export async function portEventsOf(deps: AppDeps, hostId: number | null, limit: number) {
  const rows = await deps.db
    .select({ e: portEvents, ip: hosts.ip })
    .from(portEvents)
    .innerJoin(hosts, eq(hosts.id, portEvents.hostId))
    .where(hostId === null ? undefined : eq(portEvents.hostId, hostId))
    .orderBy(desc(portEvents.at), desc(portEvents.id))
    .limit(limit);
  return rows.map(({ e, ip }) => ({ ...portEventView(e), hostId: e.hostId, ip }));
}

/** A host's open ports with their services, whether they are stale (the host is not up, or its latest scan heard none of them), and the history of changes. */
export async function hostPorts(deps: AppDeps, hostId: number, limit = 100) {
  const host = await getHost(deps, hostId);
  const rows = await deps.db.all<{ port: number; protocol: 'tcp' | 'udp'; state: 'open' | 'open|filtered'; service: string | null; product: string | null; version: string | null; first: number; last: number }>(sql`
    SELECT port, protocol, state, service, product, version, first_seen_at AS first, last_seen_at AS last
    FROM host_ports WHERE host_id = ${hostId} ORDER BY protocol, port`);
  const [job] = await deps.db
    .select({ id: jobs.id, state: jobs.state, done: jobs.done, total: jobs.total })
    .from(jobs)
    .where(and(eq(jobs.id, host.portScanJobId ?? ''), activeJob(deps.clock.now())));
  const scannedAt = host.portsScannedAt?.getTime() ?? null;
  return {
    hostId,
    // not up, or the latest scan heard none of them (nothing answered it): these are the last known ports
    stale: host.status !== 'up' || (scannedAt !== null && rows.length > 0 && rows.every((r) => Number(r.last) < scannedAt)),
    scannedAt: host.portsScannedAt?.toISOString() ?? null,
    nextScanAt: host.portsNextScanAt?.toISOString() ?? null,
    job: job ?? null,
    ports: rows.map((r) => ({
      port: r.port,
      protocol: r.protocol,
      state: r.state,
      service: r.service,
      product: r.product,
      version: r.version,
      firstSeenAt: new Date(Number(r.first)).toISOString(),
      lastSeenAt: new Date(Number(r.last)).toISOString(),
    })),
    history: (await portEventsOf(deps, hostId, limit)).map(({ hostId: _h, ip: _ip, ...e }) => e),
  };
}

/** Services and ports in use, with how many hosts have each (most common first). */
export async function listServices(deps: AppDeps) {
  const rows = await deps.db.all<{ service: string | null; port: number; protocol: 'tcp' | 'udp'; hosts: number; up: number }>(sql`
    SELECT p.service, p.port, p.protocol, count(*) AS hosts, sum(CASE WHEN h.status = 'up' THEN 1 ELSE 0 END) AS up
    FROM host_ports p JOIN hosts h ON h.id = p.host_id GROUP BY p.service, p.port, p.protocol`);
  const byService = new Map<string, { service: string; ports: { port: number; protocol: 'tcp' | 'udp'; hosts: number; up: number }[] }>();
  for (const r of rows) {
    const name = r.service ?? 'unknown';
    const entry = byService.get(name) ?? { service: name, ports: [] };
    entry.ports.push({ port: Number(r.port), protocol: r.protocol, hosts: Number(r.hosts), up: Number(r.up) });
    byService.set(name, entry);
  }
  // a host with ssh on two ports counts once for ssh
  const counts = await deps.db.all<{ service: string; hosts: number }>(sql`SELECT coalesce(service, 'unknown') AS service, count(DISTINCT host_id) AS hosts FROM host_ports GROUP BY 1`);
  const distinct = new Map(counts.map((c) => [String(c.service), Number(c.hosts)]));
  return [...byService.values()]
    .map((s) => ({ service: s.service, hosts: distinct.get(s.service) ?? 0, ports: s.ports.sort((a, b) => b.hosts - a.hosts || a.port - b.port) }))
    .sort((a, b) => b.hosts - a.hosts || a.service.localeCompare(b.service));
}
