/**
 * Issue 11, webhook delivery through the API on a real libSQL file and a real loopback receiver that verifies
 * every signature: the retry schedule on the test clock, order per host, Retry-After, 410, five days failing,
 * an exhausted schedule, no redirects, secret rotation, the URL policy, every format, validation and roles, the
 * Node timer, pruning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneHistory } from '../../worker/duties.js';
import { NodeOutboxTimer } from '../../worker/node/outbox-timer.js';
import { RETRY_DELAYS_MS } from '../../worker/webhooks/retry.js';
import { LEASE_MS } from '../../worker/webhooks/runner.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';
import { arrivals, ip, webhookRig, type Rig } from '../support/webhook-rig.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hostEvents = ['host.down', 'host.up'];

/** The delivery log's attempts, oldest first, as the fields a user reads. */
const attemptsOf = async (r: Rig, endpointId: number) =>
  (await r.log(endpointId)).attempts.reverse().map((a) => [a.eventId, a.attempt, a.statusCode, a.error, a.state]);

describe('retries, order per host, at least once', () => {
  let r: Rig;
  let ep: { id: number; secret: string };
  beforeAll(async () => {
    r = await webhookRig();
    ep = await r.endpoint({ name: 'ops', url: `${r.rx.url}/hook`, eventTypes: hostEvents });
  });
  afterAll(() => r.close());

  it('a receiver failing (500) for a while gets every event afterwards, in order per host, each retry only when due', async () => {
    const [A, B] = [ip(10), ip(11)];
    await r.sweep([A, B]); // discovered: no event
    await r.sweep([]); // A down, B down
    await r.sweep([A, B]); // A up, B up
    await r.sweep([B]); // A down
    const rows = await r.deliveries(ep.id);
    expect(rows.map((d) => d.orderKey)).toHaveLength(5);

    r.rx.answer = (n) => ({ status: n < 4 ? 500 : 204 });
    const t0 = r.t.clock.now();
    // attempt 1 at once: the first event of each host, and nothing queued behind them
    const first = await r.run();
    expect(first.attempts).toBe(2);
    // the sender's next wake-up is the retry, not the events waiting behind it (already "due", but held back)
    expect(first.nextDueAt! - t0).toBeGreaterThanOrEqual(4_500);
    expect(first.nextDueAt! - t0).toBeLessThanOrEqual(5_500);
    expect(arrivals(r.rx.received).map((a) => [a.ip, a.type]).sort()).toEqual([[A, 'host.down'], [B, 'host.down']]);
    expect((await r.t.call('GET', `/api/webhooks/${ep.id}`)).body.failingSince).toBe(new Date(t0).toISOString());

    // attempt 2: 5 s ±10 % later, not before
    const log1 = await r.log(ep.id);
    expect(log1.pending).toBe(5);
    const due2 = Date.parse(log1.nextAttemptAt!);
    expect(due2 - t0).toBeGreaterThanOrEqual(4_500);
    expect(due2 - t0).toBeLessThanOrEqual(5_500);
    r.t.clock.t = t0 + 4_499;
    expect((await r.run()).attempts).toBe(0);
    r.t.clock.t = t0 + 5_500;
    expect((await r.run()).attempts).toBe(2);
    expect(r.rx.received).toHaveLength(4);

    // attempt 3: 5 min ±10 % after the second; then the rest follow in the same run, host by host in order
    const t2 = r.t.clock.now();
    r.t.clock.t = t2 + 270_000 - 1;
    expect((await r.run()).attempts).toBe(0);
    r.t.clock.t = t2 + 330_000;
    const last = await r.run();
    expect(last).toMatchObject({ attempts: 5, delivered: 5, nextDueAt: null });

    const got = arrivals(r.rx.received);
    expect(r.rx.received.every((x) => x.verified)).toBe(true);
    for (const [host, types] of [[A, ['host.down', 'host.up', 'host.down']], [B, ['host.down', 'host.up']]] as const) {
      const mine = got.filter((g) => g.ip === host);
      const ids = [...new Set(mine.map((g) => g.id))];
      expect(ids.map((id) => mine.find((g) => g.id === id)!.type)).toEqual(types);
      // one event per webhook-id: the same id and the same body on every retry, the id inside the body too
      for (const id of ids) {
        const tries = mine.filter((g) => g.id === id);
        expect(new Set(tries.map((g) => g.body)).size).toBe(1);
        expect(JSON.parse(tries[0]!.body).id).toBe(id);
      }
      // a later event is not sent while an earlier one of the host is pending: each starts after the one before succeeded
      for (let k = 1; k < ids.length; k++) {
        const firstOfNext = mine.findIndex((g) => g.id === ids[k]);
        const okOfPrevious = mine.findIndex((g) => g.id === ids[k - 1] && g.status === 204);
        expect(okOfPrevious).toBeGreaterThanOrEqual(0);
        expect(firstOfNext).toBeGreaterThan(okOfPrevious);
      }
    }
    // the first events were tried three times: 500, 500, 204
    expect(got.filter((g) => g.id === got[0]!.id).map((g) => g.status)).toEqual([500, 500, 204]);
    expect((await r.t.call('GET', `/api/webhooks/${ep.id}`)).body.failingSince).toBeNull();
  });

  it('the delivery log lists every attempt with its status code, duration, error and number', async () => {
    const log = await r.log(ep.id);
    expect(log).toMatchObject({ pending: 0, nextAttemptAt: null });
    expect(log.attempts).toHaveLength(9);
    for (const a of log.attempts) {
      expect(Number.isInteger(a.durationMs) && a.durationMs >= 0).toBe(true);
      expect(a.type).toMatch(/^host\./);
    }
    const attempts = await attemptsOf(r, ep.id);
    const first = r.rx.received.slice(0, 2).map((x) => String(x.headers['webhook-id']));
    for (const id of first) {
      expect(attempts.filter((a) => a[0] === id)).toEqual([
        [id, 1, 500, 'HTTP 500', 'delivered'],
        [id, 2, 500, 'HTTP 500', 'delivered'],
        [id, 3, 204, null, 'delivered'],
      ]);
    }
    expect(attempts.filter((a) => !first.includes(a[0])).map((a) => a.slice(1))).toEqual(Array(3).fill([1, 204, null, 'delivered']));
    const ats = log.attempts.map((a: any) => Date.parse(a.at));
    expect(ats).toEqual([...ats].sort((x, y) => y - x)); // newest first
  });

  it('a claim left by a crashed runner lapses: the delivery goes out again, with the same webhook-id', async () => {
    r.rx.received.length = 0;
    await r.sweep([ip(10), ip(11)]); // A up
    const [row] = (await r.deliveries(ep.id)).filter((d) => d.state === 'pending');
    expect((await r.run()).attempts).toBe(1);
    // as if a runner had sent it and died before recording: pending again, held by its claim
    const now = r.t.clock.now();
    await r.t.client.execute({ sql: `UPDATE webhook_deliveries SET state = 'pending', finished_at = NULL, lease_until = ? WHERE id = ?`, args: [now + LEASE_MS, row!.id] });
    expect((await r.run()).attempts).toBe(0);
    r.t.clock.advance(LEASE_MS - 1);
    expect((await r.run()).attempts).toBe(0);
    r.t.clock.advance(2);
    expect((await r.run()).attempts).toBe(1);
    const got = arrivals(r.rx.received);
    expect(got.map((g) => g.id)).toEqual([row!.eventId, row!.eventId]);
    expect(got.map((g) => g.type)).toEqual(['host.up', 'host.up']);
  });
});

