import { inArray, sql, type SQL } from 'drizzle-orm';
import type { AlertEvent } from '../../schema/alert-event.js';
import { alertEvents, webhookEndpoints } from '../../schema/tables/index.js';
import { runStatements } from '../db.js';
import type { AppDeps } from '../deps.js';
import { bumpCounters, COUNTERS } from '../metrics/counters.js';
import { formatOf } from './formats/index.js';
import { DELIVERY_TIMEOUT_MS, planAfterAttempt, type AttemptPlan } from './retry.js';
import { signedHeaders } from './signing.js';
import { checkWebhookUrl } from './url-policy.js';

/** A runner holds the rows it sends this long; a crashed one's claim lapses (Node clears them at start). */
export const LEASE_MS = 60_000;
const CLAIM_BATCH = 200;
const USER_AGENT = 'edge-ipam-webhooks/1';

/**
 * SQL: delivery `d` is the head of its endpoint's queue for its order key (no older one of them is pending), so
 * one host's events reach an endpoint in order and a retry holds back those after it.
 */
export const headOfQueue = sql`NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = d.endpoint_id AND o.order_key = d.order_key
  AND o.state = 'pending' AND o.id < d.id)`;

export interface Claimed {
  id: number;
  eventId: string;
  endpointId: number;
  attempts: number;
}

interface Attempt {
  delivery: Claimed;
  at: number;
  status: number | null;
  durationMs: number;
  error: string | null;
  plan: AttemptPlan;
}

/**
 * Claims due deliveries: pending, due, not held by another runner, and the oldest pending one of its endpoint and
 * order key (so one host's events reach an endpoint in order, a retry holding back those after it).
 */
async function claim(deps: AppDeps, now: number, only: readonly number[] | null, limit: number): Promise<Claimed[]> {
  const filter = only ? sql`AND d.id IN (SELECT value FROM json_each(${JSON.stringify(only)}))` : sql``;
  return deps.db.all<Claimed>(sql`
    UPDATE webhook_deliveries SET lease_until = ${now + LEASE_MS}
    WHERE id IN (
      SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1
      WHERE d.state = 'pending' AND d.next_attempt_at <= ${now} AND (d.lease_until IS NULL OR d.lease_until < ${now}) ${filter}
        AND ${headOfQueue}
      ORDER BY d.next_attempt_at, d.id LIMIT ${limit})
    RETURNING id, event_id AS eventId, endpoint_id AS endpointId, attempts`);
}

type Endpoint = Pick<typeof webhookEndpoints.$inferSelect, 'id' | 'url' | 'format' | 'secret' | 'previousSecret' | 'previousSecretUntil' | 'failingSince'>;

