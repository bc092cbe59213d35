import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIp, parseCidr, parseIp, usableRange } from '../../schema/ip/cidr.js';
import { splitSweep } from '../../probe/split.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let probeId: number;

/** A seeded generator, so a failure can be reproduced. */
function random(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

async function sweep(subnetId: number, batchId: string, up: string[], rnd: () => number) {
  const whole = { subnetId, at: t.clock.now(), durationMs: 900, complete: true, up: up.map((ip) => ({ ip, latencyMs: rnd() * 40 })), down: [] };
  // as a probe sends it: in parts within the server's bound on samples per batch
  const parts = splitSweep(whole, parseCidr((await t.call('GET', `/api/subnets/${subnetId}`)).body.cidr));
  for (const [i, part] of parts.entries()) {
    const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `${batchId}.${i}`, sweeps: [part] }));
    expect(ack).toEqual({ type: 'ack', batchId: `${batchId}.${i}`, duplicate: false, rejectedSubnets: [] });
  }
}

beforeAll(async () => {
  t = await makeTestApp({ downAfterFailures: 1 });
  probeId = (await t.call('POST', '/api/probes', { name: 'p' })).body.id;
});
afterAll(() => t.close());

describe('a /16 with 5,000 hosts spread at random', () => {
  const cidr = parseCidr('198.18.0.0/16');
  const usable = usableRange(cidr);
  let subnetId: number;
  let used: bigint[];

  beforeAll(async () => {
    subnetId = (await t.call('POST', '/api/subnets', { cidr: cidr.cidr, probeId })).body.id;
    const rnd = random(7);
    const picked = new Set<bigint>();
    while (picked.size < 5000) picked.add(usable.first + BigInt(Math.floor(rnd() * 65_534)));
    used = [...picked].sort((a, b) => (a < b ? -1 : 1));
    const ips = used.map((v) => formatIp(v, 4));
    await sweep(subnetId, 'r-1', ips, rnd);
    t.clock.advance(60_000);
    await sweep(subnetId, 'r-2', ips.filter((_, i) => i % 10), rnd); // every tenth goes down
    // hosts found by a probe have no name; a few got one by hand (each costs its length plus 2 bytes)
    await t.call('POST', '/api/import/hosts', `ip,hostname\n${ips.filter((_, i) => i % 25 === 0).map((ip, i) => `${ip},host-${i}.lab.example`).join('\n')}\n`);
  }, 60_000);

  // speed is measured by `npm run bench -- ui`; this checks the shape and that the size grows with the hosts only
  it('answers a compact table: the usable range and one tuple per host, well under 500 KB', async () => {
    const res = await t.app.request(`/api/subnets/${subnetId}/table`, { headers: { cookie: t.cookie } });
    const text = await res.text();
    expect(new TextEncoder().encode(text).length).toBeLessThan(350_000);
    const body = JSON.parse(text);
    expect(body.range).toEqual(['198.18.0.1', '198.18.255.254']);
    expect(body.now).toBe(Math.floor(t.clock.now() / 1000));
    expect(body.hosts.map((h: unknown[]) => h[1])).toEqual(used.map((v) => formatIp(v, 4)));
    expect(body.subnet).toMatchObject({ usedCount: 5000, upCount: 4500 });
    const first = body.hosts[0];
    expect(first).toEqual([expect.any(Number), formatIp(used[0]!, 4), 'down', expect.any(Number), 'host-0.lab.example', 60, 0, 0, null, null]);
    expect(Math.abs(first[3] * 100 - Math.round(first[3] * 100))).toBeLessThan(1e-9);
  });

  it('pages through every free address, skipping the hosts', async () => {
    const seen: string[] = [];
    let from: string | null = formatIp(cidr.first, 4);
    let pages = 0;
    while (from) {
      const res = await t.call('GET', `/api/subnets/${subnetId}/free?from=${from}&limit=1024`);
      expect(res.status).toBe(200);
      seen.push(...res.body.addresses);
      from = res.body.next;
      pages++;
    }
    expect(pages).toBe(Math.ceil((65_534 - 5000) / 1024));
    expect(seen.length).toBe(65_534 - 5000);
    const usedSet = new Set(used);
    let previous = -1n;
    for (const ip of seen) {
      const v = parseIp(ip).value;
      expect(v > previous && !usedSet.has(v)).toBe(true);
      previous = v;
    }
  });
});

