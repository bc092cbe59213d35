import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { IPV4 } from './ip.js';
import { collapse, displayItems, hostOf, macMatches, runAddresses, runLabel } from './rows.js';

const NOW = 1_800_000_000;
const A = [1, '198.18.0.1', 'up', 0.42, 'gw', 10, 100, 0];
const B = [2, '198.18.0.10', 'down', null, null, 80, 5, 3, '00:0c:29:ab:cd:ef', 'VMware, Inc.'];
const table = { now: NOW, range: ['198.18.0.1', '198.18.0.254'], hosts: [A, B] };
const keys = (items: any[]) => items.map((i) => i.key);

describe('subnet view rows', () => {
  it('reads a host tuple; ages count back from the server time', () => {
    expect(hostOf(B, NOW)).toEqual({
      id: 2, ip: '198.18.0.10', status: 'down', latencyMs: null, hostname: null, lastSeenAt: NOW - 80, lastChangeAt: NOW - 5,
      reserved: true, previouslyUsed: true, macRandom: false, ptrMismatch: false, mac: '00:0c:29:ab:cd:ef', vendor: 'VMware, Inc.',
    });
    expect(hostOf([3, '198.18.0.3', 'unknown', null, null, null, null, 0], NOW)).toMatchObject({ lastSeenAt: null, lastChangeAt: null, reserved: false });
  });

  it.each([
    ['previously used', 2, { previouslyUsed: true, reserved: false, macRandom: false, ptrMismatch: false }],
    ['reserved and previously used', 3, { previouslyUsed: true, reserved: true }],
    ['a locally administered MAC', 4, { macRandom: true, previouslyUsed: false }],
    ['a PTR forward mismatch', 8, { ptrMismatch: true, macRandom: false }],
  ])('reads the flags: %s', (_name, flags, expected) => {
    expect(hostOf([4, '198.18.0.4', 'down', null, null, 9, 9, flags, '00:0c:29:ab:cd:ef', 'VMware, Inc.'], NOW)).toMatchObject({ ...expected, mac: '00:0c:29:ab:cd:ef', vendor: 'VMware, Inc.' });
  });

  it.each([
    ['a full MAC', '00:0c:29:ab:cd:ef', true],
    ['an OUI with colons', '00:0c:29', true],
    ['dashes', '00-0c-29-ab', true],
    ['Cisco dots', '000c.29ab', true],
    ['six bare hex digits', '000c29', true],
    ['a short bare number keeps to addresses', '10', false],
    ['an address prefix', '198.18', false],
    ['another MAC', '00:0c:2a', false],
    ['not hex', '00:zz', false],
  ])('matches a MAC by %s', (_name, needle, expected) => {
    expect(macMatches('00:0c:29:ab:cd:ef', needle)).toBe(expected);
  });

  it.each([
    ['hosts at both ends of a /24', ['198.18.0.1', '198.18.0.254'], ['198.18.0.1', '198.18.0.254'], [['h', '198.18.0.1'], ['r', '198.18.0.2', '198.18.0.253', '252'], ['h', '198.18.0.254']]],
    ['an empty /24', ['198.18.0.1', '198.18.0.254'], [], [['r', '198.18.0.1', '198.18.0.254', '254']]],
    ['a /31, one used', ['198.18.0.0', '198.18.0.1'], ['198.18.0.1'], [['r', '198.18.0.0', '198.18.0.0', '1'], ['h', '198.18.0.1']]],
    ['a /32, used', ['198.18.0.5', '198.18.0.5'], ['198.18.0.5'], [['h', '198.18.0.5']]],
    ['neighbours leave no run', ['198.18.0.1', '198.18.0.6'], ['198.18.0.2', '198.18.0.3'], [['r', '198.18.0.1', '198.18.0.1', '1'], ['h', '198.18.0.2'], ['h', '198.18.0.3'], ['r', '198.18.0.4', '198.18.0.6', '3']]],
    ['IPv6 /64 with exact huge counts', ['fd00:18::', 'fd00:18::ffff:ffff:ffff:ffff'], ['fd00:18::10'],
      [['r', 'fd00:18::', 'fd00:18::f', '16'], ['h', 'fd00:18::10'], ['r', 'fd00:18::11', 'fd00:18::ffff:ffff:ffff:ffff', '18446744073709551599']]],
    ['IPv6 runs cross word boundaries', ['fd00::', 'fd00::1:0'], ['fd00::ffff'], [['r', 'fd00::', 'fd00::fffe', '65535'], ['h', 'fd00::ffff'], ['r', 'fd00::1:0', 'fd00::1:0', '1']]],
  ])('collapses %s', (_name, range, ips, expected) => {
    const rows = collapse({ now: NOW, range, hosts: ips.map((ip, i) => [i + 1, ip, 'up', 1, null, 0, 0, 0]) });
    expect(rows.map((r: any) => (r.kind === 'host' ? ['h', r.host.ip] : ['r', r.first, r.last, r.count]))).toEqual(expected);
  });

  const rows = collapse(table);
  it.each([
    ['no filter keeps hosts and runs', {}, ['h1', 'r198.18.0.2', 'h2', 'r198.18.0.11']],
    ['status filter keeps matching hosts only', { status: 'down' }, ['h2']],
    ['text matches an address prefix', { text: '198.18.0.1' }, ['h1', 'h2']],
    ['text matches a hostname, any case', { text: 'GW' }, ['h1']],
    ['nothing matches', { text: 'zzz' }, []],
    ['text matches a MAC prefix', { text: '00:0C:29' }, ['h2']],
    ['the previously used only', { status: 'previously-used' }, ['h2']],
    ['text matches a vendor, any case', { text: 'vmware' }, ['h2']],
  ])('%s', (_name, filter, expected) => {
    expect(keys(displayItems(rows, filter))).toEqual(expected);
  });

  it('an expanded run lists its first free addresses and a "more" row', () => {
    const items = displayItems(rows, {}, new Map([[IPV4.parse('198.18.0.11'), 2]]));
    expect(keys(items)).toEqual(['h1', 'r198.18.0.2', 'h2', 'r198.18.0.11', 'f198.18.0.11', 'f198.18.0.12', 'm198.18.0.11']);
    expect(items[3]).toMatchObject({ open: true, count: '244' });
    expect(items[6]).toMatchObject({ shown: 2, count: '244' });
    // fully shown: no "more" row
    expect(keys(displayItems(rows, {}, new Map([[IPV4.parse('198.18.0.2'), 8]]))).slice(1, 11)).toEqual(['r198.18.0.2', ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `f198.18.0.${n}`), 'h2']);
  });

  it('carries each host’s open ports from the answer’s ports map (none: an empty list)', () => {
    const withPorts = collapse({ ...table, ports: { 2: [[22, 'tcp', 'ssh'], [53, 'udp', null]] } });
    expect(withPorts.filter((r: any) => r.kind === 'host').map((r: any) => r.ports)).toEqual([
      [],
      [{ port: 22, protocol: 'tcp', service: 'ssh' }, { port: 53, protocol: 'udp', service: null }],
    ]);
    expect((rows[0] as any).ports).toEqual([]);
  });

  it('lists the addresses of an IPv6 run across a word boundary, and never more than asked', () => {
    const [run] = collapse({ now: NOW, range: ['fd00::fffe', 'fd00::ffff:ffff:ffff:ffff'], hosts: [] });
    expect(runAddresses(run, 3)).toEqual(['fd00::fffe', 'fd00::ffff', 'fd00::1:0']);
    const [v4] = collapse({ now: NOW, range: ['198.18.0.254', '198.18.1.1'], hosts: [] });
    expect(runAddresses(v4, 10)).toEqual(['198.18.0.254', '198.18.0.255', '198.18.1.0', '198.18.1.1']);
  });

  it.each([
    ['198.18.0.13', '198.18.0.49', 37, '198.18.0.13 – 198.18.0.49 (37 unused)'],
    ['198.18.0.7', '198.18.0.7', '1', '198.18.0.7 (1 unused)'],
    ['198.18.0.0', '198.18.255.255', '65536', '198.18.0.0 – 198.18.255.255 (65,536 unused)'],
    ['fd00::2', 'fd00::ffff:ffff:ffff:ffff', '18446744073709551614', 'fd00::2 – fd00::ffff:ffff:ffff:ffff (18,446,744,073,709,551,614 unused)'],
  ])('labels the run %s – %s', (first, last, n, label) => {
    expect(runLabel(first, last, n)).toBe(label);
  });
});
