import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { canonicalIp } from '../../schema/ip/cidr.js';
import type { OperationResult } from '../../schema/kinds/operation.js';
import { operationRuns, operations, type OperationParams, type OperationRow, type OperationRunState, type OperationSelection } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { countRuns, effectiveRunState, type RunCounts } from '../domain/operation-plan.js';

export interface OperationRunView {
  probeId: number | null;
  probeName: string;
  site: string;
  state: OperationRunState;
  code: string | null;
  error: string | null;
  address: string | null;
  progress: { done: number; total: number } | null;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  result: OperationResult | null;
}

export interface OperationSummary {
  id: string;
  kind: OperationRow['kind'];
  target: string;
  params: OperationParams;
  selection: OperationSelection;
  requestedBy: string | null;
  createdAt: string;
  finished: boolean;
  counts: RunCounts;
}
export type OperationDetail = OperationSummary & { runs: OperationRunView[] };

type RunRow = typeof operationRuns.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function runView(r: RunRow, now: number): OperationRunView {
  const { state, expired } = effectiveRunState(r.state, r.expiresAt.getTime(), now);
  return {
    probeId: r.probeId,
    probeName: r.probeName,
    site: r.site,
    state,
    code: expired ? 'timeout' : r.code,
    error: expired ? 'the probe did not report the run before its time limit' : r.error,
    address: r.address,
    progress: r.done !== null && r.total !== null ? { done: r.done, total: r.total } : null,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    updatedAt: r.updatedAt.toISOString(),
    result: r.result ?? null,
  };
}

function summaryOf(op: OperationRow, states: OperationRunState[]): OperationSummary {
  const counts = countRuns(states);
  return {
    id: op.id,
    kind: op.kind,
    target: op.target,
    params: op.params,
    selection: op.selection,
    requestedBy: op.requestedByName,
    createdAt: op.createdAt.toISOString(),
    finished: counts.queued + counts.running === 0,
    counts,
  };
}

export async function getOperation(deps: AppDeps, id: string): Promise<OperationDetail | null> {
  const [op] = await deps.db.select().from(operations).where(eq(operations.id, id));
  if (!op) return null;
  const now = deps.clock.now();
  const runs = (await deps.db.select().from(operationRuns).where(eq(operationRuns.operationId, id)).orderBy(operationRuns.probeId)).map((r) => runView(r, now));
  return { ...summaryOf(op, runs.map((r) => r.state)), runs };
}

export interface OperationFilter {
  kind?: OperationRow['kind'];
  probeId?: number;
  target?: string;
  limit: number;
  /** The id of the last operation of the previous page. */
  before?: string;
}

/** Recent operations, newest first (`next`: the cursor of the following page, or null). */
export async function listOperations(deps: AppDeps, f: OperationFilter): Promise<{ operations: OperationSummary[]; next: string | null }> {
  const where: SQL[] = [];
  if (f.kind) where.push(eq(operations.kind, f.kind));
  if (f.target) {
    const text = f.target.trim();
    where.push(eq(operations.target, canonicalIp(text) ?? text.toLowerCase()));
  }
  if (f.probeId !== undefined) where.push(sql`EXISTS (SELECT 1 FROM operation_runs r WHERE r.operation_id = ${operations.id} AND r.probe_id = ${f.probeId})`);
  if (f.before) {
    const [cursor] = await deps.db.select({ createdAt: operations.createdAt }).from(operations).where(eq(operations.id, f.before));
    // a cursor that is not (or no longer) an operation ends the list rather than starting it again
    if (!cursor) return { operations: [], next: null };
    where.push(or(lt(operations.createdAt, cursor.createdAt), and(eq(operations.createdAt, cursor.createdAt), lt(operations.id, f.before)))!);
  }
  const rows = await deps.db
    .select()
    .from(operations)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(operations.createdAt), desc(operations.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const now = deps.clock.now();
  const runs = page.length
    ? await deps.db
        .select({ operationId: operationRuns.operationId, state: operationRuns.state, expiresAt: operationRuns.expiresAt })
        .from(operationRuns)
        // the ids as one JSON parameter: a page may be 200 operations, D1 binds at most 100 parameters
        .where(sql`${operationRuns.operationId} IN (SELECT value FROM json_each(${JSON.stringify(page.map((o) => o.id))}))`)
    : [];
  const states = new Map<string, OperationRunState[]>();
  for (const r of runs) {
    const list = states.get(r.operationId) ?? [];
    list.push(effectiveRunState(r.state, r.expiresAt.getTime(), now).state);
    states.set(r.operationId, list);
  }
  return { operations: page.map((o) => summaryOf(o, states.get(o.id) ?? [])), next: rows.length > f.limit ? page[page.length - 1]!.id : null };
}
