import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNetPrerequisites, createTopology, run, type Topology } from './netns.js';

const HOSTS = [
  { v4: '198.18.0.10', v6: 'fd00:18::10' },
  { v4: '198.18.0.11', v6: 'fd00:18::11' },
  { v4: '198.18.0.12', v6: 'fd00:18::12' },
];
const T = 30_000;

async function pingFromScan(topo: Topology, addr: string): Promise<boolean> {
  return (await topo.exec(topo.ns.scan, ['ping', '-c1', '-W1', addr])).code === 0;
}

async function netnsList(): Promise<string> {
  return (await run(['ip', 'netns', 'list'])).stdout;
}

describe('netns topology (198.18.0.0/24)', () => {
  let topo: Topology;
  let names: string[] = [];

  beforeAll(async () => {
    assertNetPrerequisites();
    topo = await createTopology({ hosts: HOSTS });
    names = [topo.ns.lan, topo.ns.scan, topo.ns.cp, ...topo.ns.hosts];
  }, T);
  afterAll(async () => { await topo?.destroy(); }, T);

  it('creates every namespace with a unique prefix', async () => {
    expect(topo.id).toMatch(/^eip[0-9a-f]{6}$/);
    const list = await netnsList();
    for (const name of names) expect(list).toContain(name);
    expect(topo.cpAddrFromScan).toBe('198.19.0.1');
  });

  it('scan pings every host over v4 and v6', async () => {
    for (const h of HOSTS) {
      expect(await pingFromScan(topo, h.v4), h.v4).toBe(true);
      expect(await pingFromScan(topo, h.v6), h.v6).toBe(true);
    }
  }, T);

  it('scan has no default route and only links to test namespaces', async () => {
    for (const family of ['-4', '-6']) {
      const routes = (await run(['ip', '-n', topo.ns.scan, family, 'route', 'show', 'table', 'all'])).stdout;
      expect(routes, family).not.toMatch(/^default/m);
    }
    const links = (await run(['ip', '-n', topo.ns.scan, '-br', 'link'])).stdout;
    const devs = links.trim().split('\n').map((l) => l.split(/\s+/)[0]!.split('@')[0]).sort();
    expect(devs).toEqual(['cp0', 'lan0', 'lo']);
  });

  it('setHostUp(1, false) silences host 1, true brings it back', async () => {
    const h = HOSTS[1]!;
    await topo.setHostUp(1, false);
    expect(await pingFromScan(topo, h.v4)).toBe(false);
    expect(await pingFromScan(topo, h.v6)).toBe(false);
    expect(await pingFromScan(topo, HOSTS[0]!.v4)).toBe(true);
    await topo.setHostUp(1, true);
    expect(await pingFromScan(topo, h.v4)).toBe(true);
    expect(await pingFromScan(topo, h.v6)).toBe(true);
  }, T);

  it('cutScanToCp drops scan -> cp traffic, restoreScanToCp heals it', async () => {
    expect(await pingFromScan(topo, topo.cpAddrFromScan)).toBe(true);
    await topo.cutScanToCp();
    expect(await pingFromScan(topo, topo.cpAddrFromScan)).toBe(false);
    await topo.restoreScanToCp();
    expect(await pingFromScan(topo, topo.cpAddrFromScan)).toBe(true);
  }, T);

  it('the root namespace reaches cp', async () => {
    expect(topo.cpAddr).toMatch(/^198\.19\.1\.\d+$/);
    expect((await run(['ping', '-c1', '-W1', topo.cpAddr])).code).toBe(0);
  });

  it('spawnIn runs inside the namespace and destroy() removes everything', async () => {
    const child = topo.spawnIn(topo.ns.cp, ['sleep', '60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await topo.destroy();
    await exited;
    await topo.destroy(); // idempotent
    const list = await netnsList();
    for (const name of names) expect(list).not.toContain(name);
    expect((await run(['ip', 'link', 'show', `${topo.id}r`])).code).not.toBe(0);
  }, T);
});

describe('netns topology (/20 benchmark range, two in parallel)', () => {
  const topos: Topology[] = [];
  afterAll(async () => { await Promise.all(topos.map((t) => t.destroy())); }, T);

  it('builds two /20 topologies concurrently with distinct root links', async () => {
    const opts = { scanV4: '198.18.16.1/20', hosts: [{ v4: '198.18.16.10' }, { v4: '198.18.31.200', v6: 'fd00:18::c8' }] };
    const results = await Promise.allSettled([createTopology(opts), createTopology(opts)]);
    for (const r of results) if (r.status === 'fulfilled') topos.push(r.value);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    const [a, b] = topos as [Topology, Topology];
    expect(a.cpAddr).not.toBe(b.cpAddr);
    for (const t of topos) {
      expect(await pingFromScan(t, '198.18.31.200')).toBe(true);
      expect((await run(['ping', '-c1', '-W1', t.cpAddr])).code).toBe(0);
    }
  }, T);

  it('rejects addresses outside the test ranges', async () => {
    await expect(createTopology({ hosts: [{ v4: '192.0.2.1' }] })).rejects.toThrow(/refusing 192\.0\.2\.1/);
    await expect(createTopology({ hosts: [], scanV6: '2001:db8::1/64' })).rejects.toThrow(/refusing/);
  });
});
