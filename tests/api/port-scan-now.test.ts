/**
 * "Scan ports now" through the API, with RawProbes on the real Node hub: the job a probe receives, coalescing
 * while it runs, the per-host cool-down (429 Retry-After on the TestClock), job statuses, and every refusal
 * writing nothing and sending the probe nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NMAP_ARGS } from '../../schema/nmap-args.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { allCounts, hostId, roundTrip, scanItem, scanned, sendResults, startPortRig, sweepItem, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';

let rig: PortRig;
let t: TestApp;
let live: LiveClient;
let scanner: RawProbe;
let old: RawProbe;
let sweepOnly: RawProbe;
let scannerId: number;
const subnet: Record<string, number> = {};
const host: Record<string, number> = {};

const scanHost = (ip: string, body?: unknown) => t.call('POST', `/api/hosts/${host[ip]}/scan-ports`, body);
const scanSubnet = (name: string, body?: unknown) => t.call('POST', `/api/subnets/${subnet[name]}/scan-ports`, body);
const jobRow = async (id: string) => (await t.client.execute({ sql: 'SELECT state, origin, targets, done, total, error, probe_id AS probeId FROM jobs WHERE id = ?', args: [id] })).rows[0];
const heldBy = async (ip: string) => (await t.client.execute({ sql: 'SELECT port_scan_job_id AS job FROM hosts WHERE id = ?', args: [host[ip]!] })).rows[0]!.job;
const status = (p: RawProbe, jobId: string, state: string, extra: Record<string, unknown> = {}) => p.send({ type: 'job_status', jobId, subnetId: subnet.lab, kind: 'port_scan', state, ...extra });
/** No job frame reached the probe (every frame the server sent before the pong has arrived). */
const sentNothing = async (p: RawProbe) => {
  await roundTrip(p);
  expect(p.received.filter((m) => m.type === 'job')).toEqual([]);
};
const jobFor = (jobId: string, subnetId: number, targets: string[], args: string[] = [...DEFAULT_NMAP_ARGS]) => ({ type: 'job', kind: 'port_scan', jobId, subnetId, targets, args, timeoutMs: 900_000 });

