/**
 * Webhook endpoints through the API on a real libSQL file: what the audit log keeps of a URL (its origin: the
 * path and query carry the receiver's token), and the filters' validation (an empty list is refused, null means
 * all; tags follow the host tag rule, as maintenance windows' do). Nothing is sent: no endpoint is tested here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';

// loopback and a port nothing listens on: creating, changing and rotating an endpoint send nothing
const ORIGIN = 'http://127.0.0.1:9';
const SLACK_LIKE = `${ORIGIN}/services/T0SECRET/B0SECRET/xoxbTOKEN123`;
const NTFY_LIKE = `${ORIGIN}/alerts-topic-TOPICSECRET?auth=QUERYSECRET`;
const SECRETS = ['services', 'T0SECRET', 'B0SECRET', 'xoxbTOKEN123', 'TOPICSECRET', 'QUERYSECRET', 'alerts-topic'];
const base = { name: 'ops', eventTypes: ['host.down'] };

let t: TestApp;
let subnetId: number;
beforeAll(async () => {
  t = await makeTestApp({ webhookAllowPrivate: true });
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.4.0/24', name: 'lab' })).body.id;
});
afterAll(() => t.close());

const count = async (table: string) => Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

describe('the audit log keeps a webhook URL as its origin', () => {
  const auditOf = async (action: string, id: number) => {
    const res = await t.call('GET', `/api/audit?action=${action}&targetId=${id}`);
    expect(res.status).toBe(200);
    expect(res.body.entries).toHaveLength(1);
    return res.body.entries[0];
  };
  const expectNoSecret = (entry: unknown) => {
    const text = JSON.stringify(entry);
    for (const s of SECRETS) expect(text, s).not.toContain(s);
  };

  it('create, patch and rotate: the row names the origin only, the endpoint keeps the whole URL', async () => {
    const created = await t.call('POST', '/api/webhooks', { ...base, url: SLACK_LIKE });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    const create = await auditOf('webhook.create', id);
    expect(create.details).toMatchObject({ name: 'ops', url: `${ORIGIN}/…` });
    expectNoSecret(create);

    const patched = await t.call('PATCH', `/api/webhooks/${id}`, { url: NTFY_LIKE, format: 'ntfy' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const update = await auditOf('webhook.update', id);
    expect(update.details).toEqual({ url: `${ORIGIN}/…`, format: 'ntfy' });
    expectNoSecret(update);

    // no body: the answer is logged, with its URL (and secret) hidden the same way
    expect((await t.call('POST', `/api/webhooks/${id}/rotate`)).status).toBe(200);
    const rotate = await auditOf('webhook.rotate', id);
    expect(rotate.details).toMatchObject({ url: `${ORIGIN}/…`, secret: '(hidden)' });
    expectNoSecret(rotate);

    expect((await t.call('GET', `/api/webhooks/${id}`)).body.url).toBe(NTFY_LIKE);
  });
});

describe('endpoint filters', () => {
  it('subnetIds or tags [] (which would select nothing) are 400 on create and PATCH, writing nothing; null is all', async () => {
    const url = `${ORIGIN}/hook`;
    const before = await count('webhook_endpoints');
    for (const filter of [{ subnetIds: [] }, { tags: [] }]) {
      const res = await t.call('POST', '/api/webhooks', { ...base, url, ...filter });
      expect(res.status, JSON.stringify(filter)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect(await count('webhook_endpoints')).toBe(before);

    const ok = await t.call('POST', '/api/webhooks', { ...base, url, subnetIds: [subnetId], tags: ['db'] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    for (const filter of [{ subnetIds: [] }, { tags: [] }]) {
      const res = await t.call('PATCH', `/api/webhooks/${ok.body.id}`, filter);
      expect(res.status, JSON.stringify(filter)).toBe(400);
    }
    expect((await t.call('GET', `/api/webhooks/${ok.body.id}`)).body).toMatchObject({ subnetIds: [subnetId], tags: ['db'] });

    const all = await t.call('PATCH', `/api/webhooks/${ok.body.id}`, { subnetIds: null, tags: null });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ subnetIds: null, tags: null });
    const fresh = await t.call('POST', '/api/webhooks', { ...base, url });
    expect(fresh.body).toMatchObject({ subnetIds: null, tags: null });
  });

  // the rule of a host's tags: one line of at most 40 characters, trimmed, no `,` or `;`
  const tagCases: [string, string, boolean][] = [
    ['40 characters', 'x'.repeat(40), true],
    ['41 characters', 'x'.repeat(41), false],
    ['a comma', 'db,web', false],
    ['a semicolon', 'db;web', false],
    ['a control character', 'db\u0007', false],
    ['only spaces', '   ', false],
    ['spaces around', '  db  ', true],
  ];

  it.each(tagCases)('a tag with %s: the same answer from hosts, webhooks and maintenance windows', async (_, tag, valid) => {
    const host = await t.call('POST', '/api/hosts', { ip: `198.18.4.${10 + tagCases.findIndex((c) => c[1] === tag)}`, tags: [tag] });
    const hook = await t.call('POST', '/api/webhooks', { ...base, url: `${ORIGIN}/hook`, tags: [tag] });
    const window = await t.call('POST', '/api/maintenance', { scope: 'tag', tag, kind: 'once', startsAt: '2026-11-20T00:00:00Z', endsAt: '2026-11-21T00:00:00Z' });
    const statuses = [host.status, hook.status, window.status];
    expect(statuses, JSON.stringify([host.body, hook.body, window.body])).toEqual(valid ? [201, 201, 201] : [400, 400, 400]);
    if (valid) expect([host.body.tags, hook.body.tags, [window.body.tag]]).toEqual(Array(3).fill([tag.trim()]));
  });
});
