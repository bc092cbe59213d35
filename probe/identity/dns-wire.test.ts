import type { Answer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { negativeTtl, readAddresses, readPtr, reverseName, type DnsReply, type PtrAnswer } from './dns-wire.js';

/** A DNS name from space-separated labels: reverse names written this way never read as an address of their own. */
const arpa = (labels: string) => labels.split(' ').join('.');

const Q = arpa('5 0 18 198 in-addr arpa');
const ptr = (name: string, data: string, ttl = 600): Answer => ({ type: 'PTR', name, data, ttl, class: 'IN' });
const cname = (name: string, data: string, ttl = 600): Answer => ({ type: 'CNAME', name, data, ttl, class: 'IN' });
const soa = (ttl: number, minimum: number): Answer => ({ type: 'SOA', name: '18.198.in-addr.arpa', ttl, class: 'IN', data: { mname: 'ns', rname: 'h', minimum } });
const reply = (rcode: number, answers: Answer[] = [], authorities: Answer[] = []): DnsReply => ({ rcode, answers, authorities });

describe('reverseName', () => {
  it.each([
    ['198.18.0.5', arpa('5 0 18 198 in-addr arpa')],
    ['fd00::1', arpa(`1 ${'0 '.repeat(29)}d f ip6 arpa`)],
    ['fd00:18::a:b', arpa('b 0 0 0 a 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 8 1 0 0 0 0 d f ip6 arpa')],
  ])('%s → %s', (ip, name) => expect(reverseName(ip)).toBe(name));
  it('refuses what is not an address', () => expect(() => reverseName('host.example')).toThrow());
});

describe('readPtr', () => {
  it.each<[string, DnsReply, PtrAnswer]>([
    ['a name, canonical', reply(0, [ptr(Q, 'Host-5.LAN.Example.')]), { kind: 'name', name: 'host-5.lan.example', ttl: 600 }],
    ['owner in another case', reply(0, [ptr(Q.toUpperCase(), 'a.example', 42)]), { kind: 'name', name: 'a.example', ttl: 42 }],
    ['several names: the first in order, the smallest TTL', reply(0, [ptr(Q, 'b.example', 900), ptr(Q, 'a.example', 700)]), { kind: 'name', name: 'a.example', ttl: 700 }],
    [
      'RFC 2317 CNAME chain: the chain\'s smallest TTL',
      reply(0, [cname(Q, arpa('5 0/25 0 18 198 in-addr arpa'), 120), ptr(arpa('5 0/25 0 18 198 in-addr arpa'), 'h.example', 3600)]),
      { kind: 'name', name: 'h.example', ttl: 120 },
    ],
    ['a PTR of another owner is not ours', reply(0, [ptr(arpa('6 0 18 198 in-addr arpa'), 'other.example')], [soa(900, 300)]), { kind: 'none', ttl: 300 }],
    ['NXDOMAIN with a SOA: min(SOA TTL, minimum)', reply(3, [], [soa(900, 300)]), { kind: 'none', ttl: 300 }],
    ['NXDOMAIN, SOA TTL smaller', reply(3, [], [soa(60, 3600)]), { kind: 'none', ttl: 60 }],
    ['NXDOMAIN without a SOA', reply(3), { kind: 'none', ttl: null }],
    ['NODATA', reply(0, [], [soa(3600, 3600)]), { kind: 'none', ttl: 3600 }],
    ['an empty name', reply(0, [ptr(Q, '.')]), { kind: 'none', ttl: null }],
    ['underscore and punycode labels', reply(0, [ptr(Q, '_dc.XN--BCHER-KVA.example.')]), { kind: 'name', name: '_dc.xn--bcher-kva.example', ttl: 600 }],
    ['a control character: not a hostname', reply(0, [ptr(Q, 'evil\u0007.example', 900)]), { kind: 'error', error: 'invalid name in PTR record', ttl: 900 }],
    ['a space', reply(0, [ptr(Q, 'admin panel.example')]), { kind: 'error', error: 'invalid name in PTR record', ttl: 600 }],
    ['a bidi override', reply(0, [ptr(Q, 'moc.\u202eexample')]), { kind: 'error', error: 'invalid name in PTR record', ttl: 600 }],
    ['non-ASCII', reply(0, [ptr(Q, 'bücher.example')]), { kind: 'error', error: 'invalid name in PTR record', ttl: 600 }],
    ['longer than 253', reply(0, [ptr(Q, `${'a'.repeat(60)}.`.repeat(5))]), { kind: 'error', error: 'invalid name in PTR record', ttl: 600 }],
    ['a 64-character label', reply(0, [ptr(Q, `${'a'.repeat(64)}.example`)]), { kind: 'error', error: 'invalid name in PTR record', ttl: 600 }],
    ['an invalid name beside a valid one: the valid one', reply(0, [ptr(Q, '\u202eb.example'), ptr(Q, 'z.example')]), { kind: 'name', name: 'z.example', ttl: 600 }],
    ['SERVFAIL', reply(2), { kind: 'error', error: 'SERVFAIL' }],
    ['REFUSED', reply(5), { kind: 'error', error: 'REFUSED' }],
    ['an unknown rcode', reply(9), { kind: 'error', error: 'rcode 9' }],
  ])('%s', (_name, r, expected) => expect(readPtr(r, Q)).toEqual(expected));
});

describe('readAddresses', () => {
  const a = (name: string, data: string): Answer => ({ type: 'A', name, data, ttl: 60, class: 'IN' });
  const aaaa = (name: string, data: string): Answer => ({ type: 'AAAA', name, data, ttl: 60, class: 'IN' });
  it.each<[string, DnsReply, 'A' | 'AAAA', string[] | null]>([
    ['A records', reply(0, [a('h.example', '198.18.0.5'), a('h.example', '198.18.0.6')]), 'A', ['198.18.0.5', '198.18.0.6']],
    ['through a CNAME', reply(0, [cname('h.example', 'real.example'), a('real.example', '198.18.0.7')]), 'A', ['198.18.0.7']],
    ['AAAA, canonical text', reply(0, [aaaa('h.example', 'FD00:18:0:0:0:0:0:5')]), 'AAAA', ['fd00:18::5']],
    ['records of another type are ignored', reply(0, [a('h.example', '198.18.0.5')]), 'AAAA', []],
    ['NXDOMAIN', reply(3), 'A', []],
    ['SERVFAIL', reply(2), 'A', null],
  ])('%s', (_name, r, type, expected) => expect(readAddresses(r, 'H.example.', type)).toEqual(expected));
});

describe('negativeTtl', () => {
  it('is null without a SOA', () => expect(negativeTtl([])).toBeNull());
});
