/**
 * `npm run bench -- metrics`: GET /metrics scrape time and body size with 1,000 and 5,000 hosts in a /16, on the Node
 * host (`npm start` as its own process, SERVER_NODE_FLAGS) and on the Worker (wrangler dev: workerd, local D1). The
 * hosts come in through the real probe protocol (RawProbe: sweep results of 1,000 answers a batch). Each size: 3 warm
 * scrapes, then SCRAPES sequential scrapes with a metrics-scope token (gzip accepted, as Prometheus asks), timed to the
 * last byte. Meanwhile /health is asked every 25 ms on Node: its worst answer says how long a scrape holds the event
 * loop. References in the same run: `promtool check metrics` (Prometheus' own parser and linter) on the same body, and
 * on Node at 5,000 hosts Debian's prometheus itself scraping every second (its `scrape_duration_seconds`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort } from '../tests/support/edge.js';
import { RawProbe } from '../tests/support/server.js';
import { client, login, type HostName } from '../tests/support/targets.js';
import { waitFor } from '../tests/support/wait.js';
import { hostLabel, startBenchHost } from './hosts.js';

const SIZES = [1_000, 5_000];
const SCRAPES = 30;
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ipOf = (i: number) => `198.18.${i >> 8}.${i & 255}`;

interface Row {
  host: HostName;
  hosts: number;
  p50: number;
  p95: number;
  bytes: number;
  gzipBytes: number;
  healthMax: number | null;
  promtoolMs: number;
  prometheus: { p50: number; p95: number; samples: number } | null;
}

/** promtool's parse and lint of the body: the median of 5 runs, each a process of its own (its start included). */
function promtool(body: string): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool check metrics: ${r.stdout}${r.stderr}`);
    runs.push(performance.now() - t);
  }
  return pct(runs, 50);
}

/** The real prometheus scraping `url` every second for ~15 s; its own scrape_duration_seconds, p50 and p95. */
async function prometheusScrapes(url: string, token: string): Promise<{ p50: number; p95: number; samples: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'token'), token);
  const target = new URL(url).host;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n  - job_name: bench\n    authorization: { type: Bearer, credentials_file: ${join(dir, 'token')} }\n    static_configs: [{ targets: ['${target}'] }]\n`,
  );
  const prom = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const api = `http://127.0.0.1:${port}`;
  try {
    await waitFor('prometheus ready', async () => (await fetch(`${api}/-/ready`).catch(() => null))?.ok === true, 30_000);
    await new Promise((r) => setTimeout(r, 17_000));
    const q = async (expr: string) => {
      const body = (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(body.data.result[0]?.value[1]);
    };
    const up = await q('min_over_time(up{job="bench"}[15s])');
    if (up !== 1) throw new Error('prometheus could not scrape every time (up was 0)');
    return {
      p50: (await q('quantile_over_time(0.5, scrape_duration_seconds{job="bench"}[15s])')) * 1000,
      p95: (await q('quantile_over_time(0.95, scrape_duration_seconds{job="bench"}[15s])')) * 1000,
      samples: await q('count_over_time(scrape_duration_seconds{job="bench"}[15s])'),
    };
  } finally {
    prom.kill('SIGTERM');
    await new Promise((r) => prom.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchHost(host: HostName, log: (s: string) => void): Promise<Row[]> {
  const server = await startBenchHost(host);
  const rows: Row[] = [];
  let probe: RawProbe | undefined;
  try {
    const api = client(server.url, await login(server.url));
    const p = (await api('POST', '/api/probes', { name: 'bench-probe', site: 'bench' })).body;
    probe = await RawProbe.connect(server.url, p.token);
    await probe.next('assignment');
    probe.send({ type: 'hello', version: '0.7.0', protocol: 1, hostname: 'bench', kinds: ['sweep'] });
    const subnetId = (await api('POST', '/api/subnets', { cidr: '198.18.0.0/16', name: 'bench', probeId: p.id, sweepIntervalSeconds: 3600 })).body.id;
    const token = (await api('POST', '/api/tokens', { name: 'bench', scope: 'metrics' })).body.token as string;
    const scrape = async () => {
      const t = performance.now();
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${body.slice(0, 200)}`);
      return { ms: performance.now() - t, body };
    };
    let stored = 0;
    for (const size of SIZES) {
      for (let batch = 0; stored < size; batch++) {
        const up = Array.from({ length: Math.min(1000, size - stored) }, (_, k) => ({ ip: ipOf(stored + k + 1), latencyMs: 0.2 + ((stored + k) % 97) / 10 }));
        const batchId = `bench-${size}-${batch}`;
        probe.send({ type: 'results', batchId, results: [{ kind: 'sweep', subnetId, at: Date.now(), durationMs: 4200, complete: false, up, down: [] }] });
        const ack = await probe.next('ack', 60_000);
        if (ack.duplicate || ack.batchId !== batchId) throw new Error(`unexpected ack ${JSON.stringify(ack)}`);
        stored += up.length;
      }
      for (let i = 0; i < 3; i++) await scrape();
      const health: number[] = [];
      let running = host === 'node';
      const watcher = (async () => {
        while (running) {
          const t = performance.now();
          await (await fetch(`${server.url}/health`)).arrayBuffer();
          health.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      const times: number[] = [];
      let body = '';
      for (let i = 0; i < SCRAPES; i++) ({ ms: times[i], body } = await scrape());
      running = false;
      await watcher;
      const exported = (body.match(/^edge_ipam_host_up\{/gm) ?? []).length;
      if (exported !== size) throw new Error(`expected ${size} host_up series, got ${exported}`);
      const row: Row = {
        host,
        hosts: size,
        p50: pct(times, 50),
        p95: pct(times, 95),
        bytes: Buffer.byteLength(body),
        gzipBytes: gzipSync(body).length,
        healthMax: health.length ? Math.max(...health) : null,
        promtoolMs: promtool(body),
        prometheus: host === 'node' && size === SIZES.at(-1) ? await prometheusScrapes(server.url, token) : null,
      };
      log(`${host} ${size}: ${JSON.stringify(row)}`);
      rows.push(row);
    }
  } finally {
    probe?.close();
    await server.close();
  }
  return rows;
}

export async function benchMetrics(): Promise<string> {
  const log = (s: string) => console.error(`  ${s}`);
  const rows: Row[] = [];
  for (const host of ['node', 'edge'] as HostName[]) rows.push(...(await benchHost(host, log)));
  const prom = rows.find((r) => r.prometheus)?.prometheus;
  return [
    '## /metrics scrape (issue 16)',
    '',
    'Command: `npm run bench -- metrics` (`bench/metrics.ts`). Method: one /16 on each host, its hosts stored through the',
    'real probe protocol (sweep results of 1,000 answers a batch, every host up with a latency, no hostnames); per size 3',
    `warm scrapes, then ${SCRAPES} sequential scrapes with a metrics-scope token, gzip accepted (as Prometheus asks), timed`,
    'to the last byte on loopback. Node: `npm start` as its own process with the server\'s node flags, libSQL file on the',
    'database thread; Workers: `wrangler dev` (workerd, local D1). Body: the uncompressed text (gzip: what the wire carries',
    'when compressed at level 6). "/health worst": the slowest of the /health requests sent every 25 ms during the Node',
    'scrapes (how long a scrape holds the event loop). Reference tool in the same run: `promtool check metrics`',
    '(Prometheus 2.42\'s own parser and linter, a process per run, median of 5) reading the same body, and Debian\'s',
    `prometheus scraping the Node host every second for 15 s at ${SIZES.at(-1)!.toLocaleString('en')} hosts.`,
    '',
    '| host | hosts | scrape p50 | scrape p95 | body | gzip | /health worst | promtool check metrics |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${hostLabel(r.host)} | ${r.hosts.toLocaleString('en')} | ${ms(r.p50)} | ${ms(r.p95)} | ${kib(r.bytes)} | ${kib(r.gzipBytes)} | ${r.healthMax === null ? '—' : ms(r.healthMax)} | ${ms(r.promtoolMs)} |`),
    '',
    prom
      ? `Prometheus' own \`scrape_duration_seconds\` for the Node host at ${SIZES.at(-1)!.toLocaleString('en')} hosts: p50 ${ms(prom.p50)}, p95 ${ms(prom.p95)} (${prom.samples} scrapes), every scrape up.`
      : '',
    '',
    `Target (issue 16): a /16 with 5,000 hosts scrapes in under a second on Node: ${rows.filter((r) => r.host === 'node' && r.hosts === 5_000).every((r) => r.p95 < 1000) ? 'met' : 'NOT met'} (p95).`,
  ].join('\n');
}
