import { describe, expect, it } from 'vitest';
import { parseIp } from '../../schema/ip/cidr.js';
import { addressCheckOutcome } from '../../schema/kinds/address-check.js';
import type { AssignedSubnet } from '../../schema/protocol.js';
import {
  CHECK_PARALLEL,
  MAX_ATTEMPT_MS,
  checkAddresses,
  checkBudget,
  checkPingArgv,
  echoVerdict,
  neighbourEntry,
  onAttachedSegment,
  outcomeOf,
  tcpSign,
  type Findings,
  type PingEnd,
} from './address-check-plan.js';
import { JobRefused } from './types.js';

const assigned = new Map<number, AssignedSubnet>([
  [1, { id: 1, cidr: '198.18.120.0/24', intervalSeconds: 60, knownHosts: [] }],
  [2, { id: 2, cidr: 'fd00:120::/64', intervalSeconds: 60, knownHosts: [] }],
  [3, { id: 3, cidr: '127.0.0.1/32', intervalSeconds: 60, knownHosts: [] }],
]);

describe('checkAddresses: only addresses of the job’s subnet, assigned to this probe', () => {
  it.each<[string, number, string[], string | { ip: string; family: 4 | 6 }[]]>([
    ['addresses inside', 1, ['198.18.120.5', '198.18.120.6'], [{ ip: '198.18.120.5', family: 4 }, { ip: '198.18.120.6', family: 4 }]],
    ['canonical and each once, in order', 2, ['FD00:120:0::7', 'fd00:120::1', 'fd00:120::7'], [{ ip: 'fd00:120::7', family: 6 }, { ip: 'fd00:120::1', family: 6 }]],
    ['loopback when it is assigned', 3, ['127.0.0.1'], [{ ip: '127.0.0.1', family: 4 }]],
    ['one address outside refuses the whole job', 1, ['198.18.120.5', '198.18.121.5'], 'target_outside_assignment'],
    ['an address of another assigned subnet', 1, ['fd00:120::5'], 'target_outside_assignment'],
    ['a subnet not assigned to this probe', 9, ['198.18.120.5'], 'target_outside_assignment'],
    ['loopback when it is not assigned', 1, ['127.0.0.1'], 'target_outside_assignment'],
    ['not an address', 1, ['-c 1 198.18.120.5'], 'bad_target'],
  ])('%s', (_name, subnetId, addresses, expected) => {
    const got = checkAddresses({ subnetId, addresses }, assigned);
    if (typeof expected === 'string') {
      expect(got).toBeInstanceOf(JobRefused);
      expect((got as JobRefused).code).toBe(expected);
    } else expect(got).toEqual(expected);
  });
});

describe('checkBudget: every address within the job’s limit', () => {
  it.each<[number, number, number, number]>([
    // count, timeoutMs → parallel, attemptMs
    [1, 1_000, 1, 600],
    [1, 5_000, 1, MAX_ATTEMPT_MS],
    [16, 5_000, 16, MAX_ATTEMPT_MS],
    [17, 5_000, 16, 2_100],
    [64, 5_000, 16, 900],
    [64, 15_000, 16, MAX_ATTEMPT_MS],
    // rounds of 16 would leave 150 ms each: all at once instead
    [64, 2_000, 64, 1_500],
    [64, 1_000, 64, 600],
  ])('%i addresses in %i ms', (count, timeoutMs, parallel, attemptMs) => {
    const b = checkBudget(count, timeoutMs);
    expect({ parallel: b.parallel, attemptMs: b.attemptMs }).toEqual({ parallel, attemptMs });
    expect(b.parallel).toBeLessThanOrEqual(Math.max(count, CHECK_PARALLEL));
    // the rounds, each its attempts and the neighbour read, end before the limit
    expect(Math.ceil(count / b.parallel) * (b.attemptMs + b.neighbourMs)).toBeLessThan(timeoutMs);
  });
});

describe('checkPingArgv', () => {
  it('two echoes 0.2 s apart, a second for the last, no names, the family named', () => {
    expect(checkPingArgv('198.18.120.5', 4)).toEqual(['-n', '-4', '-c', '2', '-i', '0.2', '-W', '1', '198.18.120.5']);
    expect(checkPingArgv('fd00:120::5', 6)).toEqual(['-n', '-6', '-c', '2', '-i', '0.2', '-W', '1', 'fd00:120::5']);
  });
});

const neigh = (entries: Record<string, unknown>[]) => JSON.stringify(entries);

