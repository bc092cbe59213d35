/**
 * How long CSV import and export hold the Node host's event loop: a 50,000-row host import and the export
 * of 115,000 hosts against the real server (libSQL file), in this process, with
 * perf_hooks.monitorEventLoopDelay running and GET /health asked every 20 ms alongside.
 * `npx tsx bench/csv.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { formatIp, parseCidr } from '../schema/ip/cidr.js';
import { silentLogger } from '../schema/log.js';
import { startServer } from '../worker/node/server.js';

const PASSWORD = 'bench-password';

function hostsCsv(first: bigint, count: number, tag: string): string {
  const lines = ['ip,hostname,description,tags,notes,reserved'];
  for (let i = 0; i < count; i++) lines.push(`${formatIp(first + BigInt(i), 4)},host-${tag}-${i},rack ${i % 40},${tag};bench,=notes ${i},${i % 7 === 0}`);
  return lines.join('\n') + '\n';
}

/** Runs `work` while sampling the event loop; the longest block and the slowest /health answer seen. */
async function measured(url: string, work: () => Promise<unknown>) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  let health = 0;
  let running = true;
  const poll = (async () => {
    while (running) {
      const t = performance.now();
      // a fresh connection each time: a kept-alive one may be closed by the server while the loop is held
      await fetch(`${url}/health`, { headers: { connection: 'close' } }).then((r) => r.text(), () => undefined);
      health = Math.max(health, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  h.enable();
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  h.disable();
  running = false;
  await poll;
  return { result, totalMs: Math.round(ms), maxBlockMs: Math.round(h.max / 1e6), p99BlockMs: Math.round(h.percentile(99) / 1e6), slowestHealthMs: Math.round(health) };
}

export async function benchCsv(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-csv-'));
  const server = await startServer({ HOST: '127.0.0.1', PORT: 0, DATA_DIR: dir, ADMIN_PASSWORD: PASSWORD, LOCAL_PROBE: false }, silentLogger, {});
  try {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const headers = { cookie, origin: server.url };
    const post = async (path: string, body: string, type: string) => {
      const res = await fetch(server.url + path, { method: 'POST', headers: { ...headers, 'content-type': type }, body });
      return { status: res.status, body: await res.json() };
    };
    await post('/api/subnets', JSON.stringify({ cidr: '198.18.0.0/15' }), 'application/json');
    const base = parseCidr('198.18.0.0/15').first + 1n;
    const csvs = [hostsCsv(base, 50_000, 'a'), hostsCsv(base + 50_000n, 50_000, 'b'), hostsCsv(base + 100_000n, 15_000, 'c')];
    const lines: string[] = [];
    const imp = await measured(server.url, () => post('/api/import/hosts', csvs[0]!, 'text/csv'));
    lines.push(`import 50,000 new hosts: ${JSON.stringify(imp)}`);
    for (const csv of csvs.slice(1)) await post('/api/import/hosts', csv, 'text/csv');
    const again = await measured(server.url, () => post('/api/import/hosts', csvs[0]!, 'text/csv'));
    lines.push(`import 50,000 rows again (all updates): ${JSON.stringify(again)}`);
    const exp = await measured(server.url, async () => {
      const res = await fetch(`${server.url}/api/export/hosts.csv`, { headers });
      const text = await res.text();
      return { status: res.status, rows: text.split('\n').length - 2, bytes: text.length };
    });
    lines.push(`export 115,000 hosts: ${JSON.stringify(exp)}`);
    return lines.join('\n');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchCsv());