describe('Retry-After', () => {
  let r: Rig;
  let id: number;
  beforeAll(async () => {
    r = await webhookRig();
    id = (await r.endpoint({ name: 'ra', url: `${r.rx.url}/hook`, eventTypes: ['test'] })).id;
  });
  afterAll(() => r.close());

  /** Sends a test event answered once with `status` and these headers, then 204; answers when the retry was planned. */
  const firstAnswer = async (status: number, headers: (now: number) => Record<string, string>) => {
    const before = r.rx.received.length;
    r.rx.answer = (n) => (n === before ? { status, headers: headers(r.t.clock.now()) } : { status: 204 });
    const sent = r.t.clock.now();
    const res = await r.t.call('POST', `/api/webhooks/${id}/test`);
    expect(res.body).toMatchObject({ delivered: false, statusCode: status });
    return { sent, due: Date.parse((await r.log(id)).nextAttemptAt!) };
  };
  /** Not a millisecond before `due`, then at `due`. */
  const retriedAt = async (due: number) => {
    r.t.clock.t = due - 1;
    expect((await r.run()).attempts).toBe(0);
    r.t.clock.t = due;
    expect(await r.run()).toMatchObject({ attempts: 1, delivered: 1 });
  };

  it('429 with Retry-After: 120 waits 120 s, not the schedule\'s 5 s', async () => {
    const { sent, due } = await firstAnswer(429, () => ({ 'retry-after': '120' }));
    expect(due - sent).toBe(120_000);
    r.t.clock.t = sent + 6_000;
    expect((await r.run()).attempts).toBe(0);
    await retriedAt(due);
  });

  it('503 too', async () => {
    const { sent, due } = await firstAnswer(503, () => ({ 'retry-after': '90' }));
    expect(due - sent).toBe(90_000);
    await retriedAt(due);
  });

  it('the HTTP-date form', async () => {
    const { sent, due } = await firstAnswer(503, (now) => ({ 'retry-after': new Date(now + 300_000).toUTCString() }));
    expect(due).toBe(Math.floor((sent + 300_000) / 1000) * 1000);
    await retriedAt(due);
  });

  it('a 500\'s Retry-After is not honoured: the schedule applies', async () => {
    const { sent, due } = await firstAnswer(500, () => ({ 'retry-after': '120' }));
    expect(due - sent).toBeGreaterThanOrEqual(4_500);
    expect(due - sent).toBeLessThanOrEqual(5_500);
    await retriedAt(due);
  });
});

