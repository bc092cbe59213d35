import { describe, expect, it } from 'vitest';
import { addressCount, canonicalIp, CidrError, ipKey, overlaps, parseCidr, parseIp, splitCidr, usableRange, formatIp } from './cidr.js';

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof CidrError ? e.code : 'other';
  }
  return undefined;
}

describe('parseCidr', () => {
  it.each([
    ['198.18.0.0/24', '198.18.0.0/24', 4, 256n],
    [' 198.18.0.0/24 ', '198.18.0.0/24', 4, 256n],
    ['198.18.0.0/15', '198.18.0.0/15', 4, 131072n],
    ['198.18.0.7/32', '198.18.0.7/32', 4, 1n],
    ['0.0.0.0/0', '0.0.0.0/0', 4, 4294967296n],
    ['fd00:0018:0000::/64', 'fd00:18::/64', 6, 18446744073709551616n],
    ['FD00::/8', 'fd00::/8', 6, 1n << 120n],
    ['fd00::1/128', 'fd00::1/128', 6, 1n],
  ])('%s → %s', (input, canonical, family, count) => {
    const c = parseCidr(input);
    expect(c.cidr).toBe(canonical);
    expect(c.family).toBe(family);
    expect(addressCount(c)).toBe(count);
  });

  it.each([
    ['198.18.0.5/24', 'host_bits_set'],
    ['fd00::1/64', 'host_bits_set'],
    ['198.18.0.0', 'invalid_cidr'],
    ['198.18.0.0/33', 'invalid_cidr'],
    ['fd00::/129', 'invalid_cidr'],
    ['198.18.0.0/-1', 'invalid_cidr'],
    ['198.18.0.0/2a', 'invalid_cidr'],
    ['198.18/16', 'invalid_cidr'],
    ['0x0a.0.0.0/8', 'invalid_cidr'],
    ['fe80::%eth0/64', 'invalid_cidr'],
    ['hello/24', 'invalid_cidr'],
    ['', 'invalid_cidr'],
  ])('rejects %j with %s', (input, code) => {
    expect(errorCode(() => parseCidr(input))).toBe(code);
  });

  it('names the network the user probably meant', () => {
    expect(() => parseCidr('198.18.0.5/24')).toThrow(/did you mean 198\.18\.0\.0\/24/);
  });
});

describe('usableRange', () => {
  it.each([
    ['198.18.0.0/24', '198.18.0.1', '198.18.0.254'],
    ['198.18.0.0/30', '198.18.0.1', '198.18.0.2'],
    ['198.18.0.0/31', '198.18.0.0', '198.18.0.1'],
    ['198.18.0.9/32', '198.18.0.9', '198.18.0.9'],
    ['fd00::/127', 'fd00::', 'fd00::1'],
    ['fd00::/64', 'fd00::', 'fd00::ffff:ffff:ffff:ffff'],
  ])('%s → %s … %s', (cidr, first, last) => {
    const c = parseCidr(cidr);
    const r = usableRange(c);
    expect([formatIp(r.first, c.family), formatIp(r.last, c.family)]).toEqual([first, last]);
  });
});

describe('overlaps', () => {
  it.each([
    ['198.18.0.0/24', '198.18.0.0/24', true],
    ['198.18.0.0/16', '198.18.5.0/24', true],
    ['198.18.5.0/24', '198.18.0.0/16', true],
    ['198.18.0.0/24', '198.18.1.0/24', false],
    ['198.18.0.0/25', '198.18.0.128/25', false],
    ['198.18.0.0/24', 'fd00::/8', false],
    ['fd00::/64', 'fd00::/48', true],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(overlaps(parseCidr(a), parseCidr(b))).toBe(expected);
  });
});

describe('parseIp and ipKey', () => {
  it('orders keys as addresses', () => {
    const keys = ['198.18.0.10', '198.18.0.9', '198.18.1.0'].map((t) => {
      const ip = parseIp(t);
      return ipKey(ip.value, ip.family);
    });
    expect([...keys].sort()).toEqual([keys[1], keys[0], keys[2]]);
    expect(ipKey(parseIp('fd00::1').value, 6)).toHaveLength(32);
  });

  it.each(['198.18.0.256', '1.2.3', '::ffff::1', 'fd00::1%eth0', ' '])('rejects %j', (t) => {
    expect(errorCode(() => parseIp(t))).toBe('invalid_ip');
  });
});

describe('splitCidr', () => {
  it.each([
    ['198.18.16.0/20', 22, ['198.18.16.0/22', '198.18.20.0/22', '198.18.24.0/22', '198.18.28.0/22']],
    ['198.18.0.0/24', 22, ['198.18.0.0/24']],
    ['198.18.0.0/22', 22, ['198.18.0.0/22']],
    ['198.18.0.0/21', 22, ['198.18.0.0/22', '198.18.4.0/22']],
    ['fd00::/126', 127, ['fd00::/127', 'fd00::2/127']],
  ])('%s in /%i pieces', (input, prefix, expected) => {
    const pieces = splitCidr(parseCidr(input), prefix);
    expect(pieces.map((p) => p.cidr)).toEqual(expected);
    for (const p of pieces) expect(parseCidr(p.cidr)).toEqual(p);
  });
});

describe('formatIp', () => {
  it.each<[string, 4 | 6]>([
    ['0.0.0.0', 4],
    ['255.255.255.255', 4],
    ['198.18.0.1', 4],
    ['10.200.3.40', 4],
    ['::', 6],
    ['fd00:18::ffff:ffff:ffff:ffff', 6],
  ])('%s round-trips', (text, family) => {
    expect(formatIp(parseIp(text).value, family)).toBe(text);
  });
});

describe('canonicalIp', () => {
  it.each([
    ['198.18.0.5', '198.18.0.5'],
    ['FD00:18:0:0::A', 'fd00:18::a'],
    ['fe80::1%eth0', null],
    ['198.18.0', null],
    ['*', null],
    ['', null],
  ])('%s → %s', (input, out) => expect(canonicalIp(input)).toBe(out));
});
