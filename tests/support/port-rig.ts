import { createServer, type Server } from 'node:http';
import type { OpenPort, ScannedHost } from '../../schema/protocol.js';
import type { AppConfig } from '../../worker/config.js';
import type { NodeProbeHub } from '../../worker/node/hub.js';
import { makeTestApp, tableCounts, type TestApp } from './app.js';
import { RawProbe } from './server.js';

/**
 * The in-process test app (real libSQL, TestClock) with its real Node probe hub on a loopback port, so RawProbes
 * connect over a real WebSocket while the API is called through `app.request()` and time is the test's.
 */
export interface PortRig {
  t: TestApp;
  url: string;
  /** Enrols a probe (admin) and returns its id and token. */
  enrol(name: string): Promise<{ id: number; token: string }>;
  /** Connects as the probe and says hello (`kinds` absent: a probe before 0.3); resolves once the hello is stored. */
  connect(token: string, hello?: { kinds?: string[]; rawSockets?: boolean; version?: string; network?: unknown }): Promise<RawProbe>;
  close(): Promise<void>;
}

export async function startPortRig(config: Partial<AppConfig> = {}): Promise<PortRig> {
  // the hub's watchdog reads the TestClock: a long heartbeat keeps clock jumps from dropping the probes
  const t = await makeTestApp({ heartbeatSeconds: 86_400, ...config });
  const hub = t.deps.hub as NodeProbeHub;
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  hub.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const probes: RawProbe[] = [];
  return {
    t,
    url,
    async enrol(name) {
      const res = await t.call('POST', '/api/probes', { name });
      return { id: res.body.id, token: res.body.token };
    },
    async connect(token, hello = {}) {
      const p = await RawProbe.connect(url, token);
      probes.push(p);
      await p.next('welcome');
      await p.next('assignment');
      const { version = hello.kinds ? '0.3.0' : '0.2.0', ...rest } = hello;
      p.send({ type: 'hello', version, protocol: 1, hostname: 'rig', ...rest });
      await roundTrip(p);
      return p;
    },
    async close() {
      for (const p of probes) p.close();
      await hub.close();
      await new Promise((r) => server.close(r));
      t.close();
    },
  };
}

/** A ping answered: every frame sent before it has been handled, and every server frame sent before has arrived. */
export async function roundTrip(p: RawProbe) {
  p.send({ type: 'ping' });
  await p.next('pong');
}

/** Sends one results frame and waits for its ack. */
export async function sendResults(p: RawProbe, batchId: string, results: unknown[]) {
  p.send({ type: 'results', batchId, results });
  const ack = await p.next('ack');
  if (ack.batchId !== batchId) throw new Error(`ack of ${ack.batchId}, expected ${batchId}`);
  return ack;
}

export const sweepItem = (subnetId: number, at: number, up: string[]) => ({
  kind: 'sweep',
  subnetId,
  at,
  durationMs: 5,
  complete: true,
  up: up.map((ip) => ({ ip, latencyMs: 0.5 })),
  down: [],
});

export const scanItem = (subnetId: number, at: number, hosts: ScannedHost[], extra: Record<string, unknown> = {}) => ({
  kind: 'port_scan',
  subnetId,
  at,
  durationMs: 900,
  hosts,
  ...extra,
});

/** `22/tcp/ssh/OpenSSH/9.2p1`: a port as nmap reports it (missing parts null). */
export function port(spec: string, state: OpenPort['state'] = 'open'): OpenPort {
  const [p, protocol, service, product, version] = spec.split('/');
  return { port: Number(p), protocol: protocol as OpenPort['protocol'], state, service: service || null, product: product || null, version: version || null };
}

export const scanned = (ip: string, ports: (string | OpenPort)[], responsive = true): ScannedHost => ({ ip, responsive, ports: ports.map((s) => (typeof s === 'string' ? port(s) : s)) });

const COUNTED = ['subnets', 'hosts', 'probes', 'host_samples', 'host_events', 'host_hourly', 'ingest_ledger', 'api_tokens', 'host_ports', 'port_events', 'jobs', 'audit_log'] as const;
export type Counts = Record<(typeof COUNTED)[number], number> & { hostScanState: string };

/** Row counts of every table a scan or a scan request may write (tableCounts' and the port tables), and each host's scan columns. */
export async function allCounts(t: TestApp): Promise<Counts> {
  const base = await tableCounts(t.client);
  const out = {} as Counts;
  for (const table of COUNTED) out[table] = base[table] ?? Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  const hosts = await t.client.execute('SELECT id, port_scan_job_id, port_scan_requested_at, ports_scanned_at, ports_next_scan_at FROM hosts ORDER BY id');
  out.hostScanState = JSON.stringify(hosts.rows);
  return out;
}

/** The host's id by address (through the API). */
export async function hostId(t: TestApp, ip: string): Promise<number> {
  const res = await t.call('GET', `/api/hosts?q=${encodeURIComponent(ip)}`);
  const h = res.body.hosts.find((x: { ip: string }) => x.ip === ip);
  if (!h) throw new Error(`no host ${ip}`);
  return h.id;
}
