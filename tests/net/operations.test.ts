/**
 * Operations end to end on a real network (issue 14): the Node control plane in its namespace, two real probes
 * (probe/main.ts) at two sites, each in its own namespace, a router namespace between them and a test host beyond it,
 * a third probe enrolled but never started, and a dnsmasq the probes use as their only resolver. Real ping, mtr and
 * traceroute; what reached a test host is read from its own kernel counters (/proc/net/snmp inside its namespace).
 *
 * Topology (veth pairs between namespaces this suite creates; no namespace has a default route):
 *   cp (control plane) ─┬─ scan: probe A "north" 198.18.0.1 ─┐
 *                       └─ h0:   probe B "south" 198.18.0.2 ─┼─ lan bridge ─ h1 198.18.0.20 (outside B's ALLOWED_TARGETS)
 *                                                            │              h2 198.18.0.53 (dnsmasq)
 *                                                            └─ rtr 198.18.0.254 ══ 198.18.1.1 ─ far host 198.18.1.10
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { addRoutedLan, assertIdentityTools, startDnsmasq, type Dnsmasq, type RoutedLan } from './identity-kit.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';
import { addRoute, arrivals, assertOperationTools, linkToCp } from './operations-kit.js';
import { exited, inNamespace, killGroup, startNodeControlPlane, startProbe, type ProbeProc } from './webhook-kit.js';

const GATEWAY = '198.18.0.254';
const FAR_LAN = '198.18.1.0/24';
const FAR_HOST = '198.18.1.10';
const DNS = '198.18.0.53';
const PROBE_B_ADDR = '198.18.0.2';
/** On the LAN, inside probe A's allow-list and outside probe B's. */
const FENCED = '198.18.0.20';
const H = { probeB: 0, fenced: 1, dns: 2 } as const;
/** Probe B's veth to the control plane (cp's side .5, B's .6). */
const CP_FOR_B = '198.19.0.5';
const NAMES = { gw: 'gw.ops.test', far: 'far.ops.test', fenced: 'fenced.ops.test' };
const PER_MINUTE = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('operations on a real network: ping, mtr and traceroute from two probes at two sites through a router (Node host)', () => {
  let topo: Topology | undefined;
  let routed: RoutedLan | undefined;
  let dns: Dnsmasq | undefined;
  let dir: string;
  let cp: Awaited<ReturnType<typeof startNodeControlPlane>> | undefined;
  let api: ReturnType<typeof client>;
  let live: LiveClient | undefined;
  let db: Client | undefined;
  const probes: ProbeProc[] = [];
  const id = { a: 0, b: 0, c: 0 };

  const get = async (opId: string) => (await api('GET', `/api/operations/${opId}`)).body;
  const logs = () => probes.map((p, i) => `--- probe ${'AB'[i]}:\n${p.log.slice(-15).map((l) => JSON.stringify(l.line)).join('\n')}`).join('\n');
  /** POST /api/operations (202 expected), then the operation once every run is final. */
  async function runOp(body: Record<string, unknown>, ms = 30_000) {
    const r = await api('POST', '/api/operations', body);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return finished(r.body.id, ms);
  }
  async function finished(opId: string, ms = 30_000) {
    let op: any;
    try {
      await waitFor(`operation ${opId} finished`, async () => (op = await get(opId)).finished === true, ms, 100);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nlast: ${JSON.stringify(op)}\n${logs()}`);
    }
    return op;
  }
  const runOf = (op: any, probeId: number) => op.runs.find((r: any) => r.probeId === probeId);
  const stored = async () => {
    db ??= createClient({ url: `file:${join(dir, 'server', 'edge-ipam.db')}` });
    const n = async (table: string) => Number((await db!.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    return { operations: await n('operations'), runs: await n('operation_runs') };
  };
  /**
   * A barrier instead of a sleep: one echo request from probe A to the far host, run to the end. Jobs reach a probe
   * in order over its one socket, so a job sent by an earlier (refused) request would have run before it.
   */
  const sentinel = () => runOp({ kind: 'ping', target: FAR_HOST, probes: [id.a], count: 1, intervalMs: 200 });

  function expectPing(run: any, count: number, ttl: number) {
    expect(run, JSON.stringify(run)).toMatchObject({ state: 'done', code: null, error: null, address: expect.any(String) });
    const r = run.result;
    expect(r).toMatchObject({ tool: 'ping', sent: count, received: count, loss: 0 });
    expect(r.minMs).toBeGreaterThan(0);
    expect(r.minMs).toBeLessThanOrEqual(r.avgMs);
    expect(r.avgMs).toBeLessThanOrEqual(r.maxMs);
    expect(r.maxMs).toBeLessThan(1000);
    expect(r.mdevMs).toBeGreaterThanOrEqual(0);
    expect(r.replies.map((x: any) => [x.seq, x.ttl])).toEqual(Array.from({ length: count }, (_, i) => [i + 1, ttl]));
    for (const x of r.replies) expect(x.rttMs).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    assertNetPrerequisites();
    assertIdentityTools();
    assertOperationTools();
    dir = mkdtempSync(join(tmpdir(), 'eipam-operations-'));
    topo = await createTopology({ hosts: [{ v4: PROBE_B_ADDR }, { v4: FENCED }, { v4: DNS }] });
    const t = topo;
    routed = await addRoutedLan(t, { routerLan: `${GATEWAY}/24`, routerFar: '198.18.1.1/24', farHost: FAR_HOST });
    // both probes reach the far LAN through the router, and nothing else through anything
    for (const ns of [t.ns.scan, t.ns.hosts[H.probeB]!]) await addRoute(ns, FAR_LAN, GATEWAY);
    await linkToCp(t, t.ns.hosts[H.probeB]!, { addr: '198.19.0.6', cpAddr: CP_FOR_B, cpDev: 'pb0' });
    dns = await startDnsmasq(t, t.ns.hosts[H.dns]!, {
      listen: DNS,
      ttlSeconds: 600,
      dir,
      checkFrom: t.ns.scan,
      records: {
        hosts: [
          { name: NAMES.far, addresses: [FAR_HOST] },
          { name: NAMES.gw, addresses: [GATEWAY] },
          { name: NAMES.fenced, addresses: [FENCED] },
        ],
        ptrs: [],
      },
    });
    cp = await startNodeControlPlane(inNamespace(t, t.ns.cp), {
      dataDir: join(dir, 'server'),
      reachAt: t.cpAddr,
      env: { ADMIN_PASSWORD, HEARTBEAT_SECONDS: '1', ENABLE_NMAP_SCHEDULER: '0', OPERATIONS_PER_MINUTE: String(PER_MINUTE) },
    });
    const cookie = await login(cp.url);
    api = client(cp.url, cookie);
    const enrol = async (name: string, site: string) => {
      const r = await api('POST', '/api/probes', { name, site });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body as { id: number; token: string };
    };
    const [a, b, c] = [await enrol('probe-a', 'north'), await enrol('probe-b', 'south'), await enrol('probe-c', 'west')];
    Object.assign(id, { a: a.id, b: b.id, c: c.id });
    // the probes' only resolver is the suite's dnsmasq; no sweeps (no subnets), no flows
    const env = { DNS_SERVER: DNS, SWEEP_ENGINE: 'ping', OPERATION_CONCURRENCY: '2' };
    probes.push(
      startProbe(inNamespace(t, t.ns.scan), { server: `http://${t.cpAddrFromScan}:8787`, token: a.token, stateDir: join(dir, 'probe-a'), env: { ...env, ALLOWED_TARGETS: '198.18.0.0/15' } }),
      startProbe(inNamespace(t, t.ns.hosts[H.probeB]!), { server: `http://${CP_FOR_B}:8787`, token: b.token, stateDir: join(dir, 'probe-b'), env: { ...env, ALLOWED_TARGETS: FAR_LAN } }),
    );
    // probe C stays enrolled and never connects
    await waitFor('probes A and B connected, offering ping, mtr and traceroute', async () => {
      const list = (await api('GET', '/api/probes')).body.probes;
      return [id.a, id.b].every((pid) => {
        const p = list.find((x: any) => x.id === pid);
        return p?.connected === true && ['op-ping', 'op-mtr', 'op-traceroute'].every((k) => (p.kinds ?? []).includes(k));
      });
    }, 30_000).catch((e) => {
      throw new Error(`${e.message}\n${logs()}\n--- control plane:\n${cp?.output().slice(-2000)}`);
    });
    live = await LiveClient.open((path, init) => fetch(cp!.url + path, init), { cookie });
  }, 120_000);

  afterAll(async () => {
    live?.close();
    db?.close();
    // each by its id: dnsmasq by its pid, the probes and the control plane by their process groups, then the namespaces by name
    await dns?.stop();
    const children = [...probes.map((p) => p.child), ...(cp ? [cp.child] : [])];
    for (const c of children) killGroup(c, 'SIGTERM');
    await Promise.all(children.map((c) => Promise.race([exited(c), sleep(3000)])));
    await routed?.destroy();
    await topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('the topology: no default routes, only the router forwards, the far LAN is one routed hop away', async () => {
    const t = topo!;
    const r = routed!;
    for (const ns of [t.ns.scan, t.ns.hosts[H.probeB]!, t.ns.hosts[H.fenced]!, r.ns.far]) {
      expect((await t.exec(ns, ['ip', '-4', 'route', 'show', 'default'])).stdout.trim(), ns).toBe('');
      expect((await t.exec(ns, ['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim(), ns).toBe('0');
    }
    expect((await t.exec(r.ns.router, ['ip', '-4', 'route', 'show', 'default'])).stdout.trim()).toBe('unreachable default');
    expect((await t.exec(t.ns.scan, ['ip', '-4', 'route', 'get', FAR_HOST])).stdout).toContain(`via ${GATEWAY}`);
    expect((await t.exec(t.ns.cp, ['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim()).toBe('0');
  });

  it('a ping from one probe: per-probe loss and min/avg/max from the real ping, progress streamed before the end', async () => {
    const mark = live!.log.length;
    const r = await api('POST', '/api/operations', { kind: 'ping', target: FAR_HOST, probes: [id.a], count: 5, intervalMs: 200 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ kind: 'ping', target: FAR_HOST, selection: { probes: [id.a] }, counts: { runs: 1, queued: 1 } });
    const op = await finished(r.body.id);
    expect(op).toMatchObject({ finished: true, counts: { runs: 1, done: 1 }, params: { count: 5, intervalMs: 200, packetSize: 56 } });
    const run = runOf(op, id.a);
    expectPing(run, 5, 63); // the far host's TTL 64, one less for the router
    expect(run).toMatchObject({ probeName: 'probe-a', site: 'north', address: FAR_HOST, progress: { done: 5, total: 5 } });
    expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    // the live feed: running with progress short of the total before the run was done
    await live!.next('operation', (d) => d.operationId === op.id && d.state === 'done');
    const events = live!.log.slice(mark).filter((m) => m.event === 'operation' && m.data.operationId === op.id).map((m) => m.data);
    const partial = events.findIndex((d) => d.state === 'running' && typeof d.done === 'number' && d.done < d.total);
    expect(partial, JSON.stringify(events)).toBeGreaterThanOrEqual(0);
    expect(partial).toBeLessThan(events.findIndex((d) => d.state === 'done'));
  });

  it('a longer ping streams partial results: a running snapshot with fewer replies, then the final one', async () => {
    const r = await api('POST', '/api/operations', { kind: 'ping', target: FAR_HOST, probes: [id.b], count: 5, intervalMs: 600 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const partials: any[] = [];
    await waitFor(`operation ${r.body.id} finished`, async () => {
      const op = await get(r.body.id);
      const run = runOf(op, id.b);
      if (run.state === 'running' && run.result) partials.push(run.result);
      return op.finished;
    }, 30_000, 50);
    expect(partials.length, 'a snapshot seen while the ping ran').toBeGreaterThan(0);
    expect(partials[0].sent).toBeLessThan(5);
    expect(partials[0].replies.length).toBe(partials[0].sent);
    expectPing(runOf(await get(r.body.id), id.b), 5, 63);
  });

  it('a ping to a site runs on that site’s probe only', async () => {
    const op = await runOp({ kind: 'ping', target: FAR_HOST, probes: { site: 'south' }, count: 3, intervalMs: 200 });
    expect(op).toMatchObject({ selection: { site: 'south' }, counts: { runs: 1, done: 1 } });
    expect(op.runs.map((x: any) => x.probeId)).toEqual([id.b]);
    expectPing(runOf(op, id.b), 3, 63);
    expect(runOf(op, id.b)).toMatchObject({ probeName: 'probe-b', site: 'south', address: FAR_HOST });
  });

  it('a ping to all probes: A and B answer with their own results, C (enrolled, never connected) is offline at once, and the operation completes', async () => {
    const r = await api('POST', '/api/operations', { kind: 'ping', target: FAR_HOST, probes: 'all', count: 3, intervalMs: 200 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    // offline is final in the answer itself: nobody waits for C
    expect(runOf(r.body, id.c)).toMatchObject({ state: 'offline', probeName: 'probe-c', site: 'west', result: null, finishedAt: expect.any(String) });
    expect(r.body.counts).toMatchObject({ runs: 3, offline: 1 });
    const op = await finished(r.body.id);
    expect(op).toMatchObject({ selection: 'all', finished: true, counts: { runs: 3, done: 2, offline: 1, failed: 0 } });
    expectPing(runOf(op, id.a), 3, 63);
    expectPing(runOf(op, id.b), 3, 63);
    expect(runOf(op, id.c)).toMatchObject({ state: 'offline', result: null, error: expect.stringContaining('not connected') });
    expect([runOf(op, id.a).probeName, runOf(op, id.b).probeName]).toEqual(['probe-a', 'probe-b']);
  });

  it('mtr from both probes shows both hops: the router, then the host, with their names from the probe’s resolver', async () => {
    const op = await runOp({ kind: 'mtr', target: FAR_HOST, probes: [id.a, id.b], count: 3, intervalMs: 200, maxHops: 5 });
    expect(op.counts).toMatchObject({ runs: 2, done: 2 });
    for (const pid of [id.a, id.b]) {
      const run = runOf(op, pid);
      expect(run, JSON.stringify(run)).toMatchObject({ state: 'done', address: FAR_HOST, result: { tool: 'mtr', cycles: 3 } });
      const hops = run.result.hops;
      expect(hops.map((h: any) => [h.hop, h.address, h.name]), JSON.stringify(hops)).toEqual([
        [1, GATEWAY, NAMES.gw],
        [2, FAR_HOST, NAMES.far],
      ]);
      for (const h of hops) {
        expect(h.loss, JSON.stringify(h)).toBe(0);
        expect(h.sent).toBe(3);
        expect(h.bestMs).toBeGreaterThan(0);
        expect(h.bestMs).toBeLessThanOrEqual(h.avgMs);
        expect(h.avgMs).toBeLessThanOrEqual(h.worstMs);
        expect(h.stdevMs).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('traceroute from both probes shows both hops, router first, and reaches the host', async () => {
    const op = await runOp({ kind: 'traceroute', target: FAR_HOST, probes: [id.a, id.b], maxHops: 5 });
    expect(op.counts).toMatchObject({ runs: 2, done: 2 });
    for (const pid of [id.a, id.b]) {
      const run = runOf(op, pid);
      expect(run, JSON.stringify(run)).toMatchObject({ state: 'done', address: FAR_HOST, result: { tool: 'traceroute', reached: true } });
      const hops = run.result.hops;
      expect(hops.map((h: any) => [h.hop, h.address, h.name, h.loss]), JSON.stringify(hops)).toEqual([
        [1, GATEWAY, NAMES.gw, 0],
        [2, FAR_HOST, NAMES.far, 0],
      ]);
      for (const h of hops) {
        expect(h.rttMs).toHaveLength(3);
        for (const ms of h.rttMs) expect(ms).toBeGreaterThan(0);
      }
    }
  });

  it('a hostname target is resolved by each probe through its own DNS_SERVER (the dnsmasq), not by the server', async () => {
    const asked = () => dns!.queries().filter((q) => q.includes(`query[A] ${NAMES.far} from`));
    const before = asked().length;
    const op = await runOp({ kind: 'ping', target: NAMES.far.toUpperCase(), probes: [id.a, id.b], count: 2, intervalMs: 200 });
    expect(op.target).toBe(NAMES.far);
    for (const pid of [id.a, id.b]) {
      expectPing(runOf(op, pid), 2, 63);
      expect(runOf(op, pid).address).toBe(FAR_HOST);
    }
    const from = asked().slice(before).map((q) => q.split(' from ')[1]?.trim());
    expect(from.sort(), dns!.queries().join('\n')).toEqual(['198.18.0.1', PROBE_B_ADDR]);
  });

  it('a target outside a probe’s ALLOWED_TARGETS is refused by that probe: failed, target_not_allowed, and not one packet from it reached the target', async () => {
    const fenced = topo!.ns.hosts[H.fenced]!;
    const before = await arrivals(topo!, fenced);
    const op = await runOp({ kind: 'ping', target: FENCED, probes: 'all', count: 3, intervalMs: 200 });
    expect(op.counts).toMatchObject({ runs: 3, done: 1, failed: 1, offline: 1 });
    expectPing(runOf(op, id.a), 3, 64); // A may: on the LAN, no router
    expect(runOf(op, id.b)).toMatchObject({ state: 'failed', code: 'target_not_allowed', result: null, startedAt: null, error: expect.stringContaining('ALLOWED_TARGETS') });
    const after = await arrivals(topo!, fenced);
    // A's three echo requests, and nothing else: B sent nothing (it would show in both counters)
    expect({ ip: after.ip - before.ip, echos: after.echos - before.echos }).toEqual({ ip: 3, echos: 3 });
    // refused as the job arrived (warnings go to stderr), never started
    const refusals = probes[1]!.stderr().split('\n').filter((l) => l.includes('"job refused"') && l.includes(FENCED));
    expect(refusals.map((l) => JSON.parse(l)).map((l) => [l.kind, l.code])).toEqual([['op-ping', 'target_not_allowed']]);
  });

  it('a hostname that resolves outside the allow-list is refused after the probe resolves it, with nothing sent', async () => {
    const fenced = topo!.ns.hosts[H.fenced]!;
    const before = await arrivals(topo!, fenced);
    const op = await runOp({ kind: 'traceroute', target: NAMES.fenced, probes: [id.b], maxHops: 3 });
    expect(runOf(op, id.b)).toMatchObject({ state: 'failed', code: 'target_not_allowed', result: null, error: expect.stringContaining(`${FENCED} (${NAMES.fenced})`) });
    expect(dns!.queries().some((q) => q.includes(`query[A] ${NAMES.fenced} from ${PROBE_B_ADDR}`))).toBe(true);
    expect(await arrivals(topo!, fenced)).toEqual(before);
  });

  it('bounds: each bad request is a 4xx with its code, nothing is stored and no probe sends a packet', async () => {
    const far = routed!.ns.far;
    const [count0, seen0] = [await stored(), await arrivals(topo!, far)];
    const ping = { kind: 'ping', target: FAR_HOST, probes: [id.a, id.b] };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...ping, count: 101 }, 400, 'invalid_request'],
      [{ ...ping, count: 0 }, 400, 'invalid_request'],
      [{ ...ping, intervalMs: 199 }, 400, 'invalid_request'],
      [{ ...ping, packetSize: 1473 }, 400, 'invalid_request'],
      [{ ...ping, kind: 'mtr', maxHops: 31 }, 400, 'invalid_request'],
      [{ ...ping, count: 100, intervalMs: 10_000 }, 400, 'invalid_request'], // 1000 s: past the longest run
      [{ ...ping, kind: 'nmap' }, 400, 'invalid_request'],
      [{ ...ping, target: '198.18.1.256' }, 400, 'invalid_target'],
      [{ ...ping, target: 'far ops test' }, 400, 'invalid_target'],
      [{ ...ping, family: 6 }, 400, 'invalid_target'],
      [{ ...ping, probes: [] }, 400, 'invalid_request'],
      [{ ...ping, probes: [id.a, 99_999] }, 400, 'unknown_probe'],
      [{ ...ping, probes: { site: 'nowhere' } }, 404, 'unknown_site'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api('POST', '/api/operations', body);
      expect([r.status, r.body?.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(await stored()).toEqual(count0);
    await sentinel();
    // the sentinel's one echo request and nothing else reached the far host
    const seen = await arrivals(topo!, far);
    expect(seen.echos - seen0.echos).toBe(1);
  });

  it(`the rate limit: the ${PER_MINUTE + 1}th operation of a user within a minute is a 429 with Retry-After, nothing stored, nothing sent`, async () => {
    expect((await api('POST', '/api/users', { username: 'burst', password: 'burst-password-1', role: 'editor' })).status).toBe(201);
    const burst = client(cp!.url, await login(cp!.url, 'burst', 'burst-password-1'));
    // cheap ones first: to the offline probe, stored (they count) and sent nowhere
    for (let i = 0; i < PER_MINUTE; i++) {
      const r = await burst('POST', '/api/operations', { kind: 'ping', target: FAR_HOST, probes: [id.c], count: 1 });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.runs[0].state).toBe('offline');
    }
    const far = routed!.ns.far;
    const [count0, seen0] = [await stored(), await arrivals(topo!, far)];
    const refused = await burst('POST', '/api/operations', { kind: 'ping', target: FAR_HOST, probes: [id.a, id.b], count: 3, intervalMs: 200 });
    expect(refused.status, JSON.stringify(refused.body)).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await stored()).toEqual(count0);
    // another user is not held back by it
    await sentinel();
    const seen = await arrivals(topo!, far);
    expect(seen.echos - seen0.echos).toBe(1);
    const mine = (await api('GET', `/api/operations?limit=200`)).body.operations.filter((o: any) => o.requestedBy === 'burst');
    expect(mine).toHaveLength(PER_MINUTE);
  });
});
