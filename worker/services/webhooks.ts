import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AlertEventType } from '../../schema/alert-event.js';
import { subnets, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookEndpointRow } from '../../schema/tables/index.js';
import { newEventId } from '../alerts/context.js';
import { outboxStatements } from '../alerts/outbox.js';
import { alertPayload } from '../alerts/payload.js';
import { batchable } from '../db.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { AppError, notFound } from '../errors.js';
import { formatOf, type WebhookFormatName } from '../webhooks/formats/index.js';
import { headOfQueue, LEASE_MS, runDeliveries } from '../webhooks/runner.js';
import { newWebhookSecret } from '../webhooks/signing.js';
import { checkWebhookUrl } from '../webhooks/url-policy.js';

/** After a rotation the previous secret signs too, for this long, so receivers can switch without losing a message. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export interface EndpointInput {
  name: string;
  url: string;
  format: WebhookFormatName;
  eventTypes: AlertEventType[];
  subnetIds: number[] | null;
  tags: string[] | null;
  enabled: boolean;
}

/** An endpoint as the API shows it: never its secret. */
export function endpointView(row: WebhookEndpointRow, now: number) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    format: row.format,
    eventTypes: row.eventTypes as AlertEventType[],
    subnetIds: row.subnetIds,
    tags: row.tags,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince?.toISOString() ?? null,
    rotating: !!row.previousSecretUntil && row.previousSecretUntil.getTime() > now,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function checkInput(deps: AppDeps, input: Partial<EndpointInput>): Promise<void> {
  if (input.url !== undefined) {
    const verdict = checkWebhookUrl(input.url, { allowPrivate: deps.config.webhookAllowPrivate });
    if (!verdict.ok) throw new AppError(400, 'url_not_allowed', verdict.reason);
  }
  if (input.subnetIds?.length) {
    const found = await deps.db.select({ id: subnets.id }).from(subnets).where(inArray(subnets.id, input.subnetIds));
    const missing = input.subnetIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw new AppError(400, 'unknown_subnet', `no subnet ${missing.join(', ')}`);
  }
}

function checkFormat(url: string, format: WebhookFormatName): void {
  const why = formatOf(format).checkUrl(new URL(url));
  if (why) throw new AppError(400, 'url_unsuited', why);
}

async function getRow(deps: AppDeps, id: number): Promise<WebhookEndpointRow> {
  const [row] = await deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound(`webhook endpoint ${id}`);
  return row;
}

export async function listEndpoints(deps: AppDeps) {
  const rows = await deps.db.select().from(webhookEndpoints).orderBy(webhookEndpoints.id);
  const now = deps.clock.now();
  return rows.map((r) => endpointView(r, now));
}

export async function getEndpoint(deps: AppDeps, id: number) {
  return endpointView(await getRow(deps, id), deps.clock.now());
}

/** Creates an endpoint with a new secret, returned this once. */
export async function createEndpoint(deps: AppDeps, input: EndpointInput) {
  await checkInput(deps, input);
  checkFormat(input.url, input.format);
  const now = new Date(deps.clock.now());
  const secret = newWebhookSecret();
  const [row] = await deps.db
    .insert(webhookEndpoints)
    .values({ ...input, eventTypes: [...new Set(input.eventTypes)], secret, createdAt: now, updatedAt: now })
    .returning();
  return { ...endpointView(row!, now.getTime()), secret };
}

/** Changes an endpoint. Enabling it clears why the server disabled it; disabling it cancels what it had pending. */
export async function updateEndpoint(deps: AppDeps, id: number, input: Partial<EndpointInput>) {
  const before = await getRow(deps, id);
  await checkInput(deps, input);
  checkFormat(input.url ?? before.url, input.format ?? before.format);
  const now = deps.clock.now();
  const enabling = input.enabled === true && !before.enabled;
  const disabling = input.enabled === false && before.enabled;
  const set = {
    ...input,
    ...(input.eventTypes ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
    ...(enabling ? { disabledReason: null, failingSince: null } : {}),
    updatedAt: new Date(now),
  };
  const cancel = deps.db
    .update(webhookDeliveries)
    .set({ state: 'cancelled', finishedAt: new Date(now) })
    .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.state, 'pending')));
  const update = deps.db.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id)).returning();
  const rows = (disabling ? ((await deps.db.batch([update, cancel])) as unknown[])[0] : await update) as WebhookEndpointRow[];
  return endpointView(rows[0]!, now);
}

