/**
 * Issue 15: one verified allocation's latency on a /24, on a real network in namespaces (bench/allocate-lab.ts):
 * POST /api/subnets/{id}/allocate one at a time, split into the probe's check (the address-check result's durationMs,
 * from the probe's log) and the rest; the same with `verify: false` (the floor); and, from the probe's namespace, nmap's
 * host discovery of one free address, the tool an admin would use by hand. Needs root, nmap, fping, dnsmasq.
 * `npm run bench -- allocate`
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { CIDR, DNS, PREFIX, PROBE_ADDR, startLab, type Lab } from './allocate-lab.js';

const RUNS = 30;
const WARMUP = 2;
/** nmap is pointed at free addresses, each once (from `first`): past those the allocations take (.2 on), before the resolver's. */
const NMAP_VARIANTS = [
  { name: 'nmap -sn -n -PE -PS22,80,443 -PR', args: ['-sn', '-n', '-PE', '-PS22,80,443', '-PR'], first: 100 },
  { name: 'nmap -sn -n -PE -PS22,80,443 --disable-arp-ping', args: ['-sn', '-n', '-PE', '-PS22,80,443', '--disable-arp-ping'], first: 150 },
];

interface Sample {
  ip: string;
  totalMs: number;
  /** The probe's durationMs (null unverified). */
  checkMs: number | null;
  /** From the POST to the probe's "address check done" line reaching the bench. */
  doneAtMs: number | null;
  checked: number;
}

const CHECK_DONE = 'address check done';

async function allocations(lab: Lab, verify: boolean): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const from = lab.probe.log.length;
    const wall0 = Date.now();
    const t0 = performance.now();
    const r = await lab.api('POST', `/api/subnets/${lab.subnetId}/allocate`, { hostname: `bench-${verify ? 'v' : 'u'}-${i}`, verify });
    const totalMs = performance.now() - t0;
    if (r.status !== 201) throw new Error(`allocation ${i + 1} (verify ${verify}): ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body.verified !== verify || r.body.skipped.length) throw new Error(`allocation ${i + 1}: unexpected answer ${JSON.stringify(r.body)}`);
    // the job's log line is written before its result is sent; it comes through a pipe, so it may trail the answer by a moment
    const linesOf = () => lab.probe.log.slice(from).filter((l) => l.line.msg === CHECK_DONE);
    for (let w = 0; verify && linesOf().length === 0 && w < 50; w++) await new Promise((res) => setTimeout(res, 20));
    const lines = linesOf();
    if (verify && lines.length !== 1) throw new Error(`allocation ${i + 1}: ${lines.length} address checks (one expected): ${JSON.stringify(lines)}`);
    if (!verify && lines.length) throw new Error(`allocation ${i + 1} with verify false ran a check`);
    const done = lines[0];
    const s: Sample = { ip: r.body.addresses[0].ip, totalMs, checkMs: done ? Number(done.line.ms) : null, doneAtMs: done ? done.t - wall0 : null, checked: done ? Number(done.line.addresses) : 0 };
    console.error(`  verify ${verify} #${i + 1}: ${s.ip} ${totalMs.toFixed(0)} ms${s.checkMs === null ? '' : ` (check ${s.checkMs} ms of ${s.checked} addresses)`}`);
    if (i >= WARMUP) out.push(s);
  }
  return out;
}

async function nmapRuns(lab: Lab, args: string[], first: number): Promise<{ ms: number[]; up: number }> {
  const ms: number[] = [];
  let up = 0;
  for (let i = 0; i < RUNS; i++) {
    const ip = `${PREFIX}.${first + i}`;
    const t0 = performance.now();
    const r = await lab.topo.exec(lab.topo.ns.scan, ['nmap', ...args, ip]);
    ms.push(performance.now() - t0);
    if (r.code !== 0) throw new Error(`nmap ${args.join(' ')} ${ip}: ${r.code} ${r.stderr}`);
    if (!/\(0 hosts up\)/.test(r.stdout)) up++;
  }
  return { ms, up };
}

/** Nearest-rank percentiles. */
function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)]!;
}
const cell = (xs: number[]) => `${pct(xs, 0.5).toFixed(0)} ms | ${pct(xs, 0.95).toFixed(0)} ms | ${Math.max(...xs).toFixed(0)} ms`;

/** "nmap 7.93" from the tool's own banner. */
function version(cmd: string): string {
  try {
    const banner = execFileSync(cmd, ['--version'], { encoding: 'utf8' });
    return `${cmd} ${/version (\S+)/i.exec(banner)?.[1] ?? 'unknown'}`;
  } catch {
    return `${cmd} unknown`;
  }
}

