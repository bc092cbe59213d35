import { describe, expect, it } from 'vitest';
import { formatIp, parseCidr, parseIp, usableRange } from './cidr.js';
import { collapseUnused, firstUnused } from './ranges.js';

/** Renders rows compactly: "h:198.18.0.1" for used, "u:first-last:count" for gaps. */
function render(cidr: string, usedIps: string[]): string[] {
  const c = parseCidr(cidr);
  const used = usedIps
    .map((t) => parseIp(t))
    .sort((a, b) => (a.value < b.value ? -1 : 1))
    .map((ip) => ({ value: ip.value, item: ip.text }));
  return collapseUnused(usableRange(c), used).map((r) =>
    r.kind === 'used' ? `h:${r.item}` : `u:${formatIp(r.first, c.family)}-${formatIp(r.last, c.family)}:${r.count}`,
  );
}

describe('collapseUnused', () => {
  it.each([
    ['198.18.0.0/24', [], ['u:198.18.0.1-198.18.0.254:254']],
    ['198.18.0.0/24', ['198.18.0.1'], ['h:198.18.0.1', 'u:198.18.0.2-198.18.0.254:253']],
    ['198.18.0.0/24', ['198.18.0.254'], ['u:198.18.0.1-198.18.0.253:253', 'h:198.18.0.254']],
    ['198.18.0.0/24', ['198.18.0.1', '198.18.0.254'], ['h:198.18.0.1', 'u:198.18.0.2-198.18.0.253:252', 'h:198.18.0.254']],
    ['198.18.0.0/24', ['198.18.0.5', '198.18.0.6'], ['u:198.18.0.1-198.18.0.4:4', 'h:198.18.0.5', 'h:198.18.0.6', 'u:198.18.0.7-198.18.0.254:248']],
    // a reserved network address still shows, and the gap after it starts at .1
    ['198.18.0.0/30', ['198.18.0.0'], ['h:198.18.0.0', 'u:198.18.0.1-198.18.0.2:2']],
    ['198.18.0.0/31', [], ['u:198.18.0.0-198.18.0.1:2']],
    ['198.18.0.0/31', ['198.18.0.1'], ['u:198.18.0.0-198.18.0.0:1', 'h:198.18.0.1']],
    ['198.18.0.7/32', [], ['u:198.18.0.7-198.18.0.7:1']],
    ['198.18.0.7/32', ['198.18.0.7'], ['h:198.18.0.7']],
    ['fd00::/127', ['fd00::1'], ['u:fd00::-fd00:::1', 'h:fd00::1']],
    ['fd00::5/128', ['fd00::5'], ['h:fd00::5']],
    ['fd00::5/128', [], ['u:fd00::5-fd00::5:1']],
    ['fd00:18::/64', ['fd00:18::10'], ['u:fd00:18::-fd00:18::f:16', 'h:fd00:18::10', 'u:fd00:18::11-fd00:18::ffff:ffff:ffff:ffff:18446744073709551599']],
  ])('%s with %j', (cidr, used, expected) => {
    expect(render(cidr, used)).toEqual(expected);
  });

  it('keeps a /16 with scattered hosts proportional to the hosts, and counts add up', () => {
    const c = parseCidr('198.18.0.0/16');
    const used = [];
    for (let v = c.first + 3n; v < c.last; v += 13n) used.push({ value: v, item: null });
    const rows = collapseUnused(usableRange(c), used);
    const hostRows = rows.filter((r) => r.kind === 'used').length;
    const unusedTotal = rows.reduce((n, r) => n + (r.kind === 'unused' ? r.count : 0n), 0n);
    expect(hostRows).toBe(used.length);
    expect(BigInt(hostRows) + unusedTotal).toBe(65534n);
    expect(rows.length).toBeLessThanOrEqual(used.length * 2 + 1);
  });

  it('enumerates nothing for a /64 with three hosts', () => {
    const c = parseCidr('fd00:18::/64');
    const used = ['fd00:18::1', 'fd00:18::2', 'fd00:18::ffff'].map((t) => ({ value: parseIp(t).value, item: t }));
    const rows = collapseUnused(usableRange(c), used);
    expect(rows.map((r) => r.kind)).toEqual(['unused', 'used', 'used', 'unused', 'used', 'unused']);
  });
});

describe('firstUnused', () => {
  it.each<[string, { first: string; last: string }, string[], number, string[]]>([
    ['empty window', { first: '198.18.0.1', last: '198.18.0.4' }, [], 10, ['198.18.0.1', '198.18.0.2', '198.18.0.3', '198.18.0.4']],
    ['skips used', { first: '198.18.0.1', last: '198.18.0.6' }, ['198.18.0.2', '198.18.0.3', '198.18.0.5'], 10, ['198.18.0.1', '198.18.0.4', '198.18.0.6']],
    ['stops at the limit', { first: '198.18.0.1', last: '198.18.0.254' }, ['198.18.0.1'], 3, ['198.18.0.2', '198.18.0.3', '198.18.0.4']],
    ['limit across gaps', { first: '198.18.0.1', last: '198.18.0.9' }, ['198.18.0.2', '198.18.0.4'], 3, ['198.18.0.1', '198.18.0.3', '198.18.0.5']],
    ['all used', { first: '198.18.0.1', last: '198.18.0.2' }, ['198.18.0.1', '198.18.0.2'], 5, []],
    ['limit zero', { first: '198.18.0.1', last: '198.18.0.2' }, [], 0, []],
    ['a /64 does not enumerate', { first: 'fd00::', last: 'fd00::ffff:ffff:ffff:ffff' }, ['fd00::'], 2, ['fd00::1', 'fd00::2']],
  ])('%s', (_name, window, used, limit, expected) => {
    const family = window.first.includes(':') ? 6 : 4;
    const rows = collapseUnused(
      { first: parseIp(window.first).value, last: parseIp(window.last).value },
      used.map((t) => ({ value: parseIp(t).value, item: t })),
    );
    expect(firstUnused(rows, limit).map((v) => formatIp(v, family))).toEqual(expected);
  });
});
