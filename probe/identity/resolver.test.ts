/**
 * The resolver against a real DNS server: a dnsmasq this test starts on loopback (a high port, local data only,
 * no upstream), stopped by its pid afterwards. No question goes anywhere else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NameLookups } from './names.js';
import { PtrResolver } from './resolver.js';

// below Linux's ephemeral range (32768-60999), so no client socket of a parallel suite holds it; a clash with another
// listener is retried on another port in beforeAll
const pickPort = () => 20_000 + Math.floor(Math.random() * 12_000);
const server = { host: '127.0.0.1', port: pickPort() };
let dnsmasq: ChildProcess;

async function startDnsmasq(attempt: number): Promise<void> {
  dnsmasq = spawn(
    '/usr/sbin/dnsmasq',
    [
      `--port=${server.port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      '--pid-file=',
      '--keep-in-foreground',
      '--local-ttl=600',
      // answered from the records below only: anything else is NXDOMAIN
      '--local=/18.198.in-addr.arpa/',
      '--local=/0.0.d.f.ip6.arpa/',
      '--local=/test.example/',
      '--host-record=named.test.example,198.18.0.5',
      '--host-record=v6.test.example,fd00::5',
      // a stale PTR: its name now leads to another address
      `--ptr-record=${['6', '0', '18', '198', 'in-addr', 'arpa'].join('.')},Stale.Test.Example`, // 198.18.0.6's reverse name
      '--host-record=stale.test.example,198.18.0.99',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  dnsmasq.stderr!.on('data', (d) => (stderr += d));
  const probe = new PtrResolver([server], { timeoutMs: 200, attempts: 1 });
  for (let i = 0; i < 50; i++) {
    if (dnsmasq.exitCode !== null && stderr.includes('Address already in use') && attempt < 5) {
      server.port = pickPort();
      return startDnsmasq(attempt + 1);
    }
    if (dnsmasq.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`);
    if ((await probe.lookup('198.18.0.5')).kind === 'name') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dnsmasq did not answer: ${stderr}`);
}

beforeAll(() => startDnsmasq(1));

afterAll(async () => {
  if (dnsmasq?.pid && dnsmasq.exitCode === null) {
    const exited = new Promise((r) => dnsmasq.once('exit', r));
    process.kill(dnsmasq.pid, 'SIGTERM');
    await exited;
  }
});

describe('PtrResolver (a real dnsmasq on loopback)', () => {
  const resolver = new PtrResolver([server], { timeoutMs: 1000 });

  it.each<[string, string, Awaited<ReturnType<PtrResolver['lookup']>>]>([
    ['a name that leads back', '198.18.0.5', { kind: 'name', name: 'named.test.example', ttl: 600, forward: { addresses: ['198.18.0.5'], matches: true } }],
    ['an IPv6 name that leads back', 'fd00::5', { kind: 'name', name: 'v6.test.example', ttl: 600, forward: { addresses: ['fd00::5'], matches: true } }],
    ['a stale name (canonical): the forward check says so', '198.18.0.6', { kind: 'name', name: 'stale.test.example', ttl: 600, forward: { addresses: ['198.18.0.99'], matches: false } }],
  ])('%s', async (_name, ip, expected) => {
    expect(await resolver.lookup(ip)).toEqual(expected);
  });

  it('no PTR record: no name', async () => {
    const r = await resolver.lookup('198.18.0.7');
    expect(r).toMatchObject({ kind: 'none', forward: null });
  });

  it('a silent server: an error after the timeout and one retry', async () => {
    // nothing listens on the port below ours (loopback: the question goes nowhere else)
    const silent = new PtrResolver([{ host: '127.0.0.1', port: server.port - 1 }], { timeoutMs: 150 });
    const started = performance.now();
    const r = await silent.lookup('198.18.0.5');
    expect(r).toMatchObject({ kind: 'error', forward: null });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('the second server answers when the first is silent', async () => {
    const r = await new PtrResolver([{ host: '127.0.0.1', port: server.port - 1 }, server], { timeoutMs: 150 }).lookup('198.18.0.5');
    expect(r).toMatchObject({ kind: 'name', name: 'named.test.example' });
  });
});

describe('NameLookups (a real dnsmasq on loopback)', () => {
  it('looks up the due addresses once, then nothing until their TTL runs out', async () => {
    const lookups = new NameLookups(new PtrResolver([server]), 4);
    let now = 1_000_000;
    const clock = () => now;
    const ips = ['198.18.0.5', '198.18.0.6', '198.18.0.7'];
    const first = await lookups.lookup(3, ips, clock);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ kind: 'names', subnetId: 3, at: now });
    expect(first[0]!.names.map((n) => [n.ip, n.name, n.forward?.matches ?? null])).toEqual([
      ['198.18.0.5', 'named.test.example', true],
      ['198.18.0.6', 'stale.test.example', false],
      ['198.18.0.7', null, null],
    ]);
    expect(first[0]!.names[0]!.ttlSeconds).toBe(600);
    expect(await lookups.lookup(3, ips, clock)).toEqual([]);
    // another subnet listing the same address has its own entry
    expect((await lookups.lookup(4, ['198.18.0.5'], clock))[0]?.names).toHaveLength(1);
    // dnsmasq's NXDOMAIN for local data carries no SOA: "no name" is kept for the default 300 s, the names for their 600 s
    expect(first[0]!.names[2]!.ttlSeconds).toBe(300);
    now += 300_000;
    expect((await lookups.lookup(3, ips, clock))[0]!.names.map((n) => n.ip)).toEqual(['198.18.0.7']);
    now += 300_000;
    expect((await lookups.lookup(3, ips, clock))[0]!.names.map((n) => n.ip)).toEqual(['198.18.0.5', '198.18.0.6', '198.18.0.7']);
  });

  it('an aborted run looks nothing more up', async () => {
    const abort = new AbortController();
    abort.abort();
    expect(await new NameLookups(new PtrResolver([server])).lookup(3, ['198.18.0.5'], Date.now, abort.signal)).toEqual([]);
  });
});
