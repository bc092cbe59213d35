import { and, desc, eq, getTableColumns, lt, or, sql, type SQL } from 'drizzle-orm';
import { trafficTests } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { trafficTestDetail, trafficTestView, type TrafficTestDetail, type TrafficTestView } from '../domain/traffic-test.js';

// lists leave the result out: its raw iperf3 JSON may be 160,000 characters a test
const { result: _result, ...listed } = getTableColumns(trafficTests);
const listView = (r: Omit<typeof trafficTests.$inferSelect, 'result'>, now: number) => trafficTestView({ ...r, result: null }, now);

/** The pairs listed beside the tests: the most recently used. */
export const MAX_LISTED_PAIRS = 100;

export interface TrafficPair {
  pair: string;
  from: { probeId: number | null; name: string };
  to: { probeId: number | null; name: string | null; address: string };
  tests: number;
  last: { id: string; state: TrafficTestView['state']; receivedBps: number | null; createdAt: string };
}

export async function getTrafficTest(deps: AppDeps, id: string): Promise<TrafficTestDetail | null> {
  const [row] = await deps.db.select().from(trafficTests).where(eq(trafficTests.id, id));
  return row ? trafficTestDetail(row, deps.clock.now()) : null;
}

export interface TrafficFilter {
  pair?: string;
  limit: number;
  /** The id of the last test of the previous page. */
  before?: string;
}

/** The pairs most recently tested, each with its count and its latest test (as it reads now). */
async function recentPairs(deps: AppDeps, now: number): Promise<TrafficPair[]> {
  const groups = await deps.db.all<{ pair: string; n: number; lastId: string }>(sql`
    SELECT pair, count(*) AS n,
      (SELECT id FROM traffic_tests l WHERE l.pair = g.pair ORDER BY created_at DESC, id DESC LIMIT 1) AS lastId
    FROM traffic_tests g GROUP BY pair ORDER BY max(created_at) DESC, pair LIMIT ${MAX_LISTED_PAIRS}`);
  if (!groups.length) return [];
  const last = await deps.db
    .select(listed)
    .from(trafficTests)
    // the ids as one JSON parameter: D1 binds at most 100 parameters
    .where(sql`${trafficTests.id} IN (SELECT value FROM json_each(${JSON.stringify(groups.map((g) => g.lastId))}))`);
  const byId = new Map(last.map((r) => [r.id, listView(r, now)]));
  return groups.flatMap((g) => {
    const v = byId.get(g.lastId);
    return v ? [{ pair: g.pair, from: v.from, to: v.to, tests: Number(g.n), last: { id: v.id, state: v.state, receivedBps: v.receivedBps, createdAt: v.createdAt } }] : [];
  });
}

/** Tests newest first (of one pair when asked), and the pairs recently tested; `next`: the following page's cursor, or null. */
export async function listTrafficTests(deps: AppDeps, f: TrafficFilter): Promise<{ tests: TrafficTestView[]; pairs: TrafficPair[]; next: string | null }> {
  const now = deps.clock.now();
  const where: SQL[] = [];
  if (f.pair) where.push(eq(trafficTests.pair, f.pair));
  if (f.before) {
    const [cursor] = await deps.db.select({ createdAt: trafficTests.createdAt }).from(trafficTests).where(eq(trafficTests.id, f.before));
    // a cursor that is not (or no longer) a test ends the list rather than starting it again
    if (!cursor) return { tests: [], pairs: await recentPairs(deps, now), next: null };
    where.push(or(lt(trafficTests.createdAt, cursor.createdAt), and(eq(trafficTests.createdAt, cursor.createdAt), lt(trafficTests.id, f.before)))!);
  }
  const rows = await deps.db
    .select(listed)
    .from(trafficTests)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(trafficTests.createdAt), desc(trafficTests.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  return { tests: page.map((r) => listView(r, now)), pairs: await recentPairs(deps, now), next: rows.length > f.limit ? page[page.length - 1]!.id : null };
}
