import { sql, type SQL } from 'drizzle-orm';
import { parseCidr, type Cidr } from '../../schema/ip/cidr.js';
import type { FlowsItem } from '../../schema/kinds/flows.js';
import type { LiveEvent } from '../../schema/live.js';
import { muteCheck, type AlertSetup } from '../alerts/context.js';
import { staleIf } from '../alerts/store.js';
import type { AlertDraft } from '../alerts/types.js';
import type { AppDeps } from '../deps.js';
import { DAY_MS, listedFlowRows, planFlows, sightingsInside, unregisteredOf, type FlowMinuteRows, type FlowsPlan, type Sighting } from '../domain/flow-plan.js';
import { hostsEdited } from '../live/announce.js';
import { jsonRowChunks } from '../services/json-rows.js';
import type { Rejection, ResultIngest } from './types.js';

// A re-sent or split minute adds to what is stored: exactly once is the ledger's job, so sums are safe here.
function minuteStatements(probeId: number, rows: FlowMinuteRows): SQL[] {
  const each = <T>(list: T[][], statement: (json: string) => SQL) => jsonRowChunks(list, (r) => r as unknown[]).map(statement);
  return [
    ...each(
      rows.totals,
      (j) => sql`INSERT INTO flow_totals (grain, bucket, probe_id, bytes, packets, flows)
        SELECT 'minute', value->>0, ${probeId}, value->>1, value->>2, value->>3 FROM json_each(${j}) WHERE true
        ON CONFLICT(grain, bucket, probe_id) DO UPDATE SET bytes = bytes + excluded.bytes, packets = packets + excluded.packets, flows = flows + excluded.flows`,
    ),
    ...each(
      rows.talkers,
      (j) => sql`INSERT INTO flow_talkers (grain, bucket, probe_id, ip, subnet_id, bytes_in, bytes_out, packets_in, packets_out, flows_in, flows_out)
        SELECT 'minute', value->>0, ${probeId}, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(${j}) WHERE true
        ON CONFLICT(grain, bucket, probe_id, ip) DO UPDATE SET subnet_id = excluded.subnet_id, bytes_in = bytes_in + excluded.bytes_in,
          bytes_out = bytes_out + excluded.bytes_out, packets_in = packets_in + excluded.packets_in, packets_out = packets_out + excluded.packets_out,
          flows_in = flows_in + excluded.flows_in, flows_out = flows_out + excluded.flows_out`,
    ),
    ...each(
      rows.conversations,
      (j) => sql`INSERT INTO flow_conversations (grain, bucket, probe_id, src, dst, src_subnet_id, dst_subnet_id, bytes, packets, flows)
        SELECT 'minute', value->>0, ${probeId}, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM json_each(${j}) WHERE true
        ON CONFLICT(grain, bucket, probe_id, src, dst) DO UPDATE SET src_subnet_id = excluded.src_subnet_id, dst_subnet_id = excluded.dst_subnet_id,
          bytes = bytes + excluded.bytes, packets = packets + excluded.packets, flows = flows + excluded.flows`,
    ),
    ...each(
      rows.ports,
      (j) => sql`INSERT INTO flow_ports (grain, bucket, probe_id, protocol, port, bytes, packets, flows)
        SELECT 'minute', value->>0, ${probeId}, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(${j}) WHERE true
        ON CONFLICT(grain, bucket, probe_id, protocol, port) DO UPDATE SET bytes = bytes + excluded.bytes, packets = packets + excluded.packets, flows = flows + excluded.flows`,
    ),
    ...each(
      rows.matrix,
      (j) => sql`INSERT INTO flow_matrix (grain, bucket, probe_id, src_subnet_id, dst_subnet_id, bytes, packets, flows)
        SELECT 'minute', value->>0, ${probeId}, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(${j}) WHERE true
        ON CONFLICT(grain, bucket, probe_id, src_subnet_id, dst_subnet_id) DO UPDATE SET bytes = bytes + excluded.bytes, packets = packets + excluded.packets, flows = flows + excluded.flows`,
    ),
  ];
}

