import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertEvent } from '../../schema/alert-event.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { runDeliveries } from '../../worker/webhooks/runner.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let t: TestApp;
let rx: WebhookReceiver;
let probeId: number;
let subnetId: number;
let batch = 0;

/** One complete sweep of the subnet at the test clock's time, answered by these addresses. */
const sweep = async (up: string[], subnet = subnetId) => {
  const frame = JSON.stringify({
    type: 'results',
    batchId: `b${++batch}`,
    results: [{ kind: 'sweep', subnetId: subnet, at: t.clock.now(), durationMs: 5, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [] }],
  });
  const [ack] = await handleProbeFrame(t.deps, probeId, frame);
  expect(ack).toMatchObject({ type: 'ack', duplicate: false });
  t.clock.advance(60_000);
};
const ips = (n: number, from = 10) => Array.from({ length: n }, (_, i) => `198.18.0.${from + i}`);
const deliverAll = () => runDeliveries(t.deps, { budgetMs: 5_000 });

beforeAll(async () => {
  // the receiver checks the signature's timestamp against the real clock
  t = await makeTestApp({ downAfterFailures: 2, webhookAllowPrivate: true }, { clockAt: Date.now() });
  rx = await new WebhookReceiver().start();
  probeId = (await t.call('POST', '/api/probes', { name: 'rack-1' })).body.id;
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', name: 'lab', probeId })).body.id;
});
afterAll(async () => {
  await rx.close();
  t.close();
});

describe('webhook endpoints', () => {
  let endpointId: number;
  let secret: string;
  beforeEach(() => {
    rx.received.length = 0;
    rx.secrets = secret ? [secret] : [];
    rx.answer = () => ({ status: 204 });
  });

  it('creates an endpoint whose secret is shown once', async () => {
    const res = await t.call('POST', '/api/webhooks', { name: 'ops', url: `${rx.url}/hook`, eventTypes: ['host.down', 'host.up', 'subnet.degraded', 'subnet.recovered'] });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    endpointId = res.body.id;
    secret = res.body.secret;
    rx.secrets = [secret];
    const again = await t.call('GET', `/api/webhooks/${endpointId}`);
    expect(again.body.secret).toBeUndefined();
  });

  it('a host going down is one signed "down" delivery that verifies', async () => {
    await sweep(['198.18.0.10', '198.18.0.11']);
    await sweep(['198.18.0.10']);
    await sweep(['198.18.0.10']);
    await deliverAll();
    expect(rx.received).toHaveLength(1);
    const [got] = rx.received;
    expect(got!.verified).toBe(true);
    const body = alertEvent.parse(JSON.parse(got!.body));
    expect(body).toMatchObject({ type: 'host.down', data: { host: { ip: '198.18.0.11' }, subnet: { id: subnetId, name: 'lab' }, probe: { name: 'rack-1' }, previous: 'up', current: 'down' } });
    expect(got!.headers['webhook-id']).toBe(body.id);
    // a second run sends nothing again
    await deliverAll();
    expect(rx.received).toHaveLength(1);
  });

  it('a run stops at maxAttempts (the Workers alarm: subrequests per invocation) and the next takes the rest', async () => {
    await sweep(ips(6, 20));
    await sweep([]);
    await sweep([]); // 6 hosts down at once: one subnet.degraded
    await deliverAll();
    rx.received.length = 0;
    // back one by one: a subnet.recovered at the third, then a host.up each, all pending at once
    for (let n = 1; n <= 6; n++) await sweep(ips(n, 20));
    const first = await runDeliveries(t.deps, { maxAttempts: 1 });
    expect(first.attempts).toBe(1);
    expect(rx.received).toHaveLength(1);
    const rest = await deliverAll();
    expect(rest.attempts).toBe(rx.received.length - 1);
    expect(rx.received.length).toBeGreaterThan(1);
  });

  it.each(['deleted', 'disabled'] as const)('an endpoint %s while its delivery is in flight: the others are logged once and not sent again', async (what) => {
    const mk = async (name: string, path: string) => (await t.call('POST', '/api/webhooks', { name, url: `${rx.url}${path}`, eventTypes: ['host.down', 'host.up', 'subnet.degraded', 'subnet.recovered'] })).body;
    await t.call('PATCH', `/api/webhooks/${endpointId}`, { enabled: false }); // the first test's endpoint sits this out
    const slow = await mk(`slow-${what}`, '/slow');
    const fast = await mk(`fast-${what}`, '/fast');
    rx.secrets = [slow.secret, fast.secret];
    rx.answer = (_n, req) => (req.path === '/slow' ? 'hold' : { status: 204 });
    // a subnet of its own: one host, so its going down is a host.down
    const cidr = what === 'deleted' ? '198.18.5.0/29' : '198.18.6.0/29';
    const own = (await t.call('POST', '/api/subnets', { cidr, probeId })).body.id;
    await sweep([cidr.replace('0/29', '2')], own);
    await sweep([], own);
    await sweep([], own);
    const run = runDeliveries(t.deps, { budgetMs: 5_000 });
    await waitFor('both endpoints reached', () => rx.received.some((r) => r.path === '/slow') && rx.received.some((r) => r.path === '/fast'), 5_000, 20);
    if (what === 'deleted') expect((await t.call('DELETE', `/api/webhooks/${slow.id}`)).status).toBe(204);
    else expect((await t.call('PATCH', `/api/webhooks/${slow.id}`, { enabled: false })).status).toBe(200);
    rx.release();
    await run; // must not fail on the vanished row
    const log = (await t.call('GET', `/api/webhooks/${fast.id}/deliveries`)).body;
    expect(log.attempts.map((a: any) => [a.statusCode, a.state])).toEqual([[204, 'delivered']]);
    // its answer came after it was cancelled: recorded, and never pending again
    if (what === 'disabled') expect((await t.call('GET', `/api/webhooks/${slow.id}/deliveries`)).body).toMatchObject({ pending: 0, attempts: [{ statusCode: 204 }] });
    const sent = rx.received.length;
    t.clock.advance(120_000); // past any claim
    await deliverAll();
    expect(rx.received.length).toBe(sent);
    await t.call('DELETE', `/api/webhooks/${fast.id}`);
    if (what === 'disabled') await t.call('DELETE', `/api/webhooks/${slow.id}`);
    await t.call('PATCH', `/api/webhooks/${endpointId}`, { enabled: true });
  });

  it('sends the test event and answers how it went', async () => {
    const res = await t.call('POST', `/api/webhooks/${endpointId}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delivered: true, statusCode: 204 });
    expect(rx.received[0]!.verified).toBe(true);
    expect(JSON.parse(rx.received[0]!.body).type).toBe('test');
  });
});
