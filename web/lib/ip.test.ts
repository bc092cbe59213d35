import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from '../../schema/ip/cidr.js';
// the browser UI is plain ES modules (no bundler, no types); its address math must agree with the server's
import { IPV4, fromBig, toBig } from './ip.js';

describe('browser address math agrees with the server', () => {
  it.each(['0.0.0.0', '198.18.0.1', '198.19.255.255', '255.255.255.255', '::', '::1', 'fd00:18::10', 'fd00::1:0', 'fd00:0:0:1::', '2001:db8::ffff:0:1', 'fd00:1:2:3:4:5:6:7', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'])(
    '%s',
    (text) => {
      const server = parseIp(text);
      expect(toBig(text)).toEqual({ family: server.family, value: server.value });
      expect(fromBig(server.value, server.family)).toBe(formatIp(server.value, server.family));
    },
  );

  it('round-trips a spread of IPv6 values, including zero runs the RFC 5952 rules pick between', () => {
    let v = 0xfd00n << 112n;
    for (let i = 0; i < 500; i++) {
      v = (v * 6364136223846793005n + 1442695040888963407n) & ((1n << 128n) - 1n);
      const masked = v & ~(0xffffn << BigInt(16 * (i % 8))) & ~(0xffffn << BigInt(16 * ((i * 3) % 8)));
      expect(fromBig(masked, 6)).toBe(formatIp(masked, 6));
      expect(toBig(formatIp(masked, 6)).value).toBe(masked);
    }
  });

  it.each([
    ['0.0.0.0', 0],
    ['198.18.0.1', 3323068417],
    ['198.19.255.255', 3323199487],
    ['255.255.255.255', 4294967295],
  ])('reads the dotted quad %s as the number %d', (text, value) => {
    expect(IPV4.parse(text)).toBe(value);
    expect(IPV4.format(value)).toBe(text);
  });

  it.each(['256.0.0.1', '1.2.3.4.5', '1..2.3', '1.2.3.', 'a.b.c.d', '1.2.3.1000'])('refuses %s rather than misreading it', (text) => {
    expect(() => IPV4.parse(text)).toThrow();
  });
});
