import { sql, type SQL } from 'drizzle-orm';
import { contains } from '../../schema/ip/cidr.js';
import type { NameLookup, NamesItem } from '../../schema/kinds/names.js';
import type { HostRow } from '../../schema/tables/index.js';
import { parseIpFast } from '../domain/ip-text.js';
import { planName, type NamedHost, type NameWrite } from '../domain/name-plan.js';
import { checkResultTime } from '../domain/sweep-checks.js';
import { hostsEdited } from '../live/announce.js';
import type { AppDeps } from '../deps.js';
import { jsonRowChunks } from '../services/json-rows.js';
import type { Rejection, ResultIngest } from './types.js';

interface Target extends NamedHost {
  id: number;
  mac: string | null;
}

/** The named addresses' hosts of one subnet, in one read (a JSON value). */
async function loadTargets(deps: AppDeps, subnetId: number, ips: string[]): Promise<Map<string, Target>> {
  const [{ part }] = (await deps.db.all<{ part: string }>(sql`
    SELECT json_group_array(json_array(id, ip, hostname, hostname_source, ptr_checked_at, mac)) AS part FROM hosts
    WHERE subnet_id = ${subnetId} AND ip IN (SELECT value FROM json_each(${JSON.stringify(ips)}))`)) as [{ part: string }];
  type Row = [number, string, string | null, HostRow['hostnameSource'], number | null, string | null];
  return new Map((JSON.parse(part) as Row[]).map(([id, ip, hostname, hostnameSource, ptrCheckedAt, mac]) => [ip, { id, hostname, hostnameSource, ptrCheckedAt, mac }]));
}

interface HostWrite {
  target: Target;
  subnetId: number;
  at: number;
  write: NameWrite;
}


function statements(writes: readonly HostWrite[], now: number): SQL[] {
  const checked = writes.filter((w) => w.write.kind === 'checked');
  const found = writes.flatMap((w) => (w.write.kind === 'found' ? [{ ...w, write: w.write }] : []));
  const renamed = found.filter((w) => w.write.renamed && w.target.mac !== null).map((w) => w.target.id);
  return [
    ...jsonRowChunks(checked, (w) => [w.target.id, w.at]).map((j) => sql`UPDATE hosts SET ptr_checked_at = j.value->>1 FROM json_each(${j}) j WHERE hosts.id = j.value->>0`),
    // the name is set only if it is still the one decided from: a hand edit meanwhile wins
    ...jsonRowChunks(found, (w) => [
      w.target.id,
      w.write.ptrName,
      w.write.ptrForward && JSON.stringify(w.write.ptrForward),
      w.at,
      w.write.renamed ? 1 : 0,
      w.write.hostname,
      w.write.hostnameSource,
      w.target.hostname,
      w.target.hostnameSource,
    ]).map(
      (j) => sql`UPDATE hosts SET ptr_name = j.value->>1, ptr_forward = j.value->>2, ptr_checked_at = j.value->>3,
          hostname = CASE WHEN j.value->>4 = 1 AND hosts.hostname IS j.value->>7 AND hosts.hostname_source IS j.value->>8 THEN j.value->>5 ELSE hosts.hostname END,
          hostname_source = CASE WHEN j.value->>4 = 1 AND hosts.hostname IS j.value->>7 AND hosts.hostname_source IS j.value->>8 THEN j.value->>6 ELSE hosts.hostname_source END,
          updated_at = CASE WHEN j.value->>4 = 1 THEN ${now} ELSE hosts.updated_at END
        FROM json_each(${j}) j WHERE hosts.id = j.value->>0`,
    ),
    // the current device's row carries the name the address has now
    ...jsonRowChunks(renamed, (id) => [id]).map(
      (j) => sql`UPDATE host_devices SET hostname = h.hostname FROM hosts h
        WHERE h.id IN (SELECT value->>0 FROM json_each(${j})) AND host_devices.host_id = h.id AND host_devices.mac = h.mac AND host_devices.hostname IS NOT h.hostname`,
    ),
  ];
}

/**
 * The `names` kind: each looked-up address's PTR name, its forward check and when it was looked up, and the
 * hostname where no person set one (worker/domain/name-plan.ts). Addresses without a host record are not created
 * (a lookup is no sign of life) and are reported as ignored.
 */
export const namesIngest: ResultIngest<NamesItem> = {
  kind: 'names',
  listed: (items) => items.reduce((n, i) => n + i.names.length, 0),
  async prepare({ deps, now, owned, budget }, items) {
    const rejected: Rejection[] = [];
    const ignored: { subnetId: number; addresses: string[] }[] = [];
    const writes: HostWrite[] = [];
    for (const item of items) {
      const cidr = owned.get(item.subnetId)!;
      const reason = checkResultTime(item.at, now);
      if (reason) {
        rejected.push({ kind: 'names', subnetId: item.subnetId, at: item.at, reason });
        continue;
      }
      const lookups = new Map<string, NameLookup>();
      const outside: string[] = [];
      for (const l of item.names) {
        try {
          const ip = parseIpFast(l.ip);
          if (contains(cidr, ip)) lookups.set(ip.text, l);
          else outside.push(l.ip);
        } catch {
          outside.push(l.ip);
        }
      }
      const targets = lookups.size ? await loadTargets(deps, item.subnetId, [...lookups.keys()]) : new Map<string, Target>();
      const before = writes.length;
      let stale = 0;
      for (const [ip, lookup] of lookups) {
        const target = targets.get(ip);
        if (!target) {
          outside.push(ip);
          continue;
        }
        const write = planName(target, lookup, item.at);
        if (write) writes.push({ target, subnetId: item.subnetId, at: item.at, write });
        else stale++;
      }
      if (outside.length) {
        ignored.push({ subnetId: item.subnetId, addresses: outside.slice(0, 10) });
        deps.log.info('names of addresses without a host record ignored', { subnetId: item.subnetId, count: outside.length });
      }
      // every name it brings is older than what is stored: the probe hears why nothing of it was applied
      if (writes.length === before && stale) rejected.push({ kind: 'names', subnetId: item.subnetId, at: item.at, reason: 'stale' });
    }
    // one row per host, as the probe counts them (a device row's name follows at most once per renamed host)
    budget.left -= writes.length;
    if (budget.left < 0) return null;
    const changed = [...new Set(writes.filter((w) => w.write.kind === 'found').map((w) => w.subnetId))];
    return {
      statements: writes.length ? statements(writes, now) : [],
      drafts: [],
      rejected,
      ignored,
      samples: writes.length,
      events: 0,
      async announce() {
        return changed.length ? [hostsEdited(changed)] : [];
      },
    };
  },
};
