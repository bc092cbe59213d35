import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { alertEvent, type AlertEvent } from '../../schema/alert-event.js';
import type { AppConfig } from '../../worker/config.js';
import { alertCatchUp, offlineProbes } from '../../worker/duties.js';
import { handleProbeFrame, probeConnected } from '../../worker/probe-link/session.js';
import { runDeliveries } from '../../worker/webhooks/runner.js';
import { makeTestApp, type TestApp } from './app.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** A delivery the receiver verified: its path (which endpoint) and its generic body, parsed with `alertEvent`. */
export interface Sent {
  path: string;
  event: AlertEvent;
}

/** An event as GET /api/alerts lists it. */
export interface Recorded {
  event: AlertEvent;
  muted: boolean;
  mutedBy: number | null;
  deliveries: { total: number; delivered: number; pending: number };
}

export interface AlertRig {
  t: TestApp;
  rx: WebhookReceiver;
  probe: { id: number; name: string };
  /** Creates a subnet swept by the rig's probe; `fields` go into the POST body. */
  subnet(cidr: string, fields?: Record<string, unknown>): Promise<number>;
  /** PATCHes a subnet (thresholds) and expects 200. */
  patchSubnet(id: number, fields: Record<string, unknown>): Promise<any>;
  /** Creates a webhook endpoint at `${rx.url}${path}` (all event types unless `fields` says otherwise); the receiver learns its secret. */
  endpoint(path: string, fields?: Record<string, unknown>): Promise<number>;
  /** One complete sweep of the subnet at the clock's time (or `at`), answered by `up`; then the clock moves on a minute. Returns the sweep's time. */
  sweep(subnetId: number, up: readonly string[], opts?: { at?: number; range?: [string, string]; advance?: boolean }): Promise<number>;
  /** A results frame of the probe, acked clean. */
  results(items: unknown[]): Promise<void>;
  /** The subnet's hosts by address. */
  hostIds(subnetId: number): Promise<Map<string, number>>;
  /** Sends what is due; then what the receiver got since the last settle (each checked: verified, webhook-id = body id) and what was recorded since. */
  settle(): Promise<{ sent: Sent[]; recorded: Recorded[] }>;
  /** The `alerts` duty (catch-up and reminders). */
  catchUp(): Promise<void>;
  /** The `offline-probes` duty. */
  offlineDuty(): Promise<void>;
  /** Reopens the app on the same database file (only for a rig made with `restartable`). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A test app with a probe that has connected once (so its alert state is online), a verifying receiver on
 * loopback, and helpers that feed results frames through `handleProbeFrame` and run the real delivery runner.
 * The clock starts at the real time: the receiver compares signatures' timestamps with it.
 */
export async function alertRig(config: Partial<AppConfig> = {}, opts: { restartable?: boolean } = {}): Promise<AlertRig> {
  const full: Partial<AppConfig> = { downAfterFailures: 2, webhookAllowPrivate: true, ...config };
  let dir: string | null = null;
  let t: TestApp;
  if (opts.restartable) {
    dir = mkdtempSync(join(tmpdir(), 'eipam-alerts-'));
    t = await makeTestApp(full, { file: join(dir, 'test.db'), clockAt: Date.now() });
  } else {
    t = await makeTestApp(full, { clockAt: Date.now() });
  }
  const rx = await new WebhookReceiver().start();
  const probeId = (await t.call('POST', '/api/probes', { name: 'rack-1' })).body.id as number;
  const probe = { id: probeId, name: 'rack-1' };
  await probeConnected(t.deps, probe);
  let batch = 0;
  let taken = 0;
  const seen = new Set<string>();

  const rig: AlertRig = {
    get t() {
      return t;
    },
    rx,
    probe,
    async subnet(cidr, fields = {}) {
      const res = await t.call('POST', '/api/subnets', { cidr, name: cidr, probeId, ...fields });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id;
    },
    async patchSubnet(id, fields) {
      const res = await t.call('PATCH', `/api/subnets/${id}`, fields);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
    async endpoint(path, fields = {}) {
      const res = await t.call('POST', '/api/webhooks', {
        name: path,
        url: `${rx.url}${path}`,
        eventTypes: ['host.down', 'host.up', 'port.opened', 'port.closed', 'service.changed', 'probe.offline', 'probe.online', 'subnet.degraded', 'subnet.recovered'],
        ...fields,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      rx.secrets.push(res.body.secret);
      return res.body.id;
    },
    async sweep(subnetId, up, o = {}) {
      const at = o.at ?? t.clock.now();
      const item = { kind: 'sweep', subnetId, at, durationMs: 5, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [], ...(o.range ? { range: o.range } : {}) };
      await rig.results([item]);
      if (o.advance !== false) t.clock.advance(60_000);
      return at;
    },
    async results(items) {
      const batchId = `alerts-${++batch}`;
      const replies = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId, results: items }));
      expect(replies).toEqual([{ type: 'ack', batchId, duplicate: false, rejectedSubnets: [] }]);
    },
    async hostIds(subnetId) {
      const rows = await t.client.execute({ sql: 'SELECT id, ip FROM hosts WHERE subnet_id = ?', args: [subnetId] });
      return new Map(rows.rows.map((r) => [String(r.ip), Number(r.id)]));
    },
    async settle() {
      await runDeliveries(t.deps, { budgetMs: 10_000 });
      const fresh = rx.received.slice(taken);
      taken = rx.received.length;
      const sent = fresh.map((r) => {
        expect(r.verified, `signature of ${r.path}`).toBe(true);
        const event = alertEvent.parse(JSON.parse(r.body));
        expect(r.headers['webhook-id']).toBe(event.id);
        return { path: r.path, event };
      });
      const res = await t.call('GET', '/api/alerts?limit=500');
      expect(res.status).toBe(200);
      const recorded = (res.body.alerts as Recorded[]).filter((a) => !seen.has(a.event.id)).reverse();
      for (const a of recorded) seen.add(a.event.id);
      return { sent, recorded };
    },
    catchUp: () => alertCatchUp.run(t.deps),
    offlineDuty: () => offlineProbes.run(t.deps),
    async restart() {
      if (!dir) throw new Error('the rig was not made restartable');
      const clock = t.clock;
      t.close();
      t = await makeTestApp(full, { file: join(dir, 'test.db'), clock });
    },
    async close() {
      await rx.close();
      t.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** What a list of deliveries or records is, as `type` or `type ip` lines (for readable assertions). */
export const kinds = (list: readonly { event: AlertEvent }[]): string[] => list.map(({ event: e }) => (e.data.host ? `${e.type} ${e.data.host.ip}` : e.type));

/** The addresses an event lists (subnet.degraded / subnet.recovered), sorted. */
export const listed = (e: AlertEvent): string[] => (e.data.hosts ?? []).map((h) => h.ip).sort();
