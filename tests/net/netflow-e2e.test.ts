/**
 * Flows end to end (issue 13): the Node control plane in its namespace, the real probe (probe/main.ts) in the
 * scanner namespace with NETFLOW_ENABLED=1 bound to that namespace's 127.0.0.1:2055, and softflowd's NetFlow v9
 * export of a generated pcap (captured on this machine's loopback) sent to it from inside the same namespace. The
 * probe's minutes travel as `flows` items; GET /api/netflow/conversations must give every pair's flows, bytes and
 * packets as the generator made them (equal to nfdump's in tests/net/netflow.test.ts), labelled with the managed
 * subnets and a host record; /api/netflow/exporters the exporter's counters; NETFLOW_LOG_FILE the raw flows.
 *
 * Safety: the probe has no subnet to sweep (the subnets have no probe); its collector and the sender use the scan
 * namespace's loopback only; softflowd exports to this machine's 127.0.0.1 only.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { expectedPairs, generateTraffic, pairKey, type PairTotals, type Volume } from './flow-traffic.js';
import { assertNetflowTools, softflowdExport, sortedPairs, writeDatagrams, type SoftflowdExport } from './netflow-kit.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';
import { pcapFile } from './pcap.js';
import { exited, inNamespace, killGroup, startNodeControlPlane, startProbe, TSX, type ProbeProc } from './webhook-kit.js';
import { ADMIN_PASSWORD } from '../support/app.js';

const NETFLOW_PORT = 2055; // the scan namespace's own loopback: nothing else there binds it
const CLIENTS_V4 = '198.18.0.0/24';
const CLIENTS_V6 = 'fd00::c:0/112';
const NAMED = { ip: '198.18.0.1', hostname: 'client-one.flows.test' };

describe('flows end to end: softflowd → the real probe → the control plane → GET /api/netflow/*', () => {
  let topo: Topology | undefined;
  let dir: string;
  let cp: Awaited<ReturnType<typeof startNodeControlPlane>> | undefined;
  let probe: ProbeProc | undefined;
  let api: ReturnType<typeof client>;
  let exp: SoftflowdExport;
  let expected: PairTotals;
  let datagramFile: string;
  const subnetIds: Record<string, number> = {};
  let hostId: number;

  beforeAll(async () => {
    assertNetPrerequisites();
    assertNetflowTools();
    dir = mkdtempSync(join(tmpdir(), 'eip-netflow-e2e-'));
    // every flow ends ≥ 70 s ago: minutes the collector has already closed, so it sends them as late minutes, at the
    // next minute's end + its 5 s grace (probe/netflow/aggregate.ts): up to 65 s after they arrive
    const traffic = generateTraffic({ seed: 21, conversations: 50, v6Share: 0.3, hostsPerSide: 4, spanMs: 150_000, maxDurationMs: 20_000, startMs: Date.now() - 240_000 });
    const pcap = join(dir, 'traffic.pcap');
    writeFileSync(pcap, pcapFile(traffic.packets));
    expected = expectedPairs(traffic.packets);
    exp = await softflowdExport(pcap, 9, { dir });
    datagramFile = join(dir, 'softflowd-v9.bin');
    writeDatagrams(datagramFile, exp.datagrams);

    topo = await createTopology({ hosts: [{ v4: '198.18.0.200' }] });
    cp = await startNodeControlPlane(inNamespace(topo, topo.ns.cp), { dataDir: join(dir, 'server'), reachAt: topo.cpAddr, env: { ADMIN_PASSWORD, HEARTBEAT_SECONDS: '1' } });
    api = client(cp.url, await login(cp.url));
    for (const cidr of [CLIENTS_V4, CLIENTS_V6]) {
      const s = await api('POST', '/api/subnets', { cidr });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      subnetIds[cidr] = s.body.id;
    }
    const h = await api('POST', '/api/hosts', NAMED);
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    hostId = h.body.id;
    const p = (await api('POST', '/api/probes', { name: 'flow-probe', site: 'netns' })).body;
    probe = startProbe(inNamespace(topo, topo.ns.scan), {
      server: `http://${topo.cpAddrFromScan}:8787`,
      token: p.token,
      stateDir: join(dir, 'probe'),
      env: { NETFLOW_ENABLED: '1', NETFLOW_BIND_HOST: '127.0.0.1', NETFLOW_BIND_PORT: String(NETFLOW_PORT), NETFLOW_LOG_FILE: join(dir, 'flows.log') },
    });
    await waitFor('the probe connected and its collector listening', async () => {
      const connected = (await api('GET', '/api/probes')).body.probes.some((x: any) => x.id === p.id && x.connected);
      return connected && probe!.log.some((l) => l.line.msg === 'NetFlow collector listening');
    }, 30_000);
  });

  afterAll(async () => {
    for (const child of [probe?.child, cp?.child]) {
      if (!child) continue;
      killGroup(child, 'SIGTERM');
      await Promise.race([exited(child), new Promise((r) => setTimeout(r, 5_000))]);
      killGroup(child, 'SIGKILL');
    }
    await topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every pair\'s flows, bytes and packets, labelled with the managed subnets and the host record', async () => {
    const sender = topo!.spawnIn(topo!.ns.scan, [TSX, 'tests/net/netflow-send.ts', datagramFile, String(NETFLOW_PORT)], { stdio: 'pipe' });
    let out = '';
    sender.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await exited(sender);
    expect(out).toContain(`"sent":${exp.datagrams.length}`);

    let got: Map<string, Volume & { row: any }> = new Map();
    const read = async () => {
      const r = await api('GET', '/api/netflow/conversations?limit=500');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      got = new Map(r.body.conversations.map((c: any) => [pairKey(c.src, c.dst), { flows: c.flows, bytes: c.bytes, packets: c.packets, row: c }]));
      return got;
    };
    try {
      await waitFor('every flow stored', async () => [...(await read()).values()].reduce((s, v) => s + v.flows, 0) >= exp.records, 80_000, 500);
    } catch (e) {
      const stored = [...got.values()].reduce((s, v) => s + v.flows, 0);
      const logged = existsSync(join(dir, 'flows.log')) ? readFileSync(join(dir, 'flows.log'), 'utf8').split('\n').length - 1 : -1;
      throw new Error(`${(e as Error).message}: ${stored} of ${exp.records} flows; ${logged} in the probe's flow log\n--- probe log:\n${probe!.log.slice(-20).map((l) => JSON.stringify(l.line)).join('\n')}\n--- control plane:\n${cp!.output().slice(-3000)}`);
    }
    const plain = new Map([...got].map(([k, { flows, bytes, packets }]) => [k, { flows, bytes, packets }]));
    expect(sortedPairs(plain)).toEqual(sortedPairs(expected));

    const subnetOf = (ip: string) => (ip.startsWith('198.18.0.') ? subnetIds[CLIENTS_V4]! : ip.startsWith('fd00::c:') ? subnetIds[CLIENTS_V6]! : null);
    for (const { row } of got.values()) {
      expect(row.srcSubnetId, row.src).toBe(subnetOf(row.src));
      expect(row.dstSubnetId, row.dst).toBe(subnetOf(row.dst));
      expect([row.srcHostId, row.srcHostname]).toEqual(row.src === NAMED.ip ? [hostId, NAMED.hostname] : [null, null]);
      expect([row.dstHostId, row.dstHostname]).toEqual(row.dst === NAMED.ip ? [hostId, NAMED.hostname] : [null, null]);
    }
    expect([...got.values()].some((v) => v.row.src === NAMED.ip || v.row.dst === NAMED.ip), 'the named host talks').toBe(true);

    // NETFLOW_LOG_FILE: the raw flows stay on the probe, one JSON line each
    const flowLog = () => (existsSync(join(dir, 'flows.log')) ? readFileSync(join(dir, 'flows.log'), 'utf8').split('\n').filter(Boolean) : []);
    await waitFor('the raw flow log written', () => flowLog().length === exp.records, 5_000, 100);
    expect(JSON.parse(flowLog()[0]!)).toMatchObject({ exporter: '127.0.0.1' });

    const ex = await api('GET', '/api/netflow/exporters');
    expect(ex.status, JSON.stringify(ex.body)).toBe(200);
    expect(ex.body.exporters).toMatchObject([{ address: '127.0.0.1', packets: exp.packets, flows: exp.records, sequenceGaps: 0, versions: [9] }]);
  }, 120_000);
});