function markDirty(probeId: number, hours: number[]): SQL {
  return sql`INSERT INTO flow_hours (bucket, probe_id, dirty) SELECT value, ${probeId}, 1 FROM json_each(${JSON.stringify(hours)}) WHERE true
    ON CONFLICT(bucket, probe_id) DO UPDATE SET dirty = 1`;
}

/** The counters of the exporters reported, as the newest item has them; an older item arriving late does not undo them. */
function exporterStatements(probeId: number, plan: FlowsPlan, now: number): SQL[] {
  return jsonRowChunks(plan.exporters, (e) => [e.address, e.packets, e.flows, JSON.stringify(e.drops), e.templates, e.sequenceGaps, e.pending, e.samplingRate, JSON.stringify(e.versions), e.firstSeenAt, e.lastSeenAt]).map(
    (j) => sql`INSERT INTO flow_exporters (probe_id, address, packets, flows, drops, templates, sequence_gaps, pending, sampling_rate, versions, first_seen_at, last_seen_at, updated_at)
      SELECT ${probeId}, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9, value->>10, ${now} FROM json_each(${j}) WHERE true
      ON CONFLICT(probe_id, address) DO UPDATE SET packets = excluded.packets, flows = excluded.flows, drops = excluded.drops, templates = excluded.templates,
        sequence_gaps = excluded.sequence_gaps, pending = excluded.pending, sampling_rate = excluded.sampling_rate, versions = excluded.versions,
        first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at
      WHERE excluded.last_seen_at >= flow_exporters.last_seen_at`,
  );
}

/**
 * Unregistered talkers: a row per (subnet, address, UTC day), and before them a guard that fails the batch when a
 * row it found missing (the ones it raises an event for) exists now: another probe's batch recorded it meanwhile, so
 * this one is planned again and raises nothing for it (once per address per day, even across probes).
 */