async function send(deps: AppDeps, d: Claimed, ep: Endpoint, event: AlertEvent): Promise<Attempt> {
  const at = deps.clock.now();
  let rendered: ReturnType<ReturnType<typeof formatOf>['render']>;
  try {
    rendered = formatOf(ep.format).render(event);
  } catch (e) {
    // a body that cannot be rendered never will be: give up on it rather than retry
    return { delivery: d, at, status: null, durationMs: 0, error: `could not render the ${ep.format} body: ${String(e)}`.slice(0, 300), plan: { outcome: 'failed' } };
  }
  // the address rule of now, not of when the URL was saved (WEBHOOK_ALLOW_PRIVATE may have been turned off since)
  const allowed = checkWebhookUrl(ep.url, { allowPrivate: deps.config.webhookAllowPrivate });
  if (!allowed.ok) return { delivery: d, at, status: null, durationMs: 0, error: `not sent: ${allowed.reason}`, plan: { outcome: 'disable', reason: `its URL is no longer allowed: ${allowed.reason}` } };
  const secrets = [ep.secret, ...(ep.previousSecret && ep.previousSecretUntil && ep.previousSecretUntil.getTime() > at ? [ep.previousSecret] : [])];
  const headers = { ...rendered.headers, 'user-agent': USER_AGENT, ...signedHeaders(secrets, event.id, Math.floor(at / 1000), rendered.body) };
  let status: number | null = null;
  let retryAfter: string | null = null;
  let error: string | null = null;
  const started = performance.now();
  try {
    // redirects are not followed: a 3xx is an answer like any other non-2xx
    const res = await (deps.webhookFetch ?? fetch)(ep.url, { method: 'POST', headers, body: rendered.body, redirect: 'manual', signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    await res.body?.cancel();
    if (status < 200 || status > 299) error = `HTTP ${status}`;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    error = err.name === 'TimeoutError' ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : (err.cause?.message ?? err.cause?.code ?? err.message).slice(0, 300);
  }
  const durationMs = Math.round(performance.now() - started);
  const plan = planAfterAttempt({ attemptsMade: d.attempts + 1, status, retryAfter, now: deps.clock.now(), failingSince: ep.failingSince?.getTime() ?? null, random: Math.random });
  return { delivery: d, at, status, durationMs, error, plan };
}

/** The results of one round in one batch: the log rows, each delivery's next state, each endpoint's health. */
function resultStatements(attempts: readonly Attempt[], now: number): SQL[] {
  const log = attempts.map((a) => [a.delivery.id, a.delivery.endpointId, a.delivery.eventId, a.at, a.status, a.durationMs, a.error]);
  const rows = attempts.map((a) => {
    const state = a.plan.outcome === 'delivered' ? 'delivered' : a.plan.outcome === 'retry' ? 'pending' : a.plan.outcome === 'failed' ? 'failed' : 'cancelled';
    return [a.delivery.id, state, a.delivery.attempts + 1, a.plan.outcome === 'retry' ? a.plan.at : now, a.status, a.error, state === 'pending' ? null : now];
  });
  const health = new Map<number, { ok: boolean; disable: string | null }>();
  for (const a of attempts) {
    const h = health.get(a.delivery.endpointId) ?? { ok: false, disable: null };
    if (a.plan.outcome === 'delivered') h.ok = true;
    if (a.plan.outcome === 'disable') h.disable = a.plan.reason;
    health.set(a.delivery.endpointId, h);
  }
  const endpoints = [...health].map(([id, h]) => [id, h.ok ? 1 : 0, h.disable]);
  const disabled = [...health].filter(([, h]) => h.disable).map(([id]) => id);
  const outcomes = new Map<string, number>();
  for (const a of attempts) {
    const outcome = a.plan.outcome === 'disable' ? 'disabled' : a.plan.outcome;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  const counted = bumpCounters([...outcomes].map(([outcome, by]) => ({ name: COUNTERS.webhookAttempts, labels: { outcome }, by })));
  return [
    ...(counted ? [counted] : []),
    // a delivery deleted with its endpoint while in flight has no row left to log against (and must not fail the rest)
    sql`INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, at, status_code, duration_ms, error)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM json_each(${JSON.stringify(log)})
      WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = value->>0)`,
    // one cancelled while in flight (its endpoint disabled) is never made pending again; its answer is still recorded
    sql`UPDATE webhook_deliveries SET state = j.value->>1, attempts = j.value->>2, next_attempt_at = j.value->>3,
        last_status = j.value->>4, last_error = j.value->>5, finished_at = j.value->>6, lease_until = NULL
      FROM json_each(${JSON.stringify(rows)}) j WHERE webhook_deliveries.id = j.value->>0
        AND (webhook_deliveries.state = 'pending' OR j.value->>1 != 'pending')`,
    sql`UPDATE webhook_endpoints SET
        failing_since = CASE WHEN j.value->>1 = 1 THEN NULL ELSE coalesce(failing_since, ${now}) END,
        enabled = CASE WHEN j.value->>2 IS NOT NULL THEN 0 ELSE enabled END,
        disabled_reason = coalesce(j.value->>2, disabled_reason), updated_at = ${now}
      FROM json_each(${JSON.stringify(endpoints)}) j WHERE webhook_endpoints.id = j.value->>0`,
    // a disabled endpoint's pending deliveries will never be sent
    sql`UPDATE webhook_deliveries SET state = 'cancelled', finished_at = ${now}, lease_until = NULL
      WHERE state = 'pending' AND endpoint_id IN (SELECT value FROM json_each(${JSON.stringify(disabled)}))`,
  ];
}

export interface RunReport {
  attempts: number;
  delivered: number;
  /** When the earliest delivery left pending that is not queued behind another is due (null: none): the host's next wake-up. */
  nextDueAt: number | null;
}

/**
 * Sends what is due until nothing is, `budgetMs` is spent or `maxAttempts` are made. Sends are pipelined: a slot
 * freed by a fast endpoint is refilled while a slow one (up to the 15 s timeout) still holds its own, so one
 * unanswering receiver does not hold back everyone else's deliveries. Results are written in batches; a row is
 * claimed only once the one before it of its host and endpoint is written. At least once: a crash after the send
 * and before the write sends it again, with the same event id (`webhook-id`) for the receiver to drop.
 */
export async function runDeliveries(
  deps: AppDeps,
  opts: { budgetMs?: number; only?: readonly number[]; maxAttempts?: number; /** rows the caller wrote already leased: sent first */ claimed?: readonly Claimed[] } = {},
): Promise<RunReport> {
  const started = deps.clock.now();
  const slots = deps.config.webhookConcurrency;
  const max = opts.maxAttempts ?? Infinity;
  const report: RunReport = { attempts: 0, delivered: 0, nextDueAt: null };
  const running = new Set<Promise<void>>();
  let finished: Attempt[] = [];
  let claimedTotal = 0;
  let drained = false;

  const record = async () => {
    if (!finished.length) return;
    const batch = finished;
    finished = [];
    await runStatements(deps.db, resultStatements(batch, deps.clock.now()));
    report.attempts += batch.length;
    report.delivered += batch.filter((a) => a.plan.outcome === 'delivered').length;
    drained = false; // what waited behind these may be due now
  };

  // the first claim is always made (budgetMs 0: one claim, as "Send test" wants)
  const isOpen = () => (claimedTotal === 0 || deps.clock.now() - started < (opts.budgetMs ?? 25_000)) && claimedTotal < max;
  for (;;) {
    const open = isOpen();
    const free = slots - running.size;
    // refill when half the slots are free: one claim and one write per many sends (and after a write, what it freed)
    if (open && (!drained || finished.length) && free >= Math.max(1, Math.floor(slots / 2))) {
      await record();
      const claimed = claimedTotal === 0 && opts.claimed ? [...opts.claimed] : await claim(deps, deps.clock.now(), opts.only ?? null, Math.min(CLAIM_BATCH, free, max - claimedTotal));
      if (!claimed.length) drained = true;
      claimedTotal += claimed.length;
      if (claimed.length) {
        const [endpoints, events] = await Promise.all([
          deps.db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, [...new Set(claimed.map((c) => c.endpointId))])),
          deps.db.select({ id: alertEvents.id, body: alertEvents.body }).from(alertEvents).where(inArray(alertEvents.id, [...new Set(claimed.map((c) => c.eventId))])),
        ]);
        const epById = new Map(endpoints.map((e) => [e.id, e]));
        const bodyById = new Map(events.map((e) => [e.id, JSON.parse(e.body) as AlertEvent]));
        for (const d of claimed) {
          const p: Promise<void> = send(deps, d, epById.get(d.endpointId)!, bodyById.get(d.eventId)!).then((a) => {
            finished.push(a);
            running.delete(p);
          });
          running.add(p);
        }
      }
    }
    if (!running.size) {
      await record();
      if (drained || !isOpen()) break;
      continue;
    }
    await Promise.race(running);
  }
  // only the head of each endpoint's per-host queue: the rows behind a retry look due but wait for it
  // a row another run still holds (or a crashed run's claim) is due when that claim lapses, not before
  const [next] = await deps.db.all<{ at: number | null }>(sql`SELECT min(max(d.next_attempt_at, coalesce(d.lease_until, 0))) AS at
    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1
    WHERE d.state = 'pending' AND ${headOfQueue}`);
  report.nextDueAt = next?.at ?? null;
  return report;
}

/** Forgets every claim (the Node host at start: it is the only runner, so any claim is a crashed run's). */
export async function releaseClaims(deps: AppDeps): Promise<void> {
  await deps.db.run(sql`UPDATE webhook_deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL`);
}
