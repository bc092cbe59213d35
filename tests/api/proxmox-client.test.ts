/**
 * ProxmoxClient over loopback against the fake Proxmox VE 8 (tests/support/proxmox-server.ts): Node's transport
 * pinning the https server's self-signed certificate by its fingerprint, and the default (global fetch) over http.
 * Real calls, real sockets; the outcomes asserted are what the server did and what the client made of its answers.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeProxmoxFetch } from '../../worker/node/proxmox-fetch.js';
import { defaultProxmoxFetch, PROXMOX_MAX_BYTES, ProxmoxClient, ProxmoxError, type ProxmoxFetch, type ProxmoxTarget } from '../../worker/proxmox/client.js';
import { cloneParams, ipConfig, type VmShape } from '../../worker/proxmox/params.js';
import { taskVerdict, type TaskStatus } from '../../worker/proxmox/steps.js';
import { parseUpid } from '../../worker/proxmox/upid.js';
import { startProxmoxServer, type ProxmoxServer } from '../support/proxmox-server.js';

const target = (s: ProxmoxServer, over: Partial<ProxmoxTarget> = {}): ProxmoxTarget => ({ origin: s.origin, tokenId: s.tokenId, tokenSecret: s.tokenSecret, fingerprint: s.fingerprint, ...over });

/** The ProxmoxError a call failed with (the test fails if it succeeded or threw something else). */
async function failure(p: Promise<unknown>): Promise<ProxmoxError> {
  const e = await p.then(
    (v) => {
      throw new Error(`expected a ProxmoxError, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProxmoxError);
  return e as ProxmoxError;
}

/** Polls the task until it stops; every status read on the way. */
async function untilStopped(client: ProxmoxClient, node: string, upid: string): Promise<TaskStatus[]> {
  const seen: TaskStatus[] = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await client.taskStatus(node, upid);
    seen.push(s);
    if (s.status === 'stopped') return seen;
    if (Date.now() > deadline) throw new Error(`task ${upid} still running`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const shape: VmShape = { name: 'web-01', cores: 2, memoryMb: 2048, diskGb: 10, bridge: 'vmbr0', storage: null };

const transports: { name: string; tls: boolean; fetch: ProxmoxFetch }[] = [
  { name: 'nodeProxmoxFetch, https with the pinned fingerprint', tls: true, fetch: nodeProxmoxFetch },
  { name: 'defaultProxmoxFetch, http', tls: false, fetch: defaultProxmoxFetch },
];

describe.each(transports)('a VM made through $name', ({ tls, fetch }) => {
  let pve: ProxmoxServer;
  let client: ProxmoxClient;
  beforeAll(async () => {
    pve = await startProxmoxServer({ tls });
    pve.taskMs = 200;
    client = new ProxmoxClient(target(pve), fetch);
  });
  afterAll(() => pve.close());

  it('reads the version, the nodes, the VMs and the next free id', async () => {
    expect(pve.fingerprint === null).toBe(!tls);
    expect(await client.version()).toMatchObject({ version: '8.2.4', release: '8.2' });
    expect((await client.nodes()).map((n) => [n.node, n.status])).toEqual([['pve', 'online'], ['pve2', 'online']]);
    const vms = await client.vmResources();
    expect(vms).toEqual([expect.objectContaining({ id: 'qemu/9000', type: 'qemu', vmid: 9000, name: 'debian-12-cloud', node: 'pve', template: 1 })]);
    expect(await client.nextId()).toBe(100);
    expect(pve.requests.find((r) => r.path === '/cluster/resources')?.params).toEqual({ type: 'vm' });
  });

  it('clones the template, follows the task, configures, grows and starts the VM', async () => {
    const vmid = await client.nextId();
    const upid = await client.clone('pve', 9000, cloneParams(vmid, shape));
    expect(parseUpid(upid)).toMatchObject({ node: 'pve', type: 'qmclone', id: '9000', user: 'ipam@pve!edge' });
    expect(await client.nextId()).toBe(vmid + 1); // the clone's id is taken while its task runs
    const seen = await untilStopped(client, 'pve', upid);
    expect(seen[0]!.status).toBe('running');
    expect(taskVerdict(seen.at(-1)!)).toEqual({ done: true, ok: true, warnings: false });
    expect(pve.vms.get(vmid)).toMatchObject({ node: 'pve', name: 'web-01', status: 'stopped', template: false });

    const ip = ipConfig(4, '198.18.5.10', 24, '198.18.5.1');
    await client.setConfig('pve', vmid, { cores: 2, memory: 2048, ipconfig0: ip });
    const config = await client.config('pve', vmid);
    expect(config).toMatchObject({ name: 'web-01', cores: 2, memory: 2048, ipconfig0: 'ip=198.18.5.10/24,gw=198.18.5.1', scsi0: `local-lvm:vm-${vmid}-disk-0,size=4G` });
    expect(config).not.toHaveProperty('template');

    const resize = await client.resize('pve', vmid, 'scsi0', '10G');
    expect(resize && parseUpid(resize)).toMatchObject({ type: 'resize', id: String(vmid) });
    expect(taskVerdict((await untilStopped(client, 'pve', resize!)).at(-1)!)).toMatchObject({ ok: true });
    expect(pve.vms.get(vmid)!.config.scsi0).toBe(`local-lvm:vm-${vmid}-disk-0,size=10G`);

    const start = await client.start('pve', vmid);
    expect(parseUpid(start)).toMatchObject({ type: 'qmstart', id: String(vmid) });
    expect(taskVerdict((await untilStopped(client, 'pve', start)).at(-1)!)).toMatchObject({ ok: true });
    expect(pve.vms.get(vmid)!.status).toBe('running');

    const again = await client.start('pve', vmid);
    expect(taskVerdict((await untilStopped(client, 'pve', again)).at(-1)!)).toEqual({ done: true, ok: false, message: `VM ${vmid} already running` });
  });

  it('sends the API token and form-encoded parameters', async () => {
    const auth = new Set(pve.requests.map((r) => r.authorization));
    expect([...auth]).toEqual([`PVEAPIToken=ipam@pve!edge=${pve.tokenSecret}`]);
    const clone = pve.requests.find((r) => r.method === 'POST' && /\/clone$/.test(r.path))!;
    expect(clone.path).toBe('/nodes/pve/qemu/9000/clone');
    expect(clone.contentType).toBe('application/x-www-form-urlencoded');
    expect(clone.params).toEqual({ newid: '100', name: 'web-01', full: '1' });
    const put = pve.requests.find((r) => r.method === 'PUT' && /\/config$/.test(r.path))!;
    expect(put.contentType).toBe('application/x-www-form-urlencoded');
    expect(put.params.ipconfig0).toBe('ip=198.18.5.10/24,gw=198.18.5.1');
    const status = pve.requests.find((r) => /\/tasks\//.test(r.path))!;
    expect(status.path).toMatch(/^\/nodes\/pve\/tasks\/UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:ipam@pve!edge:\/status$/);
  });
});

describe('Proxmox errors as the client reports them', () => {
  let pve: ProxmoxServer;
  let client: ProxmoxClient;
  beforeAll(async () => {
    pve = await startProxmoxServer();
    pve.taskMs = 100;
    client = new ProxmoxClient(target(pve), nodeProxmoxFetch);
  });
  afterAll(() => pve.close());

  it('a wrong token secret is proxmox_unauthorized (401)', async () => {
    const e = await failure(new ProxmoxClient(target(pve, { tokenSecret: '00000000-0000-4000-8000-000000000000' }), nodeProxmoxFetch).version());
    expect(e.code).toBe('proxmox_unauthorized');
    expect(e.httpStatus).toBe(401);
    expect(e.message).toContain('authentication failure');
  });

  it('a privilege the token lacks is proxmox_forbidden with Proxmox’s reason', async () => {
    pve.failNext('POST', /\/clone$/, { status: 403, reason: 'Permission check failed (/vms/105, VM.Allocate)' });
    const e = await failure(client.clone('pve', 9000, { newid: 105, name: 'db-01', full: 1 }));
    expect(e.code).toBe('proxmox_forbidden');
    expect(e.httpStatus).toBe(403);
    expect(e.message).toContain('Permission check failed (/vms/105, VM.Allocate)');
    expect(pve.vms.has(105)).toBe(false);
  });

  it('a malformed ipconfig0 is proxmox_bad_request naming the parameter', async () => {
    const e = await failure(client.setConfig('pve', 9000, { ipconfig0: 'ip=198.18.5.10/24,gw=198.18.5' }));
    expect(e.code).toBe('proxmox_bad_request');
    expect(e.httpStatus).toBe(400);
    expect(e.errors?.ipconfig0).toBe('invalid format - format error\nipconfig0.gw: invalid format - value does not look like a valid IPv4 address');
    expect(e.message).toContain('Parameter verification failed.');
  });

  it('an unknown or missing parameter is proxmox_bad_request', async () => {
    const unknown = await failure(client.clone('pve', 9000, { newid: 106, colour: 'blue' }));
    expect(unknown.errors).toEqual({ colour: 'property is not defined in schema and the schema does not allow additional properties' });
    const missing = await failure(client.clone('pve', 9000, { name: 'x' }));
    expect(missing.errors).toEqual({ newid: 'property is missing and it is not optional' });
  });

  it('a VM that does not exist is proxmox_error with Proxmox’s reason', async () => {
    const e = await failure(client.config('pve', 105));
    expect(e.code).toBe('proxmox_error');
    expect(e.httpStatus).toBe(500);
    expect(e.message).toBe("Configuration file 'nodes/pve/qemu-server/105.conf' does not exist");
    expect((await failure(client.clone('pve', 9001, { newid: 107 }))).message).toBe("unable to find configuration file for VM 9001 on node 'pve'");
    expect((await failure(client.clone('pveX', 9000, { newid: 107 }))).message).toMatch(/^hostname lookup 'pveX' failed/);
  });

  it('an id taken meanwhile fails the clone; a shrink fails the resize', async () => {
    const upid = await client.clone('pve', 9000, { newid: 110, name: 'a' });
    const e = await failure(client.clone('pve', 9000, { newid: 110, name: 'b' }));
    expect(e.message).toBe('unable to create VM 110: config file already exists');
    await untilStopped(client, 'pve', upid);
    expect((await failure(client.resize('pve', 110, 'scsi0', '2G'))).message).toBe('shrinking disks is not supported');
  });

  it('a failed task reads as taskVerdict ok:false with its exit status', async () => {
    pve.failTask('qmclone', 'unable to create VM 120 - no space left on device');
    const upid = await client.clone('pve', 9000, { newid: 120, name: 'c' });
    const last = (await untilStopped(client, 'pve', upid)).at(-1)!;
    expect(taskVerdict(last)).toEqual({ done: true, ok: false, message: 'unable to create VM 120 - no space left on device' });
    expect(pve.vms.has(120)).toBe(false);
    expect(await client.nextId()).toBe(100);
  });

  it('a path the API does not have is a 501; another status is proxmox_error with its reason', async () => {
    const res = await nodeProxmoxFetch(`${pve.origin}/api2/json/foo`, { headers: { authorization: `PVEAPIToken=${pve.tokenId}=${pve.tokenSecret}` } }, pve.fingerprint);
    expect([res.status, res.statusText, res.headers.get('content-type'), await res.json()]).toEqual([501, "Method 'GET /foo' not implemented", 'application/json;charset=UTF-8', { data: null }]);
    pve.failNext('GET', /^\/version$/, { status: 596, reason: 'Connection timed out' });
    const e = await failure(client.version());
    expect([e.code, e.httpStatus, e.message]).toEqual(['proxmox_error', 596, 'Connection timed out']);
  });
});

describe('the connection: TLS pinning, reachability, time and size', () => {
  let pve: ProxmoxServer;
  const raw: (Server | NetServer)[] = [];
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    pve = await startProxmoxServer();
  });
  afterEach(() => {
    pve.requests.length = 0;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(raw.map((s) => new Promise((r) => s.close(r))));
    await pve.close();
  });

  const listen = async <S extends Server | NetServer>(s: S): Promise<string> => {
    raw.push(s);
    s.on('connection', (c: Socket) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  };

  it('the pinned fingerprint reaches the self-signed server', async () => {
    expect(pve.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect((await new ProxmoxClient(target(pve), nodeProxmoxFetch).version()).version).toBe('8.2.4');
    expect(pve.requests).toHaveLength(1);
  });

  it('every pooled socket to the pinned server is accepted, not only the first (no TLS session resumption)', async () => {
    const client = new ProxmoxClient(target(pve), nodeProxmoxFetch);
    await client.version();
    const all = await Promise.all([client.version(), client.nodes(), client.nextId(), client.vmResources()]);
    expect(all[2]).toBe(100);
    expect(pve.requests).toHaveLength(5);
  });

  it('another fingerprint is proxmox_tls_mismatch and no request is sent', async () => {
    const e = await failure(new ProxmoxClient(target(pve, { fingerprint: Array(32).fill('00').join(':') }), nodeProxmoxFetch).version());
    expect(e.code).toBe('proxmox_tls_mismatch');
    expect(e.message).toContain(pve.fingerprint!);
    expect(pve.requests).toEqual([]);
  });

  it('no fingerprint: the self-signed certificate is not trusted (proxmox_unreachable)', async () => {
    const e = await failure(new ProxmoxClient(target(pve, { fingerprint: null }), nodeProxmoxFetch).version());
    expect(e.code).toBe('proxmox_unreachable');
    expect(pve.requests).toEqual([]);
  });

  it('the default transport refuses a fingerprint before any request', async () => {
    const e = await failure(new ProxmoxClient(target(pve), defaultProxmoxFetch).version());
    expect(e.code).toBe('fingerprint_unsupported');
    expect(pve.requests).toEqual([]);
  });

  it('a closed port is proxmox_unreachable', async () => {
    const s = createNetServer();
    const origin = await listen(s);
    await new Promise((r) => s.close(r));
    raw.splice(raw.indexOf(s), 1);
    const e = await failure(new ProxmoxClient({ origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, fingerprint: null }, nodeProxmoxFetch).version());
    expect(e.code).toBe('proxmox_unreachable');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('a server that never answers is proxmox_timeout after the client’s timeout', async () => {
    const origin = await listen(createNetServer(() => {}));
    const started = Date.now();
    const e = await failure(new ProxmoxClient({ origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, fingerprint: null }, nodeProxmoxFetch, 300).version());
    expect(e.code).toBe('proxmox_timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('an answer over PROXMOX_MAX_BYTES, declared or streamed, is proxmox_bad_response', async () => {
    const big = JSON.stringify({ data: { description: 'x'.repeat(PROXMOX_MAX_BYTES) } });
    const origin = await listen(
      createHttpServer((req, res) => {
        if (req.url?.includes('version')) {
          res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(big) });
          return res.end(big);
        }
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
        for (let i = 0; i < 8; i++) res.write(big.slice(i * (big.length / 8), (i + 1) * (big.length / 8)));
        res.end();
      }),
    );
    const client = new ProxmoxClient({ origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, fingerprint: null }, defaultProxmoxFetch);
    for (const call of [client.version(), client.nodes()]) {
      const e = await failure(call);
      expect(e.code).toBe('proxmox_bad_response');
      expect(e.message).toContain(`more than ${PROXMOX_MAX_BYTES} bytes`);
    }
  });

  it('a 200 that is not JSON is proxmox_bad_response', async () => {
    const origin = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>Proxmox Virtual Environment</title>');
      }),
    );
    const e = await failure(new ProxmoxClient({ origin, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, fingerprint: null }, defaultProxmoxFetch).version());
    expect(e.code).toBe('proxmox_bad_response');
    expect(e.httpStatus).toBe(200);
  });
});
