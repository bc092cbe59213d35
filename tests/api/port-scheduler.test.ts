/**
 * Scheduled port scans (`schedulePortScans`, and the `port-scans` duty) against real libSQL and RawProbes on the
 * real Node hub, on the TestClock; and a subnet's port-scan settings through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NMAP_ARGS } from '../../schema/nmap-args.js';
import type { PortScanJob } from '../../schema/protocol.js';
import { appConfig } from '../../worker/config.js';
import { duties } from '../../worker/duties.js';
import { schedulePortScans } from '../../worker/services/port-scan-scheduler.js';
import type { TestApp } from '../support/app.js';
import { allCounts, hostId, roundTrip, sendResults, startPortRig, sweepItem, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';
import { waitFor } from '../support/wait.js';

const MIN = 60_000;
let rig: PortRig;
let t: TestApp;
let scanner: RawProbe;
let old: RawProbe;
const subnet: Record<string, number> = {};
let t0: number;

/** `random` draws these in turn (one per host scheduled). */
const draws = (...values: number[]) => () => values.shift() ?? 0.5;
const tick = (random = draws()) => schedulePortScans(t.deps, random);
/** The port-scan jobs the probe was sent since the last call, as [subnet, targets]. */
async function jobsSent(p: RawProbe = scanner): Promise<PortScanJob[]> {
  await roundTrip(p);
  const jobs = p.received.filter((m): m is PortScanJob => m.type === 'job' && m.kind === 'port_scan');
  for (const j of jobs) p.received.splice(p.received.indexOf(j), 1);
  return jobs;
}
const summary = (jobs: PortScanJob[]) => jobs.map((j) => [Object.keys(subnet).find((k) => subnet[k] === j.subnetId), j.targets]);
async function finish(jobs: PortScanJob[]) {
  for (const j of jobs) scanner.send({ type: 'job_status', jobId: j.jobId, subnetId: j.subnetId, kind: 'port_scan', state: 'done' });
  await roundTrip(scanner);
}
/** Every job still under way reported done by the scanner. */
async function finishQueued() {
  const { rows } = await t.client.execute("SELECT id FROM jobs WHERE state IN ('queued', 'started', 'progress')");
  for (const j of rows) scanner.send({ type: 'job_status', jobId: j.id, state: 'done' });
  await roundTrip(scanner);
}
const nextScanAt = async (ip: string) => (await t.call('GET', `/api/hosts/${await hostId(t, ip)}/ports`)).body.nextScanAt;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  rig = await startPortRig({ downAfterFailures: 1, portScanJobsPerProbe: 2, scanNmapIntervalMinutes: 60 });
  t = rig.t;
  const a = await rig.enrol('scanner');
  const b = await rig.enrol('old');
  const c = await rig.enrol('gone');
  const add = async (name: string, cidr: string, probeId: number, portScan?: object) =>
    (subnet[name] = (await t.call('POST', '/api/subnets', { cidr, probeId, ...(portScan ? { portScan } : {}) })).body.id);
  await add('a1', '198.18.0.0/24', a.id);
  await add('a2', '198.18.1.0/24', a.id, { intervalMinutes: 10 });
  await add('a3', '198.18.2.0/24', a.id);
  await add('off', '198.18.3.0/24', a.id, { enabled: false });
  await add('old', '198.18.4.0/24', b.id);
  await add('gone', '198.18.5.0/24', c.id);
  await t.call('POST', '/api/hosts', { ip: '198.18.0.14' });
  scanner = await rig.connect(a.token, { kinds: ['sweep', 'port_scan'] });
  old = await rig.connect(b.token);
  const gone = await rig.connect(c.token, { kinds: ['sweep', 'port_scan'] });
  const now = t.clock.now();
  await sendResults(scanner, 's-1', [
    sweepItem(subnet.a1!, now, ['198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.0.13']),
    sweepItem(subnet.a2!, now, ['198.18.1.10']),
    sweepItem(subnet.a3!, now, ['198.18.2.10']),
    sweepItem(subnet.off!, now, ['198.18.3.10']),
  ]);
  await sendResults(old, 'o-1', [sweepItem(subnet.old!, now, ['198.18.4.10'])]);
  await sendResults(gone, 'g-1', [sweepItem(subnet.gone!, now, ['198.18.5.10'])]);
  gone.close();
  await waitFor('probe "gone" to drop', async () => !(await t.call('GET', '/api/probes')).body.probes.find((p: any) => p.name === 'gone').connected, 2000, 20);
  t.clock.advance(MIN);
  await sendResults(scanner, 's-2', [sweepItem(subnet.a1!, t.clock.now(), ['198.18.0.10', '198.18.0.11', '198.18.0.12'])]); // .13 goes down
  t0 = t.clock.now();
});
afterAll(() => rig.close());

