/**
 * The allocation bench's network (as the net suite tests/net/allocate.test.ts builds it): namespaces this bench
 * creates (tests/net/netns.ts), the Node control plane in its own namespace, the real probe (probe/main.ts) in the
 * scan namespace on a bridged /24, and a dnsmasq on the LAN as the probe's only resolver. No namespace has a default
 * route; every address is in 198.18.0.0/15. Everything is ended by its id: dnsmasq by its pid, the probe by its
 * process group, the namespaces by name (destroy() also ends the control plane).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD } from '../tests/support/app.js';
import { client, login } from '../tests/support/targets.js';
import { waitFor } from '../tests/support/wait.js';
import { assertIdentityTools, startDnsmasq, type Dnsmasq } from '../tests/net/identity-kit.js';
import { assertNetPrerequisites, createTopology, type Topology } from '../tests/net/netns.js';
import { exited, inNamespace, killGroup, startNodeControlPlane, startProbe, type ProbeProc } from '../tests/net/webhook-kit.js';

export const PREFIX = '198.18.130';
export const CIDR = `${PREFIX}.0/24`;
export const PROBE_ADDR = `${PREFIX}.1`;
export const DNS = `${PREFIX}.254`;
/** A PTR record dnsmasq holds (it must answer one to be known ready); far past every address the bench allocates. */
const NAMED = `${PREFIX}.253`;

const CP_ENV = {
  ADMIN_PASSWORD,
  // as in the net suite: a busy moment on 2 cores must not end the probe's link (offline after 3 silent heartbeats)
  HEARTBEAT_SECONDS: '5',
  ENABLE_NMAP_SCHEDULER: '0',
};

export interface Lab {
  topo: Topology;
  api: ReturnType<typeof client>;
  probe: ProbeProc;
  subnetId: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startLab(): Promise<Lab> {
  assertNetPrerequisites();
  assertIdentityTools();
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-allocate-'));
  let topo: Topology | undefined;
  let dns: Dnsmasq | undefined;
  let probe: ProbeProc | undefined;
  const close = async () => {
    await dns?.stop();
    if (probe) {
      killGroup(probe.child, 'SIGTERM');
      await Promise.race([exited(probe.child), sleep(3000)]);
    }
    await topo?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    topo = await createTopology({ hosts: [{ v4: DNS }], scanV4: `${PROBE_ADDR}/24`, scanV6: 'fd00:130::1/64' });
    const t = topo;
    dns = await startDnsmasq(t, t.ns.hosts[0]!, { listen: DNS, ttlSeconds: 600, dir, checkFrom: t.ns.scan, records: { hosts: [], ptrs: [{ ip: NAMED, name: 'named.alloc-bench.test' }] } });
    const cp = await startNodeControlPlane(inNamespace(t, t.ns.cp), { dataDir: join(dir, 'server'), reachAt: t.cpAddr, env: CP_ENV });
    const api = client(cp.url, await login(cp.url));
    const enrolled = (await api('POST', '/api/probes', { name: 'bench-probe', site: 'netns' })).body;
    const p = startProbe(inNamespace(t, t.ns.scan), {
      server: `http://${t.cpAddrFromScan}:8787`,
      token: enrolled.token,
      stateDir: join(dir, 'probe'),
      env: { DNS_SERVER: DNS },
    });
    probe = p;
    await waitFor('the probe connected, announcing address-check', async () => {
      const row = (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === enrolled.id);
      return row?.connected === true && (row.kinds ?? []).includes('address-check');
    }, 30_000, 250);
    const swept = p.sweepDone(CIDR, 60_000);
    const s = await api('POST', '/api/subnets', { cidr: CIDR, probeId: enrolled.id, sweepIntervalSeconds: 3600 });
    if (s.status !== 201) throw new Error(`POST /api/subnets: ${s.status} ${JSON.stringify(s.body)}`);
    await swept;
    // the first sweep recorded the probe's own address and the resolver's: neither is a candidate
    await waitFor('the first sweep stored', async () => {
      const ips = (await api('GET', `/api/hosts?subnetId=${s.body.id}`)).body.hosts.map((h: any) => h.ip);
      return ips.includes(PROBE_ADDR) && ips.includes(DNS);
    }, 15_000, 250);
    return { topo: t, api, probe: p, subnetId: s.body.id, close };
  } catch (e) {
    await close();
    throw e;
  }
}
