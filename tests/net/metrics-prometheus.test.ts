/**
 * Debian's real Prometheus scrapes the Node host's /metrics with a metrics-scope token: the control plane in its own
 * namespace, the real probe sweeping a test host in a scanner namespace with no default route. Prometheus (root
 * namespace, listening on 127.0.0.1) sees edge_ipam_host_up of the host at 1, then at 0 once the host is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_MAIN, SERVER_NODE_FLAGS } from '../../worker/node/launch.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { waitFor } from '../support/wait.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';

const PROMETHEUS = '/usr/bin/prometheus';
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const HOST_IP = '198.18.0.20';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('Prometheus scrapes the Node host', () => {
  let topo: Topology;
  let dir: string;
  let base: string;
  let cookie: string;
  let prometheus: ChildProcess | undefined;
  let promUrl: string;
  let promLog = '';

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { cookie, origin: base, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, body: await res.json() };
  };
  /** The value Prometheus holds now for the query's one series; undefined when it has none. */
  const query = async (q: string): Promise<string | undefined> => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { status: string; data: { result: { value: [number, string] }[] } };
    expect(body.status).toBe('success');
    return body.data.result[0]?.value[1];
  };

  beforeAll(async () => {
    if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing; fix: apt-get install prometheus`);
    assertNetPrerequisites();
    dir = mkdtempSync(join(tmpdir(), 'eipam-prom-'));
    topo = await createTopology({ hosts: [{ v4: HOST_IP }] });
    base = `http://${topo.cpAddr}:8787`;
    topo.spawnIn(topo.ns.cp, [TSX, ...SERVER_NODE_FLAGS, SERVER_MAIN], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '8787', DATA_DIR: join(dir, 'server'), ADMIN_PASSWORD, LOCAL_PROBE: '0', HEARTBEAT_SECONDS: '1', DOWN_AFTER_FAILURES: '1' },
      stdio: 'ignore',
    });
    await waitFor('control plane health', async () => (await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) })).ok, 30_000);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    const probe = (await api('POST', '/api/probes', { name: 'prom-probe', site: 'netns' })).body;
    topo.spawnIn(topo.ns.scan, [TSX, 'probe/main.ts', '--server', `http://${topo.cpAddrFromScan}:8787`, '--token', probe.token, '--state-dir', join(dir, 'probe')], {
      env: { ...process.env, HEARTBEAT_SECONDS: '1', RECONNECT_MAX_MS: '2000' },
      stdio: 'ignore',
    });
    await waitFor('probe connected', async () => (await api('GET', '/api/probes')).body.probes[0]?.connected === true, 30_000);
    expect((await api('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId: probe.id, sweepIntervalSeconds: 10 })).status).toBe(201);

    const token = (await api('POST', '/api/tokens', { name: 'prometheus', scope: 'metrics' })).body.token as string;
    writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: edge-ipam',
        '    metrics_path: /metrics',
        `    authorization: { type: Bearer, credentials_file: ${join(dir, 'token')} }`,
        `    static_configs: [{ targets: ['${topo.cpAddr}:8787'] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'pipe' });
    prometheus.stderr!.on('data', (d) => (promLog = (promLog + d).slice(-4000)));
    await waitFor('prometheus ready', async () => (await fetch(`${promUrl}/-/ready`, { signal: AbortSignal.timeout(1000) }).catch(() => null))?.ok === true, 30_000);
  }, 120_000);

  afterAll(async () => {
    if (prometheus?.pid) prometheus.kill('SIGTERM');
    await topo?.destroy(); // the control plane and the probe with it
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes with the metrics token: the target is up', async () => {
    await waitFor('scrape target up', async () => (await query('up{job="edge-ipam"}')) === '1', 20_000).catch((e) => {
      throw new Error(`${e}; prometheus said: ${promLog}`);
    });
  }, 30_000);

  it(`sees ${HOST_IP} up (1), then down (0) once it stops answering`, async () => {
    const up = `edge_ipam_host_up{ip="${HOST_IP}"}`;
    await waitFor(`${up} == 1`, async () => (await query(up)) === '1', 40_000);
    expect(Number(await query(`edge_ipam_host_latency_seconds{ip="${HOST_IP}"}`))).toBeGreaterThan(0);
    await topo.setHostUp(0, false);
    await waitFor(`${up} == 0`, async () => (await query(up)) === '0', 45_000);
    expect(await query(`edge_ipam_subnet_hosts{subnet="198.18.0.0/24",status="down"}`)).toBe('1');
    expect(await query('edge_ipam_probe_connected')).toBe('1');
  }, 100_000);
});
