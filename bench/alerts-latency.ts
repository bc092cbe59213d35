/**
 * The alerts bench's network part (bench/alerts.ts): 20 test hosts in network namespaces (tests/net/netns.ts, only
 * 198.18.0.0/15, the scanner namespace without a default route), the Node control plane as `npm start` runs it in
 * its namespace, the real probe sweeping the /24 every 10 s on its own schedule, and the verifying receiver on the
 * control plane namespace's loopback. Right after a sweep finishes (the probe's log line), one host loses its
 * address; the time until its signed host.down arrives is the measure. One host per sweep, so no sweep ever sees
 * more than one host go down (far from "subnet degraded"), and a host is given its address back once its
 * webhook arrived. Everything is torn down by the topology in `finally`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, login } from '../tests/support/targets.js';
import { waitFor } from '../tests/support/wait.js';
import { createTopology } from '../tests/net/netns.js';
import { inNamespace, startNodeControlPlane, startProbe, startReceiver } from '../tests/net/webhook-kit.js';

export const FLIPS = 20;
export const SWEEP_INTERVAL_S = 10;
export const DOWN_AFTER = 2;
const CIDR = '198.18.0.0/24';
const PASSWORD = 'bench alerts admin password';

export interface Flip {
  ip: string;
  /** Address removed (ms since epoch). */
  silentAt: number;
  /** The sweep that found the host down for the second time finished (probe log). */
  decidedAt: number;
  /** The signed host.down reached the receiver. */
  arrivedAt: number;
  verified: boolean;
}

export interface LatencyResult {
  flips: Flip[];
  hosts: number;
  sweepMs: number[];
  extra: string[];
}

export async function flipLatency(log: (s: string) => void): Promise<LatencyResult> {
  const specs = Array.from({ length: FLIPS }, (_, i) => ({ v4: `198.18.0.${10 + i}` }));
  const topo = await createTopology({ hosts: specs });
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-alerts-'));
  try {
    const rx = await startReceiver(inNamespace(topo, topo.ns.cp));
    const cp = await startNodeControlPlane(inNamespace(topo, topo.ns.cp), {
      dataDir: join(dir, 'server'),
      reachAt: topo.cpAddr,
      env: { ADMIN_PASSWORD: PASSWORD, WEBHOOK_ALLOW_PRIVATE: '1', DOWN_AFTER_FAILURES: String(DOWN_AFTER), ENABLE_NMAP_SCHEDULER: '0' },
    });
    const api = client(cp.url, await login(cp.url, 'admin', PASSWORD));
    const ep = await api('POST', '/api/webhooks', { name: 'bench', url: `${rx.url}/hook`, eventTypes: ['host.down', 'subnet.degraded'] });
    if (ep.status !== 201) throw new Error(`endpoint: ${ep.status} ${JSON.stringify(ep.body)}`);
    await rx.secrets([ep.body.secret]);
    const p = (await api('POST', '/api/probes', { name: 'bench-probe', site: 'netns' })).body;
    const probe = startProbe(inNamespace(topo, topo.ns.scan), { server: `http://${topo.cpAddrFromScan}:8787`, token: p.token, stateDir: join(dir, 'probe'), env: { HEARTBEAT_SECONDS: '15' } });
    await waitFor('probe connected', async () => (await api('GET', '/api/probes')).body.probes[0]?.connected === true, 60_000);
    const s = await api('POST', '/api/subnets', { cidr: CIDR, name: 'bench', probeId: p.id, sweepIntervalSeconds: SWEEP_INTERVAL_S });
    if (s.status !== 201) throw new Error(`subnet: ${s.status} ${JSON.stringify(s.body)}`);
    const upCount = async () => (await api('GET', `/api/subnets/${s.body.id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host' && r.status === 'up').length;
    await waitFor('every test host up', async () => (await upCount()) === FLIPS + 1, 60_000);
    await probe.sweepDone(CIDR); // a sweep that knows every host (alert states start as up)
    log(`lab up: ${FLIPS} hosts + the scanner in ${CIDR}, sweeps every ${SWEEP_INTERVAL_S} s, down after ${DOWN_AFTER}`);

    const flips: Array<Omit<Flip, 'decidedAt' | 'arrivedAt' | 'verified'> & { index: number; restored: boolean }> = [];
    const arrival = (ip: string) => rx.ofType('host.down').find((r) => r.json.data.host.ip === ip);
    const restoreArrived = async () => {
      for (const f of flips.filter((x) => !x.restored && arrival(x.ip))) {
        await topo.setHostUp(f.index, true);
        f.restored = true;
      }
    };
    for (let i = 0; i < FLIPS; i++) {
      await probe.sweepDone(CIDR);
      const silentAt = Date.now();
      await topo.setHostUp(i, false);
      flips.push({ index: i, ip: specs[i]!.v4, silentAt, restored: false });
      await restoreArrived();
      log(`flip ${i + 1}/${FLIPS}: ${specs[i]!.v4} silent; ${rx.ofType('host.down').length} host.down received so far`);
    }
    await waitFor('every host.down', () => flips.every((f) => arrival(f.ip)), 4 * SWEEP_INTERVAL_S * 1000, 50);
    await restoreArrived();
    const sweeps = probe.sweepsOf(CIDR);
    const extra = rx.received.map((r) => JSON.parse(r.body)).filter((b) => b.type !== 'host.down').map((b) => b.type);
    const downs = rx.ofType('host.down');
    if (downs.length !== FLIPS) extra.push(`${downs.length} host.down for ${FLIPS} flips`);
    return {
      hosts: FLIPS,
      extra,
      sweepMs: probe.log.filter((l) => l.line.msg === 'sweep done' && l.line.subnet === CIDR).map((l) => Number(l.line.ms)),
      flips: flips.map((f) => {
        const got = arrival(f.ip)!;
        return { ip: f.ip, silentAt: f.silentAt, decidedAt: sweeps.filter((t) => t > f.silentAt)[DOWN_AFTER - 1] ?? Number.NaN, arrivedAt: got.at, verified: got.verified };
      }),
    };
  } finally {
    await topo.destroy(); // the control plane, the probe and the receiver with it
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