describe('the port-scan scheduler', () => {
  it('ENABLE_NMAP_SCHEDULER=0 sends nothing', async () => {
    const counts = await allCounts(t);
    expect(await schedulePortScans({ ...t.deps, config: appConfig({ ENABLE_NMAP_SCHEDULER: '0' }) })).toBe(0);
    expect(await allCounts(t)).toEqual(counts);
    expect(await jobsSent()).toEqual([]);
  });

  it('scans the alive hosts of enabled subnets of a connected probe that runs port scans: one job per subnet, at most two at once', async () => {
    expect(await tick(draws(0, 0.5, 1, 0.5))).toBe(2);
    const sent = await jobsSent();
    expect(summary(sent)).toEqual([
      ['a1', ['198.18.0.10', '198.18.0.11', '198.18.0.12']],
      ['a2', ['198.18.1.10']],
    ]);
    expect(sent.map((j) => [j.args, j.timeoutMs])).toEqual([
      [[...DEFAULT_NMAP_ARGS], 900_000],
      [[...DEFAULT_NMAP_ARGS], 900_000],
    ]);
    expect(await jobsSent(old)).toEqual([]);
    const rows = await t.client.execute("SELECT origin, state, targets FROM jobs ORDER BY targets DESC");
    expect(rows.rows.map((r) => [r.origin, r.state, r.targets])).toEqual([
      ['schedule', 'queued', 3],
      ['schedule', 'queued', 1],
    ]);
    // each host's next time is the interval ±15%, drawn per host; a subnet's own interval wins
    expect(await Promise.all(['198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.1.10'].map(nextScanAt))).toEqual([
      iso(t0 + 0.85 * 60 * MIN),
      iso(t0 + 60 * MIN),
      iso(t0 + 1.15 * 60 * MIN),
      iso(t0 + 10 * MIN),
    ]);
    expect(await Promise.all(['198.18.0.13', '198.18.0.14', '198.18.3.10', '198.18.4.10', '198.18.5.10'].map(nextScanAt))).toEqual([null, null, null, null, null]);

    expect(await tick()).toBe(0);
    expect(await jobsSent()).toEqual([]);
    await finish(sent.filter((j) => j.subnetId === subnet.a2));
    expect(await tick()).toBe(1);
    const third = await jobsSent();
    expect(summary(third)).toEqual([['a3', ['198.18.2.10']]]);
    await finish([...sent, ...third]);
  });

  it('scans no host before its time', async () => {
    t.clock.t = t0 + 10 * MIN - 1;
    expect(await tick()).toBe(0);
    t.clock.t = t0 + 10 * MIN;
    expect(await tick(draws(0))).toBe(1);
    const a2 = await jobsSent();
    expect(summary(a2)).toEqual([['a2', ['198.18.1.10']]]);
    await finish(a2);
    expect(await nextScanAt('198.18.1.10')).toBe(iso(t0 + 18.5 * MIN));

    t.clock.t = t0 + 51 * MIN;
    expect(await tick()).toBe(2);
    const due = await jobsSent();
    expect(summary(due)).toEqual([
      ['a1', ['198.18.0.10']],
      ['a2', ['198.18.1.10']],
    ]);
    await finish(due);
    t.clock.t = t0 + 69 * MIN;
    await tick();
    const later = summary(await jobsSent());
    expect(later.filter(([s]) => s === 'a1')).toEqual([['a1', ['198.18.0.11', '198.18.0.12']]]);
  });

  it('a subnet with scans off gets none until they are turned on; the duty runs the same scheduler', async () => {
    await finishQueued();
    expect(await nextScanAt('198.18.3.10')).toBeNull();
    expect((await t.call('PATCH', `/api/subnets/${subnet.off}`, { portScan: { enabled: true } })).body.portScan).toEqual({ enabled: true, args: null, intervalMinutes: null });
    await duties.find((d) => d.name === 'port-scans')!.run(t.deps);
    expect(summary(await jobsSent()).filter(([s]) => s === 'off')).toEqual([['off', ['198.18.3.10']]]);
  });
});