beforeAll(async () => {
  rig = await startPortRig();
  t = rig.t;
  const a = await rig.enrol('scanner');
  const b = await rig.enrol('old');
  const c = await rig.enrol('offline');
  const d = await rig.enrol('sweep-only');
  scannerId = a.id;
  const add = async (name: string, cidr: string, probeId: number | null) => (subnet[name] = (await t.call('POST', '/api/subnets', { cidr, probeId })).body.id);
  await add('lab', '198.18.0.0/24', a.id);
  await add('office', '198.18.3.0/24', a.id);
  await add('old', '198.18.1.0/24', b.id);
  await add('offline', '198.18.2.0/24', c.id);
  await add('none', '198.18.4.0/24', null);
  await add('sweepOnly', '198.18.5.0/24', d.id);
  await add('empty', '198.18.6.0/24', a.id);
  for (const ip of ['198.18.3.30', '198.18.1.9', '198.18.2.9', '198.18.4.9', '198.18.5.9']) await t.call('POST', '/api/hosts', { ip });
  scanner = await rig.connect(a.token, { kinds: ['sweep', 'port_scan'], rawSockets: true });
  old = await rig.connect(b.token);
  sweepOnly = await rig.connect(d.token, { kinds: ['sweep'] });
  const now = t.clock.now();
  await sendResults(scanner, 's-1', [sweepItem(subnet.lab!, now, ['198.18.0.10', '198.18.0.11', '198.18.0.12']), sweepItem(subnet.office!, now, ['198.18.3.20', '198.18.3.21', '198.18.3.22'])]);
  for (const ip of ['198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.3.20', '198.18.3.30', '198.18.1.9', '198.18.2.9', '198.18.4.9', '198.18.5.9']) host[ip] = await hostId(t, ip);
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterAll(async () => {
  live.close();
  await rig.close();
});

describe('scan ports now', () => {
  let first: string;

  it('a host: 202 with a job id, the probe gets the job, and a second request while it runs joins it', async () => {
    const res = await scanHost('198.18.0.10');
    expect(res).toMatchObject({ status: 202, body: { coalesced: false, hosts: 1 } });
    first = res.body.jobId;
    expect(await scanner.next('job')).toEqual(jobFor(first, subnet.lab!, ['198.18.0.10']));
    expect(await jobRow(first)).toMatchObject({ state: 'queued', origin: 'manual', targets: 1, probeId: scannerId });
    expect(await live.next('job')).toEqual({ jobId: first, kind: 'port_scan', subnetId: subnet.lab, probeId: scannerId, state: 'queued', hostIds: [host['198.18.0.10']] });
    expect((await t.call('GET', `/api/hosts/${host['198.18.0.10']}/ports`)).body.job).toEqual({ id: first, state: 'queued', done: null, total: null });

    expect(await scanHost('198.18.0.10')).toMatchObject({ status: 202, body: { jobId: first, coalesced: true, hosts: 0 } });
    status(scanner, first, 'started');
    status(scanner, first, 'progress', { done: 40, total: 100 });
    await roundTrip(scanner);
    expect(await live.next('job', (j) => j.state === 'progress')).toMatchObject({ jobId: first, done: 40, total: 100 });
    expect((await t.call('GET', `/api/hosts/${host['198.18.0.10']}/ports`)).body.job).toEqual({ id: first, state: 'progress', done: 40, total: 100 });
    expect(await scanHost('198.18.0.10')).toMatchObject({ status: 202, body: { jobId: first, coalesced: true } });
    await sentNothing(scanner);
  });

  it('another probe’s status for the job changes nothing', async () => {
    old.send({ type: 'job_status', jobId: first, state: 'done' });
    await roundTrip(old);
    expect(await jobRow(first)).toMatchObject({ state: 'progress' });
    expect(await heldBy('198.18.0.10')).toBe(first);
    expect(await scanHost('198.18.0.10')).toMatchObject({ status: 202, body: { jobId: first, coalesced: true } });
  });

  it('once it is done: 429 with Retry-After inside the cool-down, a new job after it', async () => {
    status(scanner, first, 'done');
    await roundTrip(scanner);
    expect(await jobRow(first)).toMatchObject({ state: 'done' });
    expect(await heldBy('198.18.0.10')).toBeNull();
    t.clock.advance(20_000);
    const counts = await allCounts(t);
    const limited = await scanHost('198.18.0.10');
    expect([limited.status, limited.body.error.code, limited.headers.get('retry-after')]).toEqual([429, 'scan_rate_limited', '40']);
    expect(await allCounts(t)).toEqual(counts);
    t.clock.advance(40_000);
    const again = await scanHost('198.18.0.10');
    expect(again).toMatchObject({ status: 202, body: { coalesced: false, hosts: 1 } });
    expect(again.body.jobId).not.toBe(first);
    expect(await scanner.next('job')).toEqual(jobFor(again.body.jobId, subnet.lab!, ['198.18.0.10']));
  });

  it('failed and unsupported free the hosts; unsupported is relayed on the live feed; applied results free them too', async () => {
    const held = (await heldBy('198.18.0.10')) as string;
    status(scanner, held, 'failed', { error: 'nmap exited with code 1' });
    const other = (await scanHost('198.18.0.11')).body.jobId;
    await scanner.next('job');
    status(scanner, other, 'unsupported', { error: 'this probe does not run port_scan jobs' });
    await roundTrip(scanner);
    expect(await jobRow(held)).toMatchObject({ state: 'failed', error: 'nmap exited with code 1' });
    expect(await jobRow(other)).toMatchObject({ state: 'unsupported' });
    expect([await heldBy('198.18.0.10'), await heldBy('198.18.0.11')]).toEqual([null, null]);
    expect(await live.next('job', (j) => j.state === 'unsupported')).toEqual({
      jobId: other,
      kind: 'port_scan',
      subnetId: subnet.lab,
      probeId: scannerId,
      state: 'unsupported',
      error: 'this probe does not run port_scan jobs',
    });

    const third = (await scanHost('198.18.0.12')).body.jobId;
    await scanner.next('job');
    await sendResults(scanner, 'r-1', [scanItem(subnet.lab!, t.clock.now(), [scanned('198.18.0.12', ['22/tcp/ssh'])], { jobId: third })]);
    expect(await heldBy('198.18.0.12')).toBeNull();
    t.clock.advance(61_000);
    for (const ip of ['198.18.0.10', '198.18.0.11', '198.18.0.12']) {
      expect(await scanHost(ip)).toMatchObject({ status: 202, body: { coalesced: false } });
      await scanner.next('job');
    }
  });

  it('a subnet: its hosts that are up in one job; listed targets join it; other targets and arguments', async () => {
    const res = await scanSubnet('office');
    expect(res).toMatchObject({ status: 202, body: { coalesced: false, hosts: 3 } });
    expect(await scanner.next('job')).toEqual(jobFor(res.body.jobId, subnet.office!, ['198.18.3.20', '198.18.3.21', '198.18.3.22']));
    expect(await scanSubnet('office', { targets: ['198.18.3.21'] })).toMatchObject({ status: 202, body: { jobId: res.body.jobId, coalesced: true } });
    expect(await scanSubnet('office')).toMatchObject({ status: 202, body: { jobId: res.body.jobId, coalesced: true } });
    // a listed host need not be up (it may block ICMP), and the request may carry its own arguments
    const listed = await scanSubnet('office', { targets: ['198.18.3.30'], args: '-T4  -p22,80 --host-timeout=30s -sV' });
    expect(listed).toMatchObject({ status: 202, body: { coalesced: false, hosts: 1 } });
    expect(await scanner.next('job')).toEqual(jobFor(listed.body.jobId, subnet.office!, ['198.18.3.30'], ['-T4', '-p', '22,80', '--host-timeout', '30000ms', '-sV']));
    for (const id of [res.body.jobId, listed.body.jobId]) status(scanner, id, 'done', { subnetId: subnet.office });
    await roundTrip(scanner);
    const limited = await scanSubnet('office');
    expect([limited.status, limited.body.error.code, Number(limited.headers.get('retry-after'))]).toEqual([429, 'scan_rate_limited', 60]);
    await sentNothing(scanner);
  });
});

describe('refused, writing nothing and sending nothing', () => {
  const refused = async (call: () => Promise<{ status: number; body: any }>) => {
    const counts = await allCounts(t);
    const res = await call();
    expect(await allCounts(t)).toEqual(counts);
    for (const p of [scanner, old, sweepOnly]) await sentNothing(p);
    return [res.status, res.body.error?.code];
  };

  it.each([
    ['198.18.1.9', 'old', 409, 'unsupported_by_probe'],
    ['198.18.5.9', 'sweepOnly', 409, 'unsupported_by_probe'],
    ['198.18.2.9', 'offline', 409, 'probe_offline'],
    ['198.18.4.9', 'none', 409, 'no_probe'],
  ])('host %s (subnet %s): %i %s', async (ip, subnetName, code, error) => {
    expect(await refused(() => scanHost(ip))).toEqual([code, error]);
    expect(await refused(() => scanSubnet(subnetName, { targets: [ip] }))).toEqual([code, error]);
  });

  it('the old probe’s refusal names its version', async () => {
    expect((await scanHost('198.18.1.9')).body.error.message).toContain('version 0.2.0');
  });

  it.each([
    ['--script vuln', '--script'],
    ['--script=http-title', '--script=http-title'],
    ['-iL /etc/hosts', '-iL'],
    ['-oN /tmp/out', '-oN'],
    ['-oX -', '-oX'],
    ['-oG /tmp/g', '-oG'],
    ['-oA /tmp/a', '-oA'],
    ['--resume /tmp/r', '--resume'],
    ['--datadir /tmp', '--datadir'],
    ['--proxies socks4://127.0.0.1:9050', '--proxies'],
    ['-D RND:10', '-D'],
    ['-S 198.18.0.99', '-S'],
    ['-e lo', '-e'],
    ['--interactive', '--interactive'],
    ['-sC', '-sC'],
    ['-A', '-A'],
    ['-O', '-O'],
    ['-T4 198.18.0.11', '198.18.0.11'],
    ['-p 22;id', '-p'],
    ['--top-ports 100 --max-retries 99', '--max-retries'],
  ])('args %j: 400 forbidden_nmap_option naming %s', async (args, option) => {
    t.clock.advance(61_000); // out of every cool-down: only the arguments stand in the way
    for (const call of [() => scanHost('198.18.0.10', { args }), () => scanSubnet('lab', { args })]) {
      let body: any;
      expect(await refused(async () => ((body = (await call()).body), { status: 400, body }))).toEqual([400, 'forbidden_nmap_option']);
      expect(body.error.details).toEqual({ option });
      expect(body.error.message).toContain(option);
    }
  });

  it.each([
    [{ targets: ['198.18.9.9'] }, 400, 'target_outside_subnet'],
    [{ targets: ['198.18.0.10', 'fd00::1'] }, 400, 'target_outside_subnet'],
    [{ targets: ['198.18.0.99'] }, 400, 'unknown_target'],
    [{ targets: ['198.18.0.300'] }, 400, 'invalid_ip'],
    [{ targets: [] }, 400, 'invalid_request'],
    [{ hosts: ['198.18.0.10'] }, 400, 'invalid_request'],
  ])('subnet targets %j: %i %s', async (body, code, error) => {
    expect(await refused(() => scanSubnet('lab', body))).toEqual([code, error]);
  });

  it('a subnet with no host up: 409 no_alive_hosts, but who would scan is answered first; a missing host or subnet: 404', async () => {
    expect(await refused(() => scanSubnet('empty'))).toEqual([409, 'no_alive_hosts']);
    expect(await refused(() => scanSubnet('old'))).toEqual([409, 'unsupported_by_probe']);
    expect(await refused(() => scanSubnet('none'))).toEqual([409, 'no_probe']);
    expect(await refused(() => scanSubnet('offline'))).toEqual([409, 'probe_offline']);
    expect(await refused(() => t.call('POST', '/api/hosts/99999/scan-ports'))).toEqual([404, 'not_found']);
    expect(await refused(() => t.call('POST', '/api/subnets/99999/scan-ports'))).toEqual([404, 'not_found']);
  });
});