describe('neighbourEntry: `ip -j neigh show` → a live entry with a host MAC', () => {
  it.each<[string, string, string, ReturnType<typeof neighbourEntry>]>([
    ['REACHABLE', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '02:00:5E:10:00:01', state: ['REACHABLE'] }]), '198.18.120.5', { mac: '02:00:5e:10:00:01', state: 'REACHABLE' }],
    ['STALE', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '02:00:5e:10:00:01', state: ['STALE'] }]), '198.18.120.5', { mac: '02:00:5e:10:00:01', state: 'STALE' }],
    ['DELAY', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '02:00:5e:10:00:01', state: ['DELAY'] }]), '198.18.120.5', { mac: '02:00:5e:10:00:01', state: 'DELAY' }],
    ['INCOMPLETE, no lladdr: nobody answered', neigh([{ dst: '198.18.120.5', dev: 'lan0', state: ['INCOMPLETE'] }]), '198.18.120.5', null],
    ['FAILED', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '02:00:5e:10:00:01', state: ['FAILED'] }]), '198.18.120.5', null],
    ['PROBE: being checked, not yet an answer', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '02:00:5e:10:00:01', state: ['PROBE'] }]), '198.18.120.5', null],
    ['PERMANENT: a static entry says nothing of a device', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '02:00:5e:10:00:01', state: ['PERMANENT'] }]), '198.18.120.5', null],
    ['another address', neigh([{ dst: '198.18.120.6', dev: 'lan0', lladdr: '02:00:5e:10:00:01', state: ['REACHABLE'] }]), '198.18.120.5', null],
    ['IPv6, written another way', neigh([{ dst: 'fd00:120:0:0::5', dev: 'lan0', lladdr: '02:00:5e:10:00:01', state: ['STALE'] }]), 'fd00:120::5', { mac: '02:00:5e:10:00:01', state: 'STALE' }],
    ['a multicast lladdr is no host', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '01:00:5e:00:00:01', state: ['REACHABLE'] }]), '198.18.120.5', null],
    ['an all-zero lladdr is no host', neigh([{ dst: '198.18.120.5', dev: 'lan0', lladdr: '00:00:00:00:00:00', state: ['REACHABLE'] }]), '198.18.120.5', null],
    ['the live of two entries (two devices)', neigh([{ dst: '198.18.120.5', dev: 'a', state: ['FAILED'] }, { dst: '198.18.120.5', dev: 'b', lladdr: '02:00:5e:10:00:02', state: ['REACHABLE'] }]), '198.18.120.5', { mac: '02:00:5e:10:00:02', state: 'REACHABLE' }],
    ['an empty table', '[]', '198.18.120.5', null],
    ['not JSON', 'Object "neigh" is unknown', '198.18.120.5', null],
    ['not a list', '{"dst":"198.18.120.5"}', '198.18.120.5', null],
    ['a malformed row', neigh([{ dst: 7 }, { dst: 'nonsense', lladdr: '02:00:5e:10:00:01', state: ['REACHABLE'] }]), '198.18.120.5', null],
  ])('%s', (_name, json, ip, expected) => {
    expect(neighbourEntry(json, ip)).toEqual(expected);
  });
});

describe('onAttachedSegment: from the probe’s own addresses and their prefixes', () => {
  const own = ['198.18.120.1/24', 'fd00:120::1/64', '198.19.0.2/30', '198.18.200.7/32', 'fe80::1/64'];
  it.each<[string, boolean]>([
    ['198.18.120.77', true],
    ['198.18.120.1', true],
    ['198.18.121.77', false],
    ['198.19.0.1', true],
    ['198.19.0.5', false],
    // a /32 has no segment
    ['198.18.200.7', false],
    ['fd00:120::abcd', true],
    ['fd00:121::1', false],
    ['127.0.0.1', false],
  ])('%s → %s', (ip, expected) => {
    expect(onAttachedSegment(parseIp(ip), own)).toBe(expected);
  });
  it('no interfaces, or malformed ones: not attached', () => {
    expect(onAttachedSegment(parseIp('198.18.120.5'), [])).toBe(false);
    expect(onAttachedSegment(parseIp('198.18.120.5'), ['garbage', '198.18.120.1', '198.18.120.1/x'])).toBe(false);
  });
});

describe('tcpSign: an answer of either kind is a host', () => {
  it.each<[Parameters<typeof tcpSign>[1], string | null]>([
    ['connected', 'tcp/22 open'],
    [{ code: 'ECONNREFUSED' }, 'tcp/22 refused'],
    ['timeout', null],
    [{ code: 'EHOSTUNREACH' }, null],
    [{ code: 'ENETUNREACH' }, null],
    [{ code: 'ETIMEDOUT' }, null],
    [{ code: undefined }, null],
  ])('%o → %s', (outcome, detail) => {
    expect(tcpSign(22, outcome)).toEqual(detail === null ? null : { check: 'tcp', detail });
  });
});

