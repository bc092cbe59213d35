import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../schema/ip/cidr.js';
import { exporterAddress, IPV4_NAMES_MAX, Ipv4Names, ipv4Text, ipv6Text } from './addresses.js';

const bytesOf = (groups: number[]) => Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 255]));
/** IPv6 groups biased to zero runs, so compression ties and edges come up often. */
const groups = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });

describe('address text from packet bytes', () => {
  it.each([
    ['2001:db8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['fe80::', [0xfe80, 0, 0, 0, 0, 0, 0, 0]],
    ['1:0:0:1::1', [1, 0, 0, 1, 0, 0, 0, 1]], // the longest run
    ['1::1:0:0:1', [1, 0, 0, 0, 1, 0, 0, 1]],
    ['1::1:0:0:1:1', [1, 0, 0, 1, 0, 0, 1, 1]], // a tie: the first run
    ['1:0:1:0:1:0:1:0', [1, 0, 1, 0, 1, 0, 1, 0]], // one zero group is not compressed
    ['fd00:0:0:1::1', [0xfd00, 0, 0, 1, 0, 0, 0, 1]],
    ['::ffff:c612:1', [0, 0, 0, 0, 0, 0xffff, 0xc612, 1]], // IPv4-mapped as canonicalIp writes it
  ])('%s', (text, g) => {
    expect(ipv6Text(bytesOf(g), 0)).toBe(text);
    expect(canonicalIp(text)).toBe(text);
  });

  it('IPv6 text equals canonicalIp of it for any address', () => {
    fc.assert(
      fc.property(groups, (g) => {
        const text = ipv6Text(bytesOf(g), 0);
        expect(canonicalIp(text)).toBe(text);
        expect(text).toBe(text.toLowerCase());
      }),
      { numRuns: 3000 },
    );
  });

  it('IPv4 text is the dotted quad at the offset, remembered by value', () => {
    const b = Uint8Array.from([9, 198, 18, 0, 1, 0, 0, 0, 0, 255, 255, 255, 255]);
    expect([ipv4Text(b, 1), ipv4Text(b, 5), ipv4Text(b, 9)]).toEqual(['198.18.0.1', '0.0.0.0', '255.255.255.255']);
    const names = new Ipv4Names();
    const first = names.text(b, 1);
    expect(names.text(Uint8Array.from([198, 18, 0, 1]), 0)).toBe(first);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (a) => {
        expect(names.text(a, 0)).toBe(canonicalIp(Array.from(a).join('.')));
      }),
    );
  });

  it('the IPv4 names start over when full, and stay right', () => {
    const names = new Ipv4Names();
    const b = new Uint8Array(4);
    for (let i = 0; i <= IPV4_NAMES_MAX + 10; i++) {
      b[0] = 198;
      b[1] = 18 + ((i >> 16) & 1); // 198.18.0.0/15 only
      b[2] = (i >> 8) & 255;
      b[3] = i & 255;
      expect(names.text(b, 0)).toBe(`198.${b[1]}.${b[2]}.${b[3]}`);
    }
    expect(names.text(Uint8Array.from([198, 19, 0, 7]), 0)).toBe('198.19.0.7');
    // 0.0.0.0 and addresses above 2^31 (negative as int32) are keys like any other
    expect([names.text(new Uint8Array(4), 0), names.text(Uint8Array.from([255, 0, 0, 1]), 0), names.text(new Uint8Array(4), 0)]).toEqual(['0.0.0.0', '255.0.0.1', '0.0.0.0']);
    expect((names as unknown as { size: number }).size).toBeLessThanOrEqual(IPV4_NAMES_MAX);
  });

  it.each([
    ['::ffff:198.18.0.1', '198.18.0.1'],
    ['198.18.0.1', '198.18.0.1'],
    ['fd00::1', 'fd00::1'],
    ['::ffff:c612:1', '::ffff:c612:1'],
  ])('exporter %s is %s', (raw, address) => expect(exporterAddress(raw)).toBe(address));
});
