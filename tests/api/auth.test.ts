import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ sessionTtlSeconds: 3600 });
});
afterAll(() => t.close());

describe('authentication', () => {
  it('GET /health is public', async () => {
    expect(await t.call('GET', '/health', undefined, {})).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('every API operation in the OpenAPI document but login answers 401 without credentials', async () => {
    const doc = (await t.call('GET', '/openapi.json', undefined, {})).body;
    const ops: [string, string][] = [];
    for (const [path, methods] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(methods)) ops.push([method.toUpperCase(), path.replace(/\{id\}/g, '1')]);
    }
    expect(ops.length).toBeGreaterThan(20);
    for (const [method, path] of ops) {
      if (path === '/api/auth/login') continue;
      const res = await t.call(method, path, undefined, {});
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect((await t.call('GET', '/api/not-a-route', undefined, {})).status).toBe(401);
  });

  it('rejects a wrong password and a malformed login body', async () => {
    expect((await t.call('POST', '/api/auth/login', { username: 'admin', password: 'nope' }, {})).body.error.code).toBe('invalid_credentials');
    expect((await t.call('POST', '/api/auth/login', { username: 'nobody', password: 'nope' }, {})).status).toBe(401);
    expect((await t.call('POST', '/api/auth/login', { username: 'admin' }, {})).status).toBe(400);
  });

  it('sets an HttpOnly SameSite=Strict session cookie that expires', async () => {
    const res = await t.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {});
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/); // plain http, no https PUBLIC_URL
    const cookie = setCookie.split(';')[0]!;
    expect((await t.call('GET', '/api/auth/me', undefined, { cookie })).body).toEqual({ userId: 1, username: 'admin', role: 'admin', via: 'session', expiresAt: res.body.expiresAt });
    expect(Date.parse(res.body.expiresAt)).toBe(t.clock.now() + 3600_000);
    t.clock.advance(3601_000);
    expect((await t.call('GET', '/api/auth/me', undefined, { cookie })).status).toBe(401);
  });

  it('logout ends the session', async () => {
    const res = await t.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {});
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await t.call('POST', '/api/auth/logout', undefined, { cookie })).status).toBe(204);
    expect((await t.call('GET', '/api/subnets', undefined, { cookie })).status).toBe(401);
  });

  it('API tokens are shown once and work as Bearer tokens', async () => {
    const login = await t.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {});
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const created = await t.call('POST', '/api/tokens', { name: 'ci' }, { cookie });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^eipa_/);
    const bearer = { authorization: `Bearer ${created.body.token}` };
    expect((await t.call('GET', '/api/subnets', undefined, bearer)).status).toBe(200);
    expect((await t.call('GET', '/api/auth/me', undefined, bearer)).body).toEqual({ userId: 1, username: 'admin', role: 'editor', via: 'token', expiresAt: null });
    expect((await t.call('GET', '/api/subnets', undefined, { authorization: 'Bearer eipa_wrong' })).status).toBe(401);
    expect((await t.call('POST', '/api/tokens', { name: '' }, { cookie })).status).toBe(400);
  });
});
