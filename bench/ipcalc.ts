/**
 * IP calculator (issue 14): answers per second of web/lib/ipcalc.js (the code the browser and GET /api/tools/ipcalc
 * run) over a mixed table of IPv4 and IPv6 blocks, addresses and splits, against Debian's `sipcalc` and `ipcalc`
 * on the same table when they are installed (`apt-get install sipcalc ipcalc`), with their answers compared to ours.
 * Nothing leaves the machine: the tools only compute.
 *
 * Run: `npm run bench -- ipcalc` or standalone `node_modules/.bin/tsx bench/ipcalc.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import ipaddr from 'ipaddr.js';
import { calculate, type CalcOptions } from '../web/lib/ipcalc.js';

const PLAIN = [
  '198.18.7.77/22', '198.18.0.0/24', '198.18.0.9/31', '198.18.0.9/32', '198.18.0.1', '192.0.2.40/8', '198.51.100.4/12',
  '192.0.2.77/26', '198.18.64.1/10', '203.0.113.9/29', '0.0.0.0/0', '233.252.0.251',
  'fd00:18::/64', 'fd00:18::7/48', '2001:db8::1/127', '2001:db8::1/128', '::1', '::/0', 'fe80::1/64', '2001:db8:abcd:12::/56',
  '2001:db8:10::6816:1/32', 'ff02::1', '::ffff:198.18.0.1', '3fff:1::/20',
];
const SPLITS: { cidr: string; opts: CalcOptions; sipcalc: string[] }[] = [
  { cidr: '198.18.0.0/24', opts: { splitCount: 4 }, sipcalc: ['-s', '26', '198.18.0.0/24'] },
  { cidr: '198.18.0.0/20', opts: { splitPrefix: 24 }, sipcalc: ['-s', '24', '198.18.0.0/20'] },
  { cidr: 'fd00:18::/56', opts: { splitPrefix: 64 }, sipcalc: ['-S', '64', 'fd00:18::/56'] },
  // a /48 into /64s is 65,536 blocks: we answer one page of 256, sipcalc prints them all (timed once, below)
  { cidr: '2001:db8:7::/48', opts: { splitPrefix: 64, page: 3 }, sipcalc: [] },
];
const MEASURE_MS = 2000;

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const debianVersion = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).stdout.trim() || 'version unknown';
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** Runs `fn` repeatedly for about `ms` (after a warm-up) and returns calls per second. */
function rate(fn: () => void, ms = MEASURE_MS): number {
  const warm = performance.now() + 300;
  while (performance.now() < warm) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

/** Wall-clock seconds of one run of argv. */
function timed(argv: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const stdout = execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { seconds: (performance.now() - t0) / 1000, stdout };
}

const norm = (text: string) => ipaddr.parse(text.trim()).toString();

/** Our answer and sipcalc's for one plain case agree on network, range and (IPv4) broadcast and usable range. */
function agrees(input: string, out: string): boolean {
  const r = calculate(input);
  const field = (name: string) => new RegExp(`^${name}\\s*- (.*)$`, 'm').exec(out)?.[1]?.trim();
  if (r.family === 4) {
    const usable = field('Usable range');
    return (
      field('Network address') === r.network &&
      (r.broadcast === null || field('Broadcast address') === r.broadcast) &&
      (!usable || usable === `${r.firstUsable} - ${r.lastUsable}`) &&
      field('Addresses in network') === r.addresses
    );
  }
  const m = /Network range\s*- (\S+) -\s*\n\s*(\S+)/.exec(out);
  return !!m && norm(m[1]!) === r.network && norm(m[2]!) === r.lastUsable;
}

export async function benchIpcalc(): Promise<string> {
  const plainRate = rate(() => {
    for (const c of PLAIN) calculate(c);
  }) * PLAIN.length;
  const v4 = PLAIN.filter((c) => !c.includes(':'));
  const v6 = PLAIN.filter((c) => c.includes(':'));
  const v4Rate = rate(() => v4.forEach((c) => calculate(c))) * v4.length;
  const v6Rate = rate(() => v6.forEach((c) => calculate(c))) * v6.length;
  const splitRates = SPLITS.map((s) => {
    const blocks = calculate(s.cidr, s.opts).split!.subnets.length;
    const perSecond = rate(() => calculate(s.cidr, s.opts), 700);
    return { ...s, blocks, perSecond };
  });
  const mixed = [...PLAIN.map((c) => () => calculate(c)), ...SPLITS.map((s) => () => calculate(s.cidr, s.opts))];
  const mixedRate = rate(() => mixed.forEach((f) => f())) * mixed.length;

  const rows = [
    `| web/lib/ipcalc.js, in process (Node ${process.versions.node}) | ${PLAIN.length + SPLITS.length} cases, mixed | ${fmt(mixedRate)} |`,
    `| web/lib/ipcalc.js | ${v4.length} IPv4 blocks and addresses | ${fmt(v4Rate)} |`,
    `| web/lib/ipcalc.js | ${v6.length} IPv6 blocks and addresses (one mapped) | ${fmt(v6Rate)} |`,
    `| web/lib/ipcalc.js | all ${PLAIN.length} plain cases | ${fmt(plainRate)} |`,
    ...splitRates.map((s) => `| web/lib/ipcalc.js | split ${s.cidr} ${s.opts.splitCount ? `into ${s.opts.splitCount}` : `into /${s.opts.splitPrefix}s`} (${s.blocks} blocks${s.opts.page ? `, page ${s.opts.page}` : ''}) | ${fmt(s.perSecond)} |`),
  ];
  const notes: string[] = [];

  if (has('sipcalc')) {
    const version = debianVersion('sipcalc');
    const REPEAT = 40;
    const batch = timed(['sipcalc', ...Array.from({ length: REPEAT }, () => PLAIN).flat()]);
    rows.push(`| sipcalc (Debian ${version}), one process for ${fmt(REPEAT * PLAIN.length)} answers | the ${PLAIN.length} plain cases ×${REPEAT} | ${fmt((REPEAT * PLAIN.length) / batch.seconds)} |`);
    const SPAWNS = 3;
    const t0 = performance.now();
    for (let i = 0; i < SPAWNS; i++) for (const c of PLAIN) execFileSync('sipcalc', [c]);
    rows.push(`| sipcalc, one process per answer | the ${PLAIN.length} plain cases ×${SPAWNS} | ${fmt((SPAWNS * PLAIN.length * 1000) / (performance.now() - t0))} |`);
    for (const s of SPLITS.filter((x) => x.sipcalc.length)) {
      const runs = 10;
      let seconds = 0;
      for (let i = 0; i < runs; i++) seconds += timed(['sipcalc', ...s.sipcalc]).seconds;
      rows.push(`| sipcalc ${s.sipcalc.join(' ')} | split, every block printed | ${fmt(runs / seconds)} |`);
    }
    const whole = timed(['sipcalc', '-S', '64', '2001:db8:7::/48']);
    notes.push(`sipcalc -S 64 2001:db8:7::/48 prints all 65,536 /64s in ${whole.seconds.toFixed(2)} s; the calculator answers one page of 256 of them (any page) in ${(1000 / splitRates[3]!.perSecond).toFixed(2)} ms.`);
    const each = PLAIN.map((c) => ({ c, ok: agrees(c, execFileSync('sipcalc', [c], { encoding: 'utf8' })) }));
    const bad = each.filter((e) => !e.ok).map((e) => e.c);
    notes.push(`Answers compared with sipcalc's (network, last address, IPv4 broadcast, usable range and size): ${each.length - bad.length} of ${each.length} agree${bad.length ? `; differ: ${bad.join(', ')}` : ''}${bad.includes('0.0.0.0/0') ? ' (sipcalc says 4294967295 addresses in 0.0.0.0/0: its count is 32 bits wide)' : ''}.`);
  } else notes.push('sipcalc is not installed (`apt-get install sipcalc`): no reference figures.');

  if (has('ipcalc')) {
    const version = debianVersion('ipcalc');
    const v4Plain = PLAIN.filter((c) => !c.includes(':'));
    const SPAWNS = 2;
    const t0 = performance.now();
    for (let i = 0; i < SPAWNS; i++) for (const c of v4Plain) execFileSync('ipcalc', ['-n', '-b', c]);
    rows.push(`| ipcalc (Debian ${version}, Perl, IPv4 only), one process per answer | the ${v4Plain.length} IPv4 cases ×${SPAWNS} | ${fmt((SPAWNS * v4Plain.length * 1000) / (performance.now() - t0))} |`);
  } else notes.push('ipcalc is not installed (`apt-get install ipcalc`).');

  return `## IP calculator: answers per second

\`npm run bench -- ipcalc\` (bench/ipcalc.ts). The calculator is web/lib/ipcalc.js, the code the Tools page runs as you
type and GET /api/tools/ipcalc runs on both hosts; each figure is calls of \`calculate()\` per second on one core over
about 2 s after a warm-up. One answer is everything the page shows (edges, masks, counts, kind, reverse zone,
binary, IPv4-mapped), so it is more than sipcalc prints. The references are Debian's sipcalc and ipcalc, run as
processes: a tool started per answer pays its start, so sipcalc also gets every case of the table in one process.

Cases: ${PLAIN.map((c) => `\`${c}\``).join(', ')}; splits: ${SPLITS.map((s) => `\`${s.cidr}\` ${JSON.stringify(s.opts)}`).join(', ')}.

| what | cases | answers / s |
| --- | --- | ---: |
${rows.join('\n')}

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchIpcalc());
