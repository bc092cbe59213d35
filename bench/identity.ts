/**
 * Identity benchmark (issue 12): the probe's PTR lookups for a /24 of named hosts (first pass, cached pass) against
 * dig, and the Sweeper with MAC collection on and off against plain nmap, on a netns.ts topology.
 *
 * Safety: one topology (198.18.0.0/24, scan namespace without a default route); dnsmasq runs in one of its host
 * namespaces, bound to that namespace's address only, without upstream (tests/net/identity-kit.ts); every client
 * and scanner runs in the scan namespace (spawnIn: own process group, killed on timeout). The only other change is
 * `ip -n <scan> neigh flush all` before each sweep. Everything is removed in `finally`.
 *
 * Run: `npm run bench -- identity` or standalone `node_modules/.bin/tsx bench/identity.ts` (root needed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCidr, usableAddresses, contains, parseIp } from '../schema/ip/cidr.js';
import { assertNetPrerequisites, createTopology, run, type Topology } from '../tests/net/netns.js';
import { DNSMASQ, setMac, startDnsmasq, type Dnsmasq } from '../tests/net/identity-kit.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const WORKER = join(ROOT, 'bench/identity-worker.ts');
const LAN = '198.18.0.0/24';
const DNS_IP = '198.18.0.53';
const TTL = 3600;
const PTR_REPS = 3;
const SWEEP_REPS = 6;
const TIMEOUT_MS = 120_000;
const HOSTS = [53, 2, 10, 20, 33, 62, 70, 90, 99, 110, 128, 140, 150, 170, 190, 201, 220, 240, 250, 254].map((n) => `198.18.0.${n}`);
// real OUIs (oui-data names a vendor for each), the last host locally administered (no vendor expected)
const OUIS = ['00:0c:29', '00:1b:21', '3c:22:fb', 'b8:27:eb', '00:50:56', 'f4:f5:d8', '00:17:88', '00:e0:4c', 'dc:a6:32', '18:e8:29', '00:15:5d', '00:17:f2'];
const macOf = (i: number) => (i === HOSTS.length - 1 ? '02:42:c6:12:00:fe' : `${OUIS[i % OUIS.length]}:12:00:${i.toString(16).padStart(2, '0')}`);
const BLOCKS = [
  { cidr: LAN, engine: 'nmap' as const },
  { cidr: '198.18.0.0/26', engine: 'ping' as const },
];

interface Proc { stdout: string; stderr: string; code: number; wallS: number }

/** Runs argv in the scan namespace; `onLine` sees each stdout line and may write to the child's stdin. */
function runIn(topo: Topology, argv: string[], onLine?: (line: string, stdin: NodeJS.WritableStream) => void | Promise<void>): Promise<Proc> {
  return new Promise((done) => {
    const started = performance.now();
    const child = topo.spawnIn(topo.ns.scan, argv, { cwd: ROOT });
    let [stdout, stderr, pending] = ['', '', ''];
    let handled: Promise<void> = Promise.resolve();
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      pending += d;
      for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        if (onLine) handled = handled.then(() => onLine(line, child.stdin!));
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin!.on('error', () => {});
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallS = (performance.now() - started) / 1000;
      void handled.catch(() => {}).then(() => done({ stdout, stderr, code: code ?? (signal ? 137 : 1), wallS }));
    });
  });
}

