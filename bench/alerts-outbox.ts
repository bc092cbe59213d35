/**
 * The alerts bench's two loopback parts (bench/alerts.ts), on the real app and a real libSQL file (tests/support/app.ts):
 * (ii) how fast the Node host's delivery runner (`runDeliveries`, as its outbox timer calls it) empties an outbox
 * of 5,000 pending deliveries to a verifying receiver in its own process; (iii) how many events 1,000 up hosts of
 * one /22 going silent in the same sweeps turn into, through the real ingest (`handleProbeFrame`, as the probe
 * socket calls it).
 */
import { sql } from 'drizzle-orm';
import { loadAlertSetup, outboxFor } from '../worker/alerts/context.js';
import type { AlertDraft } from '../worker/alerts/types.js';
import { batchable } from '../worker/db.js';
import type { AppDeps } from '../worker/deps.js';
import { handleProbeFrame } from '../worker/probe-link/session.js';
import { runDeliveries } from '../worker/webhooks/runner.js';
import { makeTestApp, type TestApp } from '../tests/support/app.js';
import { here, startReceiver, type ReceiverProc } from '../tests/net/webhook-kit.js';

export const OUTBOX_DELIVERIES = 5_000;
export const OUTBOX_ENDPOINTS = 5;
export const FLIP_HOSTS = 1_000;
const CIDR = '198.18.4.0/22';

/** The i-th address of 198.18.4.0/22 after the network address. */
const ipOf = (i: number) => `198.18.${4 + ((i + 1) >> 8)}.${(i + 1) & 255}`;

let batch = 0;
/** One complete sweep of the subnet at `at`, answered by `up` addresses; how long the ingest took. */
async function sweep(t: TestApp, probeId: number, subnetId: number, at: number, up: string[]): Promise<number> {
  t.clock.t = at;
  const frame = JSON.stringify({
    type: 'results',
    batchId: `bench-${++batch}`,
    results: [{ kind: 'sweep', subnetId, at, durationMs: 500, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [] }],
  });
  const started = performance.now();
  const [ack] = await handleProbeFrame(t.deps, probeId, frame);
  const ms = performance.now() - started;
  if (ack?.type !== 'ack') throw new Error(`sweep frame refused: ${JSON.stringify(ack)}`);
  return ms;
}

async function lab(rx: ReceiverProc, endpoints: number, eventTypes: string[]) {
  // the receiver checks signatures; the runner signs with the app's clock, so start it at the real time
  const t = await makeTestApp({ downAfterFailures: 2, webhookAllowPrivate: true }, { clockAt: Date.now() });
  const probeId = (await t.call('POST', '/api/probes', { name: 'bench-probe' })).body.id as number;
  const subnet = await t.call('POST', '/api/subnets', { cidr: CIDR, name: 'bench', probeId });
  if (subnet.status !== 201) throw new Error(`subnet: ${subnet.status} ${JSON.stringify(subnet.body)}`);
  const secrets: string[] = [];
  for (let e = 0; e < endpoints; e++) {
    const r = await t.call('POST', '/api/webhooks', { name: `bench-${e}`, url: `${rx.url}/e${e}`, eventTypes });
    if (r.status !== 201) throw new Error(`endpoint: ${r.status} ${JSON.stringify(r.body)}`);
    secrets.push(r.body.secret);
  }
  await rx.secrets(secrets);
  return { t, probeId, subnetId: subnet.body.id as number };
}

const realClock = (deps: AppDeps): AppDeps => ({ ...deps, clock: { now: Date.now } });

export interface ThroughputResult {
  deliveries: number;
  endpoints: number;
  hosts: number;
  concurrency: number;
  attempts: number;
  delivered: number;
  wallS: number;
  perSecond: number;
  received: number;
  verified: number;
  /** First to last arrival at the receiver. */
  receiverSpanS: number;
}

