import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subnetAlertStates } from '../../worker/alerts/store.js';
import { outboxParams, outboxStatements, type OutboxRows } from '../../worker/alerts/outbox.js';
import { batchable } from '../../worker/db.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let subnetId: number;
let ids: number[];

beforeAll(async () => {
  t = await makeTestApp({ webhookAllowPrivate: true });
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/22', name: 'states' })).body.id;
  const other = (await t.call('POST', '/api/subnets', { cidr: '198.18.8.0/24', name: 'other' })).body.id;
  const now = t.clock.now();
  await t.client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
      INSERT INTO hosts (subnet_id, ip, ip_key, status, created_at, updated_at)
      SELECT ?, '198.18.' || (i / 256) || '.' || (i % 256), printf('%08d', i), 'up', ?, ? FROM n`,
    args: [subnetId, now, now],
  });
  await t.client.execute({ sql: `INSERT INTO hosts (subnet_id, ip, ip_key, status, created_at, updated_at) VALUES (?, '198.18.8.1', 'x', 'up', ?, ?)`, args: [other, now, now] });
  await t.client.execute({
    sql: `INSERT INTO alert_states (subject, host_id, subnet_id, state, notified, ups, since) SELECT 'host:' || id, id, subnet_id, 'down', 'down', id % 3, ? FROM hosts`,
    args: [now],
  });
  ids = (await t.client.execute({ sql: 'SELECT id FROM hosts WHERE subnet_id = ? ORDER BY ip_key', args: [subnetId] })).rows.map((r) => Number(r.id));
});
afterAll(() => t.close());

describe("a batch's alert states", () => {
  it("are those of the batch's hosts and the subnet's, not every host's of the subnet", async () => {
    const got = await subnetAlertStates(t.deps, subnetId, ids.slice(0, 10));
    expect([...got.hosts.keys()].sort((a, b) => a - b)).toEqual(ids.slice(0, 10));
    expect(got.hosts.get(ids[4]!)).toEqual({ state: 'down', notified: 'down', ups: ids[4]! % 3, since: t.clock.now(), lastSentAt: null });
    expect(got.subnet).toBeNull();
  });

  it("with the subnet degraded: also the incident's hosts beyond the batch, and the subnet's row", async () => {
    const incident = [ids[3]!, ids[500]!, ids[999]!];
    await t.client.execute({
      sql: `INSERT INTO alert_states (subject, subnet_id, state, notified, ups, since, detail) VALUES (?, ?, 'degraded', 'degraded', 0, ?, ?)`,
      args: [`subnet:${subnetId}`, subnetId, t.clock.now(), JSON.stringify(incident)],
    });
    const got = await subnetAlertStates(t.deps, subnetId, ids.slice(0, 10));
    expect([...got.hosts.keys()].sort((a, b) => a - b)).toEqual([...ids.slice(0, 10), ids[500]!, ids[999]!]);
    expect(got.subnet).toEqual({ state: 'degraded', notified: 'degraded', since: t.clock.now(), hostIds: incident });
    // an empty batch still finds the subnet and its incident
    expect([...(await subnetAlertStates(t.deps, subnetId, [])).hosts.keys()].sort((a, b) => a - b)).toEqual(incident);
  });
});

describe('the outbox rows of a large catch-up', () => {
  it('3,000 events (~3 MB of bodies) go in several statements of one batch: every row, in order', async () => {
    const ep = (await t.call('POST', '/api/webhooks', { name: 'big', url: 'http://127.0.0.1:9/hook', eventTypes: ['host.down'] })).body;
    const rows: OutboxRows = { events: [], deliveries: [] };
    for (let i = 0; i < 3000; i++) {
      const id = `evt_big_${String(i).padStart(4, '0')}`;
      rows.events.push({ id, type: 'host.down', at: t.clock.now() + i, hostId: ids[i % 1000]!, subnetId, probeId: null, mutedBy: null, body: JSON.stringify({ id, pad: 'é'.repeat(300 + (i % 300)) }) });
      rows.deliveries.push({ eventId: id, endpointId: ep.id, orderKey: `host:${ids[i % 1000]}` });
    }
    expect(outboxParams(rows).events.length).toBeGreaterThan(1);
    const [first, ...rest] = outboxStatements(rows, t.clock.now()).map((s) => batchable(t.deps.db, s));
    await t.deps.db.batch([first!, ...rest]);
    const events = await t.client.execute(`SELECT id, body FROM alert_events WHERE id LIKE 'evt_big_%' ORDER BY rowid`);
    expect(events.rows.map((r) => r.id)).toEqual(rows.events.map((e) => e.id));
    expect(events.rows.map((r) => r.body)).toEqual(rows.events.map((e) => e.body));
    const deliveries = await t.client.execute({ sql: 'SELECT event_id FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id', args: [ep.id] });
    expect(deliveries.rows.map((r) => r.event_id)).toEqual(rows.deliveries.map((d) => d.eventId));
  });
});