describe('echoVerdict: only an echo that was sent and went unanswered is "no sign"', () => {
  it.each<[string, number | null, PingEnd, ReturnType<typeof echoVerdict>]>([
    ['a reply, ping stopped at it', 0.2, 'stopped', { rttMs: 0.2 }],
    ['a reply, then ping exits 0', 0.2, { code: 0, stderr: '' }, { rttMs: 0.2 }],
    ['no reply: exit 1', null, { code: 1, stderr: '' }, { rttMs: null }],
    ['no reply before the time limit stopped it', null, 'stopped', { rttMs: null }],
    [
      'no raw socket (no CAP_NET_RAW, ping_group_range): exit 2',
      null,
      { code: 2, stderr: 'ping: socket: Operation not permitted\n' },
      { skipped: 'ping exited with 2: ping: socket: Operation not permitted' },
    ],
    ['IPv6 without a route: exit 2', null, { code: 2, stderr: '\nping: connect: Network is unreachable' }, { skipped: 'ping exited with 2: ping: connect: Network is unreachable' }],
    ['exit 2 saying nothing', null, { code: 2, stderr: '' }, { skipped: 'ping exited with 2' }],
    ['killed by something else (no exit code)', null, { code: -1, stderr: '' }, { skipped: 'ping exited with -1' }],
    ['not installed', null, { failed: 'ping is not installed on this probe' }, { skipped: 'ping is not installed on this probe' }],
    ['cannot start (EACCES)', null, { failed: 'could not run ping: spawn EACCES' }, { skipped: 'could not run ping: spawn EACCES' }],
  ])('%s', (_name, reply, end, expected) => {
    expect(echoVerdict(reply, end)).toEqual(expected);
  });
});

const none: Findings = { echoRttMs: null, neighbour: null, tcp: [], ptrName: null, skipped: [] };

describe('outcomeOf: every sign in check order; any sign and the address is in use', () => {
  it.each<[string, Partial<Findings>, Record<string, unknown>]>([
    ['nothing at all: free', {}, { alive: false, signs: [], mac: null, ptrName: null, rttMs: null }],
    ['an echo', { echoRttMs: 0.0414 }, { alive: true, signs: [{ check: 'icmp', detail: 'echo reply 0.041 ms' }], rttMs: 0.041 }],
    [
      'a host dropping echoes but listening on 22 (its neighbour entry too)',
      { neighbour: { mac: '02:00:5e:10:00:01', state: 'REACHABLE' }, tcp: [{ check: 'tcp', detail: 'tcp/22 open' }, { check: 'tcp', detail: 'tcp/80 refused' }] },
      {
        alive: true,
        signs: [
          { check: 'neighbour', detail: 'lladdr 02:00:5e:10:00:01 REACHABLE' },
          { check: 'tcp', detail: 'tcp/22 open' },
          { check: 'tcp', detail: 'tcp/80 refused' },
        ],
        mac: '02:00:5e:10:00:01',
      },
    ],
    ['a PTR name alone (a silent host with a record)', { ptrName: 'Printer.Lab.Example.' }, { alive: true, signs: [{ check: 'ptr', detail: 'PTR printer.lab.example' }], ptrName: 'printer.lab.example' }],
    ['a PTR answer that is no hostname is no sign', { ptrName: 'not a name!' }, { alive: false, signs: [], ptrName: null }],
    ['skipped checks, in check order', { skipped: ['ptr', 'neighbour'] }, { alive: false, skipped: ['neighbour', 'ptr'] }],
  ])('%s', (_name, findings, expected) => {
    const outcome = outcomeOf('198.18.120.5', { ...none, ...findings });
    expect(outcome).toMatchObject({ ip: '198.18.120.5', ...expected });
    if (!findings.skipped) expect(outcome).not.toHaveProperty('skipped');
    expect(addressCheckOutcome.safeParse(outcome).success).toBe(true);
  });

  it('every check at once fits the schema (16 ports)', () => {
    const tcp = Array.from({ length: 16 }, (_, i) => ({ check: 'tcp' as const, detail: `tcp/${i + 1} refused` }));
    const outcome = outcomeOf('fd00:120::5', { echoRttMs: 59_999.9999, neighbour: { mac: '02:00:5e:10:00:01', state: 'STALE' }, tcp, ptrName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, skipped: [] });
    expect(outcome.signs).toHaveLength(19);
    expect(addressCheckOutcome.parse(outcome)).toEqual(outcome);
  });
});
