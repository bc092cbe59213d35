import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsAborted, DnsClient, DnsTruncated, parseServer, parseServers, type DnsServer } from './dns-client.js';
import { ptrNameLookup, PtrResolver } from './resolver.js';

describe('parseServer', () => {
  it.each<[string, ReturnType<typeof parseServer>]>([
    ['198.18.0.53', { host: '198.18.0.53', port: 53 }],
    [' 127.0.0.1:53535 ', { host: '127.0.0.1', port: 53535 }],
    ['fd00::53', { host: 'fd00::53', port: 53 }],
    ['[fd00::53]:5353', { host: 'fd00::53', port: 5353 }],
    ['[fd00::53]', { host: 'fd00::53', port: 53 }],
    ['fe80::1%eth0', { host: 'fe80::1%eth0', port: 53 }],
    ['dns.example', null],
    ['198.18.0.53:0', null],
    ['198.18.0.53:70000', null],
    ['fd00::53:5353x', null],
    ['', null],
  ])('%j → %j', (text, server) => expect(parseServer(text)).toEqual(server));
});

describe('parseServers', () => {
  it('reads a comma list', () => {
    expect(parseServers('198.18.0.53, [fd00::53]:5353,')).toEqual([
      { host: '198.18.0.53', port: 53 },
      { host: 'fd00::53', port: 5353 },
    ]);
  });
  it('names the entry that is not a server', () => expect(() => parseServers('198.18.0.53,dns.example')).toThrow(/dns\.example/));
});

/**
 * A stand-in DNS server on loopback (a port the system picks): it answers each question as `answer` says, so the
 * client meets replies a real resolver seldom gives (TC set, any bytes in a PTR name). No question goes elsewhere.
 */
describe('DnsClient and PtrResolver against a stand-in server on loopback', () => {
  type Reply = { answers?: dnsPacket.Answer[]; flags?: number } | 'silent';
  // the reverse name of 198.18.0.5, from its labels (written whole it would read as an address of its own)
  const Q = ['5', '0', '18', '198', 'in-addr', 'arpa'].join('.');
  let answer: (q: dnsPacket.Question) => Reply = () => 'silent';
  let socket: Socket;
  let server: DnsServer;

  beforeAll(async () => {
    socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const query = dnsPacket.decode(msg);
      const q = query.questions![0]!;
      const r = answer(q);
      if (r === 'silent') return;
      const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (r.flags ?? 0);
      socket.send(dnsPacket.encode({ type: 'response', id: query.id, flags, questions: [q], answers: r.answers ?? [] }), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    server = { host: '127.0.0.1', port: socket.address().port };
  });
  afterAll(() => socket.close());

  const ptr = (data: string): dnsPacket.Answer => ({ type: 'PTR', name: Q, data, ttl: 600, class: 'IN' });
  const a = (data: string): dnsPacket.Answer => ({ type: 'A', name: 'h.example', data, ttl: 600, class: 'IN' });

  it('a truncated reply (TC) is an error, not a partial answer', async () => {
    answer = () => ({ answers: [a('198.18.0.9')], flags: dnsPacket.TRUNCATED_RESPONSE });
    await expect(new DnsClient({ servers: [server], timeoutMs: 1000 }).query('h.example', 'A')).rejects.toBeInstanceOf(DnsTruncated);
  });

  it.each<[string, (q: dnsPacket.Question) => Reply, Awaited<ReturnType<PtrResolver['lookup']>>]>([
    ['a plain answer leads back', (q) => (q.type === 'PTR' ? { answers: [ptr('h.example')] } : { answers: [a('198.18.0.5')] }), { kind: 'name', name: 'h.example', ttl: 600, forward: { addresses: ['198.18.0.5'], matches: true } }],
    [
      'a truncated forward answer is no forward check (not "stale")',
      (q) => (q.type === 'PTR' ? { answers: [ptr('h.example')] } : { answers: [a('198.18.0.9')], flags: dnsPacket.TRUNCATED_RESPONSE }),
      { kind: 'name', name: 'h.example', ttl: 600, forward: null },
    ],
    ['a truncated PTR answer is an error (the name the server has stays)', () => ({ answers: [], flags: dnsPacket.TRUNCATED_RESPONSE }), { kind: 'error', error: expect.stringContaining('truncated'), forward: null }],
    ['a PTR name with a bidi override is an error', () => ({ answers: [ptr('gw\u202e.example')] }), { kind: 'error', error: 'invalid name in PTR record', ttl: 600, forward: null }],
    ['a PTR name with a control character is an error', () => ({ answers: [ptr('gw\u0007.example')] }), { kind: 'error', error: 'invalid name in PTR record', ttl: 600, forward: null }],
    ['a PTR name with a space is an error', () => ({ answers: [ptr('admin login.example')] }), { kind: 'error', error: 'invalid name in PTR record', ttl: 600, forward: null }],
  ])('%s', async (_name, answerWith, expected) => {
    answer = answerWith;
    expect(await new PtrResolver([server], { timeoutMs: 1000, attempts: 1 }).lookup('198.18.0.5')).toEqual(expected);
  });

  it('a stopped lookup ends at once', async () => {
    answer = () => 'silent';
    const stop = new AbortController();
    const t0 = performance.now();
    setTimeout(() => stop.abort(), 50);
    await expect(new DnsClient({ servers: [server], timeoutMs: 5000 }).query(Q, 'PTR', stop.signal)).rejects.toBeInstanceOf(DnsAborted);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('hop names ask the PTR only (no forward question) and give up when stopped', async () => {
    const asked: string[] = [];
    answer = (q) => (asked.push(q.type), q.type === 'PTR' ? { answers: [ptr('Hop-1.Example.')] } : { answers: [a('198.18.0.5')] });
    const hopName = ptrNameLookup([server], { timeoutMs: 1000, attempts: 1 });
    expect(await hopName('198.18.0.5')).toBe('hop-1.example');
    expect(asked).toEqual(['PTR']);
    answer = () => 'silent';
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const t0 = performance.now();
    expect(await hopName('198.18.0.5', stop.signal)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(900);
    answer = () => ({ answers: [ptr('gw\u202e.example')] });
    expect(await hopName('198.18.0.5')).toBeNull();
  });
});
