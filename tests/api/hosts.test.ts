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
