import { desc, eq } from 'drizzle-orm';
import { hostEvents, hosts } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { getHost } from './hosts.js';
import { portEventsOf } from './ports.js';

/** State changes of one host, or of all, newest first. */
async function statusEventsOf(deps: AppDeps, hostId: number | null, limit: number) {
  const rows = await deps.db
    .select({ e: hostEvents, ip: hosts.ip })
    .from(hostEvents)
    .innerJoin(hosts, eq(hosts.id, hostEvents.hostId))
    .where(hostId === null ? undefined : eq(hostEvents.hostId, hostId))
    .orderBy(desc(hostEvents.at), desc(hostEvents.id))
    .limit(limit);
  return rows.map(({ e, ip }) => ({ kind: 'status' as const, id: e.id, hostId: e.hostId, ip, at: e.at.toISOString(), from: e.fromStatus, to: e.toStatus, probeId: e.probeId }));
}

/** State changes and port changes merged, newest first, at most `limit` in all. */
export async function eventsOf(deps: AppDeps, hostId: number | null, limit: number) {
  if (hostId !== null) await getHost(deps, hostId);
  const [status, ports] = await Promise.all([statusEventsOf(deps, hostId, limit), portEventsOf(deps, hostId, limit)]);
  return [...status, ...ports].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
