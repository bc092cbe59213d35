import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../worker/errors.js';
import { createHost } from '../../worker/services/hosts.js';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';

let t: TestApp;
let hostId: number;
beforeAll(async () => {
  t = await makeTestApp();
  await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24' });
  hostId = (await t.call('POST', '/api/hosts', { ip: '198.18.0.20', tags: ['nas'] })).body.id;
});
afterAll(() => t.close());

describe('hosts', () => {
  it.each([
    [{ ip: '198.19.9.9' }, 400, 'no_subnet'],
    [{ ip: '198.18.0.300' }, 400, 'invalid_ip'],
    [{ ip: '198.18.0.20' }, 409, 'host_exists'],
    [{ ip: '198.18.0.21', tags: ['a,b'] }, 400, 'invalid_request'],
    [{ ip: '198.18.0.21', reserved: 'yes' }, 400, 'invalid_request'],
    [{ ip: '198.18.0.21', status: 'up' }, 400, 'invalid_request'],
  ])('POST %j → %i %s, nothing written', async (body, status, code) => {
    const before = await tableCounts(t.client);
    const res = await t.call('POST', '/api/hosts', body);
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('PATCH edits the annotations and keeps where the hostname came from', async () => {
    const res = await t.call('PATCH', `/api/hosts/${hostId}`, {
      hostname: 'nas.lab',
      description: 'storage',
      tags: ['nas', 'backup'],
      notes: 'rack 2',
      reserved: true,
      reservedBy: 'alice',
      reservedNote: 'do not reuse',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hostname: 'nas.lab', hostnameSource: 'manual', tags: ['nas', 'backup'], reserved: true, reservedBy: 'alice' });
    expect((await t.call('GET', `/api/hosts/${hostId}`)).body.notes).toBe('rack 2');
  });

  it.each([[{ tags: 'nas' }], [{ hostname: 'x'.repeat(300) }], [{ ip: '198.18.0.9' }], [{ status: 'down' }]])('PATCH %j is 400 and changes nothing', async (body) => {
    const before = (await t.call('GET', `/api/hosts/${hostId}`)).body;
    expect((await t.call('PATCH', `/api/hosts/${hostId}`, body)).status).toBe(400);
    expect((await t.call('GET', `/api/hosts/${hostId}`)).body).toEqual(before);
  });

  it('unknown hosts are 404 on every host route', async () => {
    for (const path of ['/api/hosts/999', '/api/hosts/999/events', '/api/hosts/999/history']) {
      expect((await t.call('GET', path)).status).toBe(404);
    }
    expect((await t.call('PATCH', '/api/hosts/999', { notes: 'x' })).status).toBe(404);
    expect((await t.call('GET', `/api/hosts/${hostId}/history?window=1y`)).status).toBe(400);
  });

  it('two creations of the same address at once: one 201, the other 409 host_exists', async () => {
    for (const ip of ['198.18.0.120', '198.18.0.121', '198.18.0.122']) {
      const answers = await Promise.all([1, 2, 3].map((n) => t.call('POST', '/api/hosts', { ip, hostname: `race-${n}` })));
      const created = answers.find((a) => a.status === 201)!;
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
      for (const lost of answers.filter((a) => a.status === 409)) expect(lost.body.error).toMatchObject({ code: 'host_exists', details: { hostId: created.body.id } });
    }
  });

  it('creations that all found the address free: the insert that loses is host_exists, not a database error', async () => {
    // called together, each checks before any inserts, so the database's UNIQUE index decides
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => createHost(t.deps, '198.18.0.130', { hostname: `race-${n}` })));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won.length).toBe(1);
    const id = (won[0] as PromiseFulfilledResult<{ id: number }>).value.id;
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      const e = (o as PromiseRejectedResult).reason;
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({ status: 409, code: 'host_exists', details: { hostId: id } });
    }
  });

  it('DELETE forgets a host', async () => {
    const id = (await t.call('POST', '/api/hosts', { ip: '198.18.0.99' })).body.id;
    expect((await t.call('DELETE', `/api/hosts/${id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/hosts/${id}`)).status).toBe(404);
  });
});

