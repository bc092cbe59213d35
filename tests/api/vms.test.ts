/**
 * Proxmox VMs through the API (issue 16) on a real libSQL file against the local fake of the Proxmox VE 8.x API
 * (tests/support/proxmox-server.ts, https with its self-signed certificate pinned by the Node transport): connections
 * stored with a write-only secret, the cluster's version and templates read live, a VM cloned with the IPAM's
 * address in cloud-init, resized, started and recorded on its reserved host; a failure at a step releasing the
 * address and naming the step; refusals writing nothing; and the vm-creation duty taking over a lapsed VM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCreation } from '../../worker/duties.js';
import { nodeProxmoxFetch } from '../../worker/node/proxmox-fetch.js';
import { startVm } from '../../worker/services/vms.js';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';
import { startProxmoxServer, type ProxmoxServer } from '../support/proxmox-server.js';
import { waitFor } from '../support/wait.js';

let t: TestApp;
let pve: ProxmoxServer;
let conn: number;
let subnetId: number;

const vm = (over: Record<string, unknown> = {}) => ({ proxmox: conn, node: 'pve', template: 9000, name: 'web-1', cores: 2, memoryMb: 2048, diskGb: 32, bridge: 'vmbr0', subnetId, verify: false, ...over });
const finished = async (id: string) => {
  let last: any;
  await waitFor(`VM ${id} to finish`, async () => {
    last = (await t.call('GET', `/api/vms/${id}`)).body;
    return last.state !== 'creating';
  }, 20_000);
  return last;
};

beforeAll(async () => {
  pve = await startProxmoxServer({ tls: true });
  pve.taskMs = 150;
  t = await makeTestApp();
  t.deps.proxmoxFetch = nodeProxmoxFetch;
  const s = await t.call('POST', '/api/subnets', { cidr: '198.18.40.0/24', gateway: '198.18.40.1', probeId: null });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  subnetId = s.body.id;
});
afterAll(async () => {
  t?.close();
  await pve?.close();
});

describe('Proxmox connections', () => {
  it('stores a connection whose secret is never shown again, and reaches the cluster with it', async () => {
    const res = await t.call('POST', '/api/proxmox/connections', { name: 'lab', url: pve.origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, fingerprint: pve.fingerprint!.replace(/:/g, '').toLowerCase() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    conn = res.body.id;
    expect(res.body).toMatchObject({ name: 'lab', url: pve.origin, tokenId: pve.tokenId, fingerprint: pve.fingerprint });
    const list = await t.call('GET', '/api/proxmox/connections');
    expect(JSON.stringify(list.body)).not.toContain(pve.tokenSecret);
    const audit = await t.client.execute("SELECT details FROM audit_log WHERE action = 'proxmox.create'");
    expect(audit.rows).toHaveLength(1);
    expect(String(audit.rows[0]!.details)).not.toContain(pve.tokenSecret);
    const test = await t.call('POST', `/api/proxmox/connections/${conn}/test`);
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body).toEqual({ version: '8.2.4', nodes: ['pve', 'pve2'] });
    const inv = await t.call('GET', `/api/proxmox/connections/${conn}/inventory`);
    expect(inv.body.templates).toContainEqual({ vmid: 9000, name: 'debian-12-cloud', node: 'pve' });
    expect(pve.requests.every((r) => r.authorization === `PVEAPIToken=${pve.tokenId}=${pve.tokenSecret}`)).toBe(true);
  });

  it('refuses bad fields with a code naming the field, and writes nothing', async () => {
    const before = await tableCounts(t.client);
    for (const [body, code] of [
      [{ name: 'x', url: pve.origin.replace('https', 'http'), tokenId: pve.tokenId, tokenSecret: 's' }, 'invalid_url'],
      [{ name: 'x', url: pve.origin, tokenId: 'root', tokenSecret: 's' }, 'invalid_token_id'],
      [{ name: 'x', url: pve.origin, tokenId: pve.tokenId, tokenSecret: 's', fingerprint: 'AB:CD' }, 'invalid_fingerprint'],
      [{ name: 'lab', url: pve.origin, tokenId: pve.tokenId, tokenSecret: 's' }, 'name_taken'],
    ] as const) {
      const res = await t.call('POST', '/api/proxmox/connections', body);
      expect(res.body.error.code).toBe(code);
    }
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('answers a wrong fingerprint as proxmox_tls_mismatch, before any request reaches the cluster', async () => {
    const bad = await t.call('POST', '/api/proxmox/connections', { name: 'bad-cert', url: pve.origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, fingerprint: '00'.repeat(32) });
    const seen = pve.requests.length;
    const res = await t.call('POST', `/api/proxmox/connections/${bad.body.id}/test`);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('proxmox_tls_mismatch');
    expect(pve.requests.length).toBe(seen);
    expect((await t.call('DELETE', `/api/proxmox/connections/${bad.body.id}`)).status).toBe(204);
  });
});

describe('POST /api/vms', () => {
  it('clones the template with the allocated address in cloud-init, grows its disk, starts it and records it on the reserved host', async () => {
    const res = await t.call('POST', '/api/vms', vm());
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ state: 'creating', step: 'create', address: '198.18.40.2', name: 'web-1' });
    const done = await finished(res.body.id);
    expect(done).toMatchObject({ state: 'done', step: 'wait-start', code: null, vmid: 100, link: `${pve.origin}/#v1:0:=qemu%2F100:4:::::::` });
    expect(done.steps.every((s: any) => s.state === 'done')).toBe(true);
    const made = pve.vms.get(100)!;
    expect(made.status).toBe('running');
    expect(made.config).toMatchObject({ name: 'web-1', cores: 2, memory: 2048, ipconfig0: 'ip=198.18.40.2/24,gw=198.18.40.1', net0: 'virtio,bridge=vmbr0' });
    expect(String(made.config.scsi0)).toContain('size=32G');
    const host = (await t.call('GET', `/api/hosts/${done.hostId}`)).body;
    expect(host).toMatchObject({ ip: '198.18.40.2', reserved: true, hostname: 'web-1', description: 'Proxmox VM 100 on pve' });
    expect(host.reservedNote).toContain(done.link);
    const list = await t.call('GET', '/api/vms');
    expect(list.body.vms.map((v: any) => v.id)).toContain(done.id);
    const audit = await t.client.execute("SELECT count(*) AS n FROM audit_log WHERE action = 'vm.create'");
    expect(Number(audit.rows[0]!.n)).toBe(1);
  });

  it('fails at the step Proxmox refused, with its words, and releases the address', async () => {
    pve.failTask('qmstart', 'start failed: QEMU exited with code 1');
    const res = await t.call('POST', '/api/vms', vm({ name: 'web-2' }));
    expect(res.status).toBe(202);
    const failed = await finished(res.body.id);
    expect(failed).toMatchObject({ state: 'failed', step: 'wait-start', code: 'proxmox_error', hostId: null, address: '198.18.40.3' });
    expect(failed.error).toContain('start failed: QEMU exited with code 1');
    expect(failed.steps.find((s: any) => s.step === 'wait-start').state).toBe('failed');
    const hosts = (await t.call('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts.map((h: any) => h.ip);
    expect(hosts).not.toContain('198.18.40.3');
  });

  it('fails at create when the token is refused (proxmox_unauthorized)', async () => {
    const wrong = await t.call('POST', '/api/proxmox/connections', { name: 'wrong', url: pve.origin, tokenId: pve.tokenId, tokenSecret: 'not-the-secret', fingerprint: pve.fingerprint });
    const res = await t.call('POST', '/api/vms', vm({ proxmox: wrong.body.id, name: 'web-3' }));
    const failed = await finished(res.body.id);
    expect(failed).toMatchObject({ state: 'failed', step: 'create', code: 'proxmox_unauthorized', hostId: null });
  });

  it('refuses a subnet without a gateway, both or neither of template and iso, an unknown connection: nothing written', async () => {
    const bare = await t.call('POST', '/api/subnets', { cidr: '198.18.41.0/24', probeId: null });
    const before = await tableCounts(t.client);
    for (const [over, status, code] of [
      [{ subnetId: bare.body.id }, 409, 'no_gateway'],
      [{ iso: 'local:iso/debian-12.iso' }, 400, 'template_or_iso'],
      [{ template: undefined }, 400, 'template_or_iso'],
      [{ proxmox: 999 }, 404, 'unknown_connection'],
      [{ name: 'not a name' }, 400, 'invalid_request'],
    ] as const) {
      const res = await t.call('POST', '/api/vms', vm(over));
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('creates a VM from an ISO: a new disk on the storage asked for, the ISO as its CD, cloud-init, started', async () => {
    const res = await t.call('POST', '/api/vms', vm({ template: undefined, iso: 'local:iso/debian-12.iso', name: 'iso-1', storage: 'fast-ssd', diskGb: 20 }));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const done = await finished(res.body.id);
    expect(done).toMatchObject({ state: 'done', template: null, iso: 'local:iso/debian-12.iso', storage: 'fast-ssd', code: null });
    const made = pve.vms.get(done.vmid)!;
    expect(made.status).toBe('running');
    expect(made.config).toMatchObject({ name: 'iso-1', ide2: 'local:iso/debian-12.iso,media=cdrom', ipconfig0: `ip=${done.address}/24,gw=198.18.40.1`, boot: 'order=scsi0;ide2;net0' });
    expect(made.config.scsi0).toBe(`fast-ssd:vm-${done.vmid}-disk-0,size=20G`);
    expect(made.config.ide0).toBe(`fast-ssd:vm-${done.vmid}-cloudinit,media=cdrom`);
    // a new disk has its size from the start: nothing to resize
    expect(pve.requests.filter((r) => r.path === `/nodes/pve/qemu/${done.vmid}/resize`)).toEqual([]);
  });

  it('an allocation the IPAM refuses (no probe to check the address) writes no VM and asks nothing of Proxmox', async () => {
    const before = await tableCounts(t.client);
    const seen = pve.requests.length;
    const res = await t.call('POST', '/api/vms', vm({ name: 'checked', verify: true }));
    expect([res.status, res.body.error?.code]).toEqual([409, 'no_probe']);
    expect(await tableCounts(t.client)).toEqual(before);
    expect(pve.requests.length).toBe(seen);
  });

  it('a VM whose request died while allocating is failed by the duty as allocation_interrupted, not before the check could have ended', async () => {
    const now = new Date(t.clock.now());
    await t.client.execute({
      sql: `INSERT INTO vms (id, connection_id, node, name, template, cores, memory_mb, disk_gb, bridge, subnet_id, state, step, created_at, updated_at)
            VALUES ('stuck-1', ?, 'pve', 'stuck', 9000, 1, 1024, 16, 'vmbr0', ?, 'creating', 'allocate', ?, ?)`,
      args: [conn, subnetId, now.getTime(), now.getTime()],
    });
    const seen = pve.requests.length;
    t.clock.advance(31_000);
    await vmCreation.run(t.deps);
    // the lease has lapsed, but the probe's check may still be running (ALLOCATE_VERIFY_TIMEOUT_MS)
    expect((await t.call('GET', '/api/vms/stuck-1')).body.state).toBe('creating');
    // that run took the hold again: the next one comes after it lapses, past the check's limit
    t.clock.advance(31_000);
    await vmCreation.run(t.deps);
    const failed = (await t.call('GET', '/api/vms/stuck-1')).body;
    expect(failed).toMatchObject({ state: 'failed', step: 'allocate', code: 'allocation_interrupted', hostId: null, address: null });
    expect(failed.steps[0]).toEqual({ step: 'allocate', state: 'failed' });
    expect(pve.requests.length).toBe(seen);
  });

  it('the vm-creation duty drives a VM whose driver stopped, once its hold has lapsed', async () => {
    const principal = { userId: 1, username: 'admin', role: 'admin' as const, via: 'session' as const, scope: null, tokenId: null, tokenName: null, expiresAt: null };
    const { vm: started } = await startVm(t.deps, principal, { ...vm({ name: 'web-4' }), verify: false } as never);
    await vmCreation.run(t.deps);
    expect((await t.call('GET', `/api/vms/${started.id}`)).body.step).toBe('create');
    t.clock.advance(31_000);
    await vmCreation.run(t.deps);
    const done = (await t.call('GET', `/api/vms/${started.id}`)).body;
    expect(done).toMatchObject({ state: 'done', address: started.address });
    expect(pve.vms.get(done.vmid)!.config.ipconfig0).toBe(`ip=${started.address}/24,gw=198.18.40.1`);
  });
});
