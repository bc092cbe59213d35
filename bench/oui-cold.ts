/**
 * The Worker's OUI table at cold start: small Workers bundled by `wrangler deploy --dry-run` with the same matching
 * (none: an empty table; json: oui-data's JSON imported on first use, as the Worker had it before; compact, lazy: the
 * compact form imported on first use; compact: worker/edge/tools.ts now), each started fresh in workerd and imported
 * fresh in Node, alternating. workerd freezes the Worker's clocks, so its times are wall times
 * at the client: start → first answer (the script's compile and evaluation), then the first and second lookup.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = process.cwd();
const RUNS = Number(process.env.RUNS ?? 7);
const LOOKUP = `const answer = (t) => JSON.stringify(lookupOui('70:b3:d5:00:10:03', t));`;
const VARIANTS: Record<string, string> = {
  none: `import { lookupOui } from '${ROOT}/schema/oui.ts';
${LOOKUP}
export const lookup = async () => answer({});`,
  json: `import { lookupOui } from '${ROOT}/schema/oui.ts';
${LOOKUP}
let t = null;
export const lookup = async () => answer(await (t ??= import('${ROOT}/node_modules/oui-data/index.json', { with: { type: 'json' } }).then((m) => m.default)));`,
  'compact, lazy': `import { lookupOui } from '${ROOT}/schema/oui.ts';
import { CompactOui } from '${ROOT}/schema/oui-compact.ts';
${LOOKUP}
let t = null;
export const lookup = async () => answer(await (t ??= import('${ROOT}/worker/edge/generated/oui.js').then((m) => new CompactOui(m.ouiLines))));`,
  compact: `import { lookupOui } from '${ROOT}/schema/oui.ts';
import { edgeTools } from '${ROOT}/worker/edge/tools.ts';
${LOOKUP}
export const lookup = async () => answer(await edgeTools.ouiTable());`,
};
const WORKER = `import { lookup } from './variant.ts';
export default { fetch: async (req) => new Response(new URL(req.url).pathname === '/lookup' ? await lookup() : 'ok') };`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function build(dir: string, name: string): string {
  const slug = name.replace(/\W+/g, '-');
  const src = join(dir, slug);
  mkdirSync(join(src, 'out'), { recursive: true });
  writeFileSync(join(src, 'variant.ts'), VARIANTS[name]!);
  writeFileSync(join(src, 'index.ts'), WORKER);
  writeFileSync(join(src, 'wrangler.toml'), `name = "oui-${slug}"\nmain = "index.ts"\ncompatibility_date = "2026-04-01"\ncompatibility_flags = ["nodejs_compat"]\n`);
  const res = spawnSync(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', join(src, 'out'), '-c', join(src, 'wrangler.toml')], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`wrangler failed:\n${res.stderr}${res.stdout}`);
  const js = join(src, 'out', 'index.js');
  // the same script as a Node module: its lookup, without the fetch handler's Response
  writeFileSync(join(src, 'out', 'node.mjs'), readFileSync(js, 'utf8'));
  return js;
}

async function workerdRun(js: string) {
  const port = await freePort();
  const dir = join(js, '..');
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .w)], sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")]);
const w :Workerd.Worker = (modules = [(name = "index.js", esModule = embed "index.js")], compatibilityDate = "2026-04-01", compatibilityFlags = ["nodejs_compat"]);\n`,
  );
  const t0 = performance.now();
  const child = spawn(join(ROOT, 'node_modules/.bin/workerd'), ['serve', join(dir, 'config.capnp')], { stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      try {
        if ((await fetch(url)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    const ready = performance.now() - t0;
    const timed = async () => {
      const s = performance.now();
      const body = await (await fetch(`${url}/lookup`)).text();
      return [performance.now() - s, body] as const;
    };
    const [first, body] = await timed();
    const [second] = await timed();
    return { ready, first, second, body };
  } finally {
    child.kill();
  }
}

function nodeRun(js: string) {
  const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(join(js, '..', 'node.mjs'))}); const t1 = performance.now();
const req = (p) => new Request('http://x' + p);
await (await m.default.fetch(req('/'))).text();
const a = performance.now(); const body = await (await m.default.fetch(req('/lookup'))).text(); const b = performance.now();
await m.default.fetch(req('/lookup')); const c = performance.now();
console.log(JSON.stringify({ ready: t1 - t0, first: b - a, second: c - b, body }));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout) as { ready: number; first: number; second: number; body: string };
}

export async function benchOuiCold(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-oui-'));
  try {
    const names = Object.keys(VARIANTS);
    const js = Object.fromEntries(names.map((n) => [n, build(dir, n)]));
    const got: Record<string, { workerd: Awaited<ReturnType<typeof workerdRun>>[]; node: ReturnType<typeof nodeRun>[] }> = {};
    for (const n of names) got[n] = { workerd: [], node: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const n of names) {
        got[n]!.workerd.push(await workerdRun(js[n]!));
        got[n]!.node.push(nodeRun(js[n]!));
      }
    }
    const bodies = new Set(names.filter((n) => n !== 'none').flatMap((n) => [...got[n]!.workerd, ...got[n]!.node].map((r) => r.body)));
    if (bodies.size !== 1) throw new Error(`the variants answer differently: ${[...bodies].join(' | ')}`);
    const f = (xs: number[]) => `${Math.min(...xs).toFixed(1)} / ${median(xs).toFixed(1)} ms`;
    const rows = names.map((n) => {
      const size = readFileSync(js[n]!);
      const w = got[n]!.workerd;
      const o = got[n]!.node;
      return `| ${n} | ${(size.length / 1024).toFixed(1)} KiB / ${(gzipSync(size, { level: 9 }).length / 1024).toFixed(1)} KiB | ${f(w.map((r) => r.ready))} | ${f(w.map((r) => r.first))} | ${f(w.map((r) => r.second))} | ${f(o.map((r) => r.ready))} | ${f(o.map((r) => r.first))} | ${f(o.map((r) => r.second))} |`;
    });
    return [
      `Minimum / median of ${RUNS} fresh starts each, alternating (\`npx tsx bench/oui-cold.ts\`); the answer: ${[...bodies][0]}`,
      '',
      '| Worker | script / gzip | workerd: start → first answer | first lookup | second lookup | Node: import | first lookup | second lookup |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
  } finally {
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchOuiCold());
