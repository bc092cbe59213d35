/**
 * Verified allocation through the API (issue 15) on a real libSQL file, with RawProbes on the real Node hub answering
 * `address-check` jobs as the real probe does (tests/support/address-checker.ts): candidates showing any sign of life
 * are skipped and recorded as discovered hosts, previously used addresses come last with their hint, verify:false,
 * the refusals (no probe, offline, too old, timeout, the probe failing, a full subnet) reserving nothing, 20 at once
 * getting 20 distinct addresses, claims released, GET /free's `verified`, and the expiry duty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressCheckJob, DEFAULT_CHECK_PORTS } from '../../schema/kinds/address-check.js';
import { reservationExpiry } from '../../worker/duties.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { AddressChecker } from '../support/address-checker.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { waitFor } from '../support/wait.js';
import { roundTrip, startPortRig, type PortRig } from '../support/port-rig.js';

const DAY = 86_400_000;
const VERIFY_MS = 1500;
let rig: PortRig;
let t: TestApp;
let live: LiveClient;
let checker: AddressChecker;
let oldProbe: Awaited<ReturnType<PortRig['connect']>>;
const probe: Record<string, number> = {};
const subnet: Record<string, number> = {};
let viewer: Record<string, string>;
let batch = 0;

const allocate = (s: string, body?: unknown, headers?: Record<string, string>) => t.call('POST', `/api/subnets/${subnet[s]}/allocate`, body, headers);
const q = async (text: string, args: (string | number)[] = []) => (await t.client.execute({ sql: text, args })).rows as any[];
const count = async (table: string, where = '1 = 1', args: (string | number)[] = []) => Number((await q(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, args))[0].n);
const hostsOf = async (s: string) => (await t.call('GET', `/api/hosts?subnetId=${subnet[s]}&limit=500`)).body.hosts as any[];
const hostAt = async (ip: string) => (await t.call('GET', `/api/hosts?q=${ip}`)).body.hosts.find((h: any) => h.ip === ip);
/** Everything an allocation may write, to prove a refusal wrote nothing (jobs aside: a check job is a record of the attempt). */
const written = async () => ({
  hosts: JSON.stringify(await q('SELECT id, ip, reserved, reserved_by, hostname, status FROM hosts ORDER BY id')),
  claims: await count('address_claims'),
  audit: await count('audit_log', "action = 'host.allocate'"),
});
const sweep = async (s: string, up: string[]) => {
  const item = { kind: 'sweep', subnetId: subnet[s], at: t.clock.now(), durationMs: 2, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [] };
  const [ack] = await handleProbeFrame(t.deps, probe.checker!, JSON.stringify({ type: 'results', batchId: `sw-${++batch}`, results: [item] }));
  expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
};