describe('410 Gone', () => {
  let r: Rig;
  let id: number;
  beforeAll(async () => {
    r = await webhookRig();
    id = (await r.endpoint({ name: 'gone', url: `${r.rx.url}/hook`, eventTypes: hostEvents })).id;
  });
  afterAll(() => r.close());

  it('disables the endpoint and says why, cancels what it had pending, and nothing more is sent', async () => {
    await r.sweep([ip(10), ip(11)]);
    await r.sweep([ip(11)]); // A down
    await r.sweep([ip(10), ip(11)]); // A up
    await r.sweep([]); // A down, B down
    r.rx.answer = () => ({ status: 410 });
    await r.run();
    const tried = r.rx.received.length;
    expect(tried).toBeGreaterThanOrEqual(1);
    const ep = (await r.t.call('GET', `/api/webhooks/${id}`)).body;
    expect(ep).toMatchObject({ enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
    const rows = await r.deliveries(id);
    expect(rows.filter((d) => d.state === 'pending')).toEqual([]);
    expect(rows.filter((d) => d.lastStatus === 410)).toHaveLength(tried);
    expect(rows.filter((d) => d.attempts === 0).map((d) => d.state)).toEqual(Array(rows.length - tried).fill('cancelled'));

    r.t.clock.advance(DAY);
    expect((await r.run()).attempts).toBe(0);
    await r.sweep([ip(10), ip(11)]); // new events: none for a disabled endpoint
    expect(await r.deliveries(id)).toHaveLength(rows.length);
    const test = await r.t.call('POST', `/api/webhooks/${id}/test`);
    expect([test.status, test.body.error.code]).toEqual([409, 'endpoint_disabled']);
    expect(r.rx.received).toHaveLength(tried);
  });

  it('enabling it again clears the reason and it is sent to again', async () => {
    const res = await r.t.call('PATCH', `/api/webhooks/${id}`, { enabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    expect((await r.t.call('GET', `/api/webhooks/${id}`)).body.disabledReason).toBeNull();
    r.rx.answer = () => ({ status: 204 });
    expect((await r.t.call('POST', `/api/webhooks/${id}/test`)).body).toMatchObject({ delivered: true, statusCode: 204 });
  });
});

describe('an endpoint that keeps failing', () => {
  let r: Rig;
  let id: number;
  let t0: number;
  beforeAll(async () => {
    r = await webhookRig();
    id = (await r.endpoint({ name: 'down', url: `${r.rx.url}/hook`, eventTypes: ['test'] })).id;
    r.rx.answer = () => ({ status: 500 });
  });
  afterAll(() => r.close());

  it('is tried ten times on the schedule, each not before due, then the delivery is failed and tried no more', async () => {
    t0 = r.t.clock.now();
    expect((await r.t.call('POST', `/api/webhooks/${id}/test`)).body).toMatchObject({ delivered: false, statusCode: 500 });
    for (let k = 1; k < RETRY_DELAYS_MS.length; k++) {
      const last = r.t.clock.now();
      const due = Date.parse((await r.log(id)).nextAttemptAt!);
      const d = RETRY_DELAYS_MS[k]!;
      expect(due - last, `delay before attempt ${k + 1}`).toBeGreaterThanOrEqual(Math.floor(d * 0.9));
      expect(due - last, `delay before attempt ${k + 1}`).toBeLessThanOrEqual(Math.ceil(d * 1.1));
      r.t.clock.t = due - 1;
      expect((await r.run()).attempts).toBe(0);
      r.t.clock.t = due;
      expect((await r.run()).attempts).toBe(1);
    }
    expect(r.rx.received).toHaveLength(10);
    const log = await r.log(id);
    expect(log).toMatchObject({ pending: 0, nextAttemptAt: null });
    expect(log.attempts.map((a: any) => [a.attempt, a.statusCode, a.state])).toEqual(Array.from({ length: 10 }, (_, i) => [10 - i, 500, 'failed']));
    r.t.clock.advance(DAY);
    expect((await r.run()).attempts).toBe(0);
    expect(r.rx.received).toHaveLength(10);
    // the whole schedule is about 3 days: not yet disabled
    expect((await r.t.call('GET', `/api/webhooks/${id}`)).body).toMatchObject({ enabled: true, disabledReason: null, failingSince: new Date(t0).toISOString() });
  });

  it('failing for 5 days disables it, with that reason', async () => {
    r.t.clock.t = t0 + 5 * DAY - HOUR;
    expect((await r.t.call('POST', `/api/webhooks/${id}/test`)).body).toMatchObject({ delivered: false, statusCode: 500 });
    expect((await r.t.call('GET', `/api/webhooks/${id}`)).body.enabled).toBe(true);
    r.t.clock.advance(HOUR); // the retry (5 s) is due, and the endpoint has failed for 5 days
    expect((await r.run()).attempts).toBe(1);
    expect((await r.t.call('GET', `/api/webhooks/${id}`)).body).toMatchObject({ enabled: false, disabledReason: 'failing for 5 days' });
    expect((await r.deliveries(id)).filter((d) => d.state === 'pending')).toEqual([]);
    r.t.clock.advance(DAY);
    expect((await r.run()).attempts).toBe(0);
    const res = await r.t.call('PATCH', `/api/webhooks/${id}`, { enabled: true });
    expect(res.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });
});

describe('redirects are not followed', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await webhookRig();
  });
  afterAll(() => r.close());

  it.each([302, 307])('a %d to another path counts as a failure and the other path is never hit', async (status) => {
    r.rx.received.length = 0;
    const { id } = await r.endpoint({ name: `r${status}`, url: `${r.rx.url}/hook${status}`, eventTypes: ['test'] });
    r.rx.answer = (_n, req) => (req.path.startsWith('/hook') ? { status, headers: { location: `${r.rx.url}/other` } } : { status: 204 });
    expect((await r.t.call('POST', `/api/webhooks/${id}/test`)).body).toMatchObject({ delivered: false, statusCode: status, error: `HTTP ${status}` });
    r.t.clock.advance(5_500);
    expect((await r.run()).attempts).toBe(1);
    expect(r.rx.received.map((x) => x.path)).toEqual([`/hook${status}`, `/hook${status}`]);
    expect((await r.log(id)).attempts.map((a: any) => [a.statusCode, a.error, a.state])).toEqual(Array(2).fill([status, `HTTP ${status}`, 'pending']));
  });
});

describe('secret rotation', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await webhookRig();
  });
  afterAll(() => r.close());

  it('signs with the new and the old secret for 24 hours, then with the new one only', async () => {
    const { id, secret: old } = await r.endpoint({ name: 'rot', url: `${r.rx.url}/hook`, eventTypes: ['test'] });
    const rotated = await r.t.call('POST', `/api/webhooks/${id}/rotate`);
    expect(rotated.status).toBe(200);
    const fresh: string = rotated.body.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(rotated.body).toMatchObject({ rotating: true, previousSecretValidUntil: new Date(r.t.clock.now() + DAY).toISOString() });
    r.rx.secrets = [fresh, old];

    expect((await r.t.call('POST', `/api/webhooks/${id}/test`)).body.delivered).toBe(true);
    const during = r.rx.received.at(-1)!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(String(during.headers['webhook-signature'])).toMatch(/^v1,\S+ v1,\S+$/);
    expect(during.verifiedBy).toEqual([0, 1]);
    // each signature verifies with exactly one of the secrets
    for (const [i, secret] of [fresh, old].entries()) {
      r.rx.secrets = [secret];
      await r.t.call('POST', `/api/webhooks/${id}/test`);
      expect(r.rx.received.at(-1)!.verifiedBy, `secret ${i}`).toEqual([0]);
    }

    r.t.clock.advance(DAY - 1);
    r.rx.secrets = [fresh, old];
    await r.t.call('POST', `/api/webhooks/${id}/test`);
    expect(r.rx.received.at(-1)!.verifiedBy).toEqual([0, 1]);
    r.t.clock.advance(1);
    expect((await r.t.call('GET', `/api/webhooks/${id}`)).body.rotating).toBe(false);
    expect((await r.t.call('POST', `/api/webhooks/${id}/test`)).body.delivered).toBe(true);
    const after = r.rx.received.at(-1)!;
    expect(String(after.headers['webhook-signature'])).toMatch(/^v1,\S+$/);
    expect(after.verifiedBy).toEqual([0]);
  });
});

