/**
 * A probe silent for less than three heartbeats is still connected, on both hosts: after ~22 s without a frame (on
 * Workers its Durable Object has hibernated by then and wakes for the API's call, not for a frame) it is listed
 * connected and gets an operation's job (the hub's send) and a sweep-now job (isConnected, then send).
 *
 * On Workers the suite's server also keeps its probes while the source tree it was started from changes: `wrangler
 * dev` restarts on any edit to the Worker's sources or web/, which dropped every probe socket (1006, no
 * webSocketClose, so the database still said connected while the object had no socket: probe_offline). In a working
 * tree others edit, that was the "probe not connected after ~15 s of silence" the contract suites hit now and then.
 */
import { appendFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSources } from '../support/edge.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

const SILENT_MS = 22_000;
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

describe.each(HOSTS)('a silent probe on the %s host', (host) => {
  // the tree the server is started from, edited while the probe is silent (a copy: never the working tree itself)
  const tree = mkdtempSync(join(tmpdir(), 'eipam-tree-'));
  let server: Target;
  let api: ReturnType<typeof client>;
  let ws: RawProbe;
  let probeId: number;
  let subnetId: number;
  let closed: number | null = null;

  /** What an engineer's editor does meanwhile: a page of the UI saved unchanged, a source file changed. */
  const edit = (n: number) => {
    const now = new Date();
    utimesSync(join(tree, 'web/index.html'), now, now);
    appendFileSync(join(tree, 'worker/edge/probe-object.ts'), `\n// edit ${n}\n`);
  };

  beforeAll(async () => {
    snapshotSources(process.cwd(), tree);
    server = await startTarget(host, {}, { root: tree });
    api = client(server.url, await login(server.url));
    const p = (await api('POST', '/api/probes', { name: 'c-quiet' })).body;
    probeId = p.id;
    const s = await api('POST', '/api/subnets', { cidr: '198.18.214.0/24', probeId, sweepIntervalSeconds: 3600 });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    subnetId = s.body.id;
    ws = await RawProbe.connect(server.url, p.token);
    ws.ws.once('close', (code) => (closed = code));
    await ws.next('assignment');
    ws.send({ type: 'hello', version: '0.7.0', protocol: 1, hostname: 'c-quiet', kinds: ['sweep', 'op-ping'] });
    // the pong says the hello (its kinds) is stored; from here the probe sends nothing
    ws.send({ type: 'ping' });
    await ws.next('pong');
  }, 90_000);
  afterAll(async () => {
    ws?.close();
    await server?.close();
    rmSync(tree, { recursive: true, force: true });
  });

  it('after ~22 s without a frame, and edits to its source tree meanwhile, it is connected and gets jobs', async () => {
    const start = Date.now();
    // one edit before the object hibernates (~10 s idle in workerd), one after
    await sleepUntil(start + 3_000);
    edit(1);
    await sleepUntil(start + 14_000);
    edit(2);
    await sleepUntil(start + SILENT_MS);

    expect([closed, ws.ws.readyState]).toEqual([null, ws.ws.OPEN]);
    const listed = (await api('GET', '/api/probes')).body;
    expect((listed.probes ?? listed).find((x: any) => x.id === probeId)).toMatchObject({ connected: true });

    const op = await api('POST', '/api/operations', { kind: 'ping', target: '198.18.214.10', probes: [probeId], count: 1 });
    expect(op.status, JSON.stringify(op.body)).toBe(202);
    expect(op.body.runs.map((r: any) => r.state)).toEqual(['queued']);
    expect(await ws.next('job')).toMatchObject({ kind: 'op-ping', target: '198.18.214.10' });

    const scan = await api('POST', `/api/subnets/${subnetId}/scan`);
    expect(scan.status, JSON.stringify(scan.body)).toBe(202);
    expect(await ws.next('job')).toMatchObject({ kind: 'sweep', subnetId, jobId: scan.body.jobId });
  }, 60_000);
});
