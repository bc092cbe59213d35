import { sql, type SQL } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import { jsonArrays } from '../services/json-rows.js';
import type { HostAlert, SubnetAlert } from './types.js';

type Row = [string, string, string | null, number, number, number | null, string | null, number];

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
): Promise<{ hosts: Map<number, HostAlert>; subnet: SubnetAlert | null; revs: Revs }> {
  const subnetSubject = `subnet:${subnetId}`;
  // CROSS JOIN keeps the wanted subjects the outer loop: one key lookup each (IN built and sorted a list first: ~25 % slower)
  const [{ part }] = (await deps.db.all<{ part: string }>(sql`
    SELECT json_group_array(json_array(subject, state, notified, ups, since, last_sent_at, detail, rev)) AS part
    FROM (SELECT ${subnetSubject} AS subject
      UNION ALL SELECT 'host:' || value FROM json_each(${JSON.stringify(hostIds)})
      UNION ALL SELECT 'host:' || value FROM json_each(coalesce((SELECT detail FROM alert_states WHERE subject = ${subnetSubject}), '[]'))) wanted
    CROSS JOIN alert_states USING (subject)`)) as [{ part: string }];
  const hosts = new Map<number, HostAlert>();
  let subnet: SubnetAlert | null = null;
  const revs = new Map<string, number>();
  for (const row of JSON.parse(part) as Row[]) {
    revs.set(row[0], row[7]);
    const [kind, id] = row[0].split(':');
    if (kind === 'host') hosts.set(Number(id), hostAlertOf(row));
    else if (kind === 'subnet') {
      subnet = { state: row[1] as SubnetAlert['state'], notified: row[2] as SubnetAlert['notified'], since: row[4], hostIds: row[6] ? (JSON.parse(row[6]) as number[]) : [] };
    }
  }
  return { hosts, subnet, revs };
}

/** One subject's stored state as a plain value (probe subjects: `probe:ID`). */
export async function subjectState(deps: AppDeps, subject: string): Promise<{ state: string; notified: string | null; rev: number } | null> {
  const rows = await deps.db.all<{ state: string; notified: string | null; rev: number }>(sql`SELECT state, notified, rev FROM alert_states WHERE subject = ${subject}`);
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

/**
 * Alert states are read, decided on and written by several writers that nothing serialises: ingest (one probe at a
 * time), the catch-up and probe duties (Node timers that may overlap, Workers crons in other isolates) and a probe's
 * connect. Each writer's batch is a compare-and-set: it starts with a guard that fails the whole batch (states,
 * events and deliveries: nothing is written) when a row it read has moved on (`rev`, bumped by every write) or a
 * condition it decided on no longer holds; the writer then reads again and decides again (`retryStale`).
 */
export type Revs = ReadonlyMap<string, number>;

// SQLite has no RAISE outside triggers: a row with no subject fails the statement, and with it the batch
const STALE_ERROR = 'not null constraint failed: alert_states.subject';

/** A statement that fails its batch when `condition` holds (as the batch runs). */
export const staleIf = (condition: SQL): SQL => sql`INSERT INTO alert_states (subject, state, since) SELECT NULL, 'stale', 0 WHERE ${condition}`;

/** Fails the batch unless each subject is as it was read: at `revs.get(subject)`, or still absent when it has none there. */
export function staleGuard(subjects: Iterable<string>, revs: Revs): SQL[] {
  const rows = [...new Set(subjects)].map((s) => JSON.stringify([s, revs.get(s) ?? null]));
  return jsonArrays(rows).map((json) =>
    staleIf(sql`EXISTS (SELECT 1 FROM json_each(${json}) j LEFT JOIN alert_states a ON a.subject = j.value->>0 WHERE a.rev IS NOT (j.value->>1))`),
  );
}

/** Whether a write failed on a guard (on every driver: the text may sit in the error or its cause). */
export function isStale(e: unknown): boolean {
  const text = String((e as { message?: unknown })?.message ?? e) + String((e as { cause?: unknown })?.cause ?? '');
  return text.toLowerCase().includes(STALE_ERROR);
}

/** Runs a read-decide-write of alert states again while its batch fails on a guard (another writer got there first). */
export async function retryStale<T>(run: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (!isStale(e)) throw e;
      if (attempt >= tries) throw new Error(`alert states kept changing during ${tries} attempts`, { cause: e });
    }
  }
}

/**
 * Writes alert states (for the change's own batch), guarded: the batch fails unless every row written, and every
 * subject in `read` (rows decided on but not written), is still at the revision in `revs` (absent: still absent).
 * The last write of a subject wins.
 */
export function stateStatements(writes: readonly StateWrite[], revs: Revs, read: Iterable<string> = []): SQL[] {
  if (!writes.length) return [];
  const last = new Map(writes.map((w) => [w.subject, w]));
  const rows = [...last.values()].map((w) =>
    JSON.stringify([w.subject, w.hostId, w.subnetId, w.state, w.notified, w.ups, w.since, w.lastSentAt, w.detail ? JSON.stringify(w.detail) : null]),
  );
  return [
    ...staleGuard([...last.keys(), ...read], revs),
    ...jsonArrays(rows).map(
      (json) => sql`INSERT INTO alert_states (subject, host_id, subnet_id, state, notified, ups, since, last_sent_at, detail)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(${json}) WHERE true
      ON CONFLICT(subject) DO UPDATE SET state = excluded.state, notified = excluded.notified, ups = excluded.ups,
        since = excluded.since, last_sent_at = excluded.last_sent_at, detail = excluded.detail, rev = alert_states.rev + 1`,
    ),
  ];
}