describe('the URL policy through the API', () => {
  let t: TestApp;
  const rows = async () => (await t.client.execute('SELECT id, url, name, updated_at FROM webhook_endpoints ORDER BY id')).rows.map((x) => ({ ...x }));
  beforeAll(async () => {
    t = await makeTestApp(); // webhookAllowPrivate off, as on a default Node host
  });
  afterAll(() => t.close());

  it.each([
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://169.254.169.254/latest',
    'http://[fd00:ec2::254]/',
    'http://localhost:8080/',
    'http://0x7f.1/',
    'ftp://x/',
    'https://user:pw@hooks.example/',
  ])('refuses %s with 400 url_not_allowed and writes nothing', async (url) => {
    const before = await rows();
    const res = await t.call('POST', '/api/webhooks', { name: 'x', url, eventTypes: ['test'] });
    expect([res.status, res.body.error.code]).toEqual([400, 'url_not_allowed']);
    expect(await rows()).toEqual(before);
  });

  it('accepts a LAN address; a PATCH to a refused URL is 400 and changes nothing', async () => {
    // a LAN address is the point of this test, so it is never contacted: the endpoint is disabled, takes only `test`, no test is sent
    const res = await t.call('POST', '/api/webhooks', { name: 'lan', url: 'http://192.168.1.10/ntfy', format: 'ntfy', eventTypes: ['test'], enabled: false });
    expect(res.status).toBe(201);
    const before = await rows();
    for (const url of ['http://127.0.0.1/ntfy', 'http://[::ffff:127.0.0.1]/ntfy', 'http://169.254.169.254/ntfy']) {
      const patch = await t.call('PATCH', `/api/webhooks/${res.body.id}`, { url, name: 'changed' });
      expect([patch.status, patch.body.error.code]).toEqual([400, 'url_not_allowed']);
    }
    expect(await rows()).toEqual(before);
    // and nothing was ever queued or tried for it
    for (const table of ['webhook_deliveries', 'webhook_attempts']) {
      const n = (await t.client.execute({ sql: `SELECT count(*) AS n FROM ${table} WHERE endpoint_id = ?`, args: [res.body.id] })).rows[0]!.n;
      expect(Number(n), table).toBe(0);
    }
    expect((await t.call('DELETE', `/api/webhooks/${res.body.id}`)).status).toBe(204);
  });

  it('with webhookAllowPrivate, loopback is accepted', async () => {
    const open = await makeTestApp({ webhookAllowPrivate: true });
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'http://[::1]:9/hook', 'http://localhost:9/hook']) {
        const res = await open.call('POST', '/api/webhooks', { name: 'lo', url, eventTypes: ['test'], enabled: false });
        expect(res.status, url).toBe(201);
      }
    } finally {
      open.close();
    }
  });
});

