/**
 * Proxmox VMs on both hosts (Node with libSQL, the Worker in workerd with D1), against the local fake of the Proxmox
 * VE 8.x API over plain http (PROXMOX_ALLOW_HTTP: workerd cannot be told to trust a test certificate): the same
 * connection, the same VM cloned with the IPAM's address, the same refusals. The Worker drives the VM from its
 * waitUntil; a certificate pinned by fingerprint is refused there (501 fingerprint_unsupported).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxmoxServer, type ProxmoxServer } from '../support/proxmox-server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';
import { waitFor } from '../support/wait.js';

describe.each(HOSTS)('Proxmox VMs on the %s host', (host) => {
  let server: Target;
  let pve: ProxmoxServer;
  let api: ReturnType<typeof client>;
  let conn: number;
  let subnetId: number;

  beforeAll(async () => {
    pve = await startProxmoxServer({ tls: false });
    pve.taskMs = 150;
    server = await startTarget(host, { PROXMOX_ALLOW_HTTP: '1' });
    api = client(server.url, await login(server.url));
    subnetId = (await api('POST', '/api/subnets', { cidr: '198.18.42.0/24', gateway: '198.18.42.1', probeId: null })).body.id;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await pve?.close();
  });

  it('stores a connection without showing its secret, and reads the cluster with it', async () => {
    const res = await api('POST', '/api/proxmox/connections', { name: 'lab', url: pve.origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    conn = res.body.id;
    expect(JSON.stringify((await api('GET', '/api/proxmox/connections')).body)).not.toContain(pve.tokenSecret);
    expect((await api('POST', `/api/proxmox/connections/${conn}/test`)).body).toEqual({ version: '8.2.4', nodes: ['pve', 'pve2'] });
    expect((await api('GET', '/api/proxmox/targets')).body.connections).toEqual([{ id: conn, name: 'lab' }]);
  });

  it('creates a VM with the allocated address in cloud-init and records it on its reserved host', async () => {
    const res = await api('POST', '/api/vms', { proxmox: conn, node: 'pve', template: 9000, name: 'app-1', cores: 2, memoryMb: 1024, diskGb: 8, bridge: 'vmbr0', subnetId, verify: false });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    let vm: any;
    await waitFor('the VM to be created', async () => (vm = (await api('GET', `/api/vms/${res.body.id}`)).body).state !== 'creating', 20_000);
    expect(vm).toMatchObject({ state: 'done', address: '198.18.42.2', vmid: 100, code: null });
    expect(pve.vms.get(100)).toMatchObject({ status: 'running', config: { ipconfig0: 'ip=198.18.42.2/24,gw=198.18.42.1', name: 'app-1' } });
    expect((await api('GET', `/api/hosts/${vm.hostId}`)).body).toMatchObject({ reserved: true, description: 'Proxmox VM 100 on pve' });
  });

  it('refuses alike: no gateway, both template and iso', async () => {
    const bare = (await api('POST', '/api/subnets', { cidr: '198.18.43.0/24', probeId: null })).body.id;
    const base = { proxmox: conn, node: 'pve', template: 9000, name: 'app-2', subnetId, verify: false };
    expect((await api('POST', '/api/vms', { ...base, subnetId: bare })).body.error.code).toBe('no_gateway');
    expect((await api('POST', '/api/vms', { ...base, iso: 'local:iso/debian-12.iso' })).body.error.code).toBe('template_or_iso');
  });

  it('a pinned fingerprint: the Worker cannot honour one (501), Node checks it against the certificate (plain http shows none)', async () => {
    const pinned = (await api('POST', '/api/proxmox/connections', { name: 'pinned', url: pve.origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, fingerprint: 'AB'.repeat(32) })).body.id;
    const seen = pve.requests.length;
    const test = await api('POST', `/api/proxmox/connections/${pinned}/test`);
    expect([test.status, test.body.error.code]).toEqual(host === 'edge' ? [501, 'fingerprint_unsupported'] : [502, 'proxmox_tls_mismatch']);
    if (host === 'edge') {
      const vm = await api('POST', '/api/vms', { proxmox: pinned, node: 'pve', template: 9000, name: 'app-3', subnetId, verify: false });
      expect([vm.status, vm.body.error.code]).toEqual([501, 'fingerprint_unsupported']);
    }
    expect(pve.requests.length).toBe(seen);
  });
});
