/**
 * GET /api/subnets/:id/changes: what is new and what is missing, since the last sweep and since a chosen time. Sweeps
 * (complete, with MACs on the answers) go through the probe protocol into the real sweep ingest on libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { makeTestApp, type TestApp } from '../support/app.js';

const A = '00:0c:29:00:00:01';
const B = '00:0c:29:00:00:02';
const C = 'b8:27:eb:00:00:03';
const D = '00:14:22:00:00:04';

let t: TestApp;
let probeId: number;
let subnetId: number;
let seq = 0;
const iso = (ms: number) => new Date(ms).toISOString();
const ip = (n: number) => `198.18.4.${n}`;

async function sweep(sid: number, up: { n: number; mac?: string }[], complete = true) {
  const at = t.clock.now();
  const item = { kind: 'sweep', subnetId: sid, at, durationMs: 3, complete, up: up.map((u) => ({ ip: ip(u.n), latencyMs: 0.4, ...(u.mac && { mac: u.mac, vendor: 'Vendor' }) })), down: [] };
  const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `c-${++seq}`, results: [item] }));
  expect(ack).toMatchObject({ type: 'ack', duplicate: false, rejectedSubnets: [] });
  return at;
}
const changes = async (query = '', sid = subnetId) => {
  const res = await t.call('GET', `/api/subnets/${sid}/changes${query}`);
  return res.status === 200 ? res.body : [res.status, res.body.error.code];
};
/** The lists in short: new hosts as addresses, new MACs as "ip mac<previous", missing as "ip status". */
const brief = (c: any) => ({
  newHosts: c.newHosts.map((h: any) => h.ip),
  newMacs: c.newMacs.map((m: any) => `${m.ip} ${m.mac}<${m.previousMac}`),
  missing: c.missing.map((m: any) => `${m.ip} ${m.status}`),
});

let t0: number;
let t1: number;
let t2: number;

beforeAll(async () => {
  t = await makeTestApp(); // DOWN_AFTER_FAILURES 2: one silent sweep leaves a host up
  probeId = (await t.call('POST', '/api/probes', { name: 'p' })).body.id;
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.4.0/28', probeId })).body.id;
  await t.call('POST', '/api/hosts', { ip: ip(9), hostname: 'printer' }); // recorded by hand, never answered
  t0 = await sweep(subnetId, [{ n: 1, mac: A }, { n: 2, mac: B }, { n: 3 }]);
  t.clock.advance(60_000);
  // .2 changed its MAC, .4 is new, .3 did not answer
  t1 = await sweep(subnetId, [{ n: 1, mac: A }, { n: 2, mac: C }, { n: 4, mac: D }]);
});
afterAll(() => t.close());

