import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../schema/ip/cidr.js';
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
  ipKey: '',
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
    expect(plan.samples).toEqual([{ ip: '198.18.0.10', at: 1000, up: true, latencyMs: 0.4 }]);
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
});
