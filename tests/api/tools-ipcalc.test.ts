import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let viewer: Record<string, string>;
const ids: Record<string, number> = {};
beforeAll(async () => {
  t = await makeTestApp();
  for (const [name, cidr] of [['lab', '198.18.0.0/24'], ['wide', '198.18.4.0/22'], ['small', '198.18.1.0/26'], ['v6', 'fd00:18::/64']] as const) {
    ids[name] = (await t.call('POST', '/api/subnets', { cidr, name })).body.id;
  }
  await t.call('POST', '/api/users', { username: 'viewer', password: 'viewer password 1', role: 'viewer' });
  const login = await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'viewer', password: 'viewer password 1' }) });
  viewer = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
});
afterAll(() => t.close());

const get = (path: string, headers?: Record<string, string>) => t.call('GET', path, undefined, headers);
const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];

describe('GET /api/tools/ipcalc', () => {
  it('answers a viewer with the block, its edges and the managed subnets around it', async () => {
    const r = await get('/api/tools/ipcalc?cidr=198.18.0.77', viewer);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      input: '198.18.0.77',
      family: 4,
      address: '198.18.0.77',
      cidr: '198.18.0.77/32',
      network: '198.18.0.77',
      prefix: 32,
      netmask: '255.255.255.255',
      wildcard: '0.0.0.0',
      broadcast: null,
      firstUsable: '198.18.0.77',
      lastUsable: '198.18.0.77',
      addresses: '1',
      usable: '1',
      kind: 'benchmarking',
      reverseZone: '77.0.18.198.in-addr.arpa',
      binary: { address: '11000110.00010010.00000000.01001101', netmask: '11111111.11111111.11111111.11111111', network: '11000110.00010010.00000000.01001101' },
      mapped: null,
      split: null,
      managed: [{ id: ids.lab, cidr: '198.18.0.0/24', name: 'lab', relation: 'contains' }],
    });
  });

  it.each([
    ['198.18.0.0/24', [['lab', 'equal']]],
    ['198.18.0.0/21', [['lab', 'within'], ['small', 'within'], ['wide', 'within']]],
    ['198.18.6.0/23', [['wide', 'contains']]],
    ['198.18.2.0/24', []],
    ['fd00:18::/48', [['v6', 'within']]],
    ['fd00:18::9', [['v6', 'contains']]],
    ['0.0.0.0/0', [['lab', 'within'], ['small', 'within'], ['wide', 'within']]],
    ['::ffff:198.18.0.1', []],
  ])('%s: managed %j (read from the database)', async (cidr, expected) => {
    const r = await get(`/api/tools/ipcalc?cidr=${encodeURIComponent(cidr)}`);
    const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    expect(r.body.managed.map((m: any) => [name[m.id], m.relation])).toEqual(expected);
  });

  it('splits a /48 into /64s, one page at a time', async () => {
    const r = await get('/api/tools/ipcalc?cidr=2001:db8:7::/48&splitPrefix=64&page=3&pageSize=1024');
    expect(r.body.split).toMatchObject({ prefix: 64, total: '65536', page: 3, pageSize: 1024 });
    expect([r.body.split.subnets.length, r.body.split.subnets[0], r.body.split.subnets.at(-1)]).toEqual([1024, '2001:db8:7:800::/64', '2001:db8:7:bff::/64']);
    const byCount = await get('/api/tools/ipcalc?cidr=198.18.0.0/24&splitCount=4');
    expect(byCount.body.split).toEqual({ prefix: 26, total: '4', page: 1, pageSize: 256, subnets: ['198.18.0.0/26', '198.18.0.64/26', '198.18.0.128/26', '198.18.0.192/26'] });
    expect(byCount.body.mapped).toBeNull();
    expect((await get('/api/tools/ipcalc?cidr=::ffff:198.18.0.1')).body).toMatchObject({ family: 6, kind: 'ipv4-mapped', mapped: { ipv4: '198.18.0.1', kind: 'benchmarking' }, binary: null, broadcast: null });
  });

  it.each([
    ['cidr=198.18.0.0/33', 'invalid_cidr'],
    ['cidr=nope', 'invalid_cidr'],
    ['cidr=fe80::1%25eth0', 'invalid_cidr'],
    ['cidr=198.18.0.0/24&splitPrefix=23', 'invalid_split'],
    ['cidr=198.18.0.0/24&splitPrefix=33', 'invalid_split'],
    ['cidr=fd00::/64&splitPrefix=129', 'invalid_split'],
    ['cidr=198.18.0.0/24&splitCount=3', 'invalid_split'],
    ['cidr=198.18.0.0/24&splitCount=2&splitPrefix=25', 'invalid_split'],
    ['cidr=198.18.0.0/24&splitPrefix=25&pageSize=1025', 'invalid_request'],
    ['cidr=198.18.0.0/24&splitPrefix=25&page=0', 'invalid_request'],
    ['cidr=198.18.0.0/24&splitPrefix=x', 'invalid_request'],
    [`cidr=${'1'.repeat(101)}`, 'invalid_request'],
    ['', 'invalid_request'],
  ])('%s is 400 %s', async (query, expected) => {
    expect(code(await get(`/api/tools/ipcalc?${query}`))).toEqual([400, expected]);
  });

  it('wants a session', async () => {
    expect(code(await get('/api/tools/ipcalc?cidr=198.18.0.1', {}))).toEqual([401, 'unauthorized']);
    expect(code(await get('/api/tools/supernet?cidrs=198.18.0.1', {}))).toEqual([401, 'unauthorized']);
  });
});

describe('GET /api/tools/supernet', () => {
  it('is the smallest block holding the list', async () => {
    const r = await get('/api/tools/supernet?cidrs=198.18.1.0/24,198.18.0.9,198.18.0.0/25', viewer);
    expect([r.status, r.body]).toEqual([200, { supernet: '198.18.0.0/23', covers: ['198.18.0.0/25', '198.18.1.0/24'] }]);
    expect((await get('/api/tools/supernet?cidrs=fd00:18::/64,fd00:18:0:3::1')).body).toEqual({ supernet: 'fd00:18::/62', covers: ['fd00:18::/64', 'fd00:18:0:3::1/128'] });
  });

  it('takes 256 entries and refuses 257', async () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `198.18.${i >> 8}.${i & 255}`).join(',');
    expect((await get(`/api/tools/supernet?cidrs=${list(256)}`)).body.supernet).toBe('198.18.0.0/24');
    expect(code(await get(`/api/tools/supernet?cidrs=${list(257)}`))).toEqual([400, 'invalid_request']);
  });

  it.each([
    ['198.18.0.0/24,fd00::/64', 'mixed_families'],
    ['198.18.0.0/24,,198.18.1.0/24', 'invalid_cidr'],
    ['198.18.0.0/24,198.18.1.0/33', 'invalid_cidr'],
    ['', 'invalid_request'],
  ])('%s is 400 %s', async (cidrs, expected) => {
    const r = await get(`/api/tools/supernet?cidrs=${encodeURIComponent(cidrs)}`);
    expect(code(r)).toEqual([400, expected]);
  });
});
