import { sql, type SQL } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import type { HostAlert, SubnetAlert } from './types.js';

type Row = [string, string, string | null, number, number, number | null, string | null];

const hostAlertOf = ([, state, notified, ups, since, lastSentAt]: Row): HostAlert => ({
  state: state as HostAlert['state'],
  notified: notified as HostAlert['notified'],
  ups,
  since,
  lastSentAt,
});

/**
 * The stored alert states one batch of a subnet needs, in one read along the subject key: those of the batch's
 * hosts, of the subnet, and of its incident's hosts (the subnet row's `detail`), not all of the subnet's (a /16's
 * 30,000 per part of its sweep).
 */
export async function subnetAlertStates(
  deps: AppDeps,
  subnetId: number,
  hostIds: readonly number[],
): Promise<{ hosts: Map<number, HostAlert>; subnet: SubnetAlert | null }> {
  const subnetSubject = `subnet:${subnetId}`;
  const [{ part }] = (await deps.db.all<{ part: string }>(sql`
    SELECT json_group_array(json_array(subject, state, notified, ups, since, last_sent_at, detail)) AS part
    FROM alert_states WHERE subject IN (
      SELECT ${subnetSubject}
      UNION ALL SELECT 'host:' || value FROM json_each(${JSON.stringify(hostIds)})
      UNION ALL SELECT 'host:' || value FROM json_each(coalesce((SELECT detail FROM alert_states WHERE subject = ${subnetSubject}), '[]')))`)) as [
    { part: string },
  ];
  const hosts = new Map<number, HostAlert>();
  let subnet: SubnetAlert | null = null;
  for (const row of JSON.parse(part) as Row[]) {
    const [kind, id] = row[0].split(':');
    if (kind === 'host') hosts.set(Number(id), hostAlertOf(row));
    else if (kind === 'subnet') {
      subnet = { state: row[1] as SubnetAlert['state'], notified: row[2] as SubnetAlert['notified'], since: row[4], hostIds: row[6] ? (JSON.parse(row[6]) as number[]) : [] };
    }
  }
  return { hosts, subnet };
}

/** One subject's stored state as a plain value (probe subjects: `probe:ID`). */
export async function subjectState(deps: AppDeps, subject: string): Promise<{ state: string; notified: string | null } | null> {
  const rows = await deps.db.all<{ state: string; notified: string | null }>(sql`SELECT state, notified FROM alert_states WHERE subject = ${subject}`);
  return rows[0] ?? null;
}

export interface StateWrite {
  subject: string;
  hostId: number | null;
  subnetId: number | null;
  state: string;
  notified: string | null;
  ups: number;
  since: number;
  lastSentAt: number | null;
  detail: number[] | null;
}

export const hostStateWrite = (hostId: number, subnetId: number, h: HostAlert): StateWrite => ({ subject: `host:${hostId}`, hostId, subnetId, ...h, detail: null });
export const subnetStateWrite = (subnetId: number, s: SubnetAlert): StateWrite => ({
  subject: `subnet:${subnetId}`,
  hostId: null,
  subnetId,
  state: s.state,
  notified: s.notified,
  ups: 0,
  since: s.since,
  lastSentAt: null,
  detail: s.hostIds,
});

/** Upserts alert states (for the change's own batch). */
export function stateStatements(writes: readonly StateWrite[]): SQL[] {
  if (!writes.length) return [];
  const json = JSON.stringify(writes.map((w) => [w.subject, w.hostId, w.subnetId, w.state, w.notified, w.ups, w.since, w.lastSentAt, w.detail ? JSON.stringify(w.detail) : null]));
  return [
    sql`INSERT INTO alert_states (subject, host_id, subnet_id, state, notified, ups, since, last_sent_at, detail)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(${json}) WHERE true
      ON CONFLICT(subject) DO UPDATE SET state = excluded.state, notified = excluded.notified, ups = excluded.ups,
        since = excluded.since, last_sent_at = excluded.last_sent_at, detail = excluded.detail`,
  ];
}
