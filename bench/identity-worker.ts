/**
 * Benchmark helper for bench/identity.ts, run inside the topology's scan namespace only. Two modes, each printing
 * JSON lines on stdout:
 *
 *   tsx bench/identity-worker.ts ptr <server> <cidr>
 *     The probe's real lookup path (NameLookups over PtrResolver, the server given explicitly, never the system's)
 *     over every usable address of <cidr>: a first pass (empty cache), one JSON line, then it waits for a line on
 *     stdin (the bench reads dnsmasq's log meanwhile) and makes a second pass "a minute later" (clock + 60 s).
 *
 *   tsx bench/identity-worker.ts sweep <cidr> --engine ping|nmap --mac on|off
 *     One Sweeper.sweep() with macCollection on or off. With it on, the OUI table is loaded first and timed apart
 *     (a running probe loads it once), so `callMs` is what each further sweep costs.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseCidr, usableAddresses } from '../schema/ip/cidr.js';
import type { NamesItem } from '../schema/kinds/names.js';
import { parseServers } from '../probe/identity/dns-client.js';
import { NameLookups, type Resolver } from '../probe/identity/names.js';
import { ouiTable } from '../probe/identity/oui.js';
import { PtrResolver } from '../probe/identity/resolver.js';
import { DEFAULT_NMAP_ABOVE, Sweeper, type SweepEngine } from '../probe/sweep/sweeper.js';

const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

function tally(items: NamesItem[]) {
  const names = items.flatMap((i) => i.names);
  return {
    answered: names.length,
    named: names.filter((n) => n.name !== null).length,
    forwardMatches: names.filter((n) => n.forward?.matches === true).length,
    errors: names.filter((n) => n.error !== undefined).length,
    ttls: [...new Set(names.map((n) => n.ttlSeconds))],
  };
}

async function ptr(server: string, cidr: string): Promise<void> {
  const ips = [...usableAddresses(parseCidr(cidr))];
  const inner = new PtrResolver(parseServers(server), { timeoutMs: 2000, attempts: 2 });
  let lookups = 0;
  const counting: Resolver = { lookup: (ip) => ((lookups += 1), inner.lookup(ip)) };
  const names = new NameLookups(counting); // the probe's default concurrency (PTR_CONCURRENCY)
  const pass = async (n: number, now: () => number) => {
    const before = lookups;
    const started = performance.now();
    const items = await names.lookup(1, ips, now);
    const ms = performance.now() - started;
    out({ pass: n, ms, lookups: lookups - before, addresses: ips.length, ...tally(items) });
  };
  await pass(1, Date.now);
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => rl.once('line', () => resolve()));
  rl.close();
  await pass(2, () => Date.now() + 60_000);
}

async function sweep(cidr: string, engine: SweepEngine, mac: boolean): Promise<void> {
  let ouiMs = 0;
  if (mac) {
    const t = performance.now();
    ouiTable();
    ouiMs = performance.now() - t;
  }
  const sweeper = new Sweeper({ engine, pingWorkers: 64, pingTimeoutMs: 1000, maxSweepAddresses: 65_536, nmapAbove: DEFAULT_NMAP_ABOVE, macCollection: mac });
  const started = performance.now();
  const result = await sweeper.sweep({ id: 1, cidr, intervalSeconds: 60, knownHosts: [] }, Date.now);
  const callMs = performance.now() - started;
  out({
    up: result.up.length,
    ips: result.up.map((u) => u.ip),
    macs: result.up.filter((u) => u.mac).length,
    vendors: result.up.filter((u) => u.vendor).length,
    durationMs: result.durationMs,
    callMs,
    ouiMs,
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { engine: { type: 'string' }, mac: { type: 'string' } } });
  const [mode, a, b] = positionals;
  if (mode === 'ptr' && a && b) return ptr(a, b);
  if (mode === 'sweep' && a && (values.engine === 'ping' || values.engine === 'nmap') && (values.mac === 'on' || values.mac === 'off')) {
    return sweep(a, values.engine, values.mac === 'on');
  }
  throw new Error('usage: identity-worker.ts ptr <server> <cidr> | sweep <cidr> --engine ping|nmap --mac on|off');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`identity-worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
