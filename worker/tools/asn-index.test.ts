import { describe, expect, it } from 'vitest';
import { parseIp } from '../../schema/ip/cidr.js';
import { AsnIndex, parseRow } from './asn-index.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const noPause = async () => {};
const v = (ip: string) => parseIp(ip).value;

// documentation and benchmarking ranges, private ASNs
const V4 = [
  `${v('198.18.0.0')},${v('198.18.0.255')},64500,Bench Net`,
  `${v('198.51.100.0')},${v('198.51.100.127')},64501,"Doc, ""Two"" Ltd"`,
  `${v('203.0.113.0')},${v('203.0.113.255')},64502,`,
  'not,a,row,at all',
  '',
  `${v('255.255.255.0')},${v('255.255.255.255')},4294967295,Last\r`,
].join('\n');
const V6 = [
  `${v('2001:db8::')},${v('2001:db8:0:ffff:ffff:ffff:ffff:ffff')},64510,Doc Six`,
  `${v('2001:db8:1::')},${v('2001:db8:1:0:ffff:ffff:ffff:ffff')},64511,Doc Six B`,
  `${v('fd00::')},${v('fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')},64512,ULA`,
].join('\n');

describe('AsnIndex', async () => {
  const four = await AsnIndex.build(4, bytes(V4), noPause);
  const six = await AsnIndex.build(6, bytes(V6), noPause);

  it('counts the rows and the skipped lines (a blank line is neither)', () => {
    expect([four.index.size, four.skipped, six.index.size, six.skipped]).toEqual([4, 1, 3, 0]);
  });

  it.each<[string, { asn: number; org: string | null } | null]>([
    ['198.18.0.0', { asn: 64500, org: 'Bench Net' }],
    ['198.18.0.255', { asn: 64500, org: 'Bench Net' }],
    ['198.18.1.0', null],
    ['198.51.100.5', { asn: 64501, org: 'Doc, "Two" Ltd' }],
    ['198.51.100.128', null],
    ['203.0.113.9', { asn: 64502, org: null }],
    ['0.0.0.0', null],
    ['255.255.255.255', { asn: 4294967295, org: 'Last' }],
    ['2001:db8::1', { asn: 64510, org: 'Doc Six' }],
    ['2001:db8:0:ffff:ffff:ffff:ffff:ffff', { asn: 64510, org: 'Doc Six' }],
    ['2001:db8:1::1', { asn: 64511, org: 'Doc Six B' }],
    ['2001:db8:1:1::', null],
    ['2001:db8:2::', null],
    ['fd12::1', { asn: 64512, org: 'ULA' }],
    ['::', null],
    ['ffff::1', null],
  ])('%s → %j', (ip, hit) => {
    const p = parseIp(ip);
    expect((p.family === 4 ? four : six).index.find(p.value)).toEqual(hit);
  });

  it('sorts rows that come out of order, and pauses between slices of a long file', async () => {
    const shuffled = [V4.split('\n')[2], V4.split('\n')[0], V4.split('\n')[1]].join('\n');
    const { index } = await AsnIndex.build(4, bytes(shuffled), noPause);
    expect(index.find(v('198.18.0.9'))?.asn).toBe(64500);
    expect(index.find(v('203.0.113.1'))?.asn).toBe(64502);
    let pauses = 0;
    const many = Array.from({ length: 10_000 }, (_, i) => `${i * 2},${i * 2},${i},o${i % 7}`).join('\n');
    const big = await AsnIndex.build(4, bytes(many), async () => void pauses++);
    expect([big.index.size, pauses >= 5]).toEqual([10_000, true]);
    expect(big.index.find(9998n)).toEqual({ asn: 4999, org: 'o1' });
    expect(big.index.find(9999n)).toBeNull();
  });
});

describe('parseRow', () => {
  it.each<[string, 4 | 6, boolean]>([
    ['1,2,3,x', 4, true],
    ['2,1,3,x', 4, false], // end before start
    ['1,4294967296,3,x', 4, false], // past 32 bits
    ['1,2,3', 4, false],
    ['a,2,3,x', 4, false],
    ['1,2,3,"unterminated', 4, false],
    [`1,${(1n << 128n) - 1n},3,x`, 6, true],
    [`1,${1n << 128n},3,x`, 6, false],
  ])('%s (v%i) → %s', (line, family, ok) => expect(parseRow(line, family) !== null).toBe(ok));
});