describe('every format end to end', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await webhookRig();
  });
  afterAll(() => r.close());

  it('slack, discord, teams and ntfy each get their own body, signed', async () => {
    const formats = ['slack', 'discord', 'teams', 'ntfy'] as const;
    const secrets: Record<string, number> = {};
    for (const format of formats) {
      await r.endpoint({ name: format, url: `${r.rx.url}/${format}/topic`, format, eventTypes: ['host.down'] });
      secrets[format] = r.rx.secrets.length - 1;
    }
    await r.sweep([ip(10)]);
    await r.sweep([]); // down
    expect(await r.run()).toMatchObject({ attempts: 4, delivered: 4 });
    const byFormat = Object.fromEntries(r.rx.received.map((x) => [x.path.split('/')[1]!, x]));
    expect(Object.keys(byFormat).sort()).toEqual([...formats].sort());
    for (const format of formats) {
      const got = byFormat[format]!;
      expect(got.verifiedBy, format).toEqual([secrets[format]]);
      expect(got.headers['webhook-id']).toMatch(/\S/);
      expect(got.headers['user-agent']).toBe('edge-ipam-webhooks/1');
    }
    const slack = JSON.parse(byFormat.slack!.body);
    expect(slack.text).toContain(ip(10));
    expect(slack.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    const discord = JSON.parse(byFormat.discord!.body);
    expect(discord.content).toContain(ip(10));
    expect(discord.embeds).toHaveLength(1);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    const teams = JSON.parse(byFormat.teams!.body);
    expect(teams.type).toBe('message');
    expect(teams.attachments).toHaveLength(1);
    expect(teams.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } });
    expect(teams.text).toBeUndefined();
    for (const f of ['slack', 'discord', 'teams']) expect(byFormat[f]!.headers['content-type']).toMatch(/^application\/json/);
    const ntfy = byFormat.ntfy!;
    expect(ntfy.headers['content-type']).toMatch(/^text\/plain/);
    expect(ntfy.body).toContain(ip(10));
    expect(() => JSON.parse(ntfy.body)).toThrow();
    expect(ntfy.headers['x-title']).toMatch(/\S/);
    expect(ntfy.headers['x-priority']).toBe('high');
    expect(ntfy.headers['x-tags']).toBe('rotating_light,host.down');
  });
});

