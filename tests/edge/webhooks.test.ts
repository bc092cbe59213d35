/**
 * Webhook delivery on the Workers host (`wrangler dev`: workerd, D1, the OutboxObject's alarm, the cron handler),
 * to a real receiver on loopback that verifies every Standard Webhooks signature. wrangler dev never fires the
 * cron by itself, so whatever arrives before `edge.cron()` is called came through the request or the alarm.
 * The probe is a RawProbe sending protocol frames over loopback: nothing is scanned, no packet leaves the machine.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEvent } from '../../schema/alert-event.js';
import { startEdgeServer, type EdgeServer } from '../support/edge.js';
import { RawProbe } from '../support/server.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let edge: EdgeServer;
let api: ReturnType<typeof client>;
let probe: RawProbe;
let probeId: number;
let batch = 0;
let sweptAt = Date.now() - 600_000;

/** One complete sweep of the subnet answered by `up`; resolves once the Worker has stored it (and woken the sender). */
async function sweep(subnetId: number, up: string[]) {
  sweptAt += 1000;
  const batchId = `edge-wh-${++batch}`;
  probe.send({ type: 'results', batchId, results: [{ kind: 'sweep', subnetId, at: sweptAt, durationMs: 5, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [] }] });
  expect(await probe.next('ack', 10_000)).toMatchObject({ batchId, duplicate: false, rejectedSubnets: [] });
}

/** An endpoint for `rx` (only for events of `subnetIds` unless null); the receiver learns its secret. */
async function endpoint(rx: WebhookReceiver, name: string, subnetIds: number[] | null, eventTypes = ['host.down', 'host.up']) {
  const res = await api('POST', '/api/webhooks', { name, url: `${rx.url}/hook`, eventTypes, subnetIds });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  rx.secrets = [res.body.secret];
  return res.body.id as number;
}

