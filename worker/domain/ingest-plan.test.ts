import { describe, expect, it } from 'vitest';
import { ipKey, parseCidr, parseIp } from '../../schema/ip/cidr.js';
import type { SweepResult } from '../../schema/protocol.js';
import { planIngest, type TrackedHost } from './ingest-plan.js';

const net = parseCidr('198.18.0.0/24');
const sweep = (at: number, up: Record<string, number>, extra: Partial<SweepResult> = {}): SweepResult => ({
  subnetId: 1,
  at,
  durationMs: 10,
  complete: true,
  up: Object.entries(up).map(([ip, latencyMs]) => ({ ip, latencyMs })),
  down: [],
  ...extra,
});
const host = (ip: string, over: Partial<TrackedHost> = {}): TrackedHost => ({
  ip,
  ipKey: ipKey(parseIp(ip).value, parseIp(ip).family),
  status: 'up',
  consecutiveFailures: 0,
  latencyMs: 1,
  firstSeenAt: 0,
  lastSeenAt: 0,
  lastCheckedAt: 0,
  lastChangeAt: 0,
  timesSeen: 1,
  ...over,
});

describe('planIngest', () => {
  it('creates rows only for answering addresses, with a first event', () => {
    const plan = planIngest(net, [], [sweep(1000, { '198.18.0.10': 0.4 })], 2);
    expect(plan.hosts).toHaveLength(1);
    expect(plan.hosts[0]).toMatchObject({ ip: '198.18.0.10', status: 'up', timesSeen: 1, firstSeenAt: 1000, latencyMs: 0.4 });
    expect(plan.hosts[0]!.ipKey).toBe('c612000a');
    expect(plan.events).toEqual([{ ip: '198.18.0.10', at: 1000, from: 'unknown', to: 'up' }]);
    expect(plan.samples).toEqual([{ ip: '198.18.0.10', at: 1000, up: true, latencyMs: 0.4, status: 'up' }]);
  });

  it('takes a host down after the threshold across spooled sweeps, in time order', () => {
    const plan = planIngest(net, [host('198.18.0.11')], [sweep(3000, {}), sweep(2000, {})], 2);
    expect(plan.hosts[0]).toMatchObject({ status: 'down', consecutiveFailures: 2, lastSeenAt: 0, lastChangeAt: 3000 });
    expect(plan.events).toEqual([{ ip: '198.18.0.11', at: 3000, from: 'up', to: 'down' }]);
    expect(plan.samples.map((s) => [s.at, s.up])).toEqual([
      [2000, false],
      [3000, false],
    ]);
  });

  it('rolls samples up per host and hour', () => {
    const plan = planIngest(net, [], [sweep(0, { '198.18.0.1': 2 }), sweep(60_000, { '198.18.0.1': 4 }), sweep(3_600_000, {})], 2);
    expect(plan.hourly).toEqual([
      { ip: '198.18.0.1', hour: 0, samples: 2, upSamples: 2, latencySumMs: 6 },
      { ip: '198.18.0.1', hour: 3_600_000, samples: 1, upSamples: 0, latencySumMs: 0 },
    ]);
  });

  it('for an incomplete (IPv6) sweep only listed addresses count as silent', () => {
    const v6 = parseCidr('fd00:18::/64');
    const known = [host('fd00:18::10'), host('fd00:18::11')];
    const plan = planIngest(v6, known, [sweep(5, { 'FD00:18::12': 1 }, { complete: false, down: ['fd00:18::10'] })], 1);
    expect(plan.hosts.map((h) => [h.ip, h.status])).toEqual([
      ['fd00:18::12', 'up'],
      ['fd00:18::10', 'down'],
    ]);
  });

  it('ignores addresses outside the subnet or malformed', () => {
    const plan = planIngest(net, [], [sweep(1, { '198.19.0.1': 1, nonsense: 1 })], 2);
    expect(plan.hosts).toEqual([]);
    expect(plan.ignored).toEqual(['198.19.0.1', 'nonsense']);
  });

  it.each<[string, string[], string[]]>([
    ['198.18.0.0/24', ['198.18.0.0', '198.18.0.1', '198.18.0.254', '198.18.0.255'], ['198.18.0.1', '198.18.0.254']],
    ['198.18.0.0/30', ['198.18.0.0', '198.18.0.1', '198.18.0.2', '198.18.0.3'], ['198.18.0.1', '198.18.0.2']],
    ['198.18.0.0/31', ['198.18.0.0', '198.18.0.1'], ['198.18.0.0', '198.18.0.1']],
    ['198.18.0.9/32', ['198.18.0.9'], ['198.18.0.9']],
    ['fd00:18::/64', ['fd00:18::', 'fd00:18::1'], ['fd00:18::', 'fd00:18::1']],
  ])('in %s, answers from %j make hosts of %j only (no IPv4 network or broadcast address)', (cidr, answering, hosts) => {
    const plan = planIngest(parseCidr(cidr), [], [sweep(1, Object.fromEntries(answering.map((ip) => [ip, 1])), { complete: !cidr.includes(':') })], 2);
    expect(plan.hosts.map((h) => h.ip)).toEqual(hosts);
    expect(plan.ignored).toEqual(answering.filter((ip) => !hosts.includes(ip)));
  });

  it('a complete sweep part marks silent only the known hosts inside its range, and ignores answers outside it', () => {
    const known = ['198.18.0.5', '198.18.0.50', '198.18.0.51', '198.18.0.200'].map((ip) => host(ip));
    const part = sweep(7, { '198.18.0.51': 1, '198.18.0.201': 1 }, { range: ['198.18.0.50', '198.18.0.127'] });
    const plan = planIngest(net, known, [part], 1);
    expect(plan.hosts.map((h) => [h.ip, h.status])).toEqual([
      ['198.18.0.51', 'up'],
      ['198.18.0.50', 'down'],
    ]);
    expect(plan.samples.map((s) => [s.ip, s.up])).toEqual([
      ['198.18.0.51', true],
      ['198.18.0.50', false],
    ]);
    expect(plan.ignored).toEqual(['198.18.0.201']);
  });

  it('parts covering the whole block together mark every silent known host once', () => {
    const known = ['198.18.0.1', '198.18.0.127', '198.18.0.128', '198.18.0.254'].map((ip) => host(ip));
    const parts = [sweep(7, {}, { range: ['198.18.0.1', '198.18.0.127'] }), sweep(7, {}, { range: ['198.18.0.128', '198.18.0.254'] })];
    const plans = parts.map((p) => planIngest(net, known, [p], 1));
    expect(plans.map((p) => p.samples.map((s) => s.ip))).toEqual([
      ['198.18.0.1', '198.18.0.127'],
      ['198.18.0.128', '198.18.0.254'],
    ]);
  });

  it('skips a sweep whose range is not usable addresses of the subnet', () => {
    const plan = planIngest(net, [host('198.18.0.5')], [sweep(7, { '198.18.0.5': 1 }, { range: ['198.18.0.0', '198.18.0.9'] })], 1);
    expect(plan).toMatchObject({ hosts: [], samples: [], events: [] });
  });

  it('counts an address listed twice as silent once', () => {
    const v6 = parseCidr('fd00:18::/64');
    const plan = planIngest(v6, [host('fd00:18::10')], [sweep(5, {}, { complete: false, down: ['fd00:18::10', 'FD00:18::10'] })], 2);
    expect(plan.samples).toHaveLength(1);
    expect(plan.hosts[0]).toMatchObject({ consecutiveFailures: 1 });
  });

  it('a record that never answered (reserved, hand-made) stays unknown however many sweeps miss it, until it answers', () => {
    const reserved = host('198.18.0.20', { status: 'unknown', timesSeen: 0, firstSeenAt: null, lastSeenAt: null, latencyMs: null });
    const silent = planIngest(net, [reserved], [sweep(1000, {}), sweep(2000, {}), sweep(3000, {})], 2);
    expect(silent.hosts[0]).toMatchObject({ status: 'unknown', consecutiveFailures: 3 });
    expect(silent.events).toEqual([]);
    expect(silent.samples.map((s) => s.up)).toEqual([false, false, false]);

    const answered = planIngest(net, [reserved], [sweep(1000, { '198.18.0.20': 1 }), sweep(2000, {}), sweep(3000, {})], 2);
    expect(answered.hosts[0]).toMatchObject({ status: 'down', consecutiveFailures: 2, timesSeen: 1 });
    expect(answered.events.map((e) => `${e.from}>${e.to}`)).toEqual(['unknown>up', 'up>down']);
  });
});