describe('validation and roles', () => {
  let r: Rig;
  const as: Record<'viewer' | 'editor', Record<string, string>> = { viewer: {}, editor: {} };
  beforeAll(async () => {
    r = await webhookRig();
    for (const role of ['viewer', 'editor'] as const) {
      expect((await r.t.call('POST', '/api/users', { username: role, password: `${role}-password-1`, role })).status).toBe(201);
      const login = await r.t.call('POST', '/api/auth/login', { username: role, password: `${role}-password-1` }, {});
      as[role] = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, origin: 'http://localhost' };
    }
  });
  afterAll(() => r.close());

  const good = () => ({ name: 'ok', url: `${r.rx.url}/hook`, eventTypes: ['host.down'] });
  it.each([
    ['an unknown event type', { eventTypes: ['host.exploded'] }, 'invalid_request'],
    ['no event types', { eventTypes: [] }, 'invalid_request'],
    ['an unknown format', { format: 'pager' }, 'invalid_request'],
    ['an unknown subnet', { subnetIds: [9999] }, 'unknown_subnet'],
    ['an unknown field', { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAA' }, 'invalid_request'],
    ['an ntfy URL without a topic', { format: 'ntfy', url: 'http://127.0.0.1:9/' }, 'url_unsuited'],
  ])('refuses %s with 400 and writes nothing', async (_what, change, code) => {
    const before = await r.count('webhook_endpoints');
    const res = await r.t.call('POST', '/api/webhooks', { ...good(), ...change });
    expect([res.status, res.body.error.code]).toEqual([400, code]);
    expect(await r.count('webhook_endpoints')).toBe(before);
  });

  it('viewers and editors get 403 on every /api/webhooks route, and nothing changes', async () => {
    const { id } = await r.endpoint(good());
    const before = (await r.t.client.execute('SELECT * FROM webhook_endpoints')).rows.map((x) => ({ ...x }));
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/webhooks'],
      ['POST', '/api/webhooks', good()],
      ['GET', `/api/webhooks/${id}`],
      ['PATCH', `/api/webhooks/${id}`, { name: 'mine' }],
      ['DELETE', `/api/webhooks/${id}`],
      ['POST', `/api/webhooks/${id}/rotate`],
      ['POST', `/api/webhooks/${id}/test`],
      ['GET', `/api/webhooks/${id}/deliveries`],
    ];
    for (const role of ['viewer', 'editor'] as const) {
      for (const [method, path, body] of routes) {
        const res = await r.t.call(method, path, body, as[role]);
        expect([role, method, path, res.status, res.body?.error?.code]).toEqual([role, method, path, 403, 'forbidden']);
      }
    }
    expect((await r.t.client.execute('SELECT * FROM webhook_endpoints')).rows.map((x) => ({ ...x }))).toEqual(before);
    expect(r.rx.received).toHaveLength(0);
    expect(await r.count('alert_events')).toBe(0);
  });
});

