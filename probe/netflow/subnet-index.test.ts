import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, parseCidr, parseIp } from '../../schema/ip/cidr.js';
import { parseV4, parseV6, SubnetIndex } from './subnet-index.js';

const subnets = [
  { id: 1, cidr: '198.18.0.0/15' },
  { id: 2, cidr: '198.18.4.0/24' },
  { id: 3, cidr: '198.18.4.128/25' },
  { id: 4, cidr: '198.18.4.200/32' },
  { id: 5, cidr: 'fd00::/8' },
  { id: 6, cidr: 'fd00:1:2::/48' },
  { id: 7, cidr: 'fd00:1:2:3::/64' },
  { id: 8, cidr: 'fd00:1:2:3::8000/113' },
  { id: 9, cidr: 'not a cidr' },
  { id: 10, cidr: '198.18.4.0/24' }, // the same block twice: the first one given labels it
];

describe('SubnetIndex.lookup: the longest managed prefix', () => {
  const index = new SubnetIndex(subnets);
  it.each<[string, number | null]>([
    ['198.18.0.1', 1],
    ['198.19.255.255', 1],
    ['198.18.4.1', 2],
    ['198.18.4.127', 2],
    ['198.18.4.128', 3],
    ['198.18.4.199', 3],
    ['198.18.4.200', 4],
    ['198.18.4.201', 3],
    ['198.51.100.1', null],
    ['192.0.2.1', null],
    ['0.0.0.0', null],
    ['fd00::1', 5],
    ['fdff:ffff::1', 5],
    ['fd00:1:2:ffff::1', 6],
    ['fd00:1:2:3::1', 7],
    ['fd00:1:2:3::7fff', 7],
    ['fd00:1:2:3::8000', 8],
    ['fd00:1:2:3::ffff', 8],
    ['fd00:1:2:3::1:0', 7],
    ['fc00::1', null],
    ['2001:db8::1', null],
    ['::ffff:198.18.4.1', null],
    ['nonsense', null],
    ['', null],
    ['198.18.4', null],
    ['198.18.4.256', null],
  ])('%s → %s', (ip, id) => {
    expect(index.lookup(ip)).toBe(id);
    expect(index.lookup(ip)).toBe(id); // the cached answer too
  });
  it('leaves out what is not a CIDR and says so', () => {
    expect(index.skipped).toEqual(['not a cidr']);
    expect(index.size).toBe(9);
  });
  it('no subnets: everything is External', () => {
    const empty = new SubnetIndex([]);
    expect(empty.lookup('198.18.0.1')).toBeNull();
    expect(empty.lookup('fd00::1')).toBeNull();
  });
  it('/0 holds every address of its family', () => {
    const all = new SubnetIndex([
      { id: 1, cidr: '0.0.0.0/0' },
      { id: 2, cidr: '::/0' },
    ]);
    expect(all.lookup('203.0.113.9')).toBe(1);
    expect(all.lookup('2001:db8::9')).toBe(2);
  });
});

describe('address parsing', () => {
  it.each<[string, number]>([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['198.18.0.1', 0xc6120001],
    ['198.18.3', -1],
    ['198.18.3.4.5', -1],
    ['198.018.3.4', 0xc6120304],
    ['198..3.4', -1],
    ['198.18.3.', -1],
    ['198.18.3.4444', -1],
    [' 198.18.3.4', -1],
  ])('parseV4(%j) = %d', (text, value) => expect(parseV4(text)).toBe(value));
  it.each<[string, number[] | null]>([
    ['::', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['fd00::', [0xfd000000, 0, 0, 0]],
    ['fd00:1:2:3:4:5:6:7', [0xfd000001, 0x00020003, 0x00040005, 0x00060007]],
    ['fd00::5:6:7', [0xfd000000, 0, 0x5, 0x00060007]],
    ['::ffff:198.18.0.1', [0, 0, 0xffff, 0xc6120001]],
    ['FD00::A', [0xfd000000, 0, 0, 0xa]],
    ['fd00:::1', null],
    ['fd00::1::2', null],
    ['fd00:1:2:3:4:5:6:7:8', null],
    ['fd00:1:2:3:4:5:6', null],
    ['fd00:12345::', null],
    ['fd00:g::', null],
    ['fd00:', null],
    ['198.18.3.4::', null],
  ])('parseV6(%j)', (text, words) => {
    const out = new Uint32Array(4);
    expect(parseV6(text, out)).toBe(words !== null);
    if (words) expect([...out]).toEqual(words);
  });
});

/** The same answer as a scan of every subnet with the schema's own CIDR maths. */
describe('SubnetIndex agrees with a linear scan', () => {
  const oracle = (cidrs: string[], ip: string): number | null => {
    const addr = parseIp(ip);
    let best: { id: number; prefix: number } | null = null;
    cidrs.forEach((text, i) => {
      const c = parseCidr(text);
      if (c.family === addr.family && addr.value >= c.first && addr.value <= c.last && (!best || c.prefix > best.prefix)) best = { id: i + 1, prefix: c.prefix };
    });
    return (best as { id: number } | null)?.id ?? null;
  };
  const block = (family: 4 | 6) =>
    fc.tuple(fc.bigInt({ min: 0n, max: family === 4 ? 0xffffffffn : (1n << 128n) - 1n }), fc.integer({ min: 0, max: family === 4 ? 32 : 128 })).map(([v, prefix]) => {
      const bits = family === 4 ? 32 : 128;
      const host = (1n << BigInt(bits - prefix)) - 1n;
      return `${formatIp(v & ~host & ((1n << BigInt(bits)) - 1n), family)}/${prefix}`;
    });
  // addresses near the blocks' edges, so matches happen
  const address = (family: 4 | 6, blocks: string[]) =>
    fc.tuple(fc.integer({ min: 0, max: Math.max(0, blocks.length - 1) }), fc.bigInt({ min: -3n, max: 3n }), fc.boolean()).map(([i, delta, last]) => {
      const max = family === 4 ? 0xffffffffn : (1n << 128n) - 1n;
      const c = blocks.length ? parseCidr(blocks[i]!) : { first: 0n, last: 0n };
      let v = (last ? c.last : c.first) + delta;
      v = v < 0n ? 0n : v > max ? max : v;
      return formatIp(v, family);
    });
  for (const family of [4, 6] as const) {
    it(`IPv${family}`, () => {
      fc.assert(
        fc.property(
          fc.array(block(family), { maxLength: 30 }).chain((blocks) => fc.tuple(fc.constant(blocks), fc.array(address(family, blocks), { minLength: 1, maxLength: 20 }))),
          ([blocks, ips]) => {
            // a block given twice: both keep the first one's id
            const index = new SubnetIndex(blocks.map((cidr, i) => ({ id: i + 1, cidr })));
            for (const ip of ips) expect(index.lookup(ip), `${ip} in ${blocks.join(' ')}`).toBe(oracle(blocks, ip));
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