describe('free addresses after a dense run longer than one read of used addresses', () => {
  it('skips 3,000 consecutive hosts', async () => {
    const subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.19.0.0/20', probeId })).body.id;
    const ips = Array.from({ length: 3000 }, (_, i) => formatIp(parseIp('198.19.0.1').value + BigInt(i), 4));
    await sweep(subnetId, 'd-1', ips, random(1));
    expect((await t.call('GET', `/api/subnets/${subnetId}/free?limit=2`)).body).toEqual({ addresses: ['198.19.11.185', '198.19.11.186'], next: '198.19.11.187', reusable: [], reusableNext: null, verified: {} });
    expect((await t.call('GET', `/api/subnets/${subnetId}/free?from=198.19.4.0&to=198.19.11.185`)).body).toEqual({ addresses: ['198.19.11.185'], next: null, reusable: [], reusableNext: null, verified: {} });
    expect((await t.call('GET', `/api/subnets/${subnetId}/free?to=198.19.11.184`)).body).toEqual({ addresses: [], next: null, reusable: [], reusableNext: null, verified: {} });
  });
});

describe('the table read in pages of 2,000 hosts', () => {
  it('lists a subnet whose hosts fill whole pages exactly, each host once and in order', async () => {
    const subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.19.16.0/20', probeId })).body.id;
    const ips = Array.from({ length: 4000 }, (_, i) => formatIp(parseIp('198.19.16.1').value + BigInt(i), 4));
    await sweep(subnetId, 'w-1', [...ips].reverse(), random(2));
    const body = (await t.call('GET', `/api/subnets/${subnetId}/table`)).body;
    expect(body.hosts.map((h: unknown[]) => h[1])).toEqual(ips);
    expect(body.subnet).toMatchObject({ usedCount: 4000, upCount: 4000 });
  });
});

describe('identity in the table: flags and the MAC with its vendor', () => {
  it('marks a randomised MAC and a PTR name that resolves elsewhere, and appends mac and vendor', async () => {
    const subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.19.32.0/29', probeId })).body.id;
    const at = t.clock.now();
    const results = [
      {
        kind: 'sweep',
        subnetId,
        at,
        durationMs: 1,
        complete: true,
        up: [
          { ip: '198.19.32.1', latencyMs: 1, mac: '00:0c:29:00:00:01', vendor: 'VMware, Inc.' },
          { ip: '198.19.32.2', latencyMs: 1, mac: '02:42:ac:11:00:02', vendor: null },
          { ip: '198.19.32.3', latencyMs: 1 },
        ],
        down: [],
      },
    ];
    const names = [
      {
        kind: 'names',
        subnetId,
        at: at + 1,
        names: [
          { ip: '198.19.32.1', name: 'vm1.lab.example', ttlSeconds: 300, forward: { addresses: ['198.19.32.1'], matches: true } },
          { ip: '198.19.32.3', name: 'old.lab.example', ttlSeconds: 300, forward: { addresses: ['198.19.32.6'], matches: false } },
        ],
      },
    ];
    for (const [i, r] of [results, names].entries()) {
      const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `id-${i}`, results: r }));
      expect(ack).toMatchObject({ duplicate: false });
    }
    const rows = (await t.call('GET', `/api/subnets/${subnetId}/table`)).body.hosts.map((r: unknown[]) => [r[1], r[7], r[8], r[9]]);
    expect(rows).toEqual([
      ['198.19.32.1', 0, '00:0c:29:00:00:01', 'VMware, Inc.'],
      ['198.19.32.2', 4, '02:42:ac:11:00:02', null],
      ['198.19.32.3', 8, null, null],
    ]);
  });
});