/** (ii): 1,000 hosts × 5 endpoints of pending host.down deliveries, each host its own order key; then one runner drains them. */
export async function deliveryThroughput(log: (s: string) => void): Promise<ThroughputResult> {
  const rx = await startReceiver(here, { quiet: true });
  const { t, probeId, subnetId } = await lab(rx, OUTBOX_ENDPOINTS, ['host.down']);
  try {
    const hostCount = OUTBOX_DELIVERIES / OUTBOX_ENDPOINTS;
    await sweep(t, probeId, subnetId, Date.now(), Array.from({ length: hostCount }, (_, i) => ipOf(i)));
    const hosts = await t.deps.db.all<{ id: number }>(sql`SELECT id FROM hosts WHERE subnet_id = ${subnetId} ORDER BY id`);
    const now = Date.now();
    const drafts: AlertDraft[] = hosts.map((h) => ({ type: 'host.down', at: now, hostId: h.id, subnetId, probeId, previous: 'up', current: 'down', mutedBy: null }));
    // the rows an ingest writes in its batch: the events with their frozen bodies, a pending delivery per endpoint
    const outbox = await outboxFor(t.deps, await loadAlertSetup(t.deps), drafts, now);
    const [first, ...rest] = outbox.statements.map((s) => batchable(t.deps.db, s));
    await t.deps.db.batch([first!, ...rest]);
    if (outbox.deliveries !== OUTBOX_DELIVERIES) throw new Error(`filled ${outbox.deliveries} deliveries, wanted ${OUTBOX_DELIVERIES}`);
    log(`outbox: ${outbox.deliveries} pending deliveries (${hosts.length} hosts × ${OUTBOX_ENDPOINTS} endpoints)`);
    await rx.reset();
    const started = performance.now();
    const report = await runDeliveries(realClock(t.deps), { budgetMs: 600_000 });
    const wallS = (performance.now() - started) / 1000;
    const stats = await rx.stats();
    const left = await t.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM webhook_deliveries WHERE state <> 'delivered'`);
    if (left[0]!.n !== 0) throw new Error(`${left[0]!.n} deliveries not delivered`);
    const r: ThroughputResult = {
      deliveries: OUTBOX_DELIVERIES, endpoints: OUTBOX_ENDPOINTS, hosts: hosts.length, concurrency: t.deps.config.webhookConcurrency,
      attempts: report.attempts, delivered: report.delivered, wallS, perSecond: report.delivered / wallS,
      received: stats.count, verified: stats.verified, receiverSpanS: ((stats.lastAt ?? 0) - (stats.firstAt ?? 0)) / 1000,
    };
    log(`delivered ${r.delivered} in ${wallS.toFixed(2)} s: ${r.perSecond.toFixed(0)}/s; receiver got ${r.received}, ${r.verified} verified`);
    return r;
  } finally {
    t.close();
    await rx.close();
  }
}

export interface StormResult {
  hosts: number;
  cidr: string;
  /** Events of the flip's sweep, by type. */
  events: Record<string, number>;
  deliveries: number;
  received: string[];
  verified: number;
  ingestMs: number;
  deliverS: number;
  listed: number;
  hostsTotal: number;
}

/** (iii): 1,000 up hosts of one /22 silent in the same two sweeps (DOWN_AFTER_FAILURES=2). */
export async function simultaneousFlips(log: (s: string) => void): Promise<StormResult> {
  const rx = await startReceiver(here);
  const { t, probeId, subnetId } = await lab(rx, 1, ['host.down', 'host.up', 'subnet.degraded', 'subnet.recovered']);
  try {
    const now = Date.now();
    const all = Array.from({ length: FLIP_HOSTS }, (_, i) => ipOf(i));
    await sweep(t, probeId, subnetId, now - 120_000, all);
    await sweep(t, probeId, subnetId, now - 60_000, []);
    const mark = (await t.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM alert_events`))[0]!.n;
    if (mark !== 0) throw new Error(`${mark} events before the deciding sweep`);
    const ingestMs = await sweep(t, probeId, subnetId, now, []);
    const rows = await t.deps.db.all<{ type: string; n: number }>(sql`SELECT type, count(*) AS n FROM alert_events GROUP BY type`);
    const deliveries = (await t.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM webhook_deliveries`))[0]!.n;
    const down = (await t.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM hosts WHERE subnet_id = ${subnetId} AND status = 'down'`))[0]!.n;
    if (down !== FLIP_HOSTS) throw new Error(`${down} hosts down after the deciding sweep, wanted ${FLIP_HOSTS}`);
    const started = performance.now();
    await runDeliveries(realClock(t.deps), { budgetMs: 60_000 });
    const deliverS = (performance.now() - started) / 1000;
    const bodies = rx.received.map((r) => JSON.parse(r.body));
    const r: StormResult = {
      hosts: FLIP_HOSTS, cidr: CIDR, events: Object.fromEntries(rows.map((x) => [x.type, x.n])), deliveries,
      received: bodies.map((b) => b.type), verified: rx.received.filter((x) => x.verified).length, ingestMs, deliverS,
      listed: bodies[0]?.data.hosts?.length ?? 0, hostsTotal: bodies[0]?.data.hostsTotal ?? 0,
    };
    log(`${FLIP_HOSTS} hosts down in one sweep → events ${JSON.stringify(r.events)}, ${deliveries} deliveries, received ${r.received.join(', ')}`);
    return r;
  } finally {
    t.close();
    await rx.close();
  }
}
