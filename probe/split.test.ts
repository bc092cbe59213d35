import { describe, expect, it } from 'vitest';
import { formatIp, parseCidr, parseIp } from '../schema/ip/cidr.js';
import type { SweepResult } from '../schema/protocol.js';
import { splitSweep } from './split.js';

const sweep = (over: Partial<SweepResult>): SweepResult => ({ subnetId: 3, at: 1000, durationMs: 9, complete: true, up: [], down: [], jobId: 'j', ...over });
const up = (...ips: string[]) => ips.map((ip) => ({ ip, latencyMs: 1 }));
const v = (ip: string) => parseIp(ip).value;

describe('splitSweep', () => {
  it('leaves a sweep within the bound as it is', () => {
    const s = sweep({ up: up('198.18.0.1') });
    expect(splitSweep(s, parseCidr('198.18.0.0/24'), 254)).toEqual([s]);
    const v6 = sweep({ complete: false, up: up('fd00::1'), down: ['fd00::2'] });
    expect(splitSweep(v6, parseCidr('fd00::/64'), 2)).toEqual([v6]);
  });

  it.each<[string, number, [string, string][]]>([
    ['198.18.0.0/24', 100, [['198.18.0.1', '198.18.0.100'], ['198.18.0.101', '198.18.0.200'], ['198.18.0.201', '198.18.0.254']]],
    ['198.18.0.0/24', 127, [['198.18.0.1', '198.18.0.127'], ['198.18.0.128', '198.18.0.254']]],
    ['198.18.0.0/16', 2000, Array.from({ length: 33 }, (_, i) => [formatIp(v('198.18.0.1') + BigInt(i * 2000), 4), formatIp(i === 32 ? v('198.18.255.254') : v('198.18.0.1') + BigInt(i * 2000 + 1999), 4)])],
  ])('cuts a complete sweep of %s into consecutive ranges of at most %i addresses', (text, max, ranges) => {
    const parts = splitSweep(sweep({}), parseCidr(text), max);
    expect(parts.map((p) => p.range)).toEqual(ranges);
    expect(parts.every((p) => p.complete && p.subnetId === 3 && p.at === 1000 && p.jobId === 'j')).toBe(true);
  });

  it('puts each answer in the part whose range holds it, once, and every part stays within the bound', () => {
    const cidr = parseCidr('198.18.0.0/22');
    const answers = up('198.18.3.254', '198.18.0.1', '198.18.1.0', '198.18.0.255', '198.18.0.1', '198.18.2.44');
    const parts = splitSweep(sweep({ up: answers }), cidr, 256);
    expect(parts.map((p) => [p.range, p.up.map((u) => u.ip)])).toEqual([
      [['198.18.0.1', '198.18.1.0'], ['198.18.0.1', '198.18.0.255', '198.18.1.0']],
      [['198.18.1.1', '198.18.2.0'], []],
      [['198.18.2.1', '198.18.3.0'], ['198.18.2.44']],
      [['198.18.3.1', '198.18.3.254'], ['198.18.3.254']],
    ]);
  });

  it('keeps each answer\'s MAC and vendor across parts', () => {
    const answers = [
      { ip: '198.18.0.5', latencyMs: 1, mac: '00:0c:29:00:00:05', vendor: 'VMware, Inc.' },
      { ip: '198.18.0.200', latencyMs: 1, mac: '02:42:ac:11:00:02', vendor: null },
    ];
    const parts = splitSweep(sweep({ up: answers }), parseCidr('198.18.0.0/24'), 100);
    expect(parts.flatMap((p) => p.up)).toEqual(answers);
  });

  it('splits an already ranged part further', () => {
    const parts = splitSweep(sweep({ range: ['198.18.0.10', '198.18.0.19'] }), parseCidr('198.18.0.0/24'), 4);
    expect(parts.map((p) => p.range)).toEqual([['198.18.0.10', '198.18.0.13'], ['198.18.0.14', '198.18.0.17'], ['198.18.0.18', '198.18.0.19']]);
  });

  it('cuts an incomplete sweep into parts of at most the bound of listed addresses, losing none', () => {
    const s = sweep({ complete: false, up: up('fd00::1', 'fd00::2', 'fd00::3'), down: ['fd00::4', 'fd00::5', 'fd00::6', 'fd00::7'] });
    const parts = splitSweep(s, parseCidr('fd00::/64'), 2);
    expect(parts.map((p) => [p.up.map((u) => u.ip), p.down])).toEqual([
      [['fd00::1', 'fd00::2'], []],
      [['fd00::3'], ['fd00::4']],
      [[], ['fd00::5', 'fd00::6']],
      [[], ['fd00::7']],
    ]);
    expect(parts.every((p) => !p.complete && p.range === undefined)).toBe(true);
  });
});