async function subnet(cidr: string) {
  const res = await api('POST', '/api/subnets', { cidr, probeId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await probe.next('assignment', 10_000);
  return res.body.id as number;
}

/** A statement on the local D1 behind the running `wrangler dev`, as an operator would run it. */
function d1(server: EdgeServer, query: string): void {
  const res = spawnSync(join(process.cwd(), 'node_modules/.bin/wrangler'), ['d1', 'execute', 'DB', '--local', '--persist-to', server.stateDir, '--command', query], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`wrangler d1 execute failed: ${res.stderr}${res.stdout}`);
}

/** fetch, once more if the idle keep-alive socket was closed under it (wrangler dev drops idle ones after a few seconds). */
async function fetchAgain(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url);
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failWithLog = (e: unknown): never => {
  throw new Error(`${(e as Error).message}\nwrangler log:\n${edge.log().slice(-4000)}`);
};

describe('webhook delivery on the Workers host', () => {
  const receivers: WebhookReceiver[] = [];
  const receiver = async () => {
    const rx = await new WebhookReceiver().start();
    receivers.push(rx);
    return rx;
  };

  beforeAll(async () => {
    edge = await startEdgeServer({ WEBHOOK_ALLOW_PRIVATE: '1', DOWN_AFTER_FAILURES: '2' });
    api = client(edge.url, await login(edge.url));
    const enrolled = await api('POST', '/api/probes', { name: 'edge-webhooks' });
    probeId = enrolled.body.id;
    probe = await RawProbe.connect(edge.url, enrolled.body.token);
    await probe.next('welcome');
    await probe.next('assignment');
  }, 120_000);

  afterAll(async () => {
    probe?.close();
    await Promise.all(receivers.map((r) => r.close()));
    await edge?.close();
  }, 30_000);

  it('Send test: the runner signs and sends inside the request, and answers how the endpoint replied', async () => {
    const rx = await receiver();
    const id = await endpoint(rx, 'test-button', null, ['test']);
    const res = await api('POST', `/api/webhooks/${id}/test`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ delivered: true, statusCode: 204, error: null });
    expect(rx.received).toHaveLength(1);
    const [got] = rx.received;
    expect(got!.verified).toBe(true);
    expect(Math.abs(got!.skewSeconds)).toBeLessThanOrEqual(5);
    expect(got!.headers['webhook-id']).toBe(res.body.eventId);
    expect(got!.headers['user-agent']).toBe('edge-ipam-webhooks/1');
    expect(alertEvent.parse(JSON.parse(got!.body))).toMatchObject({ id: res.body.eventId, type: 'test' });
    const log = (await api('GET', `/api/webhooks/${id}/deliveries`)).body;
    expect(log).toMatchObject({ pending: 0, nextAttemptAt: null, attempts: [{ statusCode: 204, state: 'delivered', attempt: 1, type: 'test' }] });
  }, 30_000);

  it('a host going down is one signed host.down, sent from the OutboxObject alarm the ingest woke, not the cron', async () => {
    const rx = await receiver();
    const subnetId = await subnet('198.18.60.0/29');
    await endpoint(rx, 'down-now', [subnetId], ['host.down']);
    await sweep(subnetId, ['198.18.60.1', '198.18.60.2']);
    await sweep(subnetId, ['198.18.60.1']);
    const silentAt = Date.now();
    await sweep(subnetId, ['198.18.60.1']); // the second silent sweep: down
    await waitFor('the host.down delivery', () => rx.received.length > 0, 5_000, 50).catch(failWithLog);
    const latency = rx.received[0]!.at - silentAt;
    await wait(1500); // nothing else comes
    expect(rx.received).toHaveLength(1);
    const [got] = rx.received;
    expect(got!.verified).toBe(true);
    const body = alertEvent.parse(JSON.parse(got!.body));
    expect(body).toMatchObject({ type: 'host.down', data: { host: { ip: '198.18.60.2' }, subnet: { id: subnetId }, probe: { id: probeId, name: 'edge-webhooks' }, previous: 'up', current: 'down' } });
    expect(got!.headers['webhook-id']).toBe(body.id);
    expect(latency).toBeLessThan(5_000);
  }, 60_000);

  it('a receiver failing once gets the retry about 5 s later from the alarm; the cron finds nothing left, and sends what no alarm was set for', async () => {
    const rx = await receiver();
    rx.answer = (n) => (n === 0 ? { status: 500 } : { status: 204 });
    const subnetId = await subnet('198.18.61.0/29');
    const id = await endpoint(rx, 'flaky', [subnetId], ['host.down']);
    await sweep(subnetId, ['198.18.61.1', '198.18.61.2']);
    await sweep(subnetId, ['198.18.61.1']);
    await sweep(subnetId, ['198.18.61.1']);
    await waitFor('the first attempt', () => rx.received.length >= 1, 5_000, 50).catch(failWithLog);
    await waitFor('the retry', () => rx.received.length >= 2, 12_000, 100).catch(failWithLog);
    const [first, retry] = rx.received;
    expect([first!.status, retry!.status]).toEqual([500, 204]);
    expect([first!.verified, retry!.verified]).toEqual([true, true]);
    // the same event (its id is the receiver's idempotency key), signed again with the retry's own timestamp
    expect(retry!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(retry!.body).toBe(first!.body);
    // the schedule's second attempt: 5 s with ±10 % jitter (the alarm keeps at least 1 s after a run)
    expect(retry!.at - first!.at).toBeGreaterThanOrEqual(4_000);
    expect(retry!.at - first!.at).toBeLessThan(9_000);
    const settled = (await api('GET', `/api/webhooks/${id}/deliveries`)).body;
    expect(settled).toMatchObject({ pending: 0, nextAttemptAt: null });
    expect(settled.attempts.map((a: any) => [a.statusCode, a.attempt, a.state])).toEqual([
      [204, 2, 'delivered'],
      [500, 1, 'delivered'],
    ]);
    const before = rx.received.length;

    await edge.cron();
    await wait(1500);
    expect(rx.received).toHaveLength(before);
    expect(edge.log()).not.toMatch(/duty failed/);
    expect((await api('GET', `/api/webhooks/${id}/deliveries`)).body.attempts).toHaveLength(2);

    // a delivery due with no alarm set (as if the wake were lost) waits for the cron, whose `alerts` duty wakes the object
    const eventId = String(first!.headers['webhook-id']);
    d1(edge, `INSERT INTO webhook_deliveries (event_id, endpoint_id, order_key, next_attempt_at, created_at) VALUES ('${eventId}', ${id}, 'lost-wake', 0, 0)`);
    await wait(1500);
    expect(rx.received).toHaveLength(before);
    await fetchAgain(`${edge.url}/health`); // a live socket for the cron request after the wrangler command's idle time
    await edge.cron();
    await waitFor('the delivery the cron woke the sender for', () => rx.received.length > before, 5_000, 50).catch(failWithLog);
    expect(rx.received.at(-1)).toMatchObject({ status: 204, verified: true, headers: { 'webhook-id': eventId } });
    expect((await api('GET', `/api/webhooks/${id}/deliveries`)).body.pending).toBe(0);
    // each wait above has its own bound; the whole also spawns `wrangler d1 execute` and two cron requests, which on a
    // loaded 2-core machine (CI: other suites alongside) took the test past 60 s once
  }, 120_000);

  it('a failed Send test is retried from the alarm too', async () => {
    const rx = await receiver();
    rx.answer = (n) => (n === 0 ? { status: 503 } : { status: 204 });
    const id = await endpoint(rx, 'test-retry', null, ['test']);
    const res = await api('POST', `/api/webhooks/${id}/test`);
    expect(res.body).toMatchObject({ delivered: false, statusCode: 503, error: 'HTTP 503' });
    await waitFor('the retried test event', () => rx.received.length >= 2, 12_000, 100).catch(failWithLog);
    expect(rx.received.map((r) => [r.status, r.verified, r.headers['webhook-id']])).toEqual([
      [503, true, res.body.eventId],
      [204, true, res.body.eventId],
    ]);
  }, 30_000);

  it("a redirect is an answer, not followed (fetch with redirect: 'manual' in workerd)", async () => {
    const [rx, elsewhere] = [await receiver(), await receiver()];
    rx.answer = () => ({ status: 307, headers: { location: `${elsewhere.url}/moved` } });
    const id = await endpoint(rx, 'redirecting', null, ['test']);
    const res = await api('POST', `/api/webhooks/${id}/test`);
    const seen = JSON.stringify({ answer: res.body, rx: [rx.url, rx.received.map((r) => [r.path, r.status, r.headers['webhook-id']])], elsewhere: [elsewhere.url, elsewhere.received.map((r) => [r.path, r.status, r.headers])] });
    expect(res.body, seen).toMatchObject({ delivered: false, statusCode: 307, error: 'HTTP 307' });
    await wait(500);
    expect(rx.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
  }, 30_000);

  it('a receiver that never answers is given up on after 15 s (AbortSignal.timeout in workerd)', async () => {
    const rx = await receiver();
    rx.answer = (n) => (n === 0 ? 'hold' : { status: 204 });
    const id = await endpoint(rx, 'silent', null, ['test']);
    const started = Date.now();
    const res = await api('POST', `/api/webhooks/${id}/test`);
    rx.release();
    if (typeof res.body !== 'object') failWithLog(new Error(`answered ${res.status}: ${res.body}`));
    expect(res.body).toMatchObject({ delivered: false, statusCode: null, error: 'no answer within 15 s' });
    expect(res.body.durationMs).toBeGreaterThanOrEqual(14_500);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);
});

describe('webhook URLs on the Workers host', () => {
  let strict: EdgeServer;
  beforeAll(async () => {
    strict = await startEdgeServer();
  }, 120_000);
  afterAll(() => strict?.close(), 30_000);

  it('without WEBHOOK_ALLOW_PRIVATE, the metadata and loopback addresses are refused and nothing is written', async () => {
    const call = client(strict.url, await login(strict.url));
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:9/hook', 'http://[fd00:ec2::254]/']) {
      const res = await call('POST', '/api/webhooks', { name: 'bad', url, eventTypes: ['host.down'] });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('url_not_allowed');
    }
    expect((await call('GET', '/api/webhooks')).body.endpoints).toEqual([]);
  }, 30_000);
});