function gitState(): string {
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'worker', 'schema', 'probe'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  return dirty ? `commit ${head} plus uncommitted changes to ${dirty} files under worker/, schema/ and probe/ (work in progress of other engineers, measured as it stood)` : `commit ${head}`;
}

export async function benchAllocate(): Promise<string> {
  const lab = await startLab();
  try {
    const load = loadavg()[0]!;
    console.error('allocate: verified …');
    const verified = await allocations(lab, true);
    console.error('allocate: verify false …');
    const unverified = await allocations(lab, false);
    const refs = [];
    for (const v of NMAP_VARIANTS) {
      console.error(`allocate: ${v.name} …`);
      refs.push({ ...v, ...(await nmapRuns(lab, v.args, v.first)) });
    }
    const checks = verified.map((s) => s.checkMs!);
    const rest = verified.map((s) => s.totalMs - s.checkMs!);
    const before = verified.map((s) => s.doneAtMs! - s.checkMs!);
    const after = verified.map((s) => s.totalMs - s.doneAtMs!);
    const cpu = cpus();
    const rows = [
      `| verified allocation (\`POST …/allocate\`, 201) | ${cell(verified.map((s) => s.totalMs))} |`,
      `| · the probe's check (its durationMs; ${verified[0]!.checked} addresses side by side) | ${cell(checks)} |`,
      `| · the rest (answer − check) | ${cell(rest)} |`,
      `| · · POST → the check starts (claim, job row, job to the probe) | ${cell(before)} |`,
      `| · · the check's end → the answer (result sent, stored, seen by the request, reserved) | ${cell(after)} |`,
      `| \`verify: false\` (the floor: claim and reserve, no probe) | ${cell(unverified.map((s) => s.totalMs))} |`,
      ...refs.map((r) => `| \`${r.name} <a free address>\` from the probe's namespace (reference, ${PREFIX}.${r.first}–.${r.first + RUNS - 1}${r.up ? `; **${r.up} of ${RUNS} runs saw a host up**` : ''}) | ${cell(r.ms)} |`),
    ];
    return `## Allocation: one verified next-free address on a /24 (Node host, real probe in namespaces)

\`npm run bench -- allocate\` (bench/allocate.ts, bench/allocate-lab.ts), run ${new Date().toISOString().slice(0, 10)} on ${cpu.length} × ${cpu[0]?.model.trim()},
${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}, ${version('nmap')}, ${version('dnsmasq')}; code: ${gitState()}.
Load average (1 min) at the start: ${load.toFixed(2)}.

Method. Network namespaces the bench creates (tests/net/netns.ts; no default route anywhere, addresses in
198.18.0.0/15 only): the Node control plane (\`worker/node/main.ts\` as \`npm start\` runs it, libSQL file) in its own
namespace, the real probe (\`probe/main.ts\`) in the scan namespace at ${PROBE_ADDR} on a bridged ${CIDR}, a dnsmasq at
${DNS} as the probe's only resolver (no upstream: a free address's PTR query is answered NXDOMAIN). The /24 is the
probe's, swept once (the probe and the resolver recorded), then left alone (sweep interval 1 h). Nothing else is on
the LAN, so every candidate is silent. One allocation at a time (\`{ hostname }\`, count 1), ${WARMUP} unmeasured then ${RUNS}
measured, from the root namespace over the control plane's veth; time at the client from just before the POST to the
201. Each verified allocation claims ${verified[0]!.checked} candidates (1 + the margin) and sends one \`address-check\` job (ICMP echo, TCP
connects to the 12 default ports, PTR, then the neighbour entry; each address's attempt ends within 2.5 s); the
probe's durationMs is read from its log line for that job, and the line's arrival at the bench splits the rest into
before and after the check. The \`verify: false\` runs follow on the next addresses. Reference: nmap from the scan
namespace, one free address a run (each address once, so each starts with no neighbour entry, as the
allocations' addresses do), the whole command timed; on an attached segment nmap's ARP ping (\`-PR\`) decides and the
\`-PE -PS\` probes are not sent, so the second row disables it to send them. p50/p95 nearest-rank over ${RUNS} runs.

| measure | p50 | p95 | max |
|---|---|---|---|
${rows.join('\n')}

Addresses handed out: ${verified[0]!.ip} … ${verified.at(-1)!.ip} verified, ${unverified[0]!.ip} … ${unverified.at(-1)!.ip} unverified.
`;
  } finally {
    await lab.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchAllocate());
