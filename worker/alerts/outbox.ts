import { sql, type SQL } from 'drizzle-orm';
import { jsonArrays, ROWS_PER_STATEMENT } from '../services/json-rows.js';
import { alertPayload, type PayloadFacts } from './payload.js';
import type { AlertDraft } from './types.js';

/** An endpoint as the outbox sees it: what it wants. */
export interface EndpointFilter {
  id: number;
  eventTypes: readonly string[];
  subnetIds: readonly number[] | null;
  tags: readonly string[] | null;
}

export interface OutboxFacts extends PayloadFacts {
  /** The subnets each probe watches (a probe event concerns all of them). */
  probeSubnets: ReadonlyMap<number, readonly number[]>;
}

export interface OutboxRows {
  events: { id: string; type: string; at: number; hostId: number | null; subnetId: number | null; probeId: number | null; mutedBy: number | null; body: string }[];
  deliveries: { eventId: string; endpointId: number; orderKey: string }[];
}

export const orderKeyOf = (d: Pick<AlertDraft, 'hostId' | 'subnetId' | 'probeId'>): string =>
  d.hostId !== null ? `host:${d.hostId}` : d.subnetId !== null ? `subnet:${d.subnetId}` : d.probeId !== null ? `probe:${d.probeId}` : 'test';

/**
 * Whether an endpoint gets an event. Its subnet filter takes events of those subnets (a probe's: of the subnets it
 * watches); its tag filter takes events of hosts with one of the tags (a subnet's: if a listed host has one);
 * probe events pass a tag filter, since they concern every host the probe watches.
 */
export function wants(ep: EndpointFilter, d: AlertDraft, facts: OutboxFacts): boolean {
  if (!ep.eventTypes.includes(d.type)) return false;
  if (ep.subnetIds) {
    const subnets = d.subnetId !== null ? [d.subnetId] : d.probeId !== null ? (facts.probeSubnets.get(d.probeId) ?? []) : [];
    if (!subnets.some((s) => ep.subnetIds!.includes(s))) return false;
  }
  if (ep.tags && (d.hostId !== null || d.hostIds || d.members)) {
    // a subnet event concerns its whole incident: a recovery with nothing still down still closes what a tag saw open
    const ids = d.hostId !== null ? [d.hostId] : (d.members ?? d.hostIds!);
    if (!ids.some((id) => facts.hosts.get(id)?.tags.some((t) => ep.tags!.includes(t)))) return false;
  }
  return true;
}

/** Gives each event its id and body, and a delivery to every enabled endpoint that wants it (none while muted). */
export function outboxRows(drafts: readonly AlertDraft[], endpoints: readonly EndpointFilter[], facts: OutboxFacts, newId: () => string): OutboxRows {
  const rows: OutboxRows = { events: [], deliveries: [] };
  for (const d of drafts) {
    const id = newId();
    const body = JSON.stringify(alertPayload(id, d, facts));
    rows.events.push({ id, type: d.type, at: d.at, hostId: d.hostId, subnetId: d.subnetId, probeId: d.probeId, mutedBy: d.mutedBy, body });
    if (d.mutedBy !== null) continue;
    for (const ep of endpoints) if (wants(ep, d, facts)) rows.deliveries.push({ eventId: id, endpointId: ep.id, orderKey: orderKeyOf(d) });
  }
  return rows;
}

/** JSON per parameter at most (about): D1 refuses a value over 2 MB, and a catch-up can raise thousands of events. */
export const OUTBOX_BYTES_PER_STATEMENT = 512 * 1024;

/** The rows as JSON arrays of at most about `maxBytes` each (an event larger than that goes alone), in order. */
export function outboxParams(rows: OutboxRows, maxBytes = OUTBOX_BYTES_PER_STATEMENT): { events: string[]; deliveries: string[] } {
  const events = rows.events.map((e) => JSON.stringify([e.id, e.type, e.at, e.hostId, e.subnetId, e.probeId, e.mutedBy === null ? 0 : 1, e.mutedBy, e.body]));
  const deliveries = rows.deliveries.map((d) => JSON.stringify([d.eventId, d.endpointId, d.orderKey]));
  return { events: jsonArrays(events, ROWS_PER_STATEMENT, maxBytes), deliveries: jsonArrays(deliveries, ROWS_PER_STATEMENT, maxBytes) };
}

/** The rows as statements for the change's own batch (JSON parameters read with json_each, like ingest's bulk rows), events first. */
export function outboxStatements(rows: OutboxRows, now: number): SQL[] {
  const { events, deliveries } = outboxParams(rows);
  return [
    ...events.map(
      (json) => sql`INSERT INTO alert_events (id, type, at, host_id, subnet_id, probe_id, muted, muted_by, body)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(${json})`,
    ),
    ...deliveries.map(
      (json) => sql`INSERT INTO webhook_deliveries (event_id, endpoint_id, order_key, state, attempts, next_attempt_at, created_at)
      SELECT value->>0, value->>1, value->>2, 'pending', 0, ${now}, ${now} FROM json_each(${json})`,
    ),
  ];
}