describe('GET /api/subnets/:id/changes', () => {
  it('without since: what the latest sweep brought', async () => {
    const c = await changes();
    expect(c).toMatchObject({ since: iso(t1), until: iso(t1), lastSweepAt: iso(t1), truncated: false });
    expect(brief(c)).toEqual({ newHosts: [ip(4)], newMacs: [`${ip(2)} ${C}<${B}`, `${ip(4)} ${D}<null`], missing: [`${ip(3)} up`] });
    const ids = Object.fromEntries((await t.call('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts.map((h: any) => [h.ip, h.id]));
    expect(c.newHosts).toEqual([{ hostId: ids[ip(4)], ip: ip(4), hostname: null, mac: D, vendor: 'Vendor', firstSeenAt: iso(t1) }]);
    expect(c.newMacs[0]).toEqual({ hostId: ids[ip(2)], ip: ip(2), hostname: null, mac: C, vendor: 'Vendor', previousMac: B, firstSeenAt: iso(t1) });
    expect(c.missing).toEqual([{ hostId: ids[ip(3)], ip: ip(3), hostname: null, mac: null, vendor: null, lastSeenAt: iso(t0), status: 'up' }]);
  });

  it('since a chosen time (ISO or ms): everything from then on, newest first', async () => {
    const c = await changes(`?since=${encodeURIComponent(iso(t0))}`);
    expect(c).toMatchObject({ since: iso(t0), until: iso(t1), lastSweepAt: iso(t1) });
    expect(brief(c)).toEqual({
      newHosts: [ip(4), ip(1), ip(2), ip(3)],
      newMacs: [`${ip(2)} ${C}<${B}`, `${ip(4)} ${D}<null`, `${ip(1)} ${A}<null`, `${ip(2)} ${B}<null`],
      missing: [`${ip(3)} up`],
    });
    expect(await changes(`?since=${t0}`)).toEqual(c);
    // just before the latest sweep: .3 was still answering when the window began (in the sweep before it)
    expect(brief(await changes(`?since=${t1 - 1}`))).toEqual(brief(await changes()));
  });

  it('the next sweep: nothing new, and .3 silent since the sweep before is no longer news (now down)', async () => {
    t.clock.advance(60_000);
    t2 = await sweep(subnetId, [{ n: 1, mac: A }, { n: 2, mac: C }, { n: 4, mac: D }]);
    expect(await changes()).toMatchObject({ since: iso(t2), lastSweepAt: iso(t2), newHosts: [], newMacs: [], missing: [] });
    // over the last two sweeps it is
    expect(brief(await changes(`?since=${t1}`))).toEqual({ newHosts: [ip(4)], newMacs: [`${ip(2)} ${C}<${B}`, `${ip(4)} ${D}<null`], missing: [`${ip(3)} down`] });
  });

  it('a MAC that comes back to an address it had is not new; the device it replaced is its previous', async () => {
    t.clock.advance(60_000);
    await sweep(subnetId, [{ n: 1, mac: A }, { n: 2, mac: B }, { n: 4, mac: D }]);
    expect(brief(await changes())).toEqual({ newHosts: [], newMacs: [], missing: [] });
    t.clock.advance(60_000);
    const t4 = await sweep(subnetId, [{ n: 1, mac: A }, { n: 2, mac: D }, { n: 4, mac: D }]);
    // D is new to .2; before it .2 had B (last seen latest), not C
    expect(brief(await changes(`?since=${t4}`)).newMacs).toEqual([`${ip(2)} ${D}<${B}`]);
  });

  it('a subnet never swept: nothing, since now, lastSweepAt null', async () => {
    const quiet = (await t.call('POST', '/api/subnets', { cidr: '198.18.5.0/28' })).body.id;
    await t.call('POST', '/api/hosts', { ip: '198.18.5.3' });
    expect(await changes('', quiet)).toEqual({ since: iso(t.clock.now()), until: iso(t.clock.now()), lastSweepAt: null, newHosts: [], newMacs: [], missing: [], unregistered: [], truncated: false });
  });

  it.each([['?since=yesterday'], ['?since=2026-11-25T12:00:00'], ['?since=2026-02-30'], ['?since=-1'], ['?since=']])('%s is 400 invalid_since', async (query) => {
    expect(await changes(query)).toEqual([400, 'invalid_since']);
  });

  it('a since in the future is 400 invalid_since; an unknown subnet 404', async () => {
    expect(await changes(`?since=${t.clock.now() + 1000}`)).toEqual([400, 'invalid_since']);
    expect(await changes(`?since=${encodeURIComponent(iso(t.clock.now() + 86_400_000))}`)).toEqual([400, 'invalid_since']);
    expect(await changes('', 99999)).toEqual([404, 'not_found']);
  });

  it('each list stops at 500 and says so', async () => {
    const big = (await t.call('POST', '/api/subnets', { cidr: '198.18.8.0/22', probeId })).body.id;
    const at = t.clock.now();
    const up = Array.from({ length: 501 }, (_, i) => ({ ip: `198.18.${8 + ((i + 1) >> 8)}.${(i + 1) & 255}`, latencyMs: 1, mac: `00:0c:29:01:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, vendor: null }));
    // two parts, as a probe splits a sweep: a batch writes at most MAX_FRAME_SAMPLES rows of samples and devices
    for (const part of [up.slice(0, 250), up.slice(250)]) {
      const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `c-${++seq}`, results: [{ kind: 'sweep', subnetId: big, at, durationMs: 9, complete: false, up: part, down: [] }] }));
      expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    }
    const c = await changes('', big);
    expect([c.newHosts.length, c.newMacs.length, c.missing.length, c.truncated]).toEqual([500, 500, 0, true]);
  });

  it('"since the last sweep" is the sweep before it, however soon after the last one came (sweep now on an hourly subnet)', async () => {
    const hourly = (await t.call('POST', '/api/subnets', { cidr: '198.18.4.16/28', probeId, sweepIntervalSeconds: 3600 })).body.id;
    const addr = (n: number) => `198.18.4.${16 + n}`;
    const sweepOf = async (ns: number[]) => {
      const at = t.clock.now();
      const item = { kind: 'sweep', subnetId: hourly, at, durationMs: 3, complete: true, up: ns.map((n) => ({ ip: addr(n), latencyMs: 0.4 })), down: [] };
      const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `c-${++seq}`, results: [item] }));
      expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
      t.clock.advance(120_000);
      return at;
    };
    await sweepOf([1, 2]);
    await sweepOf([2]); // .1 went silent here
    const last = await sweepOf([]); // .2 went silent here, two minutes later
    const c = await changes('', hourly);
    expect([c.lastSweepAt, c.since, c.missing.map((m: any) => m.ip)]).toEqual([iso(last), iso(last), [addr(2)]]);
    // a chosen time looks an interval and a half back: both were answering then
    expect((await changes(`?since=${last}`, hourly)).missing.map((m: any) => m.ip).sort()).toEqual([addr(1), addr(2)]);
  });

  it('is a viewer route, documented with its window', async () => {
    const op = (await t.call('GET', '/openapi.json')).body.paths['/api/subnets/{id}/changes'].get;
    expect(op['x-required-role']).toBe('viewer');
    expect(JSON.stringify(op)).toContain('invalid_since');
  });
});