beforeAll(async () => {
  rig = await startPortRig({ allocateVerifyTimeoutMs: VERIFY_MS, sessionTtlSeconds: 60 * 86_400, downAfterFailures: 1 });
  t = rig.t;
  const enrolled: Record<string, { id: number; token: string }> = {};
  for (const name of ['checker', 'old', 'away']) probe[name] = (enrolled[name] = await rig.enrol(name)).id;
  const add = async (name: string, cidr: string, probeId: number | null) => {
    const res = await t.call('POST', '/api/subnets', { cidr, probeId, sweepIntervalSeconds: 3600 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    subnet[name] = res.body.id;
  };
  await add('lab', '198.18.248.0/24', probe.checker!);
  await add('small', '198.18.249.0/30', probe.checker!);
  await add('tiny', '198.18.249.4/30', probe.checker!);
  await add('reuse', '198.18.250.0/29', probe.checker!);
  await add('wide', '198.18.252.0/24', probe.checker!);
  await add('expiry', '198.18.253.0/24', probe.checker!);
  await add('v6', 'fd00:248::/120', probe.checker!);
  await add('race', '198.18.247.0/24', probe.checker!);
  await add('pair', '198.18.249.8/30', probe.checker!);
  await add('none', '198.18.251.0/24', null);
  await add('old', '198.18.254.0/24', probe.old!);
  await add('away', '198.18.255.0/24', probe.away!);
  const p = await rig.connect(enrolled.checker!.token, { kinds: ['sweep', 'port_scan', 'traceroute', 'address-check'], version: '0.7.0' });
  checker = new AddressChecker(p, () => t.clock.now());
  oldProbe = await rig.connect(enrolled.old!.token, { kinds: ['sweep', 'port_scan', 'traceroute'], version: '0.6.0' });
  expect((await t.call('POST', '/api/users', { username: 'watcher', password: 'watcher-password', role: 'viewer' })).status).toBe(201);
  const login = await t.call('POST', '/api/auth/login', { username: 'watcher', password: 'watcher-password' }, {});
  viewer = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterAll(async () => {
  live.close();
  await rig.close();
});

describe('a verified allocation', () => {
  it('skips every candidate showing a sign of life (echo, TCP only, PTR only), records them, and reserves the first clean one', async () => {
    checker.shows.set('198.18.248.1', { signs: ['icmp', 'neighbour'], mac: '00:0C:29:AB:CD:01', rttMs: 0.7 });
    checker.shows.set('198.18.248.2', { signs: ['tcp'] });
    checker.shows.set('198.18.248.3', { signs: ['ptr'], ptrName: 'Printer.Lab.Example.' });
    const allocationId = crypto.randomUUID();
    const until = new Date(t.clock.now() + 3 * DAY).toISOString();
    const res = await allocate('lab', { hostname: 'new-box', description: 'for the lab', tags: ['lab'], reservedBy: 'ops', reservedNote: 'ticket 7', reservedUntil: until, allocationId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const at = new Date(t.clock.now()).toISOString();
    const given = await hostAt('198.18.248.4');
    expect(res.body).toEqual({
      allocationId,
      subnetId: subnet.lab,
      verified: true,
      addresses: [{ ip: '198.18.248.4', hostId: given.id, previouslyUsed: null, check: { at, signs: [], skipped: [] } }],
      skipped: [
        { ip: '198.18.248.1', hostId: expect.any(Number), signs: [{ check: 'icmp', detail: 'echo reply 0.7 ms' }, { check: 'neighbour', detail: 'lladdr 00:0C:29:AB:CD:01' }] },
        { ip: '198.18.248.2', hostId: expect.any(Number), signs: [{ check: 'tcp', detail: 'tcp/22 open' }] },
        { ip: '198.18.248.3', hostId: expect.any(Number), signs: [{ check: 'ptr', detail: 'PTR Printer.Lab.Example.' }] },
      ],
    });
    // two rounds: three claimed and checked (one plus the margin), all alive; then the next three
    expect(checker.jobs.map((j) => j.addresses)).toEqual([
      ['198.18.248.1', '198.18.248.2', '198.18.248.3'],
      ['198.18.248.4', '198.18.248.5', '198.18.248.6'],
    ]);
    expect(checker.jobs[0]).toEqual({ type: 'job', kind: 'address-check', jobId: expect.any(String), subnetId: subnet.lab, addresses: checker.jobs[0]!.addresses, ports: [...DEFAULT_CHECK_PORTS], timeoutMs: 1000 });
    for (const j of checker.jobs) expect(addressCheckJob.safeParse(j).success).toBe(true);
    expect(await q("SELECT kind, state, probe_id AS probeId, subnet_id AS subnetId, targets FROM jobs WHERE kind = 'address-check'")).toEqual([
      { kind: 'address-check', state: 'done', probeId: probe.checker, subnetId: subnet.lab, targets: 3 },
      { kind: 'address-check', state: 'done', probeId: probe.checker, subnetId: subnet.lab, targets: 3 },
    ]);
    expect(given).toMatchObject({ hostname: 'new-box', hostnameSource: 'manual', description: 'for the lab', tags: ['lab'], reserved: true, reservedBy: 'ops', reservedNote: 'ticket 7', reservedAt: at, reservedUntil: until, status: 'unknown' });
    // the discovered hosts: up when something answered (its MAC and vendor, latency), unknown with the PTR name otherwise
    expect(await hostAt('198.18.248.1')).toMatchObject({ status: 'up', reserved: false, mac: '00:0c:29:ab:cd:01', latencyMs: 0.7, lastSeenAt: at, firstSeenAt: at });
    expect(await hostAt('198.18.248.2')).toMatchObject({ status: 'up', reserved: false, mac: null, lastSeenAt: at });
    expect(await hostAt('198.18.248.3')).toMatchObject({ status: 'unknown', reserved: false, hostname: 'printer.lab.example', hostnameSource: 'ptr', ptrName: 'printer.lab.example', lastSeenAt: null });
    expect(res.body.skipped.map((s: any) => s.hostId)).toEqual([(await hostAt('198.18.248.1')).id, (await hostAt('198.18.248.2')).id, (await hostAt('198.18.248.3')).id]);
    expect((await t.call('GET', `/api/hosts/${(await hostAt('198.18.248.1')).id}/devices`)).body.devices).toMatchObject([{ mac: '00:0c:29:ab:cd:01' }]);
    // every claim let go; the checks kept (the surplus ones clean)
    expect(await count('address_claims')).toBe(0);
    expect(await q('SELECT ip, alive FROM address_checks WHERE subnet_id = ? ORDER BY ip_key', [subnet.lab!])).toEqual(
      ['1', '2', '3', '4', '5', '6'].map((n) => ({ ip: `198.18.248.${n}`, alive: Number(n) <= 3 ? 1 : 0 })),
    );
    // the steps on the live feed, then the hosts edited and done
    const mine = (d: any) => d.allocationId === allocationId;
    expect(await live.next('allocation', (d) => mine(d) && d.stage === 'checking')).toEqual({ allocationId, subnetId: subnet.lab, stage: 'checking', addresses: ['198.18.248.1', '198.18.248.2', '198.18.248.3'] });
    const checked = await live.next('allocation', (d) => mine(d) && d.stage === 'checked');
    expect(checked.checks!.map((c) => [c.ip, c.alive])).toEqual([['198.18.248.1', true], ['198.18.248.2', true], ['198.18.248.3', true]]);
    expect(await live.next('allocation', (d) => mine(d) && d.stage === 'checking')).toMatchObject({ addresses: ['198.18.248.4', '198.18.248.5', '198.18.248.6'] });
    expect(await live.next('allocation', (d) => mine(d) && d.stage === 'done')).toEqual({ allocationId, subnetId: subnet.lab, stage: 'done', addresses: ['198.18.248.4'] });
    expect(await live.next('hosts', (d) => d.subnetIds.includes(subnet.lab!))).toBeTruthy();
    // audited with the addresses handed out
    const [audit] = await q("SELECT actor, target_type AS targetType, target_id AS targetId, details FROM audit_log WHERE action = 'host.allocate'");
    expect({ ...audit, details: JSON.parse(audit.details) }).toMatchObject({
      actor: 'admin',
      targetType: 'subnet',
      targetId: String(subnet.lab),
      details: { hostname: 'new-box', verified: true, addresses: ['198.18.248.4'], skipped: ['198.18.248.1', '198.18.248.2', '198.18.248.3'] },
    });
  });

  it('the next allocation goes on after the hosts found; GET /free shows the last checks of the addresses it lists; checks the probe could not run are carried everywhere', async () => {
    // the probe's ping could not send to .5 and .7 (no raw socket): no sign, but ICMP was never asked
    checker.shows.set('198.18.248.5', { skipped: ['icmp'] });
    checker.shows.set('198.18.248.7', { skipped: ['icmp', 'neighbour'] });
    const allocationId = crypto.randomUUID();
    const res = await allocate('lab', { count: 2, allocationId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const at = new Date(t.clock.now()).toISOString();
    expect(res.body.addresses.map((a: any) => [a.ip, a.check])).toEqual([
      ['198.18.248.5', { at, signs: [], skipped: ['icmp'] }],
      ['198.18.248.6', { at, signs: [], skipped: [] }],
    ]);
    expect(checker.jobs.at(-1)!.addresses).toEqual(['198.18.248.5', '198.18.248.6', '198.18.248.7', '198.18.248.8']);
    const checked = await live.next('allocation', (d) => d.allocationId === allocationId && d.stage === 'checked');
    expect(checked.checks).toEqual([
      { ip: '198.18.248.5', alive: false, signs: [], skipped: ['icmp'] },
      { ip: '198.18.248.6', alive: false, signs: [], skipped: [] },
      { ip: '198.18.248.7', alive: false, signs: [], skipped: ['icmp', 'neighbour'] },
      { ip: '198.18.248.8', alive: false, signs: [], skipped: [] },
    ]);
    expect(await q('SELECT ip, skipped FROM address_checks WHERE subnet_id = ? AND ip IN (?, ?) ORDER BY ip_key', [subnet.lab!, '198.18.248.4', '198.18.248.7'])).toEqual([
      { ip: '198.18.248.4', skipped: '[]' },
      { ip: '198.18.248.7', skipped: '["icmp","neighbour"]' },
    ]);
    const free = await t.call('GET', `/api/subnets/${subnet.lab}/free?limit=3`);
    expect(free.status).toBe(200);
    expect(free.body.addresses).toEqual(['198.18.248.7', '198.18.248.8', '198.18.248.9']);
    expect(free.body.verified).toEqual({
      '198.18.248.7': { at, alive: false, signs: [], skipped: ['icmp', 'neighbour'] },
      '198.18.248.8': { at, alive: false, signs: [], skipped: [] },
    });
  });

  it('a candidate the probe’s answer leaves out is not handed out', async () => {
    checker.only = (ip) => ip !== '198.18.248.7';
    try {
      const res = await allocate('lab', {});
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.addresses.map((a: any) => a.ip)).toEqual(['198.18.248.8']);
      expect(await hostAt('198.18.248.7')).toBeUndefined();
    } finally {
      checker.only = null;
    }
  });

  it('IPv6: the same, in address order, never the Subnet-Router anycast address', async () => {
    checker.shows.set('fd00:248::1', { signs: ['neighbour'], mac: '02:00:5e:10:00:09' });
    const res = await allocate('v6', {});
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.addresses.map((a: any) => a.ip)).toEqual(['fd00:248::2']);
    expect(res.body.skipped.map((s: any) => s.ip)).toEqual(['fd00:248::1']);
    expect(await hostAt('fd00:248::1')).toMatchObject({ status: 'up', mac: '02:00:5e:10:00:09', macRandom: true, vendor: null });
    expect(await hostAt('fd00:248::')).toBeUndefined();
  });
});

describe('meanwhile', () => {
  it('a record made at a checked address while it was checked: that one is not handed out (nor touched), the next round finds another', async () => {
    checker.meanwhile = async (job) => {
      expect((await t.call('POST', '/api/hosts', { ip: job.addresses[0], hostname: 'typed-in' })).status).toBe(201);
    };
    const res = await allocate('race', { reservedBy: 'ops' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rounds = checker.jobs.filter((j) => j.subnetId === subnet.race).map((j) => j.addresses);
    expect(rounds).toEqual([
      ['198.18.247.1', '198.18.247.2', '198.18.247.3'],
      ['198.18.247.4', '198.18.247.5', '198.18.247.6'],
    ]);
    expect(res.body.addresses.map((a: any) => a.ip)).toEqual(['198.18.247.4']);
    expect(await hostAt('198.18.247.4')).toMatchObject({ reserved: true, reservedBy: 'ops' });
    expect(await hostAt('198.18.247.1')).toMatchObject({ reserved: false, reservedBy: null, hostname: 'typed-in' });
    expect(await count('address_claims')).toBe(0);
  });
});

describe('previously used addresses', () => {
  it('come after every never-used one, with their hint; reusing one reserves its old record', async () => {
    // .1–.3 and .5, .6 answered once; .5 and .6 silent for eight days since; .4 never used
    await sweep('reuse', ['198.18.250.1', '198.18.250.2', '198.18.250.3', '198.18.250.5', '198.18.250.6']);
    await t.call('PATCH', `/api/hosts/${(await hostAt('198.18.250.5')).id}`, { hostname: 'old-nas' });
    const lastSeen = new Date(t.clock.now()).toISOString();
    t.clock.advance(8 * DAY);
    await sweep('reuse', ['198.18.250.1', '198.18.250.2', '198.18.250.3']);
    const old = await hostAt('198.18.250.5');
    expect(old).toMatchObject({ previouslyUsed: true });
    const res = await allocate('reuse', { count: 2, reservedBy: 'ops' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(checker.jobs.at(-1)!.addresses).toEqual(['198.18.250.4', '198.18.250.5', '198.18.250.6']);
    expect(res.body.addresses).toEqual([
      { ip: '198.18.250.4', hostId: expect.any(Number), previouslyUsed: null, check: expect.objectContaining({ signs: [] }) },
      { ip: '198.18.250.5', hostId: old.id, previouslyUsed: { hostId: old.id, lastSeenAt: lastSeen, hostname: 'old-nas', mac: null }, check: expect.objectContaining({ signs: [] }) },
    ]);
    expect(await hostAt('198.18.250.5')).toMatchObject({ id: old.id, reserved: true, reservedBy: 'ops', hostname: 'old-nas', reservedAt: new Date(t.clock.now()).toISOString() });
    expect(await hostAt('198.18.250.6')).toMatchObject({ reserved: false, previouslyUsed: true });
  });
});

describe('unverified, and refusals that reserve nothing', () => {
  it('verify:false: no probe needed, nothing sent, the answer says it was not verified', async () => {
    const jobs = checker.jobs.length;
    const refused = await allocate('none', {});
    expect([refused.status, refused.body.error.code]).toEqual([409, 'no_probe']);
    const res = await allocate('none', { verify: false, count: 2, hostname: 'unchecked' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ verified: false, skipped: [], addresses: [{ ip: '198.18.251.1', check: null, previouslyUsed: null }, { ip: '198.18.251.2', check: null }] });
    expect(await hostAt('198.18.251.2')).toMatchObject({ reserved: true, hostname: 'unchecked' });
    expect(checker.jobs.length).toBe(jobs);
    expect(await count('address_claims')).toBe(0);
  });

  it.each([
    ['away', {}, 503, 'probe_offline'],
    ['old', {}, 409, 'unsupported_by_probe'],
    ['lab', { count: 65 }, 400, 'invalid_request'],
    ['lab', { count: 0 }, 400, 'invalid_request'],
    ['lab', { reservedUntil: '2020-01-01T00:00:00Z' }, 400, 'bad_reserved_until'],
    ['lab', { allocationId: 'not-a-uuid' }, 400, 'invalid_request'],
    ['lab', { surprise: 1 }, 400, 'invalid_request'],
  ])('%s %j: %i %s', async (s, body, status, code) => {
    const before = await written();
    const jobs = checker.jobs.length;
    const res = await allocate(s, body);
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(await written()).toEqual(before);
    expect(checker.jobs.length).toBe(jobs);
  });

  it('a viewer is refused; an unknown subnet is 404', async () => {
    expect((await allocate('lab', {}, viewer)).status).toBe(403);
    expect((await t.call('POST', '/api/subnets/999999/allocate', {})).status).toBe(404);
  });

  it('an exhausted /30 answers 409 subnet_full; one with an address in use too, which is still recorded', async () => {
    const first = await allocate('small', { count: 2 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.addresses.map((a: any) => a.ip)).toEqual(['198.18.249.1', '198.18.249.2']);
    let before = await written();
    const full = await allocate('small', {});
    expect([full.status, full.body.error.code]).toEqual([409, 'subnet_full']);
    expect(await written()).toEqual(before);

    checker.shows.set('198.18.249.5', { signs: ['tcp'] });
    before = await written();
    const busy = await allocate('tiny', { count: 2 });
    expect([busy.status, busy.body.error.code]).toEqual([409, 'subnet_full']);
    expect(busy.body.error.details).toMatchObject({ requested: 2, found: 1, skipped: [{ ip: '198.18.249.5', signs: [{ check: 'tcp', detail: 'tcp/22 open' }] }] });
    expect(await hostAt('198.18.249.5')).toMatchObject({ status: 'up', reserved: false });
    expect(await hostAt('198.18.249.6')).toBeUndefined();
    expect(await count('address_claims')).toBe(0);
    expect(await live.next('allocation', (d) => d.subnetId === subnet.tiny && d.stage === 'failed')).toMatchObject({ code: 'subnet_full' });
    expect(JSON.parse(before.hosts).length + 1).toBe(JSON.parse((await written()).hosts).length);
  });

  it('a probe that does not answer within ALLOCATE_VERIFY_TIMEOUT_MS: 503 verify_timeout, claims released; its late answer is still stored', async () => {
    checker.mode = 'silent';
    const before = await written();
    const started = Date.now();
    try {
      const res = await allocate('lab', {});
      expect([res.status, res.body.error.code]).toEqual([503, 'verify_timeout']);
    } finally {
      checker.mode = 'answer';
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(VERIFY_MS - 50);
    expect(Date.now() - started).toBeLessThan(VERIFY_MS + 3000);
    expect(await written()).toEqual(before);
    const job = checker.jobs.at(-1)!;
    expect(await q('SELECT state, error FROM jobs WHERE id = ?', [job.jobId])).toEqual([{ state: 'failed', error: 'no result within the allocation’s wait' }]);
    // late: what it found is kept (a host in use is recorded), and the job ends done
    checker.shows.set(job.addresses[0]!, { signs: ['icmp'] });
    const ack = await checker.sendLate(job);
    expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    expect(ack.rejectedResults).toBeUndefined();
    expect(await hostAt(job.addresses[0]!)).toMatchObject({ status: 'up', reserved: false });
    expect(await q('SELECT state FROM jobs WHERE id = ?', [job.jobId])).toEqual([{ state: 'done' }]);
  });

  it('the probe failing the job: 503 verify_failed with its reason; unsupported: 409 unsupported_by_probe', async () => {
    for (const [mode, status, code] of [['fail', 503, 'verify_failed'], ['unsupported', 409, 'unsupported_by_probe']] as const) {
      checker.mode = mode;
      const before = await written();
      try {
        const res = await allocate('lab', {});
        expect([res.status, res.body.error.code]).toEqual([status, code]);
        if (mode === 'fail') expect(res.body.error.message).toContain('outside this probe');
      } finally {
        checker.mode = 'answer';
      }
      expect(await written()).toEqual(before);
    }
  });

  it('a job done with none of its addresses reported (its result refused, e.g. the subnet moved to another probe) is 503 verify_failed, not "full"', async () => {
    checker.only = () => false;
    const before = await written();
    try {
      const res = await allocate('lab', {});
      expect([res.status, res.body.error.code]).toEqual([503, 'verify_failed']);
      expect(res.body.error.message).toMatch(/reported none of the \d+ addresses/);
    } finally {
      checker.only = null;
    }
    expect(await written()).toEqual(before);
  });
});

describe('at once', () => {
  it('20 parallel requests get 20 distinct addresses, each checked; every claim is released', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => allocate('wide', {})));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const ips = answers.map((a) => a.body.addresses[0].ip as string);
    expect(new Set(ips).size).toBe(20);
    for (const a of answers) expect(a.body).toMatchObject({ verified: true, skipped: [], addresses: [{ check: { signs: [] } }] });
    // no address was checked by two allocations at once
    const wide = checker.jobs.filter((j) => j.subnetId === subnet.wide).flatMap((j) => j.addresses);
    expect(new Set(wide).size).toBe(wide.length);
    const reserved = (await hostsOf('wide')).filter((h) => h.reserved).map((h) => h.ip);
    expect(reserved.sort()).toEqual([...ips].sort());
    expect(await count('address_claims')).toBe(0);
  });

  it('two at once on a /30: the second waits for the addresses the first holds, and gets the one it let go', async () => {
    const [a, b] = await Promise.all([allocate('pair', {}), allocate('pair', {})]);
    expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([201, 201]);
    expect([a.body.addresses[0].ip, b.body.addresses[0].ip].sort()).toEqual(['198.18.249.10', '198.18.249.9']);
    const third = await allocate('pair', {});
    expect([third.status, third.body.error.code]).toEqual([409, 'subnet_full']);
  });

  it('a claim left by a request that died is taken over once stale; a live one is not', async () => {
    const now = t.clock.now();
    await t.client.execute({ sql: "INSERT INTO address_claims (subnet_id, ip_key, ip, claim_id, expires_at) VALUES (?, 'c612fd01', '198.18.253.1', 'dead', ?), (?, 'c612fd02', '198.18.253.2', 'alive', ?)", args: [subnet.expiry!, now - 1, subnet.expiry!, now + DAY] });
    const res = await allocate('expiry', { verify: false });
    expect(res.body.addresses.map((a: any) => a.ip)).toEqual(['198.18.253.1']);
    expect(await q('SELECT ip, claim_id AS claimId FROM address_claims')).toEqual([{ ip: '198.18.253.2', claimId: 'alive' }]);
    await t.client.execute('DELETE FROM address_claims');
    await t.call('DELETE', `/api/hosts/${res.body.addresses[0].hostId}`);
  });
});

describe('reservation expiry', () => {
  it('releases reservations past reservedUntil never seen alive since: a record the allocation made is deleted, an older one cleared; a used one stays', async () => {
    const until = new Date(t.clock.now() + 3_600_000).toISOString();
    const made = await allocate('expiry', { count: 4, reservedUntil: until, reservedBy: 'temp' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const [gone, used, noted, described] = made.body.addresses.map((a: any) => a.hostId as number);
    const ipOf = (i: number) => made.body.addresses[i].ip as string;
    // one answers a sweep after it was reserved; one gets notes (someone wrote about it: kept, unreserved)
    t.clock.advance(60_000);
    await sweep('expiry', [ipOf(1)]);
    await t.call('PATCH', `/api/hosts/${noted}`, { notes: 'rack 4' });
    // an edit of any field is someone's work on the record: it is kept, unreserved, not deleted
    await t.call('PATCH', `/api/hosts/${described}`, { description: 'label printer' });
    const releases = () => count('audit_log', "action = 'reservation.released' AND json_extract(details, '$.subnetId') = ?", [subnet.expiry!]);
    const edited = () => live.log.filter((m) => m.event === 'hosts' && m.data.subnetIds.includes(subnet.expiry) && m.data.changes.length === 0).length;
    // not yet due
    await reservationExpiry.run(t.deps);
    expect(await releases()).toBe(0);
    t.clock.advance(2 * 3_600_000);
    const editsBefore = edited();
    await reservationExpiry.run(t.deps);
    expect((await t.call('GET', `/api/hosts/${gone}`)).status).toBe(404);
    expect((await t.call('GET', `/api/hosts/${used}`)).body).toMatchObject({ reserved: true, reservedBy: 'temp', reservedUntil: until });
    expect((await t.call('GET', `/api/hosts/${noted}`)).body).toMatchObject({ reserved: false, reservedBy: null, reservedAt: null, reservedUntil: null, notes: 'rack 4' });
    expect((await t.call('GET', `/api/hosts/${described}`)).body).toMatchObject({ reserved: false, reservedUntil: null, description: 'label printer' });
    const audit = await q("SELECT user_id AS userId, actor, target_type AS targetType, target_id AS targetId, details FROM audit_log WHERE action = 'reservation.released' AND json_extract(details, '$.subnetId') = ? ORDER BY target_id", [subnet.expiry!]);
    expect(audit.map((a) => ({ ...a, details: JSON.parse(a.details) }))).toEqual([
      { userId: null, actor: 'system', targetType: 'host', targetId: String(gone), details: { ip: ipOf(0), subnetId: subnet.expiry, reservedBy: 'temp', reservedUntil: until, deleted: true } },
      { userId: null, actor: 'system', targetType: 'host', targetId: String(noted), details: { ip: ipOf(2), subnetId: subnet.expiry, reservedBy: 'temp', reservedUntil: until, deleted: false } },
      { userId: null, actor: 'system', targetType: 'host', targetId: String(described), details: { ip: ipOf(3), subnetId: subnet.expiry, reservedBy: 'temp', reservedUntil: until, deleted: false } },
    ]);
    await waitFor('the live hosts event of the release', () => edited() > editsBefore, 5000, 20);
    // run again: nothing more
    await reservationExpiry.run(t.deps);
    expect(await releases()).toBe(3);
    await roundTrip(oldProbe);
  });
});
