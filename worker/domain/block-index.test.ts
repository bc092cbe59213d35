import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp } from '../../schema/ip/cidr.js';
import { BlockIndex, overlapsWithin, type Block } from './block-index.js';

const block = (cidr: string, item = cidr): Block<string> => {
  const c = parseCidr(cidr);
  return { family: c.family, first: c.first, last: c.last, item };
};

describe('BlockIndex', () => {
  const index = new BlockIndex(['198.18.0.0/24', '198.18.2.0/23', '198.19.0.0/16', 'fd00:18::/64', '198.18.1.0/30'].map((c) => block(c)));

  it.each([
    ['198.18.0.0', '198.18.0.0/24'],
    ['198.18.0.255', '198.18.0.0/24'],
    ['198.18.1.3', '198.18.1.0/30'],
    ['198.18.1.4', undefined],
    ['198.18.3.255', '198.18.2.0/23'],
    ['198.18.4.0', undefined],
    ['198.19.200.1', '198.19.0.0/16'],
    ['198.18.255.255', undefined],
    ['fd00:18::ffff', 'fd00:18::/64'],
    ['fd00:19::1', undefined],
    ['::c612:1', undefined], // an IPv6 address with the value of 198.18.0.1 is not in the IPv4 block
  ])('find(%s) = %s', (ip, cidr) => {
    const a = parseIp(ip);
    expect(index.find(a.family, a.value)).toBe(cidr);
  });

  it.each([
    ['198.18.0.128/25', '198.18.0.0/24'],
    ['198.18.0.0/16', '198.18.2.0/23'],
    ['198.18.1.0/24', '198.18.1.0/30'],
    ['198.18.1.4/30', undefined],
    ['198.18.4.0/22', undefined],
    ['0.0.0.0/0', '198.19.0.0/16'], // the stored block that starts last, at or before the end
    ['fd00::/16', 'fd00:18::/64'],
    ['fd00:18:0:0:1::/80', 'fd00:18::/64'],
    ['fd01::/16', undefined],
  ])('overlapping(%s) = %s', (cidr, found) => {
    const c = parseCidr(cidr);
    expect(index.overlapping(c.family, c.first, c.last)).toBe(found);
  });

  it('is empty without blocks', () => {
    expect(new BlockIndex<string>([]).find(4, 1n)).toBeUndefined();
  });
});

describe('overlapsWithin', () => {
  const lines = (cidrs: string[]) => cidrs.map((c, i) => block(c, `${i + 2}:${c}`));
  const line = (item: string) => Number(item.split(':')[0]);

  it.each<[string[], [string, string][]]>([
    [['198.18.3.0/24', '198.18.4.0/24'], []],
    [['198.18.3.0/24', '198.18.3.128/25'], [['3:198.18.3.128/25', '2:198.18.3.0/24']]],
    [['198.18.3.128/25', '198.18.3.0/24'], [['3:198.18.3.0/24', '2:198.18.3.128/25']]],
    [['198.18.3.0/24', '198.18.3.0/24'], [['3:198.18.3.0/24', '2:198.18.3.0/24']]],
    [['198.18.0.0/16', '198.18.1.0/24', '198.18.2.0/24'], [['3:198.18.1.0/24', '2:198.18.0.0/16'], ['4:198.18.2.0/24', '2:198.18.0.0/16']]],
    // the /16 comes last: it is the one reported, once
    [['198.18.1.0/24', '198.18.2.0/24', '198.18.0.0/16'], [['4:198.18.0.0/16', '2:198.18.1.0/24']]],
    [['198.18.0.0/24', 'fd00::/8', '::/0'], [['4:::/0', '3:fd00::/8']]],
    [['::c612:0/120', '198.18.0.0/24'], []],
  ])('%j → %j', (cidrs, pairs) => {
    expect(overlapsWithin(lines(cidrs), line)).toEqual(pairs);
  });
});
