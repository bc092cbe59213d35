/**
 * Ingest throughput and storage: a simulated probe sends one sweep of 1,000 hosts per minute of
 * simulated time, for a whole day, over the real WebSocket to the real Node host (libSQL file).
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { formatIp, parseCidr } from '../schema/ip/cidr.js';
import { silentLogger } from '../schema/log.js';
import { startServer } from '../worker/node/server.js';
import { RawProbe } from '../tests/support/server.js';

const HOSTS = 1000;
const SWEEPS = 1440; // one day of 60 s sweeps
const MINUTE = 60_000;

function sweepFrame(subnetId: number, i: number, start: number) {
  const cidr = parseCidr('198.18.0.0/20');
  const up = [];
  for (let h = 0; h < HOSTS; h++) {
    // ~3 % of hosts flap on a slow cycle, so state changes and events are part of the load
    if (h % 33 === 0 && Math.floor(i / 30) % 2 === 1) continue;
    up.push({ ip: formatIp(cidr.first + 1n + BigInt(h * 4), 4), latencyMs: 0.2 + ((h * 7 + i) % 50) / 10 });
  }
  return JSON.stringify({ type: 'results', batchId: `bench-${i}`, sweeps: [{ subnetId, at: start + i * MINUTE, durationMs: 900, complete: true, up, down: [] }] });
}

export async function benchIngest(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-'));
  const server = await startServer({ HOST: '127.0.0.1', PORT: 0, DATA_DIR: dir, ADMIN_PASSWORD: 'bench-password', LOCAL_PROBE: false }, silentLogger, {});
  try {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const post = async (path: string, body: unknown) =>
      (await fetch(server.url + path, { method: 'POST', headers: { cookie, origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
    const probe = await post('/api/probes', { name: 'bench' });
    const subnet = await post('/api/subnets', { cidr: '198.18.0.0/20', probeId: probe.id });
    const ws = await RawProbe.connect(server.url, probe.token);
    await ws.next('assignment');

    const start = Date.now() - SWEEPS * MINUTE;
    const frames = Array.from({ length: SWEEPS }, (_, i) => sweepFrame(subnet.id, i, start));
    const samples = frames.reduce((n, f) => n + (JSON.parse(f).sweeps[0].up.length as number), 0); // answered
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    let acked = 0;
    const done = new Promise<void>((resolve) => {
      ws.ws.on('message', (d) => {
        if (JSON.parse(d.toString()).type === 'ack' && ++acked === SWEEPS) resolve();
      });
    });
    // a window of 8 unacknowledged batches, like a probe draining its spool
    for (let i = 0; i < SWEEPS; i++) {
      while (i - acked >= 8) await new Promise((r) => setTimeout(r, 1));
      ws.send(frames[i]!);
    }
    await done;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const rssAfter = process.memoryUsage().rss;
    ws.close();

    const dbFile = join(dir, 'edge-ipam.db');
    const db = createClient({ url: `file:${dbFile}` });
    await db.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    const rows = async (t: string) => Number((await db.execute(`SELECT count(*) FROM ${t}`)).rows[0]![0]);
    const counts = { samples: await rows('host_samples'), hourly: await rows('host_hourly'), events: await rows('host_events'), hosts: await rows('hosts') };
    db.close();
    await server.close().catch(() => {});
    const bytes = statSync(dbFile).size + (existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0);
    const perSample = bytes / counts.samples;
    return [
      '## Ingest: sweep samples stored per second (Node host, libSQL file)',
      '',
      'Command: `npm run bench -- ingest`. One simulated probe sends a day of 60 s sweeps of 1,000 hosts',
      '(1,440 batches, ~3 % of hosts flapping every 30 sweeps) over the real WebSocket to the real Node host;',
      'time runs from the first frame to the last acknowledgement (each ack is sent after the batch is committed).',
      '',
      '| metric | value |',
      '| --- | --- |',
      `| batches | ${SWEEPS} |`,
      `| samples stored | ${counts.samples.toLocaleString('en-US')} (answered: ${samples.toLocaleString('en-US')}) |`,
      `| wall time | ${seconds.toFixed(1)} s |`,
      `| **samples per second** | **${Math.round(counts.samples / seconds).toLocaleString('en-US')}** |`,
      `| CPU (server + client, one process) | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s |`,
      `| RSS before → after | ${(rssBefore / 2 ** 20).toFixed(0)} MiB → ${(rssAfter / 2 ** 20).toFixed(0)} MiB |`,
      `| state-change events | ${counts.events.toLocaleString('en-US')} |`,
      `| hourly roll-up rows | ${counts.hourly.toLocaleString('en-US')} |`,
      `| **database size for 1,000 hosts × 1 day** | **${(bytes / 2 ** 20).toFixed(1)} MiB** (${perSample.toFixed(1)} bytes per sample, indexes included) |`,
      '',
      `Raw samples are kept ${7} days (RAW_SAMPLE_RETENTION_DAYS), so a steady state holds about ${((bytes * 7) / 2 ** 20).toFixed(0)} MiB per 1,000 hosts; the hourly roll-up that answers uptime for 24 h / 7 d is ${counts.hourly / HOSTS} rows per host per day.`,
      `(${HOSTS * SWEEPS === counts.samples ? 'every' : 'not every'} host got one sample per sweep.)`,
    ].join('\n');
  } finally {
    await server.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchIngest());
