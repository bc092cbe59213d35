/** A test app with a probe, a subnet and a loopback receiver, and the helpers the webhook delivery suites share. */
import { expect } from 'vitest';
import type { AppConfig } from '../../worker/config.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { runDeliveries, type RunReport } from '../../worker/webhooks/runner.js';
import { makeTestApp, type TestApp } from './app.js';
import { WebhookReceiver, type Received } from './webhook-receiver.js';

export interface DeliveryRow {
  id: number;
  eventId: string;
  orderKey: string;
  state: string;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  lastStatus: number | null;
}

export interface Rig {
  /** The test app; `call` goes as the admin with an API token. */
  t: TestApp;
  rx: WebhookReceiver;
  probeId: number;
  subnetId: number;
  /** One complete sweep at the test clock's time answered by these addresses; then the clock moves on a minute. */
  sweep(up: string[]): Promise<void>;
  /** Creates an endpoint (201 expected) and lets the receiver verify with its secret. */
  endpoint(body: Record<string, unknown>): Promise<{ id: number; secret: string }>;
  /** Sends what is due on the test clock (a run, as a host's timer or alarm would start it). */
  run(): Promise<RunReport>;
  deliveries(endpointId: number): Promise<DeliveryRow[]>;
  /** GET /api/webhooks/{id}/deliveries */
  log(endpointId: number): Promise<{ attempts: any[]; pending: number; nextAttemptAt: string | null }>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/** The subnet's addresses for the suites (198.18.0.0/15: never routed). */
export const ip = (n: number) => `198.18.0.${n}`;

export async function webhookRig(config: Partial<AppConfig> = {}): Promise<Rig> {
  // the clock starts at the real time: the receiver compares webhook-timestamp with it
  const app = await makeTestApp({ downAfterFailures: 1, webhookAllowPrivate: true, ...config }, { clockAt: Date.now() });
  // an admin token that never expires: the suites move the clock days ahead, past any login session
  const token = await app.call('POST', '/api/tokens', { name: 'suite', role: 'admin' });
  expect(token.status).toBe(201);
  const bearer = { authorization: `Bearer ${token.body.token}` };
  const t: TestApp = { ...app, call: (method, path, body, headers) => app.call(method, path, body, headers ?? bearer) };
  const rx = await new WebhookReceiver().start();
  const probeId = (await t.call('POST', '/api/probes', { name: 'rack-1' })).body.id;
  const subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', name: 'lab', probeId })).body.id;
  let batch = 0;
  const rig: Rig = {
    t,
    rx,
    probeId,
    subnetId,
    async sweep(up) {
      const results = [{ kind: 'sweep', subnetId, at: t.clock.now(), durationMs: 5, complete: true, up: up.map((a) => ({ ip: a, latencyMs: 1 })), down: [] }];
      const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `b${++batch}`, results }));
      expect(ack).toMatchObject({ type: 'ack', duplicate: false });
      t.clock.advance(60_000);
    },
    async endpoint(body) {
      const res = await t.call('POST', '/api/webhooks', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      rx.secrets.push(res.body.secret);
      return { id: res.body.id, secret: res.body.secret };
    },
    run: () => runDeliveries(t.deps, { budgetMs: 5_000 }),
    async deliveries(endpointId) {
      const rows = await t.client.execute({
        sql: `SELECT id, event_id AS eventId, order_key AS orderKey, state, attempts, next_attempt_at AS nextAttemptAt, lease_until AS leaseUntil, last_status AS lastStatus
          FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id`,
        args: [endpointId],
      });
      return rows.rows.map((r) => ({ ...r }) as unknown as DeliveryRow);
    },
    async log(endpointId) {
      const res = await t.call('GET', `/api/webhooks/${endpointId}/deliveries?limit=500`);
      expect(res.status).toBe(200);
      return res.body;
    },
    async count(table) {
      return Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    },
    async close() {
      await rx.close();
      t.close();
    },
  };
  return rig;
}

/** The requests' events in arrival order, as [host ip, type, webhook-id]. */
export function arrivals(received: readonly Received[]): { ip: string | null; type: string; id: string; status: number; body: string; signature: string }[] {
  return received.map((r) => {
    const body = JSON.parse(r.body);
    return { ip: body.data?.host?.ip ?? null, type: body.type, id: String(r.headers['webhook-id']), status: r.status, body: r.body, signature: String(r.headers['webhook-signature']) };
  });
}