export async function deleteEndpoint(deps: AppDeps, id: number): Promise<void> {
  await getRow(deps, id);
  await deps.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
}

/** A new secret, returned this once; the previous one keeps signing beside it for ROTATION_OVERLAP_MS. */
export async function rotateSecret(deps: AppDeps, id: number) {
  const before = await getRow(deps, id);
  const now = deps.clock.now();
  const secret = newWebhookSecret();
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set({ secret, previousSecret: before.secret, previousSecretUntil: new Date(now + ROTATION_OVERLAP_MS), updatedAt: new Date(now) })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return { ...endpointView(row!, now), secret, previousSecretValidUntil: new Date(now + ROTATION_OVERLAP_MS).toISOString() };
}

/**
 * Sends a `test` event to this endpoint now (through the outbox like any other) and answers how it went. A failed
 * attempt stays pending for its retry: the effects wake the sender, whose next run is then timed to it.
 */
export async function sendTest(deps: AppDeps, id: number) {
  const ep = await getRow(deps, id);
  if (!ep.enabled) throw new AppError(409, 'endpoint_disabled', `endpoint ${id} is disabled${ep.disabledReason ? ` (${ep.disabledReason})` : ''}; enable it first`);
  const now = deps.clock.now();
  const eventId = newEventId();
  const draft = { type: 'test' as const, at: now, hostId: null, subnetId: null, probeId: null, previous: null, current: null, mutedBy: null };
  const body = JSON.stringify(alertPayload(eventId, draft, { hosts: new Map(), subnets: new Map(), probes: new Map(), publicUrl: deps.config.publicUrl ?? null }));
  const events = { events: [{ id: eventId, type: 'test', at: now, hostId: null, subnetId: null, probeId: null, mutedBy: null, body }], deliveries: [] };
  // written already claimed, and keyed by the event: no other run takes it, and no earlier test still retrying holds it back
  const insert = deps.db
    .insert(webhookDeliveries)
    .values({ eventId, endpointId: id, orderKey: `test:${eventId}`, nextAttemptAt: new Date(now), leaseUntil: new Date(now + LEASE_MS), createdAt: new Date(now) })
    .returning({ id: webhookDeliveries.id });
  const results = (await deps.db.batch([...outboxStatements(events, now).map((s) => batchable(deps.db, s)), insert] as unknown as [typeof insert])) as unknown[];
  const [delivery] = results.at(-1) as { id: number }[];
  await runDeliveries(deps, { claimed: [{ id: delivery!.id, eventId, endpointId: id, attempts: 0 }], budgetMs: 0 });
  const [attempt] = await deps.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, delivery!.id)).orderBy(desc(webhookAttempts.id)).limit(1);
  const delivered = !!attempt && attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
  const result = {
    eventId,
    delivered,
    statusCode: attempt?.statusCode ?? null,
    durationMs: attempt?.durationMs ?? null,
    error: attempt ? attempt.error : 'not sent',
  };
  const effects: Effects = { deliveries: delivered ? 0 : 1 };
  return { result, effects };
}

/** The endpoint's delivery log, newest first: every attempt, with the event it carried. */
export async function deliveryLog(deps: AppDeps, id: number, limit: number) {
  await getRow(deps, id);
  const attempts = await deps.db.all<{ id: number; at: number; statusCode: number | null; durationMs: number; error: string | null; eventId: string; type: string; attempt: number; state: string }>(sql`
    SELECT a.id AS id, a.at AS at, a.status_code AS statusCode, a.duration_ms AS durationMs, a.error AS error, a.event_id AS eventId,
      e.type AS type, d.state AS state,
      (SELECT count(*) FROM webhook_attempts b WHERE b.delivery_id = a.delivery_id AND b.id <= a.id) AS attempt
    FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN alert_events e ON e.id = a.event_id
    WHERE a.endpoint_id = ${id} ORDER BY a.id DESC LIMIT ${limit}`);
  const [pending] = await deps.db.all<{ n: number; next: number | null }>(
    // the next attempt is that of a queue's head: the rows behind a retry look due but wait for it
    sql`SELECT count(*) AS n, min(CASE WHEN ${headOfQueue} THEN d.next_attempt_at END) AS next
      FROM webhook_deliveries d WHERE d.endpoint_id = ${id} AND d.state = 'pending'`,
  );
  return {
    attempts: attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
    pending: pending?.n ?? 0,
    nextAttemptAt: pending?.next ? new Date(pending.next).toISOString() : null,
  };
}