describe('search by MAC and vendor', () => {
  const ids: Record<string, number> = {};
  const search = async (query: string) => {
    const res = await t.call('GET', `/api/hosts?${query}`);
    return res.status === 200 ? [res.body.total, res.body.hosts.map((h: any) => h.ip)] : [res.status, res.body.error.code];
  };

  beforeAll(async () => {
    await t.call('POST', '/api/subnets', { cidr: '198.18.7.0/24' });
    for (const ip of ['198.18.7.1', '198.18.7.2', '198.18.7.3', '198.18.7.4']) ids[ip] = (await t.call('POST', '/api/hosts', { ip })).body.id;
    // the sweep ingest that records MACs (worker/ingest/sweep-devices.ts) had not landed when this was written:
    // the rows it writes are seeded here with SQL into the real database
    const device = async (ip: string, mac: string, vendor: string | null, current: boolean, first: number) => {
      if (current) await t.client.execute({ sql: 'UPDATE hosts SET mac = ?, vendor = ?, mac_random = ? WHERE id = ?', args: [mac, vendor, vendor ? 0 : 1, ids[ip]!] });
      await t.client.execute({
        sql: 'INSERT INTO host_devices (host_id, mac, vendor, mac_random, hostname, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, NULL, ?, ?)',
        args: [ids[ip]!, mac, vendor, vendor ? 0 : 1, first, first + 1000],
      });
    };
    await device('198.18.7.1', '00:0c:29:ab:cd:01', 'VMware, Inc.', true, 1);
    await device('198.18.7.2', '00:0c:29:ab:cd:02', 'VMware, Inc.', false, 1); // had a VMware NIC before
    await device('198.18.7.2', 'b8:27:eb:00:00:02', 'Raspberry Pi Foundation', true, 5000);
    await device('198.18.7.3', '02:42:ac:11:00:03', null, true, 1); // locally administered: no vendor
  });

  it.each([
    ['mac=00:0c:29:ab:cd:01', [1, ['198.18.7.1']]],
    ['mac=00-0C-29-AB-CD-01', [1, ['198.18.7.1']]],
    ['mac=000c.29ab.cd01', [1, ['198.18.7.1']]],
    ['mac=000C29ABCD01', [1, ['198.18.7.1']]],
    // a prefix matches the current MAC and the ones an address had before (198.18.7.2's VMware NIC)
    ['mac=00:0c:29', [2, ['198.18.7.1', '198.18.7.2']]],
    ['mac=00:0C:2', [2, ['198.18.7.1', '198.18.7.2']]],
    ['mac=00:0c:29:ab:cd:02', [1, ['198.18.7.2']]],
    ['mac=b8:27', [1, ['198.18.7.2']]],
    ['mac=0', [3, ['198.18.7.1', '198.18.7.2', '198.18.7.3']]],
    ['mac=00:0c:29:ab:cd:03', [0, []]],
    ['mac=00:0c:29&subnetId=999', [0, []]],
    ['vendor=vmware', [1, ['198.18.7.1']]], // the current vendor only
    ['vendor=Raspberry%20Pi', [1, ['198.18.7.2']]],
    ['vendor=%25', [0, []]],
    ['vendor=raspberry&mac=00:0c:29', [1, ['198.18.7.2']]],
    ['q=00:0C:29', [1, ['198.18.7.1']]], // q: the current MAC only
    ['q=b827eb', [1, ['198.18.7.2']]],
    ['q=raspberry', [1, ['198.18.7.2']]],
    ['q=198.18.7.', [4, ['198.18.7.1', '198.18.7.2', '198.18.7.3', '198.18.7.4']]],
  ])('%s', async (query, expected) => expect(await search(query)).toEqual(expected));

  it.each(['mac=web', 'mac=00:0c:29:ab:cd:ef:01', 'mac=0g', 'mac=%20'])('%s is 400 invalid_mac', async (query) => {
    expect(await search(query)).toEqual([400, 'invalid_mac']);
  });

  it.each(['mac=', 'vendor=', 'previouslyUsed=yes', `mac=${'0'.repeat(41)}`])('%s is 400 invalid_request', async (query) => {
    expect(await search(query)).toEqual([400, 'invalid_request']);
  });

  it('a host in the answer carries its MAC, vendor and whether the MAC is random', async () => {
    const [h] = (await t.call('GET', '/api/hosts?mac=02:42')).body.hosts;
    expect(h).toMatchObject({ ip: '198.18.7.3', mac: '02:42:ac:11:00:03', vendor: null, macRandom: true, previouslyUsed: false });
  });
});