describe('the Node timer', () => {
  let r: Rig;
  let id: number;
  let timer: NodeOutboxTimer | null = null;
  beforeAll(async () => {
    r = await webhookRig();
    id = (await r.endpoint({ name: 'timer', url: `${r.rx.url}/hook`, eventTypes: ['host.down'] })).id;
    await r.sweep([10, 11, 12, 13, 14, 15].map(ip));
  });
  afterAll(async () => {
    r.rx.release();
    await timer?.close();
    await r.close();
  });
  const pendingOf = async () => (await r.deliveries(id)).filter((d) => d.state === 'pending');
  const arrived = (n: number) => waitFor(`${n} requests`, () => r.rx.received.length >= n, 5_000, 5);

  it('start() releases a crashed run\'s claims and sends what was pending', async () => {
    await r.sweep([11, 12, 13, 14, 15].map(ip)); // .10 down
    const [row] = await pendingOf();
    await r.t.client.execute({ sql: 'UPDATE webhook_deliveries SET lease_until = ? WHERE id = ?', args: [r.t.clock.now() + HOUR, row!.id] });
    expect((await r.run()).attempts).toBe(0); // held by the claim
    timer = new NodeOutboxTimer();
    await timer.start(r.t.deps);
    await arrived(1);
    expect(arrivals(r.rx.received)[0]!.id).toBe(row!.eventId);
    await waitFor('recorded', async () => (await pendingOf()).length === 0, 5_000, 5);
  });

  /**
   * The run holds the first request; meanwhile a host goes down, and the sweeps move the test clock past the run's
   * budget, so the run stops without looking again. Only a wake makes the next run start at once; without one, the
   * earliest due delivery brings it after the 250 ms gap.
   */
  const heldRun = async (downIp: string, alsoDown: string, wake: boolean) => {
    const up = [10, 11, 12, 13, 14, 15].map(ip);
    const start = r.rx.received.length;
    r.rx.answer = (n) => (n === start ? 'hold' : { status: 204 });
    await r.sweep(up.filter((a) => a !== downIp));
    await timer!.wake();
    await arrived(start + 1);
    await r.sweep(up.filter((a) => a !== downIp && a !== alsoDown)); // the next one down, 60 s later on the test clock
    expect(await pendingOf()).toHaveLength(2);
    if (wake) await timer!.wake();
    const released = performance.now();
    r.rx.release();
    await arrived(start + 2);
    const gap = performance.now() - released;
    expect(arrivals(r.rx.received).slice(start).map((a) => a.ip)).toEqual([downIp, alsoDown]);
    await r.sweep(up); // all up again
    await waitFor('recorded', async () => (await pendingOf()).length === 0, 5_000, 5);
    return gap;
  };

  it('without a wake during a run, what came in during it waits for the next due time', async () => {
    expect(await heldRun(ip(11), ip(12), false)).toBeGreaterThanOrEqual(240);
  });

  it('a wake() during a run starts another run right after it', async () => {
    expect(await heldRun(ip(13), ip(14), true)).toBeLessThan(240);
  });

  it('close() waits for the run under way, and then nothing more is sent', async () => {
    const start = r.rx.received.length;
    r.rx.answer = (n) => (n === start ? 'hold' : { status: 204 });
    await r.sweep([10, 11, 12, 13, 14].map(ip)); // .15 down
    await timer!.wake();
    await arrived(start + 1);
    let closed = false;
    const closing = timer!.close().then(() => (closed = true));
    await new Promise((res) => setTimeout(res, 100));
    expect(closed).toBe(false);
    r.rx.release();
    await closing;
    // the run had recorded its attempt before close() returned
    expect(await pendingOf()).toEqual([]);
    await r.sweep([11, 12, 13, 14].map(ip)); // .10 down
    await timer!.wake();
    await new Promise((res) => setTimeout(res, 400));
    expect(r.rx.received).toHaveLength(start + 1);
    expect(await pendingOf()).toHaveLength(1);
    timer = null;
  });
});