/** dnsmasq's logged queries once the log has stopped growing (it logs synchronously, after answering). */
async function settledQueries(dns: Dnsmasq): Promise<number> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const n = dns.queries().length;
    if (n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

interface PtrPass { ms: number; lookups: number; answered: number; named: number; forwardMatches: number; errors: number; ttls: number[]; queries: number }
interface PtrRun { tool: string; wallS: number; ok: boolean; error?: string; passes?: PtrPass[]; answers?: number; queries: number }

async function probePtr(topo: Topology, dns: Dnsmasq): Promise<PtrRun> {
  let mark = await settledQueries(dns);
  const passes: PtrPass[] = [];
  const r = await runIn(topo, [TSX, WORKER, 'ptr', DNS_IP, LAN], async (line, stdin) => {
    const p = JSON.parse(line) as Omit<PtrPass, 'queries'>;
    const now = await settledQueries(dns);
    passes.push({ ...p, queries: now - mark });
    mark = now;
    if (passes.length === 1) stdin.write('next\n');
  });
  const queries = passes.reduce((s, p) => s + p.queries, 0);
  if (r.code !== 0 || passes.length !== 2) return { tool: 'probe', wallS: r.wallS, ok: false, error: `exit ${r.code}: ${r.stderr.trim().slice(0, 200)}`, queries };
  return { tool: 'probe', wallS: r.wallS, ok: true, passes, queries };
}

async function digPtr(topo: Topology, dns: Dnsmasq, tool: string, argv: string[]): Promise<PtrRun> {
  const before = await settledQueries(dns);
  const r = await runIn(topo, argv);
  const queries = (await settledQueries(dns)) - before;
  const answers = r.stdout.split('\n').filter((l) => /\sPTR\s/.test(l)).length;
  return r.code === 0 ? { tool, wallS: r.wallS, ok: true, answers, queries } : { tool, wallS: r.wallS, ok: false, error: `exit ${r.code}: ${r.stderr.slice(0, 200)}`, answers, queries };
}

async function benchPtr(topo: Topology, dir: string, log: (s: string) => void): Promise<PtrRun[]> {
  const ips = [...usableAddresses(parseCidr(LAN))];
  const records = { hosts: ips.map((ip) => ({ name: `host-${ip.split('.')[3]}.lan.test`, addresses: [ip] })), ptrs: ips.map((ip) => ({ ip, name: `host-${ip.split('.')[3]}.lan.test` })) };
  const dns = await startDnsmasq(topo, topo.ns.hosts[0]!, { listen: DNS_IP, ttlSeconds: TTL, dir, records, checkFrom: topo.ns.scan });
  const file = join(dir, 'dig-queries.txt');
  writeFileSync(file, ips.map((ip) => `-x ${ip}\n`).join(''));
  const tools: Array<() => Promise<PtrRun>> = [
    () => probePtr(topo, dns),
    () => digPtr(topo, dns, 'dig-batch', ['dig', '-f', file, `@${DNS_IP}`, '+noall', '+answer']),
    () => digPtr(topo, dns, 'dig-single', ['bash', '-c', `while read -r a b; do dig "$a" "$b" @${DNS_IP} +noall +answer || exit 1; done < '${file}'`]),
  ];
  const runs: PtrRun[] = [];
  try {
    for (let rep = 0; rep < PTR_REPS; rep++) {
      for (let k = 0; k < tools.length; k++) {
        const r = await tools[(k + rep) % tools.length]!();
        runs.push(r);
        const detail = r.passes ? r.passes.map((p) => `pass ${fmt(p.ms, 0)} ms ${p.queries} queries ${p.named} named`).join(' / ') : `${r.answers} answers ${r.queries} queries`;
        log(`ptr rep ${rep + 1} ${r.tool}: ${r.ok ? detail : r.error} wall ${fmt(r.wallS)} s`);
      }
    }
    const overflow = dns.log().split('\n').filter((l) => /overflow|lost/i.test(l));
    if (overflow.length) log(`dnsmasq: ${overflow.join('; ')}`);
  } finally {
    await dns.stop();
  }
  return runs;
}

interface SweepRun { variant: 'on' | 'off' | 'nmap'; wallS: number; ok: boolean; error?: string; up: number; macs: number; vendors: number; durationMs?: number; callMs?: number; ouiMs?: number }

async function sweepOnce(topo: Topology, cidr: string, engine: string, variant: SweepRun['variant']): Promise<SweepRun> {
  await run(['ip', '-n', topo.ns.scan, 'neigh', 'flush', 'all']);
  if (variant === 'nmap') {
    const r = await runIn(topo, ['nmap', '-sn', '-n', '-T5', '--min-rate', '5000', '--max-retries', '1', cidr]);
    const up = (r.stdout.match(/^Nmap scan report for /gm) ?? []).length;
    const macs = (r.stdout.match(/^MAC Address: /gm) ?? []).length;
    return { variant, wallS: r.wallS, ok: r.code === 0, error: r.code ? r.stderr.slice(0, 200) : undefined, up, macs, vendors: (r.stdout.match(/^MAC Address: \S+ \((?!Unknown)/gm) ?? []).length };
  }
  const r = await runIn(topo, [TSX, WORKER, 'sweep', cidr, '--engine', engine, '--mac', variant]);
  if (r.code !== 0) return { variant, wallS: r.wallS, ok: false, error: r.stderr.trim().slice(0, 200), up: 0, macs: 0, vendors: 0 };
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<SweepRun, 'variant' | 'wallS' | 'ok'>;
  return { variant, wallS: r.wallS, ok: true, up: j.up, macs: j.macs, vendors: j.vendors, durationMs: j.durationMs, callMs: j.callMs, ouiMs: j.ouiMs };
}

async function benchMacs(topo: Topology, log: (s: string) => void): Promise<Map<string, SweepRun[]>> {
  const out = new Map<string, SweepRun[]>();
  for (const b of BLOCKS) {
    const runs: SweepRun[] = [];
    for (let rep = 0; rep < SWEEP_REPS; rep++) {
      const order: SweepRun['variant'][] = rep % 2 === 0 ? ['on', 'off', 'nmap'] : ['off', 'on', 'nmap'];
      for (const v of order) {
        const r = await sweepOnce(topo, b.cidr, b.engine, v);
        runs.push(r);
        log(`${b.cidr} rep ${rep + 1} ${v}: ${r.ok ? `${r.up} up, ${r.macs} MACs, ${r.vendors} vendors, call ${fmt(r.callMs ?? NaN, 0)} ms, sweep ${r.durationMs ?? '-'} ms` : r.error} wall ${fmt(r.wallS)} s`);
      }
    }
    out.set(b.cidr, runs);
  }
  return out;
}

// ---------- report ----------

const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: number[]) => (xs.length ? Math.max(...xs) - Math.min(...xs) : NaN);
const spread = (xs: number[], d = 0) => `${fmt(median(xs), d)} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})`;
const version = (argv: string[], pick: RegExp) => pick.exec(`${spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' }).stdout ?? ''}`)?.[1] ?? 'unknown';
const inBlock = (cidr: string, ip: string) => contains(parseCidr(cidr), parseIp(ip));

function ptrSection(runs: PtrRun[]): string[] {
  const probe = runs.filter((r) => r.tool === 'probe' && r.ok);
  const first = probe.map((r) => r.passes![0]!);
  const second = probe.map((r) => r.passes![1]!);
  const qps = (q: number, ms: number) => fmt((q / ms) * 1000, 0);
  const rows = [
    `| probe NameLookups, pass 1 (cold cache) | ${spread(first.map((p) => p.ms))} | ${first.map((p) => p.queries).join(', ')} | ${qps(median(first.map((p) => p.queries)), median(first.map((p) => p.ms)))} | ${first.map((p) => `${p.named}/${p.forwardMatches}/${p.errors}`).join(', ')} |`,
    `| probe NameLookups, pass 2 (clock +60 s) | ${spread(second.map((p) => p.ms), 2)} | ${second.map((p) => p.queries).join(', ')} | – | lookups made: ${second.map((p) => p.lookups).join(', ')} |`,
  ];
  for (const [tool, label] of [['dig-batch', '`dig -f <254 × -x> @server +noall +answer` (sequential)'], ['dig-single', '254 × `dig -x <ip> @server +noall +answer` (one process each)']] as const) {
    const rs = runs.filter((r) => r.tool === tool && r.ok);
    const ms = rs.map((r) => r.wallS * 1000);
    rows.push(`| ${label} | ${spread(ms)} | ${rs.map((r) => r.queries).join(', ')} | ${qps(median(rs.map((r) => r.queries)), median(ms))} | PTR answers: ${rs.map((r) => r.answers).join(', ')} |`);
  }
  const failed = runs.filter((r) => !r.ok).map((r) => `${r.tool}: ${r.error}`);
  const ttls = [...new Set(first.flatMap((p) => p.ttls))];
  return [
    `dnsmasq ${DNS_IP} (a host namespace, \`--listen-address\` + \`--bind-interfaces\`, no upstream, \`--local-ttl=${TTL}\`, \`--log-queries\`) holds a ` +
      `\`--ptr-record\` and a \`--host-record\` (the forward check's A) for each of the 254 addresses of \`${LAN}\`. Clients run in the scan namespace and ask ` +
      `only that server (the probe: \`PtrResolver(parseServers("${DNS_IP}"))\` under \`NameLookups\`, default concurrency 16, never the system resolver). ` +
      `${PTR_REPS} rounds in rotated order; queries counted from dnsmasq's log per pass. Probe rows time the pass in-process (no Node start-up); dig rows are the whole command.`,
    '',
    '| client | ms, median (min–max) | dnsmasq queries per run | queries/s (median) | named / forward matches / errors per run |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `The probe asks PTR then A per address (508 queries for 254 names); dig asks PTR only. TTLs the probe stored: ${ttls.join(', ')} s. ` +
      `Probe worker process wall (both passes + Node/tsx start-up + the pause to read the log): ${spread(probe.map((r) => r.wallS), 2)} s.`,
    ...(failed.length ? ['', `Failed runs: ${failed.join('; ')}.`] : []),
  ];
}

function macSection(results: Map<string, SweepRun[]>): string[] {
  const lines = [
    '| block | variant | found / expected | MACs (vendors) per run | sweep() call ms, median (min–max) | Sweeper durationMs | process wall s |',
    '|---|---|---|---|---|---|---|',
  ];
  const verdicts: string[] = [];
  for (const b of BLOCKS) {
    const runs = results.get(b.cidr) ?? [];
    const expectUp = 1 + HOSTS.filter((h) => inBlock(b.cidr, h)).length;
    const by = (v: SweepRun['variant']) => runs.filter((r) => r.variant === v && r.ok);
    for (const v of ['on', 'off', 'nmap'] as const) {
      const rs = by(v);
      const label = v === 'nmap' ? '`nmap -sn -n -T5 --min-rate 5000 --max-retries 1` (reference)' : `probe Sweeper engine ${b.engine}, macCollection ${v === 'on'}`;
      const call = v === 'nmap' ? '–' : spread(rs.map((r) => r.callMs!));
      const dur = v === 'nmap' ? '–' : spread(rs.map((r) => r.durationMs!));
      lines.push(`| \`${b.cidr}\` | ${label} | ${[...new Set(rs.map((r) => `${r.up}/${expectUp}`))].join(', ')} | ${rs.map((r) => `${r.macs} (${r.vendors})`).join(', ')} | ${call} | ${dur} | ${spread(rs.map((r) => r.wallS), 2)} |`);
    }
    const on = by('on').map((r) => r.callMs!);
    const off = by('off').map((r) => r.callMs!);
    const delta = median(on) - median(off);
    const noise = Math.max(range(on), range(off));
    const oui = median(by('on').map((r) => r.ouiMs!));
    const stepOn = median(by('on').map((r) => r.callMs! - r.durationMs!));
    const stepOff = median(by('off').map((r) => r.callMs! - r.durationMs!));
    verdicts.push(`- \`${b.cidr}\` (engine ${b.engine}): sweep() with MACs − without = ${fmt(delta, 1)} ms (medians ${fmt(median(on), 1)} vs ${fmt(median(off), 1)} ms); ` +
      `run-to-run range ${fmt(range(on), 1)} ms on, ${fmt(range(off), 1)} ms off → ${Math.abs(delta) <= noise ? 'inside' : 'OUTSIDE'} run-to-run noise ` +
      `(criterion: |Δ median| ≤ the larger range). The MAC step alone (call − durationMs: neighbour-table read + vendor lookup) is measurable: ${fmt(stepOn, 1)} ms on vs ` +
      `${fmt(stepOff, 1)} ms off (median), i.e. +${fmt(stepOn - stepOff, 1)} ms per sweep, ${fmt(((stepOn - stepOff) / median(off)) * 100, 1)} % of the median sweep without MACs. One-time OUI table load per probe process: ${fmt(oui, 0)} ms (median), outside these calls; ` +
      `process wall on − off ${fmt((median(by('on').map((r) => r.wallS)) - median(by('off').map((r) => r.wallS))) * 1000, 0)} ms includes it.`);
  }
  return [
    `Same topology: ${HOSTS.length} host namespaces in \`${LAN}\`, each eth0 with a MAC set from a real OUI (${OUIS.length} vendors), the last one locally administered (\`02:…\`, no vendor expected). ` +
      `${SWEEP_REPS} runs per variant, on/off alternating first, nmap last in each round; \`ip -n <scan> neigh flush all\` before every run. ` +
      'Each probe run is a fresh `tsx bench/identity-worker.ts sweep` process; with MACs on it loads the OUI table before the timed call (a running probe has it loaded). ' +
      'sweep() call = the whole call (sweep + neighbour-table read + vendor lookup); durationMs = what the Sweeper reports (the sweep alone). Expected = hosts in the block + the scanner.',
    '',
    ...lines,
    '',
    ...verdicts,
  ];
}

/** Runs the PTR and MAC benchmarks on one topology and returns the Markdown section. Needs root, dnsmasq, dig, nmap. */
export async function benchIdentity(log: (s: string) => void = (s) => process.stderr.write(`[bench identity] ${s}\n`)): Promise<string> {
  assertNetPrerequisites();
  if (!existsSync(DNSMASQ)) throw new Error(`bench identity: ${DNSMASQ} missing; fix: apt-get install dnsmasq-base`);
  if (spawnSync('dig', ['-v']).error) throw new Error('bench identity: dig missing; fix: apt-get install bind9-dnsutils (bench only)');
  const startedAt = new Date();
  // other engineers' test topologies share the 2 cores: say how many namespaces were there at the start
  const otherNs = (await run(['ip', 'netns', 'list'])).stdout.split('\n').filter(Boolean).length;
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'eip-identity-bench-'));
  const topo = await createTopology({ hosts: HOSTS.map((v4) => ({ v4 })), scanV4: '198.18.0.1/24' });
  let ptr: PtrRun[];
  let macs: Map<string, SweepRun[]>;
  try {
    for (let i = 0; i < HOSTS.length; i++) await setMac(topo.ns.hosts[i]!, 'eth0', macOf(i));
    // the scanner's entries still hold the old MACs (no gratuitous ARP without arp_notify)
    await run(['ip', '-n', topo.ns.scan, 'neigh', 'flush', 'all']);
    ptr = await benchPtr(topo, dir, log);
    macs = await benchMacs(topo, log);
  } finally {
    await topo.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  const facts = [
    `nproc ${availableParallelism()}`,
    `kernel ${version(['uname', '-r'], /(\S+)/)}`,
    `dnsmasq ${version([DNSMASQ, '--version'], /Dnsmasq version (\S+)/)}`,
    `dig ${/DiG (\S+)/.exec(spawnSync('dig', ['-v'], { encoding: 'utf8' }).stderr)?.[1] ?? 'unknown'}`,
    `nmap ${version(['nmap', '--version'], /Nmap version (\S+)/)}`,
    `node ${process.version}`,
    `date ${startedAt.toISOString()}`,
    `other network namespaces at start ${otherNs}`,
  ];
  return [
    '## Identity: PTR lookups and MAC collection',
    '',
    'Command: `npm run bench -- identity` (standalone: `node_modules/.bin/tsx bench/identity.ts`; needs root, dnsmasq-base, nmap, fping, and dig from bind9-dnsutils for the reference rows).',
    '',
    `Machine: ${facts.join(', ')}. Bench runtime ${fmt((performance.now() - t0) / 1000, 0)} s.`,
    '',
    '### PTR lookups for a /24 of named hosts',
    '',
    ...ptrSection(ptr),
    '',
    '### Sweep with MAC collection on and off',
    '',
    ...macSection(macs),
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchIdentity().then((md) => process.stdout.write(md), (err: unknown) => {
    process.stderr.write(`bench identity failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
