/** GET /api/hosts/:id/devices: the device history the sweep ingest records (MACs on sweep answers, through the probe protocol). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { makeTestApp, type TestApp } from '../support/app.js';

const VMWARE = '00:0c:29:aa:bb:01';
const PI = 'b8:27:eb:00:00:01';
const RANDOM = '02:42:ac:11:00:09';

let t: TestApp;
let probeId: number;
let subnetId: number;
let seq = 0;
const iso = (ms: number) => new Date(ms).toISOString();

type Up = { ip: string; mac?: string; vendor?: string | null };
async function sweep(up: Up[]) {
  const at = t.clock.now();
  const frame = { type: 'results', batchId: `d-${++seq}`, results: [{ kind: 'sweep', subnetId, at, durationMs: 3, complete: false, up: up.map((u) => ({ latencyMs: 0.4, ...u })), down: [] }] };
  const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify(frame));
  expect(ack).toMatchObject({ type: 'ack', duplicate: false, rejectedSubnets: [] });
  return at;
}
const idOf = async (ip: string) => (await t.call('GET', `/api/hosts?q=${ip}`)).body.hosts.find((h: any) => h.ip === ip).id as number;

beforeAll(async () => {
  t = await makeTestApp();
  probeId = (await t.call('POST', '/api/probes', { name: 'p' })).body.id;
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.3.0/24', probeId })).body.id;
});
afterAll(() => t.close());

describe('GET /api/hosts/:id/devices', () => {
  it('lists the MACs an address had, newest last seen first; the current one brought up to the host\'s last answer', async () => {
    const t0 = await sweep([{ ip: '198.18.3.10', mac: VMWARE, vendor: 'VMware, Inc.' }]);
    t.clock.advance(60_000);
    const t1 = await sweep([{ ip: '198.18.3.10', mac: VMWARE, vendor: 'VMware, Inc.' }]);
    t.clock.advance(60_000);
    const t2 = await sweep([{ ip: '198.18.3.10', mac: PI, vendor: 'Raspberry Pi Foundation' }]);
    t.clock.advance(60_000);
    const t3 = await sweep([{ ip: '198.18.3.10', mac: PI, vendor: 'Raspberry Pi Foundation' }]);
    const id = await idOf('198.18.3.10');
    const res = await t.call('GET', `/api/hosts/${id}/devices`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      devices: [
        // its row was written when it came (t2); the host's own last answer (t3) is newer
        { mac: PI, vendor: 'Raspberry Pi Foundation', macRandom: false, hostname: null, firstSeenAt: iso(t2), lastSeenAt: iso(t3), current: true },
        // closed at its last answer
        { mac: VMWARE, vendor: 'VMware, Inc.', macRandom: false, hostname: null, firstSeenAt: iso(t0), lastSeenAt: iso(t1), current: false },
      ],
    });
    expect((await t.call('GET', `/api/hosts/${id}/devices?limit=1`)).body.devices.map((d: any) => d.mac)).toEqual([PI]);
  });

  it('a device that comes back is current again, ahead of the one it replaced', async () => {
    t.clock.advance(60_000);
    const back = await sweep([{ ip: '198.18.3.10', mac: VMWARE, vendor: 'VMware, Inc.' }]);
    const id = await idOf('198.18.3.10');
    const { devices } = (await t.call('GET', `/api/hosts/${id}/devices`)).body;
    expect(devices.map((d: any) => [d.mac, d.current])).toEqual([
      [VMWARE, true],
      [PI, false],
    ]);
    expect(devices[0].lastSeenAt).toBe(iso(back));
  });

  it('a locally administered MAC is marked random, with no vendor', async () => {
    await sweep([{ ip: '198.18.3.11', mac: RANDOM, vendor: null }]);
    const { devices } = (await t.call('GET', `/api/hosts/${await idOf('198.18.3.11')}/devices`)).body;
    expect(devices).toEqual([expect.objectContaining({ mac: RANDOM, vendor: null, macRandom: true, current: true })]);
  });

  it('a host never seen with a MAC has none; an unknown host is 404; a bad limit is 400', async () => {
    const manual = (await t.call('POST', '/api/hosts', { ip: '198.18.3.50', hostname: 'printer' })).body.id;
    await sweep([{ ip: '198.18.3.51' }]); // answered without a MAC (another segment)
    expect((await t.call('GET', `/api/hosts/${manual}/devices`)).body).toEqual({ devices: [] });
    expect((await t.call('GET', `/api/hosts/${await idOf('198.18.3.51')}/devices`)).body).toEqual({ devices: [] });
    expect((await t.call('GET', '/api/hosts/99999/devices')).status).toBe(404);
    for (const bad of ['limit=0', 'limit=1001', 'limit=x']) expect((await t.call('GET', `/api/hosts/${manual}/devices?${bad}`)).body.error.code).toBe('invalid_request');
  });

  it('is a viewer route', async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    expect(doc.paths['/api/hosts/{id}/devices'].get['x-required-role']).toBe('viewer');
  });
});