describe('a subnet’s port-scan settings', () => {
  it('round-trip through PATCH and GET, arguments normalised; the scheduler and scan-now use them', async () => {
    const patched = await t.call('PATCH', `/api/subnets/${subnet.a3}`, { portScan: { args: '-T4  -p22,80 --host-timeout=30s -sV', intervalMinutes: 30 } });
    expect(patched).toMatchObject({ status: 200, body: { portScan: { enabled: true, args: '-T4 -p 22,80 --host-timeout 30000ms -sV', intervalMinutes: 30 } } });
    expect((await t.call('GET', `/api/subnets/${subnet.a3}`)).body.portScan).toEqual(patched.body.portScan);
    await finishQueued();
    t.clock.advance(3 * 60 * MIN); // every host due, the session (12 h) still valid
    // every host is due: two subnets' jobs a tick until a3's turn
    let a3: PortScanJob | undefined;
    for (let i = 0; i < 4 && !a3; i++) {
      await tick();
      const sent = await jobsSent();
      a3 = sent.find((j) => j.subnetId === subnet.a3);
      await finish(sent);
    }
    expect(a3!.args).toEqual(['-T4', '-p', '22,80', '--host-timeout', '30000ms', '-sV']);
    expect(await nextScanAt('198.18.2.10')).toBe(iso(t.clock.now() + 30 * MIN));
    const now = await t.call('POST', `/api/hosts/${await hostId(t, '198.18.2.10')}/scan-ports`);
    expect(now.status).toBe(202);
    expect((await jobsSent()).map((j) => j.args)).toEqual([['-T4', '-p', '22,80', '--host-timeout', '30000ms', '-sV']]);
    expect((await t.call('PATCH', `/api/subnets/${subnet.a3}`, { portScan: { args: null, intervalMinutes: null } })).body.portScan).toEqual({ enabled: true, args: null, intervalMinutes: null });
  });

  it.each([
    [{ args: '--script vuln' }, 'forbidden_nmap_option', { option: '--script' }],
    [{ args: '-T4 -oN /tmp/x' }, 'forbidden_nmap_option', { option: '-oN' }],
    [{ args: '198.18.2.0/24' }, 'forbidden_nmap_option', { option: '198.18.2.0/24' }],
    [{ intervalMinutes: 0 }, 'invalid_request', undefined],
    [{ enabled: 'yes' }, 'invalid_request', undefined],
    [{ rawSockets: true }, 'invalid_request', undefined],
  ])('refuses %j with 400 %s, storing nothing', async (portScan, code, details) => {
    const before = (await t.call('GET', `/api/subnets/${subnet.a1}`)).body;
    const counts = await allCounts(t);
    const res = await t.call('PATCH', `/api/subnets/${subnet.a1}`, { name: 'renamed', portScan });
    expect([res.status, res.body.error.code]).toEqual([400, code]);
    if (details) expect(res.body.error.details).toEqual(details);
    expect((await t.call('GET', `/api/subnets/${subnet.a1}`)).body).toEqual(before);
    expect(await allCounts(t)).toEqual(counts);
    const created = await t.call('POST', '/api/subnets', { cidr: '198.18.99.0/24', portScan });
    expect([created.status, created.body.error.code]).toEqual([400, code]);
    expect(await allCounts(t)).toEqual(counts);
  });

  it('a new subnet takes its settings on create', async () => {
    const res = await t.call('POST', '/api/subnets', { cidr: '198.18.98.0/24', portScan: { enabled: false, args: '-sT --top-ports 100', intervalMinutes: 720 } });
    expect(res).toMatchObject({ status: 201, body: { portScan: { enabled: false, args: '-sT --top-ports 100', intervalMinutes: 720 } } });
  });
});
