/**
 * An import plan as statements of one atomic batch: new subnets (after a guard against a block someone stored
 * meanwhile), subnet updates, host inserts and updates, and the device rows of the MACs it sets. Each statement takes
 * its rows as one json_each parameter (D1 binds at most 100), so the batch stays a few dozen statements at most.
 */
import { sql, type SQL } from 'drizzle-orm';
import { ipKey } from '../../schema/ip/cidr.js';
import { identityOf } from '../domain/device-plan.js';
import type { HostRecord } from '../import/formats.js';
import type { ImportPlan, PlannedHost } from '../import/plan.js';
import { inTurns } from './csv-read.js';
import { hostChunkStatements, hostInsertRow, hostUpdateRow, rowFieldsJson, type RowMac } from './host-writes.js';
import { BYTES_PER_STATEMENT, jsonArraysInTurns, ROWS_PER_STATEMENT, utf8Length } from './json-rows.js';

const j = (v: unknown) => JSON.stringify(v ?? null);

const fieldsOf = (r: HostRecord) =>
  rowFieldsJson({ hostname: r.hostname, description: r.description, tags: r.tags, notes: r.notes, reserved: r.reserved, reservedBy: r.reservedBy, reservedNote: r.reservedNote });

/** Row texts joined into JSON arrays as they come, split as jsonArraysInTurns splits them (rows and bytes per statement). */
class JsonArrays {
  private readonly out: string[] = [];
  private part: string[] = [];
  private bytes = 2;
  private count = 0;

  push(row: string): void {
    const size = utf8Length(row) + 1;
    if (this.part.length && (this.count % ROWS_PER_STATEMENT === 0 || this.bytes + size > BYTES_PER_STATEMENT)) this.flush();
    this.part.push(row);
    this.bytes += size;
    this.count++;
  }

  done(): string[] {
    if (this.part.length) this.flush();
    return this.out;
  }

  private flush(): void {
    this.out.push(`[${this.part.join(',')}]`);
    this.part = [];
    this.bytes = 2;
  }
}

/** The statements writing `plan`, in the order the batch needs them. `vendorOf` names a MAC's vendor (null: unknown). */
export async function importStatements(plan: ImportPlan, now: number, vendorOf: (mac: string) => string | null): Promise<SQL[]> {
  const newSubnets: string[] = [];
  await inTurns(plan.subnets.create, (s) => {
    const { cidr: c } = s;
    newSubnets.push(`[${j(c.cidr)},${c.family},"${ipKey(c.first, c.family)}","${ipKey(c.last, c.family)}",${j(s.name)},${j(s.notes)},${j(s.probeId)},${j(s.groupName)},${j(s.vlan)},${j(s.gateway)}]`);
  });
  const subnetUpdates = plan.subnets.update.map((u) => `[${u.id},${j(u.name)},${j(u.notes)},${j(u.groupName)},${j(u.vlan)},${j(u.gateway)}]`);
  // joined into the statements' arrays as they are made, so the 50,000 row texts never exist beside their arrays
  const inserts = new JsonArrays();
  const updates = new JsonArrays();
  const devices: string[] = [];
  const macOf = (h: PlannedHost): RowMac | undefined => {
    if (!h.setMac) return undefined;
    const id = identityOf(h.record.mac!, vendorOf(h.record.mac!));
    devices.push(`[${j(h.ip.text)},${j(id.mac)}]`);
    return { mac: id.mac, vendor: id.vendor, random: id.random };
  };
  await inTurns(plan.hosts.create, (h) => {
    const ref = 'id' in h.subnet ? { id: h.subnet.id, cidr: undefined } : { id: null, cidr: h.subnet.cidr };
    inserts.push(hostInsertRow(ref.id, h.ip, fieldsOf(h.record), { subnetCidr: ref.cidr, mac: macOf(h) }));
  });
  await inTurns(plan.hosts.update, (h) => updates.push(hostUpdateRow(h.hostId!, fieldsOf(h.record), macOf(h))));

  const subnetChunks = await jsonArraysInTurns(newSubnets);
  const updatedIds = (ids: number[]) => jsonArraysInTurns(ids.map(String));
  return [
    // a subnet or host the plan updates, deleted meanwhile: a host row pointing at no subnet fails the whole batch
    // (FOREIGN KEY), instead of the update matching nothing while the answer counts it
    ...[...(await updatedIds(plan.subnets.update.map((u) => u.id))).map((json) => gone(sql`subnets`, json)), ...(await updatedIds(plan.hosts.update.map((h) => h.hostId!))).map((json) => gone(sql`hosts`, json))],
    // the plan found no stored block overlapping a new one; one stored meanwhile makes this insert a duplicate CIDR, and
    // the UNIQUE index fails the whole batch. Stored blocks are disjoint: the last one starting at or before a new
    // block's end is the only candidate.
    ...subnetChunks.map(
      (json) => sql`INSERT INTO subnets (cidr, family, range_start, range_end, created_at, updated_at)
        SELECT c.cidr, c.family, c.range_start, c.range_end, 0, 0 FROM json_each(${json}) AS n
        JOIN subnets AS c ON c.id = (SELECT s.id FROM subnets AS s WHERE s.family = n.value->>1 AND s.range_start <= n.value->>3 ORDER BY s.range_start DESC LIMIT 1)
        WHERE c.range_end >= n.value->>2 LIMIT 1`,
    ),
    ...subnetChunks.map(
      (json) => sql`INSERT INTO subnets (cidr, family, range_start, range_end, name, notes, probe_id, sweep_interval_seconds, group_name, vlan, gateway, created_at, updated_at)
        SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, 60, value->>7, value->>8, value->>9, ${now}, ${now} FROM json_each(${json})`,
    ),
    ...(await jsonArraysInTurns(subnetUpdates)).map(
      (json) => sql`UPDATE subnets SET name = coalesce(u.value->>1, subnets.name), notes = coalesce(u.value->>2, subnets.notes),
          group_name = coalesce(u.value->>3, subnets.group_name), vlan = coalesce(u.value->>4, subnets.vlan),
          gateway = coalesce(u.value->>5, subnets.gateway), updated_at = ${now}
        FROM json_each(${json}) AS u WHERE subnets.id = u.value->>0`,
    ),
    ...hostChunkStatements(inserts.done(), updates.done(), now),
    // a device row only where the host now has that MAC (the import set it: a sweep may have set another meanwhile)
    ...(await jsonArraysInTurns(devices)).map(
      (json) => sql`INSERT INTO host_devices (host_id, mac, vendor, mac_random, hostname, first_seen_at, last_seen_at)
        SELECT h.id, h.mac, h.vendor, h.mac_random, h.hostname, ${now}, ${now} FROM json_each(${json}) AS d JOIN hosts AS h ON h.ip = d.value->>0
        WHERE h.mac = d.value->>1
        ON CONFLICT (host_id, mac) DO NOTHING`,
    ),
  ];
}

/** A statement that fails on the hosts' FOREIGN KEY when any of these ids is no longer in `table`, and does nothing otherwise. */
const gone = (table: SQL, idsJson: string) => sql`INSERT INTO hosts (subnet_id, ip, ip_key, created_at, updated_at)
  SELECT 0, '', '', 0, 0 WHERE EXISTS (SELECT 1 FROM json_each(${idsJson}) AS g WHERE NOT EXISTS (SELECT 1 FROM ${table} AS x WHERE x.id = g.value))`;
