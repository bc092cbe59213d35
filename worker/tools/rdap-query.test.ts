import { describe, expect, it } from 'vitest';
import { parseRdapQuery, rdapPath, rdapQueryText } from './rdap-query.js';

describe('parseRdapQuery', () => {
  it.each([
    ['198.51.100.7', 'ip/198.51.100.7', '198.51.100.7'],
    [' 198.51.100.7 ', 'ip/198.51.100.7', '198.51.100.7'],
    ['198.51.100.77/24', 'ip/198.51.100.0/24', '198.51.100.0/24'],
    ['198.51.100.7/32', 'ip/198.51.100.7/32', '198.51.100.7/32'],
    ['2001:DB8:0:0::1', 'ip/2001:db8::1', '2001:db8::1'],
    ['2001:db8:1234::/48', 'ip/2001:db8:1234::/48', '2001:db8:1234::/48'],
    ['::ffff:198.51.100.7', 'ip/198.51.100.7', '198.51.100.7'],
    ['AS64496', 'autnum/64496', 'AS64496'],
    ['as64496', 'autnum/64496', 'AS64496'],
    ['64496', 'autnum/64496', 'AS64496'],
    ['4294967295', 'autnum/4294967295', 'AS4294967295'],
    ['Example.COM.', 'domain/example.com', 'example.com'],
    ['www.example.test', 'domain/www.example.test', 'www.example.test'],
    ['例え.テスト', 'domain/xn--r8jz45g.xn--zckzah', 'xn--r8jz45g.xn--zckzah'],
    ['test', 'domain/test', 'test'],
  ])('%j → %s', (q, path, text) => {
    const parsed = parseRdapQuery(q);
    expect(parsed).not.toBeNull();
    expect(rdapPath(parsed!)).toBe(path);
    expect(rdapQueryText(parsed!)).toBe(text);
  });

  it.each([
    [''],
    ['   '],
    ['4294967296'],
    ['AS 64496'],
    ['198.51.100'],
    ['198.51.100.256'],
    ['198.51.100.0/33'],
    ['2001:db8::/129'],
    ['2001:db8::1%eth0'],
    ['198.51.100.7/24/1'],
    ['-example.com'],
    ['example..com'],
    ['exa_mple.com'],
    ['example.com/../admin'],
    ['http://example.com'],
    ['user@example.com'],
    ['a'.repeat(64) + '.com'],
    ['example.123'],
    ['x'.repeat(254)],
  ])('%j is refused', (q) => {
    expect(parseRdapQuery(q)).toBeNull();
  });
});
