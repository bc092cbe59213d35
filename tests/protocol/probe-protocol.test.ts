import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

describe.each(HOSTS)('probe protocol on the %s host', (host) => {
let server: Target;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startTarget(host, { SCAN_COALESCE_SECONDS: '5' });
  api = client(server.url, await login(server.url));
}, 90_000);
afterAll(() => server.close());

  it('refuses a wrong token and a revoked one', async () => {
    await expect(RawProbe.connect(server.url, 'eipp_wrong')).rejects.toThrow('HTTP 401');
    await expect(RawProbe.connect(server.url, '')).rejects.toThrow('HTTP 401');
    const p = (await api('POST', '/api/probes', { name: 'doomed' })).body;
    const probe = await RawProbe.connect(server.url, p.token);
    await probe.next('welcome');
    const closed = new Promise<number>((resolve) => probe.ws.once('close', (code) => resolve(code)));
    expect((await api('DELETE', `/api/probes/${p.id}`)).status).toBe(204);
    expect(await closed).toBe(4001);
    await expect(RawProbe.connect(server.url, p.token)).rejects.toThrow('HTTP 401');
  });

  it('answers a malformed message with an error and keeps the connection', async () => {
    const p = (await api('POST', '/api/probes', { name: 'sloppy' })).body;
    const probe = await RawProbe.connect(server.url, p.token);
    await probe.next('welcome');
    probe.send('{"type":"results","batchId":"x"}');
    expect(await probe.next('error')).toMatchObject({ code: 'bad_message' });
    probe.send('}}}');
    expect(await probe.next('error')).toMatchObject({ code: 'bad_message' });
    probe.send({ type: 'ping' });
    expect(await probe.next('pong')).toEqual({ type: 'pong' });
    expect((await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === p.id).connected).toBe(true);
    probe.close();
  });

  it('two probes each get only their own assignment and jobs; repeated scans coalesce', async () => {
    const a = (await api('POST', '/api/probes', { name: 'a' })).body;
    const b = (await api('POST', '/api/probes', { name: 'b' })).body;
    const pa = await RawProbe.connect(server.url, a.token);
    const pb = await RawProbe.connect(server.url, b.token);
    await Promise.all([pa.next('assignment'), pb.next('assignment')]);

    const sa = (await api('POST', '/api/subnets', { cidr: '198.18.10.0/24', probeId: a.id })).body;
    const sb = (await api('POST', '/api/subnets', { cidr: '198.18.11.0/24', probeId: b.id })).body;
    expect((await pa.next('assignment')).subnets.map((s) => s.id)).toEqual([sa.id]);
    expect((await pb.next('assignment')).subnets.map((s) => s.id)).toEqual([sb.id]);

    const first = await api('POST', `/api/subnets/${sa.id}/scan`);
    expect(first).toMatchObject({ status: 202, body: { coalesced: false } });
    const second = await api('POST', `/api/subnets/${sa.id}/scan`);
    expect(second).toMatchObject({ status: 202, body: { coalesced: true, jobId: null } });
    expect(await pa.next('job')).toMatchObject({ kind: 'sweep', subnetId: sa.id, jobId: first.body.jobId });
    await api('POST', `/api/subnets/${sb.id}/scan`);
    expect(await pb.next('job')).toMatchObject({ subnetId: sb.id });
    await new Promise((r) => setTimeout(r, 200));
    expect(pa.received.filter((m) => m.type === 'job')).toEqual([]);
    expect(pb.received.filter((m) => m.type === 'job')).toEqual([]);

    // results for the other probe's subnet are refused
    pa.send({ type: 'results', batchId: 'z-1', sweeps: [{ subnetId: sb.id, at: Date.now(), durationMs: 1, complete: true, up: [{ ip: '198.18.11.3', latencyMs: 1 }], down: [] }] });
    expect(await pa.next('ack')).toMatchObject({ rejectedSubnets: [sb.id] });
    expect((await api('GET', `/api/subnets/${sb.id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host')).toEqual([]);

    // moving a subnet re-assigns both probes
    await api('PATCH', `/api/subnets/${sb.id}`, { probeId: a.id });
    expect((await pa.next('assignment')).subnets.map((s) => s.id).sort()).toEqual([sa.id, sb.id].sort());
    expect((await pb.next('assignment')).subnets).toEqual([]);
    pa.close();
    pb.close();
  });

  it('a second connection with the same token replaces the first', async () => {
    const p = (await api('POST', '/api/probes', { name: 'twice' })).body;
    const one = await RawProbe.connect(server.url, p.token);
    await one.next('welcome');
    const closed = new Promise<number>((resolve) => one.ws.once('close', (code) => resolve(code)));
    const two = await RawProbe.connect(server.url, p.token);
    await two.next('welcome');
    expect(await closed).toBe(4000);
    two.send({ type: 'ping' });
    expect(await two.next('pong')).toEqual({ type: 'pong' });
    expect((await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === p.id).connected).toBe(true);
    two.close();
  });

  it('serves the UI, the OpenAPI document and the docs page', async () => {
    const index = await fetch(server.url + '/');
    expect(await index.text()).toContain('importmap');
    expect((await fetch(server.url + '/vendor/preact.mjs')).status).toBe(200);
    const doc = await (await fetch(server.url + '/openapi.json')).json();
    expect(doc.paths['/api/subnets/{id}/hosts']).toBeDefined();
    expect(await (await fetch(server.url + '/docs')).text()).toContain('swagger-ui-bundle.js');
  });
});
