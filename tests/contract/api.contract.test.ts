/**
 * The API contract, run against both hosts: Node with libSQL, and the Worker in workerd with D1.
 * The same requests must get the same answers (ids, times and other volatile fields aside).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationsSchema, ExportersSchema, MatrixSchema, PeersSchema, PortsSchema, TalkersSchema } from '../../worker/routes/netflow-schemas.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

describe.each(HOSTS)('API contract on the %s host', (host) => {
  let server: Target;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    // previously used after a day of silence: results up to 7 days old are taken, so an old sweep makes one
    server = await startTarget(host, { PREVIOUSLY_USED_DAYS: '1' });
    api = client(server.url, await login(server.url));
  }, 90_000);
  afterAll(() => server.close());

  it('health is public; every other operation wants credentials', async () => {
    expect(await api('GET', '/health', undefined, {})).toMatchObject({ status: 200, body: { ok: true } });
    const doc = (await api('GET', '/openapi.json', undefined, {})).body;
    for (const [path, methods] of Object.entries<Record<string, unknown>>(doc.paths)) {
      if (path === '/api/auth/login') continue;
      for (const method of Object.keys(methods)) {
        const res = await api(method.toUpperCase(), path.replace(/\{id\}/g, '1'), undefined, {});
        expect([method, path, res.status, res.body?.error?.code]).toEqual([method, path, 401, 'unauthorized']);
      }
    }
    expect((await api('POST', '/api/auth/login', { username: 'admin', password: 'nope' }, {})).body.error.code).toBe('invalid_credentials');
  });

  it.each([
    [{ cidr: '198.18.1.0/33' }, 400, 'invalid_cidr'],
    [{ cidr: '198.18.1.7/24' }, 400, 'host_bits_set'],
    [{ cidr: 'fd00:19::1/64' }, 400, 'host_bits_set'],
    [{ cidr: '198.18.5.0/24', probeId: 999 }, 400, 'unknown_probe'],
    [{ cidr: '198.18.5.0/24', sweepIntervalSeconds: 1 }, 400, 'invalid_request'],
    [{}, 400, 'invalid_request'],
  ])('rejects subnet %j with %i %s and writes nothing', async (body, status, code) => {
    const before = (await api('GET', '/api/subnets')).body;
    const res = await api('POST', '/api/subnets', body);
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect((await api('GET', '/api/subnets')).body).toEqual(before);
  });

  it('creates, lists, patches and deletes subnets; duplicates and overlaps are 409', async () => {
    const v4 = await api('POST', '/api/subnets', { cidr: '198.18.0.0/24', name: 'lab' });
    expect(v4).toMatchObject({ status: 201, body: { cidr: '198.18.0.0/24', family: 4, size: '256', usable: '254', probeId: null } });
    const v6 = await api('POST', '/api/subnets', { cidr: 'FD00:18::/64' });
    expect(v6.body).toMatchObject({ cidr: 'fd00:18::/64', size: '18446744073709551616' });
    expect((await api('POST', '/api/subnets', { cidr: '198.18.0.0/24' })).body.error.code).toBe('subnet_exists');
    expect((await api('POST', '/api/subnets', { cidr: '198.18.0.128/25' })).body.error.code).toBe('subnet_overlap');
    expect((await api('POST', '/api/subnets', { cidr: 'fd00:18::/48' })).status).toBe(409);
    expect((await api('PATCH', `/api/subnets/${v4.body.id}`, { name: 'lab 2', sweepIntervalSeconds: 120 })).body).toMatchObject({ name: 'lab 2', sweepIntervalSeconds: 120 });
    expect((await api('GET', '/api/subnets')).body.subnets.map((s: any) => s.cidr)).toEqual(['198.18.0.0/24', 'fd00:18::/64']);
    const tmp = await api('POST', '/api/subnets', { cidr: '198.19.0.0/30' });
    expect((await api('DELETE', `/api/subnets/${tmp.body.id}`)).status).toBe(204);
    expect((await api('GET', `/api/subnets/${tmp.body.id}`)).status).toBe(404);
  });

  it('hosts: create, edit, collapse unused runs, refuse bad input', async () => {
    const subnet = (await api('GET', '/api/subnets')).body.subnets.find((s: any) => s.cidr === '198.18.0.0/24');
    const nas = await api('POST', '/api/hosts', { ip: '198.18.0.20', hostname: 'nas', tags: ['storage'] });
    expect(nas).toMatchObject({ status: 201, body: { ip: '198.18.0.20', hostname: 'nas', hostnameSource: 'manual', status: 'unknown' } });
    expect((await api('POST', '/api/hosts', { ip: '198.18.0.20' })).body.error.code).toBe('host_exists');
    expect((await api('POST', '/api/hosts', { ip: '198.19.9.9' })).body.error.code).toBe('no_subnet');
    expect((await api('POST', '/api/hosts', { ip: '198.18.0.300' })).body.error.code).toBe('invalid_ip');
    expect((await api('PATCH', `/api/hosts/${nas.body.id}`, { tags: 'x' })).status).toBe(400);
    expect((await api('PATCH', `/api/hosts/${nas.body.id}`, { reserved: true, reservedBy: 'ops' })).body).toMatchObject({ reserved: true, reservedBy: 'ops' });
    const rows = (await api('GET', `/api/subnets/${subnet.id}/hosts`)).body.rows;
    expect(rows.map((r: any) => (r.kind === 'host' ? r.ip : `${r.first}-${r.last}:${r.count}`))).toEqual([
      '198.18.0.1-198.18.0.19:19',
      '198.18.0.20',
      '198.18.0.21-198.18.0.254:234',
    ]);
    await api('POST', '/api/hosts', { ip: 'fd00:18::10' });
    const v6 = (await api('GET', '/api/subnets')).body.subnets.find((s: any) => s.family === 6);
    expect((await api('GET', `/api/subnets/${v6.id}/hosts`)).body.rows.at(-1)).toEqual({ kind: 'unused', first: 'fd00:18::11', last: 'fd00:18::ffff:ffff:ffff:ffff', count: '18446744073709551599' });
    expect((await api('GET', '/api/hosts/99999/history')).status).toBe(404);
  });

  it('CSV import is all or nothing, and export round-trips', async () => {
    const bad = await api('POST', '/api/import/hosts', 'ip,hostname\n198.18.0.30,ok\n198.19.0.1,outside\n');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.rows).toEqual([{ line: 3, message: '198.19.0.1 is not inside any subnet; add the subnet first' }]);
    expect((await api('GET', '/api/hosts/1')).status).toBe(200);
    const good = await api('POST', '/api/import/hosts', 'ip,hostname,tags\n198.18.0.30,printer,office;print\n198.18.0.20,nas-renamed,\n');
    expect(good.body).toEqual({ created: 1, updated: 1 });
    const csv = (await api('GET', '/api/export/hosts.csv')).body as string;
    expect(csv.split('\n')[0]).toBe('ip,hostname,description,tags,notes,reserved,reserved_by,reserved_note,status,last_seen_at');
    expect(csv).toContain('198.18.0.30,printer,,office;print,,false,,,unknown,');
    expect((await api('POST', '/api/import/subnets', 'cidr\n198.18.0.0/16\n')).body.error.details.rows[0].line).toBe(2);
  });

  it('probes: enrol, results stored exactly once, history and events, revoke', async () => {
    const probe = (await api('POST', '/api/probes', { name: 'contract' })).body;
    const subnet = await api('POST', '/api/subnets', { cidr: '198.18.9.0/29', probeId: probe.id });
    const ws = await RawProbe.connect(server.url, probe.token);
    expect((await ws.next('assignment')).subnets).toEqual([{ id: subnet.body.id, cidr: '198.18.9.0/29', intervalSeconds: 60, knownHosts: [] }]);
    const at = Date.now() - 120_000;
    const frame = (batchId: string, t: number, up: string[]) => ({
      type: 'results',
      batchId,
      sweeps: [{ subnetId: subnet.body.id, at: t, durationMs: 3, complete: true, up: up.map((ip) => ({ ip, latencyMs: 0.25 })), down: [] }],
    });
    ws.send(frame('c-1', at, ['198.18.9.1', '198.18.9.2']));
    expect(await ws.next('ack')).toEqual({ type: 'ack', batchId: 'c-1', duplicate: false, rejectedSubnets: [] });
    ws.send(frame('c-1', at, ['198.18.9.1', '198.18.9.2']));
    expect(await ws.next('ack')).toMatchObject({ duplicate: true });
    ws.send(frame('c-2', at + 60_000, ['198.18.9.1']));
    ws.send(frame('c-3', at + 120_000, ['198.18.9.1']));
    await ws.next('ack');
    await ws.next('ack');
    const rows = (await api('GET', `/api/subnets/${subnet.body.id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host');
    expect(rows.map((r: any) => [r.ip, r.status, r.timesSeen, r.latencyMs])).toEqual([
      ['198.18.9.1', 'up', 3, 0.25],
      ['198.18.9.2', 'down', 1, 0.25],
    ]);
    const down = rows[1];
    expect((await api('GET', `/api/hosts/${down.id}/events`)).body.events.map((e: any) => `${e.from}>${e.to}`)).toEqual(['up>down', 'unknown>up']);
    expect((await api('GET', `/api/hosts/${down.id}/history?window=24h`)).body).toMatchObject({ window: '24h', samples: 3, uptimePercent: 33.33 });

    expect((await api('DELETE', `/api/probes/${probe.id}`)).status).toBe(204);
    await expect(RawProbe.connect(server.url, probe.token)).rejects.toThrow('HTTP 401');
    const after = (await api('GET', `/api/subnets/${subnet.body.id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host');
    expect(after.map((r: any) => r.status)).toEqual(['unknown', 'unknown']);
    expect((await api('GET', `/api/subnets/${subnet.body.id}`)).body.probeId).toBeNull();
    ws.close();
  });
  it('summary, host search and tags agree with the records', async () => {
    const s = (await api('POST', '/api/subnets', { cidr: '198.18.40.0/28', name: 'compact' })).body;
    await api('POST', '/api/subnets', { cidr: 'fd00:40::/64' });
    const web1 = (await api('POST', '/api/hosts', { ip: '198.18.40.3', hostname: 'Web-1', tags: ['web', 'prod'] })).body;
    await api('POST', '/api/hosts', { ip: '198.18.40.4', tags: ['db_1'], reserved: true });
    await api('POST', '/api/hosts', { ip: '198.18.40.9', hostname: 'web-2', tags: ['web'] });
    await api('POST', '/api/hosts', { ip: 'fd00:40::5', tags: ['web'] });

    const all = (await api('GET', '/api/hosts?limit=500')).body;
    const summary = (await api('GET', '/api/summary')).body;
    const count = (status: string) => all.hosts.filter((h: any) => h.status === status).length;
    expect(summary).toEqual({
      hosts: { total: all.total, up: count('up'), down: count('down'), unknown: count('unknown'), previouslyUsed: all.hosts.filter((h: any) => h.previouslyUsed).length },
      subnets: { total: (await api('GET', '/api/subnets')).body.subnets.length },
      probes: { total: (await api('GET', '/api/probes')).body.probes.length, connected: 0 },
    });
    // IPv4 before IPv6, each in address order
    const ips = all.hosts.map((h: any) => h.ip);
    expect(ips.findIndex((ip: string) => ip.includes(':'))).toBeGreaterThan(ips.lastIndexOf('198.18.40.9'));

    const search = async (query: string) => {
      const res = await api('GET', `/api/hosts?${query}`);
      return res.status === 200 ? [res.body.total, res.body.hosts.map((h: any) => h.ip)] : [res.status, res.body.error.code];
    };
    expect(await search('q=web')).toEqual([3, ['198.18.40.3', '198.18.40.9', 'fd00:40::5']]);
    expect(await search('q=WEB-1')).toEqual([1, ['198.18.40.3']]);
    expect(await search('q=198.18.40.')).toEqual([3, ['198.18.40.3', '198.18.40.4', '198.18.40.9']]);
    expect(await search('q=FD00:40:')).toEqual([1, ['fd00:40::5']]);
    expect(await search('q=db%5F1')).toEqual([1, ['198.18.40.4']]);
    expect(await search('q=db%251')).toEqual([0, []]);
    expect(await search('tag=web')).toEqual([3, ['198.18.40.3', '198.18.40.9', 'fd00:40::5']]);
    expect(await search('tag=Web')).toEqual([0, []]);
    expect(await search(`subnetId=${s.id}&status=unknown&limit=2&offset=1`)).toEqual([3, ['198.18.40.4', '198.18.40.9']]);
    expect(await search(`subnetId=${s.id}&status=up`)).toEqual([0, []]);
    // a host in a list carries its open ports (none here)
    expect((await api('GET', '/api/hosts?q=web-1')).body.hosts).toEqual([{ ...web1, ports: [] }]);
    for (const bad of ['status=sideways', 'limit=0', 'limit=501', 'offset=-1', 'subnetId=x']) expect(await search(bad)).toEqual([400, 'invalid_request']);

    const tags = (await api('GET', '/api/tags')).body.tags;
    expect(tags.map((t: any) => t.tag)).toEqual([...tags.map((t: any) => t.tag)].sort());
    expect(tags.filter((t: any) => ['web', 'prod', 'db_1'].includes(t.tag))).toEqual([
      { tag: 'db_1', count: 1 },
      { tag: 'prod', count: 1 },
      { tag: 'web', count: 3 },
    ]);
  });

  it('the compact subnet table and free addresses', async () => {
    const subnets = (await api('GET', '/api/subnets')).body.subnets;
    const v4 = subnets.find((x: any) => x.cidr === '198.18.40.0/28');
    const v6 = subnets.find((x: any) => x.cidr === 'fd00:40::/64');
    const ids = Object.fromEntries((await api('GET', `/api/hosts?subnetId=${v4.id}`)).body.hosts.map((h: any) => [h.ip, h.id]));
    const table = (await api('GET', `/api/subnets/${v4.id}/table`)).body;
    expect(table.subnet).toMatchObject({ id: v4.id, cidr: '198.18.40.0/28', usedCount: 3, upCount: 0 });
    expect(table.range).toEqual(['198.18.40.1', '198.18.40.14']);
    expect(Math.abs(table.now - Date.now() / 1000)).toBeLessThan(60);
    expect(table.hosts).toEqual([
      [ids['198.18.40.3'], '198.18.40.3', 'unknown', null, 'Web-1', null, null, 0, null, null],
      [ids['198.18.40.4'], '198.18.40.4', 'unknown', null, null, null, null, 1, null, null],
      [ids['198.18.40.9'], '198.18.40.9', 'unknown', null, 'web-2', null, null, 0, null, null],
    ]);
    const v6table = (await api('GET', `/api/subnets/${v6.id}/table`)).body;
    expect(v6table.range).toEqual(['fd00:40::', 'fd00:40::ffff:ffff:ffff:ffff']);
    expect(v6table.hosts[0][1]).toBe('fd00:40::5');
    expect((await api('GET', '/api/subnets/99999/table')).status).toBe(404);

    const free = async (id: number, query = '') => {
      const res = await api('GET', `/api/subnets/${id}/free${query}`);
      if (res.status !== 200) return [res.status, res.body.error.code];
      // none of these hosts was ever seen: nothing previously used to offer
      const { reusable, reusableNext, verified, ...rest } = res.body;
      expect([reusable, reusableNext, verified]).toEqual([[], null, {}]);
      return rest;
    };
    expect(await free(v4.id)).toEqual({ addresses: ['198.18.40.1', '198.18.40.2', '198.18.40.5', '198.18.40.6', '198.18.40.7', '198.18.40.8', '198.18.40.10', '198.18.40.11', '198.18.40.12', '198.18.40.13', '198.18.40.14'], next: null });
    expect(await free(v4.id, '?limit=3')).toEqual({ addresses: ['198.18.40.1', '198.18.40.2', '198.18.40.5'], next: '198.18.40.6' });
    expect(await free(v4.id, '?from=198.18.40.6&limit=3')).toEqual({ addresses: ['198.18.40.6', '198.18.40.7', '198.18.40.8'], next: '198.18.40.10' });
    expect(await free(v4.id, '?from=198.18.40.0&to=198.18.40.3')).toEqual({ addresses: ['198.18.40.1', '198.18.40.2'], next: null });
    expect(await free(v4.id, '?from=198.18.40.12&to=198.18.40.15')).toEqual({ addresses: ['198.18.40.12', '198.18.40.13', '198.18.40.14'], next: null });
    expect(await free(v4.id, '?from=198.18.40.3&to=198.18.40.4')).toEqual({ addresses: [], next: null });
    expect(await free(v6.id, '?limit=2')).toEqual({ addresses: ['fd00:40::', 'fd00:40::1'], next: 'fd00:40::2' });
    expect(await free(v6.id, '?from=fd00:40::4&limit=2')).toEqual({ addresses: ['fd00:40::4', 'fd00:40::6'], next: 'fd00:40::7' });
    for (const bad of ['?from=198.18.41.1', '?to=198.18.40.16', '?from=198.18.40.9&to=198.18.40.3', '?from=nonsense', '?from=fd00:40::1']) {
      expect(await free(v4.id, bad)).toEqual([400, 'bad_range']);
    }
    expect(await free(v4.id, '?limit=1025')).toEqual([400, 'invalid_request']);
    expect(await free(99999)).toEqual([404, 'not_found']);
  });

  it('/api/auth/me says when the session ends', async () => {
    const me = (await api('GET', '/api/auth/me')).body;
    expect(me).toMatchObject({ username: 'admin', via: 'session' });
    expect(Date.parse(me.expiresAt)).toBeGreaterThan(Date.now());
  });

  // CSV and defects (issue 9)
  it('CSV: 1,000 host rows import, then import again as updates (one lookup, not 500 bound parameters)', async () => {
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.204.0/22', name: 'csv-bulk' })).body;
    const rows = Array.from({ length: 1000 }, (_, i) => `198.18.${204 + ((i + 1) >> 8)}.${(i + 1) & 255},bulk-${i},,bulk,,`);
    const csv = `ip,hostname,description,tags,notes,reserved\n${rows.join('\n')}\n`;
    expect(await api('POST', '/api/import/hosts', csv)).toMatchObject({ status: 200, body: { created: 1000, updated: 0 } });
    expect(await api('POST', '/api/import/hosts', csv.replaceAll(',bulk,', ',bulk;again,'))).toMatchObject({ status: 200, body: { created: 0, updated: 1000 } });
    expect((await api('GET', `/api/subnets/${subnet.id}`)).body).toMatchObject({ usedCount: 1000 });
    expect((await api('GET', `/api/hosts?subnetId=${subnet.id}&tag=again&limit=1`)).body.total).toBe(1000);
    const exported = ((await api('GET', '/api/export/hosts.csv')).body as string).split('\n').filter((l) => l.includes(',bulk-'));
    expect(exported.length).toBe(1000);
    expect(exported[0]).toBe('198.18.204.1,bulk-0,,bulk;again,,false,,,unknown,');
  });

  it('the same host created by several requests at once: one 201, the others 409 host_exists', async () => {
    await api('POST', '/api/subnets', { cidr: '198.18.208.0/28', name: 'race' });
    for (const ip of ['198.18.208.1', '198.18.208.2', '198.18.208.3']) {
      const answers = await Promise.all([1, 2, 3, 4].map((n) => api('POST', '/api/hosts', { ip, hostname: `race-${n}` })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
      const created = answers.find((a) => a.status === 201)!;
      for (const lost of answers.filter((a) => a.status === 409)) expect(lost.body.error).toMatchObject({ code: 'host_exists', details: { hostId: created.body.id } });
    }
  });

  it('scan now goes to a connected probe, and is 409 probe_offline once it has gone', async () => {
    const probe = (await api('POST', '/api/probes', { name: 'scanner' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.209.0/29', probeId: probe.id })).body;
    const ws = await RawProbe.connect(server.url, probe.token);
    await ws.next('assignment');
    const queued = await api('POST', `/api/subnets/${subnet.id}/scan`);
    expect(queued).toMatchObject({ status: 202, body: { coalesced: false } });
    expect(await ws.next('job')).toEqual({ type: 'job', jobId: queued.body.jobId, kind: 'sweep', subnetId: subnet.id });
    ws.close();
    const connected = async () => (await api('GET', '/api/probes')).body.probes.find((p: any) => p.id === probe.id).connected;
    for (let i = 0; i < 100 && (await connected()); i++) await new Promise((r) => setTimeout(r, 100));
    const offline = await api('POST', `/api/subnets/${subnet.id}/scan`);
    expect([offline.status, offline.body.error?.code]).toEqual([409, 'probe_offline']);
    await api('DELETE', `/api/probes/${probe.id}`);
  });

  it('ports: settings round-trip, a scan stored and read back (ports, services, filters, events), scan-ports answers and refusals', async () => {
    const code = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
    expect(code(await api('GET', '/api/hosts/99999/ports'))).toEqual([404, 'not_found']);
    const probe = (await api('POST', '/api/probes', { name: 'porter' })).body;
    const created = await api('POST', '/api/subnets', { cidr: '198.18.210.0/29', probeId: probe.id, portScan: { args: '-T4 -p22,80', intervalMinutes: 30 } });
    expect(created).toMatchObject({ status: 201, body: { portScan: { enabled: true, args: '-T4 -p 22,80', intervalMinutes: 30 } } });
    const subnet = created.body;
    expect((await api('PATCH', `/api/subnets/${subnet.id}`, { portScan: { enabled: false, args: '  ' } })).body.portScan).toEqual({ enabled: false, args: null, intervalMinutes: 30 });
    const refused = await api('PATCH', `/api/subnets/${subnet.id}`, { portScan: { args: '--script vuln' } });
    expect([...code(refused), refused.body.error.details]).toEqual([400, 'forbidden_nmap_option', { option: '--script' }]);
    expect((await api('GET', `/api/subnets/${subnet.id}`)).body.portScan).toEqual({ enabled: false, args: null, intervalMinutes: 30 });

    const ws = await RawProbe.connect(server.url, probe.token);
    await ws.next('assignment');
    ws.send({ type: 'hello', version: '0.3.0', protocol: 1, kinds: ['sweep', 'port_scan'], rawSockets: false });
    const at = Date.now() - 60_000;
    const ssh = { port: 22, protocol: 'tcp', state: 'open', service: 'ssh', product: 'OpenSSH', version: '9.2p1' };
    const dns = { port: 53, protocol: 'udp', state: 'open|filtered', service: 'domain', product: null, version: null };
    const sweep = { kind: 'sweep', subnetId: subnet.id, at, durationMs: 3, complete: true, up: [{ ip: '198.18.210.1', latencyMs: 0.3 }, { ip: '198.18.210.2', latencyMs: 0.3 }], down: [] };
    const portScan = { kind: 'port_scan', subnetId: subnet.id, at, durationMs: 900, hosts: [{ ip: '198.18.210.1', responsive: true, ports: [ssh, dns] }, { ip: '198.18.210.2', responsive: true, ports: [] }] };
    for (const [batchId, item] of [['ports-1', sweep], ['ports-2', portScan]] as const) {
      ws.send({ type: 'results', batchId, results: [item] });
      expect(await ws.next('ack')).toEqual({ type: 'ack', batchId, duplicate: false, rejectedSubnets: [] });
    }
    ws.send({ type: 'results', batchId: 'ports-2', results: [portScan] });
    expect(await ws.next('ack')).toMatchObject({ batchId: 'ports-2', duplicate: true });
    const [one, two] = (await api('GET', `/api/hosts?subnetId=${subnet.id}`)).body.hosts.map((h: any) => h.id);
    const iso = new Date(at).toISOString();
    expect((await api('GET', `/api/hosts/${one}/ports`)).body).toEqual({
      hostId: one,
      stale: false,
      scannedAt: iso,
      nextScanAt: null,
      job: null,
      ports: [
        { ...ssh, firstSeenAt: iso, lastSeenAt: iso },
        { ...dns, firstSeenAt: iso, lastSeenAt: iso },
      ],
      history: [
        { kind: 'port', id: expect.any(Number), at: iso, change: 'opened', port: 53, protocol: 'udp', service: 'domain', product: null, version: null, previous: null, probeId: probe.id },
        { kind: 'port', id: expect.any(Number), at: iso, change: 'opened', port: 22, protocol: 'tcp', service: 'ssh', product: 'OpenSSH', version: '9.2p1', previous: null, probeId: probe.id },
      ],
    });
    expect((await api('GET', `/api/hosts/${two}/ports`)).body).toMatchObject({ stale: false, ports: [], history: [] });
    expect((await api('GET', '/api/services')).body).toEqual({
      services: [
        { service: 'domain', hosts: 1, ports: [{ port: 53, protocol: 'udp', hosts: 1, up: 1 }] },
        { service: 'ssh', hosts: 1, ports: [{ port: 22, protocol: 'tcp', hosts: 1, up: 1 }] },
      ],
    });
    const search = async (query: string) => (await api('GET', `/api/hosts?${query}`)).body.hosts.map((h: any) => [h.ip, h.ports.length]);
    expect(await search('service=ssh')).toEqual([['198.18.210.1', 2]]);
    expect(await search('port=22/tcp')).toEqual([['198.18.210.1', 2]]);
    expect(await search('port=53/udp')).toEqual([['198.18.210.1', 2]]);
    expect(await search('port=53/tcp')).toEqual([]);
    expect(code(await api('GET', '/api/hosts?port=ssh'))).toEqual([400, 'invalid_request']);
    expect((await api('GET', `/api/subnets/${subnet.id}/table`)).body.ports).toEqual({ [one]: [[22, 'tcp', 'ssh'], [53, 'udp', 'domain']] });
    expect((await api('GET', `/api/hosts/${one}/events`)).body.events.map((e: any) => e.kind)).toEqual(['status', 'port', 'port']);
    expect((await api('GET', '/api/probes')).body.probes.find((p: any) => p.id === probe.id)).toMatchObject({ connected: true, version: '0.3.0', kinds: ['sweep', 'port_scan'], rawSockets: false });

    const scan = await api('POST', `/api/hosts/${one}/scan-ports`);
    expect(scan).toMatchObject({ status: 202, body: { coalesced: false, hosts: 1 } });
    expect(await ws.next('job')).toEqual({ type: 'job', kind: 'port_scan', jobId: scan.body.jobId, subnetId: subnet.id, targets: ['198.18.210.1'], args: ['-Pn', '-T3', '--top-ports', '1000', '-sT', '-sV'], timeoutMs: 900_000 });
    expect((await api('POST', `/api/hosts/${one}/scan-ports`)).body).toEqual({ jobId: scan.body.jobId, coalesced: true, hosts: 0 });
    const forbidden = await api('POST', `/api/hosts/${two}/scan-ports`, { args: '-oN /tmp/x' });
    expect([...code(forbidden), forbidden.body.error.details]).toEqual([400, 'forbidden_nmap_option', { option: '-oN' }]);
    expect(code(await api('POST', `/api/subnets/${subnet.id}/scan-ports`, { targets: ['198.18.9.9'] }))).toEqual([400, 'target_outside_subnet']);
    ws.close();
    const connected = async () => (await api('GET', '/api/probes')).body.probes.find((p: any) => p.id === probe.id).connected;
    for (let i = 0; i < 100 && (await connected()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(code(await api('POST', `/api/hosts/${two}/scan-ports`))).toEqual([409, 'probe_offline']);
    expect(code(await api('POST', `/api/subnets/${subnet.id}/scan-ports`, { targets: ['198.18.210.2'] }))).toEqual([409, 'probe_offline']);
    // the host went unknown with its probe: its ports are kept, shown stale
    expect((await api('GET', `/api/hosts/${one}/ports`)).body).toMatchObject({ stale: true, ports: [{ port: 22 }, { port: 53 }] });

    await api('POST', '/api/subnets', { cidr: '198.18.211.0/29', probeId: null });
    const lone = (await api('POST', '/api/hosts', { ip: '198.18.211.3' })).body;
    expect(code(await api('POST', `/api/hosts/${lone.id}/scan-ports`))).toEqual([409, 'no_probe']);
    await api('DELETE', `/api/probes/${probe.id}`);
  });

  it('maintenance windows: create, list (on now, next), a host\'s occurrences across a DST change, refusals, delete', async () => {
    const code = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.212.0/29' })).body;
    const host = (await api('POST', '/api/hosts', { ip: '198.18.212.3', tags: ['mw'] })).body;
    const now = Date.now();
    const [startsAt, endsAt] = [new Date(now - 3_600_000).toISOString(), new Date(now + 3_600_000).toISOString()];
    const once = await api('POST', '/api/maintenance', { name: 'now', scope: 'subnet', subnetId: subnet.id, kind: 'once', startsAt, endsAt });
    expect(once).toMatchObject({ status: 201, body: { scope: 'subnet', subnetId: subnet.id, kind: 'once', startsAt, endsAt, activeNow: true, next: { start: startsAt, end: endsAt } } });
    const berlin = await api('POST', '/api/maintenance', { scope: 'tag', tag: 'mw', kind: 'weekly', weekdays: [3, 0], startTime: '02:00', durationMinutes: 120, timeZone: 'Europe/Berlin' });
    expect(berlin).toMatchObject({ status: 201, body: { weekdays: [0, 3], startTime: '02:00', durationMinutes: 120, timeZone: 'Europe/Berlin', next: { start: expect.any(String) } } });
    const kolkata = await api('POST', '/api/maintenance', { scope: 'host', hostId: host.id, kind: 'weekly', weekdays: [1], startTime: '23:00', durationMinutes: 90, timeZone: 'Asia/Kolkata' });
    expect(kolkata.status).toBe(201);
    const listed = (await api('GET', '/api/maintenance')).body.windows;
    expect(listed.find((w: any) => w.id === once.body.id)).toEqual(once.body);

    // Berlin springs forward on Sunday 2026-03-29: 02:00 does not exist, so that one starts at 03:00 CEST
    const view = (await api('GET', `/api/hosts/${host.id}/maintenance?from=2026-03-22T00:00:00Z&to=2026-04-02T00:00:00Z`)).body;
    expect(view).toMatchObject({ hostId: host.id, from: '2026-03-22T00:00:00.000Z', to: '2026-04-02T00:00:00.000Z' });
    expect(view.windows.map((w: any) => [w.id, w.occurrences.map((o: any) => `${o.start}/${o.end}`)])).toEqual([
      [once.body.id, []],
      [
        berlin.body.id,
        [
          '2026-03-22T01:00:00.000Z/2026-03-22T03:00:00.000Z',
          '2026-03-25T01:00:00.000Z/2026-03-25T03:00:00.000Z',
          '2026-03-29T01:00:00.000Z/2026-03-29T03:00:00.000Z',
          '2026-04-01T00:00:00.000Z/2026-04-01T02:00:00.000Z',
        ],
      ],
      [kolkata.body.id, ['2026-03-23T17:30:00.000Z/2026-03-23T19:00:00.000Z', '2026-03-30T17:30:00.000Z/2026-03-30T19:00:00.000Z']],
    ]);

    const before = (await api('GET', '/api/maintenance')).body;
    expect(code(await api('POST', '/api/maintenance', { scope: 'host', hostId: host.id, kind: 'weekly', weekdays: [1], startTime: '23:00', durationMinutes: 90, timeZone: 'Mars/Olympus_Mons' }))).toEqual([400, 'invalid_time_zone']);
    expect(code(await api('POST', '/api/maintenance', { scope: 'subnet', subnetId: 99999, kind: 'once', startsAt, endsAt }))).toEqual([404, 'not_found']);
    expect(code(await api('POST', '/api/maintenance', { scope: 'subnet', subnetId: subnet.id, kind: 'once', startsAt: endsAt, endsAt: startsAt }))).toEqual([400, 'invalid_request']);
    expect(code(await api('POST', '/api/maintenance', { scope: 'subnet', subnetId: subnet.id, hostId: host.id, kind: 'once', startsAt, endsAt }))).toEqual([400, 'invalid_request']);
    expect((await api('GET', '/api/maintenance')).body).toEqual(before);
    expect(code(await api('GET', `/api/hosts/${host.id}/maintenance?from=2026-04-02T00:00:00Z&to=2026-03-22T00:00:00Z`))).toEqual([400, 'bad_range']);

    expect((await api('DELETE', `/api/maintenance/${berlin.body.id}`)).status).toBe(204);
    expect(code(await api('DELETE', `/api/maintenance/${berlin.body.id}`))).toEqual([404, 'not_found']);
    // the subnet's and its host's windows go with the subnet
    expect((await api('DELETE', `/api/subnets/${subnet.id}`)).status).toBe(204);
    const left = (await api('GET', '/api/maintenance')).body.windows.map((w: any) => w.id);
    expect([once.body.id, kolkata.body.id, berlin.body.id].filter((id) => left.includes(id))).toEqual([]);
  });

  // the endpoints stay disabled: nothing is ever sent to their (never contacted) addresses
  it('webhooks: create with a once-shown secret, read, patch, rotate, refusals that write nothing, the log, alerts, delete', async () => {
    const code = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
    const url = 'https://hooks.example.net/edge-ipam';
    const made = await api('POST', '/api/webhooks', { name: 'ops', url, format: 'slack', eventTypes: ['host.down', 'host.up'], tags: ['core'], enabled: false });
    expect(made).toMatchObject({ status: 201, body: { name: 'ops', url, format: 'slack', eventTypes: ['host.down', 'host.up'], subnetIds: null, tags: ['core'], enabled: false, disabledReason: null, rotating: false } });
    expect(made.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const read = (await api('GET', `/api/webhooks/${made.body.id}`)).body;
    expect(read.secret).toBeUndefined();
    expect((await api('GET', '/api/webhooks')).body.endpoints).toEqual([read]);

    const before = (await api('GET', '/api/webhooks')).body;
    for (const bad of ['http://127.0.0.1:9/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://[fd00:ec2::254]/', 'http://localhost/x', 'ftp://hooks.example.net/']) {
      expect([bad, ...code(await api('POST', '/api/webhooks', { name: 'x', url: bad, eventTypes: ['host.down'], enabled: false }))]).toEqual([bad, 400, 'url_not_allowed']);
    }
    expect(code(await api('POST', '/api/webhooks', { name: 'x', url, eventTypes: ['host.sideways'], enabled: false }))).toEqual([400, 'invalid_request']);
    expect(code(await api('POST', '/api/webhooks', { name: 'x', url, eventTypes: ['host.down'], subnetIds: [99999], enabled: false }))).toEqual([400, 'unknown_subnet']);
    expect(code(await api('PATCH', `/api/webhooks/${made.body.id}`, { url: 'http://169.254.169.254/' }))).toEqual([400, 'url_not_allowed']);
    expect((await api('GET', '/api/webhooks')).body).toEqual(before);

    expect((await api('PATCH', `/api/webhooks/${made.body.id}`, { name: 'ops 2', format: 'ntfy', eventTypes: ['probe.offline'] })).body).toMatchObject({ name: 'ops 2', format: 'ntfy', eventTypes: ['probe.offline'], enabled: false });
    const rotated = await api('POST', `/api/webhooks/${made.body.id}/rotate`);
    expect(rotated).toMatchObject({ status: 200, body: { rotating: true, previousSecretValidUntil: expect.any(String) } });
    expect(rotated.body.secret).not.toBe(made.body.secret);
    expect(code(await api('POST', `/api/webhooks/${made.body.id}/test`))).toEqual([409, 'endpoint_disabled']);
    expect((await api('GET', `/api/webhooks/${made.body.id}/deliveries`)).body).toEqual({ attempts: [], pending: 0, nextAttemptAt: null });
    expect(Array.isArray((await api('GET', '/api/alerts?limit=5')).body.alerts)).toBe(true);

    expect((await api('DELETE', `/api/webhooks/${made.body.id}`)).status).toBe(204);
    expect(code(await api('GET', `/api/webhooks/${made.body.id}`))).toEqual([404, 'not_found']);
  });

  // issue 12: the sweep ingest records MACs; the read side: device history, changes, MAC/vendor search, previously used
  it('identity: device history, what changed, search by MAC and vendor, previously used offered by /free', async () => {
    const code = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
    const [VM, PI, RANDOM, DELL] = ['00:0c:29:dd:00:01', 'b8:27:eb:dd:00:02', '02:42:ac:dd:00:02', '00:14:22:dd:00:04'];
    const probe = (await api('POST', '/api/probes', { name: 'identity' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.220.0/29', probeId: probe.id })).body;
    const ws = await RawProbe.connect(server.url, probe.token);
    await ws.next('assignment');
    const ip = (n: number) => `198.18.220.${n}`;
    const iso = (ms: number) => new Date(ms).toISOString();
    let seq = 0;
    const sweep = async (at: number, up: [number, string?, (string | null)?][]) => {
      const item = { kind: 'sweep', subnetId: subnet.id, at, durationMs: 2, complete: true, up: up.map(([n, mac, vendor]) => ({ ip: ip(n), latencyMs: 0.3, ...(mac && { mac, vendor: vendor ?? null }) })), down: [] };
      ws.send({ type: 'results', batchId: `identity-${++seq}`, results: [item] });
      expect(await ws.next('ack')).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    };
    // two days ago (past PREVIOUSLY_USED_DAYS=1): .3 answers once, then stays silent; .2 trades its Pi NIC for a random MAC
    const base = Date.now() - 2 * 86_400_000;
    await sweep(base, [[1, VM, 'VMware, Inc.'], [2, PI, 'Raspberry Pi Trading Ltd'], [3]]);
    await sweep(base + 60_000, [[1, VM, 'VMware, Inc.'], [2, RANDOM]]);
    await sweep(base + 120_000, [[1, VM, 'VMware, Inc.'], [2, RANDOM]]);
    const latest = Date.now() - 60_000;
    await sweep(latest, [[1, VM, 'VMware, Inc.'], [2, RANDOM], [4, DELL, 'Dell Inc.']]);
    const ids = Object.fromEntries((await api('GET', `/api/hosts?subnetId=${subnet.id}`)).body.hosts.map((h: any) => [h.ip, h.id]));

    // device history
    expect((await api('GET', `/api/hosts/${ids[ip(2)]}/devices`)).body).toEqual({
      devices: [
        { mac: RANDOM, vendor: null, macRandom: true, hostname: null, firstSeenAt: iso(base + 60_000), lastSeenAt: iso(latest), current: true },
        { mac: PI, vendor: 'Raspberry Pi Trading Ltd', macRandom: false, hostname: null, firstSeenAt: iso(base), lastSeenAt: iso(base), current: false },
      ],
    });
    expect((await api('GET', `/api/hosts/${ids[ip(3)]}/devices`)).body).toEqual({ devices: [] });
    expect(code(await api('GET', '/api/hosts/99999/devices'))).toEqual([404, 'not_found']);

    // what changed: since the last sweep, and since a chosen time
    const brief = (c: any) => [c.newHosts.map((h: any) => h.ip), c.newMacs.map((m: any) => `${m.ip} ${m.mac}<${m.previousMac}`), c.missing.map((m: any) => `${m.ip} ${m.status}`)];
    const last = (await api('GET', `/api/subnets/${subnet.id}/changes`)).body;
    expect(last).toMatchObject({ since: iso(latest), lastSweepAt: iso(latest), truncated: false });
    expect(brief(last)).toEqual([[ip(4)], [`${ip(4)} ${DELL}<null`], []]);
    expect(last.newHosts).toEqual([{ hostId: ids[ip(4)], ip: ip(4), hostname: null, mac: DELL, vendor: 'Dell Inc.', firstSeenAt: iso(latest) }]);
    const window = (await api('GET', `/api/subnets/${subnet.id}/changes?since=${encodeURIComponent(iso(base))}`)).body;
    expect(window).toMatchObject({ since: iso(base), lastSweepAt: iso(latest) });
    expect(brief(window)).toEqual([
      [ip(4), ip(1), ip(2), ip(3)],
      [`${ip(4)} ${DELL}<null`, `${ip(2)} ${RANDOM}<${PI}`, `${ip(1)} ${VM}<null`, `${ip(2)} ${PI}<null`],
      [`${ip(3)} down`],
    ]);
    expect(window.missing).toEqual([{ hostId: ids[ip(3)], ip: ip(3), hostname: null, mac: null, vendor: null, lastSeenAt: iso(base), status: 'down' }]);
    expect(window.unregistered).toEqual([]);
    // issue 13: an address heard in flows without a host record is listed in the window as unregistered (one with a record is not)
    const heard = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const minute = { kind: 'flows', at: heard, totals: { bytes: 0, packets: 0, flows: 0 }, talkers: [], conversations: [], ports: [], matrix: [], exporters: [] };
    ws.send({ type: 'results', batchId: 'identity-flows', results: [{ ...minute, seen: [{ ip: ip(5), subnetId: subnet.id }, { ip: ip(1), subnetId: subnet.id }] }] });
    expect(await ws.next('ack')).toMatchObject({ batchId: 'identity-flows', duplicate: false });
    expect((await api('GET', `/api/subnets/${subnet.id}/changes?since=${encodeURIComponent(iso(base))}`)).body.unregistered).toEqual([
      { ip: ip(5), firstSeenAt: iso(heard), lastSeenAt: iso(heard), probeId: probe.id },
    ]);
    // in ms, just after the first sweep: .3 was still answering when the window began
    expect(brief((await api('GET', `/api/subnets/${subnet.id}/changes?since=${base + 1}`)).body)).toEqual([[ip(4)], [`${ip(4)} ${DELL}<null`, `${ip(2)} ${RANDOM}<${PI}`], [`${ip(3)} down`]]);
    for (const bad of ['yesterday', '2026-02-30', String(Date.now() + 3_600_000)]) expect(code(await api('GET', `/api/subnets/${subnet.id}/changes?since=${bad}`))).toEqual([400, 'invalid_since']);
    expect(code(await api('GET', '/api/subnets/99999/changes'))).toEqual([404, 'not_found']);

    // search by MAC (the current one, or one the address had) and vendor
    const search = async (query: string) => {
      const res = await api('GET', `/api/hosts?subnetId=${subnet.id}&${query}`);
      return res.status === 200 ? res.body.hosts.map((h: any) => h.ip) : code(res);
    };
    expect(await search('mac=00-0C-29')).toEqual([ip(1)]);
    expect(await search('mac=b827.ebdd.0002')).toEqual([ip(2)]); // had it before
    expect(await search('mac=02:42:AC:DD:00:02')).toEqual([ip(2)]);
    expect(await search('vendor=vmware')).toEqual([ip(1)]);
    expect(await search('vendor=raspberry')).toEqual([]); // the current vendor only: the random MAC has none
    expect(await search('q=dell')).toEqual([ip(4)]);
    expect(await search('q=00:14:22')).toEqual([ip(4)]);
    expect(await search('previouslyUsed=true')).toEqual([ip(3)]);
    expect(await search('mac=not-a-mac')).toEqual([400, 'invalid_mac']);

    // previously used: flagged, and offered by /free with its hint beside the addresses without a record
    const h3 = (await api('GET', `/api/hosts/${ids[ip(3)]}`)).body;
    expect(h3).toMatchObject({ status: 'down', previouslyUsed: true, lastSeenAt: iso(base) });
    expect((await api('GET', `/api/subnets/${subnet.id}/free`)).body).toEqual({
      addresses: [ip(5), ip(6)],
      next: null,
      reusable: [{ ip: ip(3), previouslyUsed: { hostId: ids[ip(3)], lastSeenAt: iso(base), hostname: null, mac: null } }],
      reusableNext: null,
      verified: {},
    });
    const table = (await api('GET', `/api/subnets/${subnet.id}/table`)).body.hosts.map((r: any[]) => [r[1], r[7], r[8], r[9]]);
    expect(table).toEqual([
      [ip(1), 0, VM, 'VMware, Inc.'],
      [ip(2), 4, RANDOM, null],
      [ip(3), 2, null, null],
      [ip(4), 0, DELL, 'Dell Inc.'],
    ]);
    expect((await api('GET', '/api/summary')).body.hosts.previouslyUsed).toBeGreaterThanOrEqual(1);
    ws.close();
    await api('DELETE', `/api/probes/${probe.id}`);
  });

  // issue 12: PTR names from the probe, its network from hello, and a traceroute job there and back
  it('identity: names (a manual one survives), the probe network, a trace and a refused one', async () => {
    const code = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
    const probe = (await api('POST', '/api/probes', { name: 'tracer' })).body;
    const other = (await api('POST', '/api/probes', { name: 'elsewhere' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.221.0/29', probeId: probe.id })).body;
    const ws = await RawProbe.connect(server.url, probe.token);
    await ws.next('assignment');
    const network = {
      gateways: [{ family: 4, address: '198.18.221.6', interface: 'lan0' }],
      interfaces: [{ name: 'lan0', mac: '00:0c:29:dd:10:01', addresses: ['198.18.221.1/29'] }],
    };
    ws.send({ type: 'hello', version: '0.4.0', protocol: 1, kinds: ['sweep', 'traceroute'], rawSockets: false, network });
    const ip = (n: number) => `198.18.221.${n}`;
    let seq = 0;
    const send = async (item: unknown) => {
      ws.send({ type: 'results', batchId: `names-${++seq}`, results: [item] });
      return ws.next('ack');
    };
    const at = Date.now() - 120_000;
    await send({ kind: 'sweep', subnetId: subnet.id, at, durationMs: 2, complete: true, up: [{ ip: ip(2), latencyMs: 0.3 }, { ip: ip(3), latencyMs: 0.3 }], down: [] });
    const lookup = (n: number, name: string | null, forward: { addresses: string[]; matches: boolean } | null) => ({ ip: ip(n), name, ttlSeconds: 600, forward });
    await send({ kind: 'names', subnetId: subnet.id, at: at + 10, names: [lookup(2, 'nas.lab', { addresses: [ip(2)], matches: true }), lookup(3, 'old.lab', { addresses: [ip(5)], matches: false })] });
    const hostsNow = async () => Object.fromEntries((await api('GET', `/api/hosts?subnetId=${subnet.id}`)).body.hosts.map((h: any) => [h.ip, h]));
    let hosts = await hostsNow();
    expect(hosts[ip(2)]).toMatchObject({ hostname: 'nas.lab', hostnameSource: 'ptr', ptrName: 'nas.lab', ptrForward: { addresses: [ip(2)], matches: true } });
    expect(hosts[ip(3)]).toMatchObject({ hostname: 'old.lab', hostnameSource: 'ptr', ptrForward: { addresses: [ip(5)], matches: false } });
    // a name set by hand is never overwritten; the PTR name stays beside it
    expect((await api('PATCH', `/api/hosts/${hosts[ip(2)].id}`, { hostname: 'my-nas' })).body).toMatchObject({ hostname: 'my-nas', hostnameSource: 'manual' });
    await send({ kind: 'names', subnetId: subnet.id, at: at + 20, names: [lookup(2, 'nas2.lab', { addresses: [ip(2)], matches: true })] });
    hosts = await hostsNow();
    expect(hosts[ip(2)]).toMatchObject({ hostname: 'my-nas', hostnameSource: 'manual', ptrName: 'nas2.lab' });
    expect((await api('GET', '/api/probes')).body.probes.find((p: any) => p.id === probe.id)).toMatchObject({ network, kinds: ['sweep', 'traceroute'] });

    // a trace from the subnet's probe: sent, answered, kept for the host
    const nas = hosts[ip(2)].id;
    expect((await api('GET', `/api/hosts/${nas}/trace`)).body).toEqual({ trace: null, job: null });
    const accepted = await api('POST', `/api/hosts/${nas}/trace`, {});
    expect(accepted).toMatchObject({ status: 202, body: { probeId: probe.id, target: ip(2) } });
    const job = await ws.next('job');
    expect(job).toEqual({ type: 'job', kind: 'traceroute', jobId: accepted.body.jobId, subnetId: subnet.id, target: ip(2), maxHops: 30, timeoutMs: 60_000 });
    const hops = [
      { hop: 1, address: ip(6), name: 'gw.lab', rttMs: [0.4, 0.3, 0.3], loss: 0 },
      { hop: 2, address: ip(2), name: 'nas2.lab', rttMs: [0.6, 0.5], loss: 1 / 3 },
    ];
    const tracedAt = Date.now() - 1000;
    expect(await send({ kind: 'traceroute', subnetId: subnet.id, at: tracedAt, durationMs: 1200, jobId: accepted.body.jobId, target: ip(2), hops, reached: true })).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    const traced = (await api('GET', `/api/hosts/${nas}/trace`)).body;
    expect(traced.trace).toEqual({ jobId: accepted.body.jobId, probeId: probe.id, at: new Date(tracedAt).toISOString(), durationMs: 1200, reached: true, target: ip(2), hops });
    expect(traced.job).toMatchObject({ jobId: accepted.body.jobId, state: 'done' });

    // a chosen probe whose subnets do not hold the address: refused, nothing stored or sent
    const refused = await api('POST', `/api/hosts/${nas}/trace`, { probeId: other.id });
    expect(code(refused)).toEqual([400, 'target_outside_probe']);
    expect((await api('GET', `/api/hosts/${nas}/trace`)).body.job.jobId).toBe(accepted.body.jobId);
    expect(code(await api('POST', `/api/hosts/${nas}/trace`, { probeId: 'x' }))).toEqual([400, 'invalid_request']);
    expect(code(await api('POST', '/api/hosts/99999/trace', {}))).toEqual([404, 'not_found']);
    ws.close();
    await api('DELETE', `/api/probes/${probe.id}`);
    await api('DELETE', `/api/probes/${other.id}`);
  });

  // issue 13: a probe's minute of flows, then every flows route's answer checked against its schema
  it('flows: a flows item from a probe, read back by talkers, conversations, ports, matrix, peers and exporters', async () => {
    const code = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
    const probe = (await api('POST', '/api/probes', { name: 'flow-edge' })).body;
    const lab = (await api('POST', '/api/subnets', { cidr: '198.18.230.0/28', name: 'flow-lab', probeId: probe.id })).body;
    const dmz = (await api('POST', '/api/subnets', { cidr: '198.18.231.0/28', probeId: probe.id })).body;
    const nas = (await api('POST', '/api/hosts', { ip: '198.18.230.2', hostname: 'flow-nas' })).body;
    const [NAS, WEB, OUT] = ['198.18.230.2', '198.18.231.3', '198.19.230.9'];
    const ws = await RawProbe.connect(server.url, probe.token);
    await ws.next('assignment');
    const at = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const talker = (ip: string, subnetId: number | null, bytesIn: number, bytesOut: number) => ({ ip, subnetId, bytesIn, bytesOut, packetsIn: bytesIn / 100, packetsOut: bytesOut / 100, flowsIn: 1, flowsOut: 1 });
    const item = {
      kind: 'flows',
      at,
      totals: { bytes: 10_000, packets: 100, flows: 7 },
      talkers: [talker(NAS, lab.id, 2000, 6000), talker(OUT, null, 6000, 1000), talker(WEB, dmz.id, 0, 1000)],
      conversations: [
        { src: NAS, dst: OUT, srcSubnetId: lab.id, dstSubnetId: null, bytes: 6000, packets: 60, flows: 2 },
        { src: OUT, dst: NAS, srcSubnetId: null, dstSubnetId: lab.id, bytes: 1000, packets: 10, flows: 1 },
        { src: WEB, dst: NAS, srcSubnetId: dmz.id, dstSubnetId: lab.id, bytes: 1000, packets: 10, flows: 1 },
      ],
      ports: [
        { protocol: 6, port: 443, bytes: 7000, packets: 70, flows: 3 },
        { protocol: 17, port: 53, bytes: 1000, packets: 10, flows: 1 },
      ],
      matrix: [
        { from: lab.id, to: null, bytes: 6000, packets: 60, flows: 2 },
        { from: null, to: lab.id, bytes: 1000, packets: 10, flows: 1 },
        { from: dmz.id, to: lab.id, bytes: 1000, packets: 10, flows: 1 },
      ],
      seen: [],
      exporters: [
        { address: '198.18.230.1', packets: 12, flows: 7, drops: { no_template: 1 }, templates: 2, sequenceGaps: 0, pending: 0, samplingRate: 1, versions: [9], firstSeenAt: at, lastSeenAt: at + 30_000 },
      ],
    };
    ws.send({ type: 'results', batchId: 'flows-1', results: [item] });
    const ack = await ws.next('ack');
    expect(ack).toMatchObject({ batchId: 'flows-1', duplicate: false, rejectedSubnets: [] });
    expect(ack.rejectedResults ?? []).toEqual([]);

    const window = `from=${at}&to=${at + 60_000}&probeId=${probe.id}`;
    const read = async (path: string, schema: { parse(v: unknown): unknown }) => {
      const res = await api('GET', path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(schema.parse(res.body)).toEqual(res.body);
      expect(res.body).toMatchObject(path.includes('exporters') ? {} : { from: new Date(at).toISOString(), to: new Date(at + 60_000).toISOString(), grain: 'minute' });
      return res.body;
    };
    const talkers = await read(`/api/netflow/talkers?${window}`, TalkersSchema);
    expect(talkers.totals).toEqual({ bytes: 10_000, packets: 100, flows: 7 });
    expect(talkers.talkers.map((t: any) => [t.ip, t.bytes, t.subnetName, t.hostname])).toEqual([
      [NAS, 8000, 'flow-lab', 'flow-nas'],
      [OUT, 7000, null, null],
      [WEB, 1000, '198.18.231.0/28', null],
    ]);
    expect(talkers.talkers[0]).toMatchObject({ subnetId: lab.id, hostId: nas.id, bytesIn: 2000, bytesOut: 6000, packetsIn: 20, packetsOut: 60 });
    expect((await read(`/api/netflow/talkers?${window}&subnetId=${dmz.id}`, TalkersSchema)).talkers.map((t: any) => t.ip)).toEqual([WEB]);

    const conversations = (await read(`/api/netflow/conversations?${window}&limit=2`, ConversationsSchema)).conversations;
    expect(conversations.map((c: any) => `${c.src}>${c.dst} ${c.bytes}`)).toEqual([`${NAS}>${OUT} 6000`, `${WEB}>${NAS} 1000`]); // a tie: by address
    expect(conversations[0]).toMatchObject({ srcHostId: nas.id, srcHostname: 'flow-nas', srcSubnetId: lab.id, dstSubnetId: null, dstHostId: null, packets: 60, flows: 2 });

    expect((await read(`/api/netflow/ports?${window}`, PortsSchema)).ports).toEqual(item.ports);

    const matrix = await read(`/api/netflow/matrix?${window}`, MatrixSchema);
    expect(matrix.links.map((l: any) => `${l.from}>${l.to} ${l.bytes}`)).toEqual([`${lab.id}>0 6000`, `0>${lab.id} 1000`, `${dmz.id}>${lab.id} 1000`]);
    expect(matrix.nodes).toEqual([
      { id: 0, name: 'External', cidr: null },
      { id: lab.id, name: 'flow-lab', cidr: '198.18.230.0/28' },
      { id: dmz.id, name: '198.18.231.0/28', cidr: '198.18.231.0/28' },
    ]);

    const peers = await read(`/api/netflow/peers?${window}&ip=${NAS}`, PeersSchema);
    expect(peers.ip).toBe(NAS);
    expect(peers.peers.map((p: any) => [p.ip, p.bytesIn, p.bytesOut, p.packets, p.flows])).toEqual([
      [OUT, 1000, 6000, 70, 3],
      [WEB, 1000, 0, 10, 1],
    ]);

    const exporters = (await read(`/api/netflow/exporters?probeId=${probe.id}`, ExportersSchema)).exporters;
    expect(exporters).toEqual([
      {
        probeId: probe.id,
        probeName: 'flow-edge',
        address: '198.18.230.1',
        packets: 12,
        flows: 7,
        drops: { no_template: 1 },
        templates: 2,
        sequenceGaps: 0,
        pending: 0,
        samplingRate: 1,
        versions: [9],
        firstSeenAt: new Date(at).toISOString(),
        lastSeenAt: new Date(at + 30_000).toISOString(),
        updatedAt: expect.any(String),
      },
    ]);

    expect(code(await api('GET', `/api/netflow/talkers?from=${at}&to=${at}`))).toEqual([400, 'bad_range']);
    expect(code(await api('GET', '/api/netflow/matrix?from=soon'))).toEqual([400, 'invalid_request']);
    expect(code(await api('GET', '/api/netflow/peers?ip=flow-nas'))).toEqual([400, 'invalid_ip']);
    expect(code(await api('GET', '/api/netflow/ports?limit=501'))).toEqual([400, 'invalid_request']);
    ws.close();
    await api('DELETE', `/api/probes/${probe.id}`);
  });

  it('the app page answers navigations to any path; a missing script, style or image is 404', async () => {
    const navigate = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const subresource = { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script', accept: '*/*' };
    // node:http, not fetch: fetch sets Sec-Fetch-Mode itself (cors), as a browser's fetch() does
    const { get: httpGet } = await import('node:http');
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<unknown[]>((resolve, reject) => {
        httpGet(server.url + path, { headers }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d) => (text += d));
          res.on('end', () => resolve([path, res.statusCode, res.headers['content-type']?.split(';')[0], text.includes('<script type="importmap">')]));
        }).on('error', reject);
      });
    for (const path of ['/nope.js', '/lib/missing.js', '/favicon.ico', '/subnets/3']) {
      expect(await get(path, subresource)).toEqual([path, 404, 'text/plain', false]);
      expect(await get(path, {})).toEqual([path, 404, 'text/plain', false]);
    }
    for (const path of ['/', '/subnets/3', '/nope']) expect(await get(path, navigate)).toEqual([path, 200, 'text/html', true]);
    expect(await get('/', {})).toEqual(['/', 200, 'text/html', true]);
    expect(await get('/lib/api.js', subresource)).toEqual(['/lib/api.js', 200, 'text/javascript', false]);
    // what the Worker answers stays its own, navigation or not
    expect(await get('/openapi.json', navigate)).toEqual(['/openapi.json', 200, 'application/json', false]);
  });

  it('the IP calculator and supernet tools answer alike, with the managed subnets read from the host database', async () => {
    const code = (res: { status: number; body: any }) => [res.status, res.body?.error?.code];
    const tools = await api('POST', '/api/subnets', { cidr: '198.19.200.0/24', name: 'tools lab' });
    const calc = await api('GET', `/api/tools/ipcalc?cidr=${encodeURIComponent('198.19.200.77/26')}&splitCount=4`);
    expect(calc).toMatchObject({ status: 200, body: { family: 4, cidr: '198.19.200.64/26', broadcast: '198.19.200.127', usable: '62', kind: 'benchmarking', reverseZone: '200.19.198.in-addr.arpa' } });
    expect(calc.body.managed).toEqual([{ id: tools.body.id, cidr: '198.19.200.0/24', name: 'tools lab', relation: 'contains' }]);
    expect(calc.body.split).toEqual({ prefix: 28, total: '4', page: 1, pageSize: 256, subnets: ['198.19.200.64/28', '198.19.200.80/28', '198.19.200.96/28', '198.19.200.112/28'] });
    const v6 = await api('GET', `/api/tools/ipcalc?cidr=${encodeURIComponent('2001:db8:7::/48')}&splitPrefix=64&page=2&pageSize=2`);
    expect(v6.body).toMatchObject({ broadcast: null, binary: null, addresses: (2n ** 80n).toString(), kind: 'documentation', split: { total: '65536', subnets: ['2001:db8:7:2::/64', '2001:db8:7:3::/64'] } });
    expect((await api('GET', `/api/tools/ipcalc?cidr=${encodeURIComponent('::ffff:198.19.200.1')}`)).body.mapped).toEqual({ ipv4: '198.19.200.1', kind: 'benchmarking' });
    expect(code(await api('GET', '/api/tools/ipcalc?cidr=198.19.200.0/33'))).toEqual([400, 'invalid_cidr']);
    expect(code(await api('GET', '/api/tools/ipcalc?cidr=198.19.200.0/24&splitPrefix=23'))).toEqual([400, 'invalid_split']);
    expect(code(await api('GET', '/api/tools/ipcalc?cidr=198.19.200.0/24&splitPrefix=25&pageSize=1025'))).toEqual([400, 'invalid_request']);
    expect((await api('GET', '/api/tools/supernet?cidrs=198.19.200.0/24,198.19.201.9')).body).toEqual({ supernet: '198.19.200.0/23', covers: ['198.19.200.0/24', '198.19.201.9/32'] });
    expect(code(await api('GET', '/api/tools/supernet?cidrs=198.19.200.0/24,fd00::/64'))).toEqual([400, 'mixed_families']);
    await api('DELETE', `/api/subnets/${tools.body.id}`);
  });

  it('the MAC vendor tool answers alike, with the hosts of that prefix; offline ASN on the Node host only', async () => {
    const probe = (await api('POST', '/api/probes', { name: 'oui' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.232.0/29', probeId: probe.id })).body;
    const ws = await RawProbe.connect(server.url, probe.token);
    await ws.next('assignment');
    const up = [
      { ip: '198.18.232.2', latencyMs: 0.3, mac: '00:0c:29:31:00:02', vendor: 'VMware, Inc.' },
      { ip: '198.18.232.3', latencyMs: 0.3, mac: '70:b3:d5:00:10:03', vendor: 'SOREDI touch systems GmbH' },
    ];
    ws.send({ type: 'results', batchId: 'oui-1', results: [{ kind: 'sweep', subnetId: subnet.id, at: Date.now() - 60_000, durationMs: 2, complete: false, up, down: [] }] });
    await ws.next('ack');
    const hostId = Object.fromEntries((await api('GET', `/api/hosts?subnetId=${subnet.id}`)).body.hosts.map((h: any) => [h.ip, h.id]));
    const vm = await api('GET', '/api/tools/oui?mac=00-0C-29');
    expect(vm).toMatchObject({ status: 200, body: { mac: null, prefix: '00:0C:29', registry: 'MA-L', vendor: 'VMware, Inc.', locallyAdministered: false, multicast: false, truncated: false } });
    // other tests' hosts have VMware MACs too: this subnet's are the ones to check
    expect(vm.body.hosts.filter((h: any) => h.subnetId === subnet.id)).toEqual([{ hostId: hostId['198.18.232.2'], subnetId: subnet.id, ip: '198.18.232.2', hostname: null, mac: '00:0c:29:31:00:02' }]);
    expect((await api('GET', '/api/tools/oui?mac=70b3.d500.1003')).body).toMatchObject({ mac: '70:b3:d5:00:10:03', prefix: '70:B3:D5:00:1', registry: 'MA-S', vendor: 'SOREDI touch systems GmbH', hosts: [{ ip: '198.18.232.3' }] });
    expect((await api('GET', '/api/tools/oui?mac=10:06:48:01:23:45')).body).toMatchObject({ prefix: '10:06:48:0', registry: 'MA-M', hosts: [] });
    expect((await api('GET', '/api/tools/oui?mac=da:a1:19:00:00:01')).body).toMatchObject({ vendor: null, registry: null, locallyAdministered: true });
    expect((await api('GET', '/api/tools/oui?mac=198.18.232.2')).body.error.code).toBe('invalid_mac');
    const asn = await api('GET', '/api/tools/asn?ip=2001:db8::1');
    if (host === 'node') expect(asn).toMatchObject({ status: 200, body: { ip: '2001:db8::1', asn: null, org: null, country: null } });
    else expect([asn.status, asn.body.error.code]).toEqual([501, 'unavailable_on_host']);
    expect((await api('GET', '/api/tools/asn?ip=nope')).body.error.code).toBe('invalid_ip');
    ws.close();
    await api('DELETE', `/api/subnets/${subnet.id}`);
  }, 60_000);
});
