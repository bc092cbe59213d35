import { describe, expect, it } from 'vitest';
import { bootstrapFileName, bootstrapFileSchema, findService, pickBaseUrl, type BootstrapFile } from './rdap-bootstrap.js';
import { parseRdapQuery } from './rdap-query.js';

const file = (services: [string[], string[]][]): BootstrapFile => bootstrapFileSchema.parse({ version: '1.0', publication: '2026-05-04T17:00:02Z', services });

const dns = file([
  [['com', 'net'], ['https://rdap.one.example/']],
  [['example.com'], ['https://rdap.two.example/']],
  [['Test.'], ['http://rdap.three.example']],
  [['xn--zckzah'], ['https://rdap.four.example/']],
]);
const ipv4 = file([
  [['198.0.0.0/8'], ['https://rdap.wide.example/']],
  [['198.51.100.0/24', '203.0.113.0/24'], ['https://rdap.narrow.example/']],
  [['198.51.100.128/25'], ['ftp://rdap.bad.example/']],
  [['not a cidr'], ['https://rdap.junk.example/']],
]);
const ipv6 = file([
  [['2001:db8::/32'], ['https://rdap.v6.example/']],
  [['2001:db8:8000::/33'], ['https://rdap.v6half.example/']],
]);
const asn = file([
  [['64496-64511'], ['https://rdap.asn.example/']],
  [['64500-64500', '65536'], ['https://rdap.one-as.example/']],
  [['64000-65000'], ['https://rdap.asn-wide.example/']],
]);

describe('findService (RFC 9224 matching)', () => {
  it.each([
    // domains: the entry with the most labels, matched label by label
    ['example.com', 'example.com', 'https://rdap.two.example/', dns],
    ['www.example.com', 'example.com', 'https://rdap.two.example/', dns],
    ['notexample.com', 'com', 'https://rdap.one.example/', dns],
    ['example.net', 'net', 'https://rdap.one.example/', dns],
    ['a.b.test', 'Test.', 'http://rdap.three.example/', dns],
    ['例え.テスト', 'xn--zckzah', 'https://rdap.four.example/', dns],
    // addresses: the longest prefix; an unusable URL is no service
    ['198.1.2.3', '198.0.0.0/8', 'https://rdap.wide.example/', ipv4],
    ['198.51.100.7', '198.51.100.0/24', 'https://rdap.narrow.example/', ipv4],
    ['203.0.113.255', '203.0.113.0/24', 'https://rdap.narrow.example/', ipv4],
    ['198.51.100.0/24', '198.51.100.0/24', 'https://rdap.narrow.example/', ipv4],
    ['198.51.0.0/16', '198.0.0.0/8', 'https://rdap.wide.example/', ipv4],
    ['2001:db8::1', '2001:db8::/32', 'https://rdap.v6.example/', ipv6],
    ['2001:db8:8000::1', '2001:db8:8000::/33', 'https://rdap.v6half.example/', ipv6],
    // AS numbers: the narrowest range holding it
    ['AS64496', '64496-64511', 'https://rdap.asn.example/', asn],
    ['AS64500', '64500-64500', 'https://rdap.one-as.example/', asn],
    ['AS64511', '64496-64511', 'https://rdap.asn.example/', asn],
    ['AS64512', '64000-65000', 'https://rdap.asn-wide.example/', asn],
    ['65536', '65536', 'https://rdap.one-as.example/', asn],
  ])('%s → %s at %s', (q, entry, baseUrl, registry) => {
    expect(findService(registry, parseRdapQuery(q)!)).toEqual({ entry, baseUrl });
  });

  it.each([
    ['example.org', dns],
    ['com.org', dns],
    ['192.0.2.1', ipv4],
    ['198.51.100.200', file([[['198.51.100.128/25'], ['ftp://rdap.bad.example/']]])],
    ['2001:db9::1', ipv6],
    ['198.51.100.7', ipv6],
    ['AS1', asn],
    ['AS65537', asn],
  ])('%s has no service', (q, registry) => {
    expect(findService(registry, parseRdapQuery(q)!)).toBeNull();
  });

  it('names the file each query type looks in', () => {
    expect(['example.com', '198.51.100.7', '2001:db8::1', 'AS64496'].map((q) => bootstrapFileName(parseRdapQuery(q)!))).toEqual(['dns.json', 'ipv4.json', 'ipv6.json', 'asn.json']);
  });
});

describe('pickBaseUrl', () => {
  it.each([
    [['http://a.example/rdap', 'https://b.example/rdap/'], 'https://b.example/rdap/'],
    [['http://a.example/rdap'], 'http://a.example/rdap/'],
    [['mailto:x@example.com', 'HTTPS://c.example'], 'HTTPS://c.example/'],
    [['ftp://a.example/'], null],
    [[], null],
  ])('%j → %s', (urls, want) => {
    expect(pickBaseUrl(urls)).toBe(want);
  });
});

describe('bootstrapFileSchema', () => {
  it.each([[{}], [{ services: 'x' }], [{ services: [['com', ['https://x/']]] }], [{ services: [[['com']]] }]])('refuses %j', (v) => {
    expect(bootstrapFileSchema.safeParse(v).success).toBe(false);
  });
});