function talkerStatements(probeId: number, unregistered: Sighting[], fresh: Sighting[]): SQL[] {
  const row = (s: Sighting) => [s.subnetId, s.ip, s.day, s.firstSeenAt, s.lastSeenAt];
  return [
    ...jsonRowChunks(fresh, row).map((j) =>
      staleIf(sql`EXISTS (SELECT 1 FROM json_each(${j}) j JOIN unregistered_talkers u ON u.subnet_id = j.value->>0 AND u.day = j.value->>2 AND u.ip = j.value->>1)`),
    ),
    ...jsonRowChunks(unregistered, row).map(
      (j) => sql`INSERT INTO unregistered_talkers (subnet_id, ip, day, probe_id, first_seen_at, last_seen_at)
        SELECT value->>0, value->>1, value->>2, ${probeId}, value->>3, value->>4 FROM json_each(${j}) WHERE true
        ON CONFLICT(subnet_id, day, ip) DO UPDATE SET first_seen_at = min(first_seen_at, excluded.first_seen_at), last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
    ),
  ];
}

/** The named subnets (any probe's), and for each sighting whether its address has a host record in it and whether it was recorded that day: two reads. */
async function lookUpSightings(deps: AppDeps, sightings: readonly Sighting[]) {
  const ids = [...new Set(sightings.map((s) => s.subnetId))];
  const subnetRows = await deps.db.all<{ id: number; cidr: string }>(sql`SELECT id, cidr FROM subnets WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const subnets = new Map<number, Cidr>(subnetRows.map((s) => [Number(s.id), parseCidr(s.cidr)]));
  const { inside, outside } = sightingsInside(sightings, subnets);
  const known = new Map<string, { registered: boolean; recorded: boolean }>();
  if (inside.length) {
    const rows = await deps.db.all<{ k: string; registered: number; recorded: number }>(sql`
      SELECT j.value->>0 || '|' || (j.value->>1) || '|' || (j.value->>2) AS k,
        EXISTS (SELECT 1 FROM hosts h WHERE h.ip = j.value->>1 AND h.subnet_id = j.value->>0) AS registered,
        EXISTS (SELECT 1 FROM unregistered_talkers u WHERE u.subnet_id = j.value->>0 AND u.day = j.value->>2 AND u.ip = j.value->>1) AS recorded
      FROM json_each(${JSON.stringify(inside.map((s) => [s.subnetId, s.ip, s.day]))}) j`);
    for (const r of rows) known.set(r.k, { registered: !!Number(r.registered), recorded: !!Number(r.recorded) });
  }
  return { inside, outside, known };
}

/** One `talker.unregistered` per address first heard that day, muted by a window over its subnet. */
async function talkerAlerts(alerts: () => Promise<AlertSetup>, probeId: number, fresh: readonly Sighting[]): Promise<AlertDraft[]> {
  if (!fresh.length) return [];
  // no host, so no host or tag window applies: only the subnet's
  const mute = muteCheck(await alerts(), new Map());
  return fresh.map((s) => ({
    type: 'talker.unregistered',
    at: s.firstSeenAt,
    hostId: null,
    subnetId: s.subnetId,
    probeId,
    previous: null,
    current: null,
    mutedBy: mute({ hostId: null, subnetId: s.subnetId }, s.firstSeenAt),
    // no host of the event can carry a tag: an endpoint filtered by tags does not get it
    members: [],
    talker: { ip: s.ip, firstSeenAt: s.firstSeenAt },
  }));
}

/**
 * The `flows` kind (probe-wide): each minute's summaries added to the minute rows, the hour marked for the roll-up
 * (worker/services/flow-rollup.ts), the exporters' latest counters, and the addresses of managed subnets heard
 * without a host record (unregistered talkers, one `talker.unregistered` per address per UTC day).
 */
export const flowsIngest: ResultIngest<FlowsItem> = {
  kind: 'flows',
  probeWide: true,
  listed: (items) => items.reduce((n, i) => n + listedFlowRows(i), 0),
  async prepare({ deps, probeId, now, budget, alerts }, items) {
    const plan = planFlows(items, now, deps.config.flowMinuteRetentionDays * DAY_MS);
    budget.left -= plan.rowCount;
    if (budget.left < 0) return null;
    const rejected: Rejection[] = plan.rejected.map((r) => ({ kind: 'flows', subnetId: 0, at: r.at, reason: r.reason }));
    if (!plan.accepted.length) return { statements: [], rejected, ignored: [], samples: 0, events: 0, drafts: [], announce: async () => [] };

    const seen = plan.sightings.length ? await lookUpSightings(deps, plan.sightings) : null;
    const { unregistered, fresh } = seen ? unregisteredOf(seen.inside, seen.known) : { unregistered: [], fresh: [] };
    const ignored = [...(plan.ignored.length ? [{ subnetId: 0, addresses: plan.ignored }] : []), ...(seen?.outside ?? [])];
    if (ignored.length) deps.log.info('flows: addresses ignored (not addresses, or outside the subnet named)', { probeId, ignored });
    const latest = plan.accepted.at(-1)!;
    const told = [...new Set(fresh.map((s) => s.subnetId))];
    return {
      statements: [
        ...minuteStatements(probeId, plan.rows),
        markDirty(probeId, plan.hours),
        ...exporterStatements(probeId, plan, now),
        ...talkerStatements(probeId, unregistered, fresh),
      ],
      drafts: await talkerAlerts(alerts, probeId, fresh),
      rejected,
      ignored,
      samples: plan.rowCount - plan.sightings.length + unregistered.length,
      events: fresh.length,
      async announce() {
        const events: LiveEvent[] = [{ type: 'flows', data: { at: new Date(latest).toISOString(), probeId } }];
        // the subnet view's "what changed" lists them: its subnets reload
        if (told.length) events.push(hostsEdited(told));
        return events;
      },
    };
  },
};
