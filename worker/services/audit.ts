import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { auditLog } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import type { Principal } from './auth.js';

export interface AuditEntry {
  action: string;
  actor: Principal | { userId: number | null; name: string };
  targetType?: string;
  targetId?: string | number | null;
  details?: Record<string, unknown>;
  clientAddress?: string | null;
}

const SECRET_KEYS = /password|token|secret/i;
/** Webhook URLs carry tokens in their path or query (Slack, Discord, ntfy): only the origin is logged. */
const URL_KEYS = /^url$/i;
const MAX_DETAILS_CHARS = 4000;

function originOnly(v: string): string {
  try {
    const { origin } = new URL(v);
    return origin === 'null' ? '(hidden)' : `${origin}/…`;
  } catch {
    return '(hidden)';
  }
}

/** The request as it goes into the log: secrets dropped, URLs cut to their origin, long values cut, so a row stays small. */
export function auditDetails(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  const clean = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v;
    if (Array.isArray(v)) return depth > 2 ? `[${v.length} items]` : v.slice(0, 20).map((x) => clean(x, depth + 1));
    if (v && typeof v === 'object') {
      if (depth > 2) return '{…}';
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.test(k) ? '(hidden)' : URL_KEYS.test(k) && typeof x === 'string' ? originOnly(x) : clean(x, depth + 1)]));
    }
    return v;
  };
  const out = clean(typeof value === 'object' && !Array.isArray(value) ? value : { value }, 0) as Record<string, unknown>;
  return JSON.stringify(out).length > MAX_DETAILS_CHARS ? { truncated: true } : out;
}

export function actorName(actor: AuditEntry['actor']): { userId: number | null; actor: string } {
  if ('name' in actor) return { userId: actor.userId, actor: actor.name };
  return { userId: actor.userId, actor: actor.via === 'token' ? `${actor.username ?? '?'} (token ${actor.tokenName ?? actor.tokenId})` : (actor.username ?? '?') };
}

/** Writes one audit row. Never throws: a failure to audit is logged, and the change it describes stands. */
export async function recordAudit(deps: AppDeps, entry: AuditEntry): Promise<void> {
  try {
    await deps.db.insert(auditLog).values({
      at: new Date(deps.clock.now()),
      ...actorName(entry.actor),
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId == null ? null : String(entry.targetId),
      details: entry.details ?? null,
      clientAddress: entry.clientAddress ?? null,
    });
  } catch (e) {
    deps.log.error('audit write failed', { action: entry.action, error: String(e) });
  }
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  since?: string;
  until?: string;
  limit: number;
  before?: number;
}

/** Newest first; `before` (an id) pages back through older rows. */
export async function queryAudit(deps: AppDeps, q: AuditQuery) {
  const where: SQL[] = [];
  const prefix = q.action?.endsWith('.*') ? q.action.slice(0, -1) : undefined;
  // "auth.*": every action from "auth." up to "auth/" ('/' sorts right after '.')
  if (prefix) where.push(gte(auditLog.action, prefix), lt(auditLog.action, `${prefix.slice(0, -1)}/`));
  else if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.actor) where.push(eq(auditLog.actor, q.actor));
  if (q.targetType) where.push(eq(auditLog.targetType, q.targetType));
  if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
  if (q.since) where.push(gte(auditLog.at, new Date(q.since)));
  if (q.until) where.push(lte(auditLog.at, new Date(q.until)));
  if (q.before) where.push(lt(auditLog.id, q.before));
  const rows = await deps.db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    entries: page.map((r) => ({ ...r, at: r.at.toISOString() })),
    next: rows.length > q.limit ? page.at(-1)!.id : null,
  };
}
