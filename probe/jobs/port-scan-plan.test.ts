import { describe, expect, it } from 'vitest';
import type { PortScanItem, PortScanJob, ScannedHost } from '../../schema/kinds/port-scan.js';
import type { AssignedSubnet } from '../../schema/protocol.js';
import { planNmapRuns, splitPortScan } from './port-scan-plan.js';

const assigned = new Map<number, AssignedSubnet>([
  [1, { id: 1, cidr: '198.18.0.0/24', intervalSeconds: 60, knownHosts: [] }],
  [2, { id: 2, cidr: 'fd00:18::/64', intervalSeconds: 60, knownHosts: [] }],
]);
const job = (over: Partial<PortScanJob>): PortScanJob => ({ type: 'job', kind: 'port_scan', jobId: 'j', subnetId: 1, targets: ['198.18.0.10'], args: ['-Pn', '-sT'], timeoutMs: 60_000, ...over });
const TAIL = ['-oX', '-', '-n', '--stats-every', '2s'];

describe('planNmapRuns: the probe checks every job again before it runs anything', () => {
  it.each<[string, Partial<PortScanJob>, boolean, ReturnType<typeof planNmapRuns>]>([
    ['a plain job: one run, the probe adds its own output options', {}, true, { ok: true, runs: [{ family: 4, argv: ['-Pn', '-sT', ...TAIL, '198.18.0.10'] }], notes: [] }],
    ['--script from the server is refused', { args: ['--script', 'vuln'] }, true, { ok: false, code: 'forbidden_option', message: expect.stringContaining('--script') }],
    ['-iL from the server is refused', { args: ['-iL', '/etc/passwd'] }, true, { ok: false, code: 'forbidden_option', message: expect.stringContaining('-iL') }],
    ['-oN from the server is refused', { args: ['-oN', '/tmp/x'] }, true, { ok: false, code: 'forbidden_option', message: expect.stringContaining('-oN') }],
    ['a target smuggled into the arguments is refused', { args: ['-Pn', '192.0.2.1'] }, true, { ok: false, code: 'forbidden_option', message: expect.stringContaining('192.0.2.1') }],
    ['a target outside the subnet is refused', { targets: ['198.18.1.10'] }, true, { ok: false, code: 'target_not_assigned', message: expect.stringContaining('198.18.1.10') }],
    ['a target of another assigned subnet is refused', { targets: ['fd00:18::5'] }, true, { ok: false, code: 'target_not_assigned', message: expect.stringContaining('fd00:18::5') }],
    ['a subnet not assigned is refused', { subnetId: 9 }, true, { ok: false, code: 'target_not_assigned', message: expect.stringContaining('9') }],
    ['a hostname is not a target', { targets: ['example.com'] }, true, { ok: false, code: 'bad_target', message: expect.stringContaining('example.com') }],
    ['without raw sockets -sS becomes -sT', { args: ['-sS'] }, false, { ok: true, runs: [{ family: 4, argv: ['-sT', ...TAIL, '198.18.0.10'] }], notes: ['no raw sockets: -sS replaced by -sT'] }],
    ['with raw sockets -sS stays', { args: ['-sS'] }, true, { ok: true, runs: [{ family: 4, argv: ['-sS', ...TAIL, '198.18.0.10'] }], notes: [] }],
    ['without raw sockets -sU is refused', { args: ['-sU'] }, false, { ok: false, code: 'needs_raw_sockets', message: expect.stringContaining('-sU') }],
    ['IPv6 targets get -6; duplicates go once', { subnetId: 2, targets: ['fd00:18::5', 'fd00:18:0::5'] }, true, { ok: true, runs: [{ family: 6, argv: ['-Pn', '-sT', ...TAIL, '-6', 'fd00:18::5'] }], notes: [] }],
  ])('%s', (_name, over, raw, expected) => expect(planNmapRuns(job(over), assigned, raw)).toEqual(expected));
});

describe('splitPortScan', () => {
  const host = (n: number, ports: number): ScannedHost => ({
    ip: `198.18.0.${n}`,
    responsive: true,
    ports: Array.from({ length: ports }, (_, i) => ({ port: i + 1, protocol: 'tcp' as const, state: 'open' as const, service: null, product: null, version: null })),
  });
  const item = (hosts: ScannedHost[]): PortScanItem => ({ kind: 'port_scan', subnetId: 1, at: 5, durationMs: 1, hosts });
  it.each<[string, ScannedHost[], number, number[][]]>([
    ['small: one part', [host(1, 3), host(2, 0)], 10, [[1, 2]]],
    ['hosts split where the rows would pass the bound', [host(1, 6), host(2, 3), host(3, 4)], 10, [[1, 2], [3]]],
    ['a host without ports still counts one row', Array.from({ length: 5 }, (_, i) => host(i + 1, 0)), 2, [[1, 2], [3, 4], [5]]],
  ])('%s', (_name, hosts, max, parts) => {
    expect(splitPortScan(item(hosts), max).map((p) => p.hosts.map((h) => Number(h.ip.split('.')[3])))).toEqual(parts);
  });
});
