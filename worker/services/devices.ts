import { sql } from 'drizzle-orm';
import { hostDevices } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { deviceHistory, type DeviceRow, type DeviceView } from '../domain/device-history.js';
import { getHost } from './hosts.js';

/**
 * The devices (MAC, vendor, hostname) an address has had, newest last seen first, at most `limit`: one read along
 * host_devices_host_mac_uq. The order is the one deviceHistory gives, so the limit keeps the newest ones.
 */
export async function hostDeviceHistory(deps: AppDeps, hostId: number, limit: number): Promise<DeviceView[]> {
  const host = await getHost(deps, hostId);
  const hostLast = host.lastSeenAt?.getTime() ?? 0;
  const seen = sql`CASE WHEN ${hostDevices.mac} = ${host.mac} THEN max(${hostDevices.lastSeenAt}, ${hostLast}) ELSE ${hostDevices.lastSeenAt} END`;
  const rows = await deps.db
    .select({
      mac: hostDevices.mac,
      vendor: hostDevices.vendor,
      macRandom: hostDevices.macRandom,
      hostname: hostDevices.hostname,
      firstSeenAt: hostDevices.firstSeenAt,
      lastSeenAt: hostDevices.lastSeenAt,
    })
    .from(hostDevices)
    .where(sql`${hostDevices.hostId} = ${hostId}`)
    .orderBy(sql`${seen} DESC`, sql`${hostDevices.firstSeenAt} DESC`, hostDevices.mac)
    .limit(limit);
  const plain: DeviceRow[] = rows.map((r) => ({ ...r, firstSeenAt: r.firstSeenAt.getTime(), lastSeenAt: r.lastSeenAt.getTime() }));
  return deviceHistory(plain, { mac: host.mac, lastSeenAt: host.lastSeenAt?.getTime() ?? null });
}