describe('pruning', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await webhookRig();
  });
  afterAll(() => r.close());

  it('prune-history deletes alert events older than webhookRetentionDays, with their deliveries and attempts', async () => {
    expect(r.t.deps.config.webhookRetentionDays).toBe(30);
    const { id } = await r.endpoint({ name: 'p', url: `${r.rx.url}/hook`, eventTypes: ['test'] });
    const t0 = r.t.clock.now();
    const old = (await r.t.call('POST', `/api/webhooks/${id}/test`)).body.eventId;
    r.t.clock.t = t0 + 2 * DAY;
    const kept = (await r.t.call('POST', `/api/webhooks/${id}/test`)).body.eventId;
    const counts = async () => ({ events: await r.count('alert_events'), deliveries: await r.count('webhook_deliveries'), attempts: await r.count('webhook_attempts') });
    expect(await counts()).toEqual({ events: 2, deliveries: 2, attempts: 2 });

    r.t.clock.t = t0 + 30 * DAY - 1; // not yet 30 days old
    await pruneHistory.run(r.t.deps);
    expect(await counts()).toEqual({ events: 2, deliveries: 2, attempts: 2 });
    r.t.clock.t = t0 + 30 * DAY + 1;
    await pruneHistory.run(r.t.deps);
    expect(await counts()).toEqual({ events: 1, deliveries: 1, attempts: 1 });
    const left = await r.t.client.execute('SELECT e.id AS e, d.event_id AS d, a.event_id AS a FROM alert_events e, webhook_deliveries d, webhook_attempts a');
    expect(left.rows.map((x) => [x.e, x.d, x.a])).toEqual([[kept, kept, kept]]);
    expect(kept).not.toBe(old);
    expect((await r.log(id)).attempts.map((a: any) => a.eventId)).toEqual([kept]);
  });
});

// The 15 s delivery timeout (a receiver that holds the request: no status, "no answer within 15 s") is checked on the
// Workers host, in tests/edge/webhooks.test.ts; the runner's timeout is a constant, not injectable, so it is not repeated here.
