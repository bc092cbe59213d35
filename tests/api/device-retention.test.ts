/** Device history is kept as long as the state changes (HOURLY_RETENTION_DAYS); the device an address has now is never pruned. */
import { afterAll, expect, it } from 'vitest';
import { pruneHistory } from '../../worker/duties.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { makeTestApp, TestClock, type TestApp } from '../support/app.js';

const DAY = 86_400_000;
let t: TestApp;
afterAll(() => t?.close());

it('prune-history drops devices an address had before the retention, never the one it has', async () => {
  t = await makeTestApp({ hourlyRetentionDays: 7, sessionTtlSeconds: 30 * 86_400 }, { clock: new TestClock() });
  const probeId = (await t.call('POST', '/api/probes', { name: 'p' })).body.id;
  const subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.7.0/29', probeId })).body.id;
  let seq = 0;
  const sweep = async (mac: string) => {
    const item = { kind: 'sweep', subnetId, at: t.clock.now(), durationMs: 2, complete: true, up: [{ ip: '198.18.7.2', latencyMs: 1, mac, vendor: 'VMware, Inc.' }], down: [] };
    const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `r-${++seq}`, results: [item] }));
    expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
  };
  const macs = async () => (await t.client.execute('SELECT mac FROM host_devices ORDER BY first_seen_at')).rows.map((r) => r.mac);
  await sweep('00:0c:29:00:07:01');
  t.clock.advance(60_000);
  await sweep('00:0c:29:00:07:02'); // the first device leaves
  t.clock.advance(6 * DAY);
  await pruneHistory.run(t.deps);
  expect(await macs()).toEqual(['00:0c:29:00:07:01', '00:0c:29:00:07:02']);
  t.clock.advance(2 * DAY); // past 7 days: the old device goes; the current one stays, however old its first sighting
  await pruneHistory.run(t.deps);
  expect(await macs()).toEqual(['00:0c:29:00:07:02']);
});
