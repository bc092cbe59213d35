/**
 * The kinds of work on the wire, on both hosts: what a probe announces, port-scan jobs and results through the
 * ledger, job statuses (an `unsupported` answer included), and probes before 0.3 that run sweeps only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from '../support/live.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

const ssh = { port: 22, protocol: 'tcp', state: 'open', service: 'ssh', product: 'OpenSSH', version: '9.2p1' };
const http = { port: 80, protocol: 'tcp', state: 'open', service: 'http', product: null, version: null };

describe.each(HOSTS)('kinds of work on the %s host', (host) => {
  let server: Target;
  let api: ReturnType<typeof client>;
  let cookie: string;
  let net = 40;

  beforeAll(async () => {
    // no cool-down: a freed host may be scanned again at once
    server = await startTarget(host, { PORT_SCAN_COOLDOWN_SECONDS: '0', ENABLE_NMAP_SCHEDULER: '0' });
    cookie = await login(server.url);
    api = client(server.url, cookie);
  }, 90_000);
  afterAll(() => server.close());

  /** A probe that says hello as given, with a subnet of its own whose first addresses answered a sweep. */
  async function probeWithHosts(name: string, hello: Record<string, unknown>, up: number[]) {
    const p = (await api('POST', '/api/probes', { name })).body;
    const probe = await RawProbe.connect(server.url, p.token);
    await probe.next('welcome');
    probe.send({ type: 'hello', protocol: 1, ...hello });
    const prefix = `198.18.${net++}`;
    const subnet = (await api('POST', '/api/subnets', { cidr: `${prefix}.0/24`, probeId: p.id, sweepIntervalSeconds: 3600 })).body;
    await probe.next('assignment');
    await probe.next('assignment');
    const sweep = { subnetId: subnet.id, at: Date.now() - 1000, durationMs: 5, complete: true, up: up.map((n) => ({ ip: `${prefix}.${n}`, latencyMs: 1 })), down: [] };
    // a probe before 0.3 sends `sweeps`; a newer one `results` with a kind
    probe.send(hello.kinds ? { type: 'results', batchId: `${name}-sweep`, results: [{ kind: 'sweep', ...sweep }] } : { type: 'results', batchId: `${name}-sweep`, sweeps: [sweep] });
    expect(await probe.next('ack')).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    const hosts = (await api('GET', `/api/hosts?subnetId=${subnet.id}`)).body.hosts as { id: number; ip: string; status: string }[];
    expect(hosts.map((h) => h.status)).toEqual(up.map(() => 'up'));
    return { p, probe, subnet, prefix, hosts };
  }

  it('records the version and kinds a probe announces; a probe before 0.3 runs sweeps only and is sent no port scan', async () => {
    const { p, probe, subnet, hosts } = await probeWithHosts('old', { version: '0.2.0' }, [5]);
    const listed = (await api('GET', '/api/probes')).body.probes.find((x: { id: number }) => x.id === p.id);
    expect(listed).toMatchObject({ version: '0.2.0', kinds: ['sweep'], rawSockets: null });
    expect(await api('POST', `/api/hosts/${hosts[0]!.id}/scan-ports`)).toMatchObject({ status: 409, body: { error: { code: 'unsupported_by_probe' } } });
    expect(await api('POST', `/api/subnets/${subnet.id}/scan-ports`)).toMatchObject({ status: 409, body: { error: { code: 'unsupported_by_probe' } } });
    await new Promise((r) => setTimeout(r, 200));
    expect(probe.received.filter((m) => m.type === 'job')).toEqual([]);
    probe.close();
  });

  it('sends a port-scan job, relays its statuses, and applies its results once', async () => {
    const { p, probe, subnet, prefix, hosts } = await probeWithHosts('new', { version: '0.3.0', kinds: ['sweep', 'port_scan'], rawSockets: false }, [5, 6]);
    expect((await api('GET', '/api/probes')).body.probes.find((x: { id: number }) => x.id === p.id)).toMatchObject({ kinds: ['sweep', 'port_scan'], rawSockets: false });
    const live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });

    const accepted = await api('POST', `/api/subnets/${subnet.id}/scan-ports`);
    expect(accepted).toMatchObject({ status: 202, body: { coalesced: false, hosts: 2 } });
    const { jobId } = accepted.body;
    const job = await probe.next('job');
    expect(job).toEqual({ type: 'job', kind: 'port_scan', jobId, subnetId: subnet.id, targets: [`${prefix}.5`, `${prefix}.6`], args: ['-Pn', '-T3', '--top-ports', '1000', '-sT', '-sV'], timeoutMs: 900_000 });
    expect(await live.next('job', (d) => d.jobId === jobId)).toMatchObject({ kind: 'port_scan', state: 'queued', hostIds: hosts.map((h) => h.id) });

    probe.send({ type: 'job_status', jobId, subnetId: subnet.id, kind: 'port_scan', state: 'progress', done: 40, total: 100 });
    expect(await live.next('job', (d) => d.jobId === jobId && d.state === 'progress')).toMatchObject({ kind: 'port_scan', done: 40, total: 100 });
    // while it runs, asking again joins it
    expect(await api('POST', `/api/hosts/${hosts[0]!.id}/scan-ports`)).toMatchObject({ status: 202, body: { jobId, coalesced: true } });

    const batch = {
      type: 'results',
      batchId: 'new-ports-1',
      results: [
        {
          kind: 'port_scan',
          subnetId: subnet.id,
          at: Date.now() - 500,
          durationMs: 400,
          jobId,
          hosts: [
            { ip: `${prefix}.5`, responsive: true, ports: [ssh, http] },
            { ip: `${prefix}.6`, responsive: true, ports: [] },
          ],
          scannedPorts: { tcp: '1-1024' },
        },
      ],
    };
    probe.send(batch);
    expect(await probe.next('ack')).toMatchObject({ batchId: 'new-ports-1', duplicate: false });
    const ports = await live.next('ports', (d) => d.subnetIds.includes(subnet.id));
    expect(ports.hostIds.sort()).toEqual(hosts.map((h) => h.id).sort());
    expect(ports.changes.map((c) => `${c.ip} ${c.change} ${c.port}/${c.protocol} ${c.service}`)).toEqual([`${prefix}.5 opened 22/tcp ssh`, `${prefix}.5 opened 80/tcp http`]);
    const view = (await api('GET', `/api/hosts/${hosts[0]!.id}/ports`)).body;
    expect(view).toMatchObject({ stale: false, ports: [{ port: 22, service: 'ssh', product: 'OpenSSH', version: '9.2p1' }, { port: 80, service: 'http' }] });
    expect(view.history).toHaveLength(2);

    // the same batch again: acknowledged as a duplicate, nothing applied twice
    probe.send(batch);
    expect(await probe.next('ack')).toMatchObject({ batchId: 'new-ports-1', duplicate: true });
    expect((await api('GET', `/api/hosts/${hosts[0]!.id}/ports`)).body.history).toHaveLength(2);

    probe.send({ type: 'job_status', jobId, subnetId: subnet.id, kind: 'port_scan', state: 'done' });
    expect(await live.next('job', (d) => d.jobId === jobId && d.state === 'done')).toMatchObject({ kind: 'port_scan' });
    // the job is over: the next request starts a new one
    const again = await api('POST', `/api/hosts/${hosts[0]!.id}/scan-ports`);
    expect(again).toMatchObject({ status: 202, body: { coalesced: false, hosts: 1 } });
    expect(again.body.jobId).not.toBe(jobId);
    expect(await probe.next('job')).toMatchObject({ kind: 'port_scan', targets: [`${prefix}.5`] });
    live.close();
    probe.close();
  });

  it('a probe that does not run a kind answers unsupported: relayed, and its hosts are free again', async () => {
    const { probe, subnet, hosts } = await probeWithHosts('claims', { version: '0.3.0', kinds: ['sweep', 'port_scan'] }, [7]);
    const live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });
    const { jobId } = (await api('POST', `/api/hosts/${hosts[0]!.id}/scan-ports`)).body;
    expect(await probe.next('job')).toMatchObject({ jobId, kind: 'port_scan' });
    probe.send({ type: 'job_status', jobId, subnetId: subnet.id, kind: 'port_scan', state: 'unsupported', error: 'this probe does not run port_scan jobs' });
    expect(await live.next('job', (d) => d.jobId === jobId && d.state === 'unsupported')).toMatchObject({ kind: 'port_scan', error: 'this probe does not run port_scan jobs' });
    const next = await api('POST', `/api/hosts/${hosts[0]!.id}/scan-ports`);
    expect(next).toMatchObject({ status: 202, body: { coalesced: false } });
    expect(next.body.jobId).not.toBe(jobId);
    live.close();
    probe.close();
  });

  it('one batch of a sweep and a port scan is applied as a whole; a port scan of a foreign subnet is refused', async () => {
    const mine = await probeWithHosts('mixed', { version: '0.3.0', kinds: ['sweep', 'port_scan'] }, [9]);
    const other = await probeWithHosts('other', { version: '0.3.0', kinds: ['sweep', 'port_scan'] }, [9]);
    const at = Date.now() - 200;
    mine.probe.send({
      type: 'results',
      batchId: 'mixed-1',
      results: [
        { kind: 'sweep', subnetId: mine.subnet.id, at, durationMs: 3, complete: true, up: [{ ip: `${mine.prefix}.9`, latencyMs: 1 }, { ip: `${mine.prefix}.10`, latencyMs: 2 }], down: [] },
        { kind: 'port_scan', subnetId: mine.subnet.id, at, durationMs: 300, hosts: [{ ip: `${mine.prefix}.9`, responsive: true, ports: [ssh] }] },
        { kind: 'port_scan', subnetId: other.subnet.id, at, durationMs: 300, hosts: [{ ip: `${other.prefix}.9`, responsive: true, ports: [http] }] },
      ],
    });
    expect(await mine.probe.next('ack')).toMatchObject({ batchId: 'mixed-1', duplicate: false, rejectedSubnets: [other.subnet.id] });
    expect((await api('GET', `/api/hosts?subnetId=${mine.subnet.id}`)).body.hosts.map((h: { ip: string; ports: unknown[] }) => [h.ip, h.ports.length])).toEqual([
      [`${mine.prefix}.9`, 1],
      [`${mine.prefix}.10`, 0],
    ]);
    expect((await api('GET', `/api/hosts/${other.hosts[0]!.id}/ports`)).body.ports).toEqual([]);
    // a frame naming two port scans of one subnet at one time is malformed, and nothing of it is stored
    mine.probe.send({
      type: 'results',
      batchId: 'mixed-2',
      results: [1, 2].map(() => ({ kind: 'port_scan', subnetId: mine.subnet.id, at: at + 1, durationMs: 1, hosts: [{ ip: `${mine.prefix}.9`, responsive: true, ports: [] }] })),
    });
    expect(await mine.probe.next('error')).toMatchObject({ code: 'bad_message' });
    expect((await api('GET', `/api/hosts/${mine.hosts[0]!.id}/ports`)).body.ports).toHaveLength(1);
    mine.probe.close();
    other.probe.close();
  });
});
