/** Maintenance windows through the API on a real libSQL file: create, list, delete, validation, roles, the host's view. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listWindows, loadWindows } from '../../worker/services/maintenance.js';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';

let t: TestApp;
let subnetId: number;
let otherSubnetId: number;
let hostId: number;
let viewer: Record<string, string>;

const windowCount = async () => Number((await t.client.execute('SELECT count(*) AS n FROM maintenance_windows')).rows[0]!.n);
const counts = async () => ({ ...(await tableCounts(t.client)), maintenance_windows: await windowCount() });

beforeAll(async () => {
  t = await makeTestApp(); // the clock: Thursday 2026-11-26 12:00 UTC
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.80.0/24' })).body.id;
  otherSubnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.81.0/24' })).body.id;
  hostId = (await t.call('POST', '/api/hosts', { ip: '198.18.80.7', tags: ['db', 'prod'] })).body.id;
  expect((await t.call('POST', '/api/users', { username: 'watcher', password: 'watcher-password', role: 'viewer' })).status).toBe(201);
  const login = await t.call('POST', '/api/auth/login', { username: 'watcher', password: 'watcher-password' }, {});
  viewer = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
});
afterAll(() => t.close());

const onceBody = (extra: Record<string, unknown> = {}) => ({ name: 'firmware', scope: 'subnet', subnetId, kind: 'once', startsAt: '2026-11-26T11:00:00Z', endsAt: '2026-11-26T13:00:00+00:00', ...extra });
const weeklyBody = (extra: Record<string, unknown> = {}) => ({ scope: 'host', hostId, kind: 'weekly', weekdays: [0], startTime: '02:00', durationMinutes: 120, timeZone: 'Europe/Berlin', ...extra });

describe('maintenance windows', () => {
  it('creates each kind for each scope, and lists them with whether they are on and their next occurrence', async () => {
    const before = await windowCount();
    const once = await t.call('POST', '/api/maintenance', onceBody());
    expect(once.status).toBe(201);
    expect(once.body).toEqual({
      id: expect.any(Number),
      name: 'firmware',
      scope: 'subnet',
      subnetId,
      hostId: null,
      tag: null,
      kind: 'once',
      startsAt: '2026-11-26T11:00:00.000Z',
      endsAt: '2026-11-26T13:00:00.000Z',
      weekdays: null,
      startTime: null,
      durationMinutes: null,
      timeZone: null,
      createdAt: '2026-11-26T12:00:00.000Z',
      activeNow: true,
      next: { start: '2026-11-26T11:00:00.000Z', end: '2026-11-26T13:00:00.000Z' },
    });
    const weekly = await t.call('POST', '/api/maintenance', weeklyBody({ weekdays: [6, 0], timeZone: 'europe/berlin' }));
    expect(weekly.status).toBe(201);
    // Saturday 02:00 Berlin (01:00 UTC in winter) is the next; days sorted, the zone's name with its capitals
    expect(weekly.body).toMatchObject({ name: '', scope: 'host', hostId, subnetId: null, kind: 'weekly', weekdays: [0, 6], startTime: '02:00', durationMinutes: 120, timeZone: 'Europe/Berlin', startsAt: null, activeNow: false, next: { start: '2026-11-28T01:00:00.000Z', end: '2026-11-28T03:00:00.000Z' } });
    const tag = await t.call('POST', '/api/maintenance', { scope: 'tag', tag: 'db', kind: 'weekly', weekdays: [4], startTime: '17:00', durationMinutes: 90, timeZone: 'Asia/Kolkata' });
    // Thursday 17:00 in Kolkata is 11:30 UTC: on now
    expect(tag.body).toMatchObject({ scope: 'tag', tag: 'db', activeNow: true, next: { start: '2026-11-26T11:30:00.000Z', end: '2026-11-26T13:00:00.000Z' } });
    const hostOnce = await t.call('POST', '/api/maintenance', { scope: 'host', hostId, kind: 'once', startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-02T00:00:00Z' });
    const subnetWeekly = await t.call('POST', '/api/maintenance', { scope: 'subnet', subnetId: otherSubnetId, kind: 'weekly', weekdays: [1, 2, 3, 4, 5], startTime: '23:30', durationMinutes: 60, timeZone: 'UTC' });
    const tagOnce = await t.call('POST', '/api/maintenance', { scope: 'tag', tag: 'web', kind: 'once', startsAt: '2026-11-20T00:00:00Z', endsAt: '2026-11-21T00:00:00Z' });
    for (const r of [hostOnce, subnetWeekly, tagOnce]) expect(r.status).toBe(201);
    expect(await windowCount()).toBe(before + 6);

    const list = (await t.call('GET', '/api/maintenance', undefined, viewer)).body.windows;
    const byId = (id: number) => list.find((w: any) => w.id === id);
    expect(list.map((w: any) => w.id)).toEqual([...list.map((w: any) => w.id)].sort((a: number, b: number) => a - b));
    expect(byId(once.body.id)).toEqual(once.body);
    expect(byId(hostOnce.body.id)).toMatchObject({ activeNow: false, next: { start: '2026-12-01T00:00:00.000Z' } });
    expect(byId(subnetWeekly.body.id)).toMatchObject({ activeNow: false, next: { start: '2026-11-26T23:30:00.000Z', end: '2026-11-27T00:30:00.000Z' } });
    expect(byId(tagOnce.body.id)).toMatchObject({ activeNow: false, next: null }); // over

    // two days on (read through the service: moving the test clock that far would end the sessions): the one-off
    // window is over, the weekly one runs
    const later = await listWindows({ ...t.deps, clock: { now: () => Date.parse('2026-11-28T02:00:00Z') } });
    expect(later.find((w) => w.id === once.body.id)).toMatchObject({ activeNow: false, next: null });
    expect(later.find((w) => w.id === weekly.body.id)).toMatchObject({ activeNow: true, next: { start: '2026-11-28T01:00:00.000Z' } });

    // the alerting's read: plain values, times as numbers
    const plain = (await loadWindows(t.deps)).find((w) => w.id === once.body.id);
    expect(plain).toEqual({ id: once.body.id, name: 'firmware', scope: 'subnet', subnetId, hostId: null, tag: null, kind: 'once', startsAt: Date.parse('2026-11-26T11:00:00Z'), endsAt: Date.parse('2026-11-26T13:00:00Z'), weekdays: null, startTime: null, durationMinutes: null, timeZone: null });
  });

  it.each([
    ['no body fields', () => ({}), 'invalid_request'],
    ['an unknown scope', () => onceBody({ scope: 'probe' }), 'invalid_request'],
    ['an unknown field', () => onceBody({ muted: true }), 'invalid_request'],
    ['scope subnet without subnetId', () => onceBody({ subnetId: undefined }), 'invalid_request'],
    ['scope subnet with a hostId as well', () => onceBody({ hostId }), 'invalid_request'],
    ['scope subnet with a tag as well', () => onceBody({ tag: 'db' }), 'invalid_request'],
    ['scope host without hostId', () => weeklyBody({ hostId: null }), 'invalid_request'],
    ['scope tag without a tag', () => ({ ...weeklyBody({ hostId: undefined }), scope: 'tag' }), 'invalid_request'],
    ['a tag with a comma', () => ({ ...weeklyBody({ hostId: undefined }), scope: 'tag', tag: 'a,b' }), 'invalid_request'],
    ['once without endsAt', () => onceBody({ endsAt: undefined }), 'invalid_request'],
    ['once ending before it starts', () => onceBody({ endsAt: '2026-11-26T10:00:00Z' }), 'invalid_request'],
    ['once ending as it starts', () => onceBody({ endsAt: '2026-11-26T11:00:00Z' }), 'invalid_request'],
    ['once longer than 366 days', () => onceBody({ endsAt: '2027-11-28T11:00:00Z' }), 'invalid_request'],
    ['once with a time without offset', () => onceBody({ startsAt: '2026-11-26T11:00:00' }), 'invalid_request'],
    ['once with a weekly field', () => onceBody({ weekdays: [1] }), 'invalid_request'],
    ['weekly with a once field', () => weeklyBody({ startsAt: '2026-11-26T11:00:00Z' }), 'invalid_request'],
    ['weekly without weekdays', () => weeklyBody({ weekdays: [] }), 'invalid_request'],
    ['weekly on day 7', () => weeklyBody({ weekdays: [7] }), 'invalid_request'],
    ['weekly on the same day twice', () => weeklyBody({ weekdays: [1, 1] }), 'invalid_request'],
    ['weekly at 24:00', () => weeklyBody({ startTime: '24:00' }), 'invalid_request'],
    ['weekly at 2:00', () => weeklyBody({ startTime: '2:00' }), 'invalid_request'],
    ['weekly for 0 minutes', () => weeklyBody({ durationMinutes: 0 }), 'invalid_request'],
    ['weekly for more than a week', () => weeklyBody({ durationMinutes: 10_081 }), 'invalid_request'],
    ['weekly without a time zone', () => weeklyBody({ timeZone: undefined }), 'invalid_request'],
    ['weekly in an unknown zone', () => weeklyBody({ timeZone: 'Mars/Olympus_Mons' }), 'invalid_time_zone'],
    ['weekly in an offset, not a zone', () => weeklyBody({ timeZone: '+05:30' }), 'invalid_time_zone'],
    ['a name with control characters', () => onceBody({ name: 'a\u0000b' }), 'invalid_request'],
  ] as const)('%s: 400 %s, nothing written', async (_what, body, code) => {
    const before = await counts();
    const res = await t.call('POST', '/api/maintenance', body());
    expect([res.status, res.body.error.code]).toEqual([400, code]);
    expect(await counts()).toEqual(before);
  });

  it('takes the bounds themselves: 366 days once, 10,080 minutes weekly, 00:00 and 23:59, all seven days', async () => {
    const accepted = [
      onceBody({ startsAt: '2026-11-26T00:00:00Z', endsAt: '2027-11-27T00:00:00Z' }),
      weeklyBody({ durationMinutes: 10_080, startTime: '00:00' }),
      weeklyBody({ weekdays: [0, 1, 2, 3, 4, 5, 6], startTime: '23:59', durationMinutes: 1, timeZone: 'UTC' }),
    ];
    for (const body of accepted) expect((await t.call('POST', '/api/maintenance', body)).status).toBe(201);
  });

  it('an unknown subnet or host is 404 not_found naming it, and nothing is written', async () => {
    const before = await counts();
    const subnet = await t.call('POST', '/api/maintenance', onceBody({ subnetId: 9999 }));
    expect([subnet.status, subnet.body.error]).toEqual([404, { code: 'not_found', message: 'subnet 9999 not found' }]);
    const host = await t.call('POST', '/api/maintenance', weeklyBody({ hostId: 9999 }));
    expect([host.status, host.body.error]).toEqual([404, { code: 'not_found', message: 'host 9999 not found' }]);
    expect(await counts()).toEqual(before);
  });

  it('a viewer reads but may not create or delete (403, nothing changes)', async () => {
    const id = (await t.call('POST', '/api/maintenance', onceBody({ name: 'keep' }))).body.id;
    const before = await counts();
    const created = await t.call('POST', '/api/maintenance', onceBody(), viewer);
    expect([created.status, created.body.error.code]).toEqual([403, 'forbidden']);
    // the role is checked before the body: a malformed one is 403 as well
    expect((await t.call('POST', '/api/maintenance', {}, viewer)).status).toBe(403);
    expect((await t.call('DELETE', `/api/maintenance/${id}`, undefined, viewer)).status).toBe(403);
    expect(await counts()).toEqual(before);
    expect((await t.call('GET', '/api/maintenance', undefined, viewer)).status).toBe(200);
    expect((await t.call('GET', `/api/hosts/${hostId}/maintenance`, undefined, viewer)).status).toBe(200);
    expect((await t.call('GET', '/api/maintenance', undefined, {})).status).toBe(401);
  });

  it('deletes, audited; a second delete is 404', async () => {
    const id = (await t.call('POST', '/api/maintenance', onceBody({ name: 'short-lived' }))).body.id;
    expect((await t.call('DELETE', `/api/maintenance/${id}`)).status).toBe(204);
    expect((await t.call('GET', '/api/maintenance')).body.windows.some((w: any) => w.id === id)).toBe(false);
    const again = await t.call('DELETE', `/api/maintenance/${id}`);
    expect([again.status, again.body.error]).toEqual([404, { code: 'not_found', message: `maintenance window ${id} not found` }]);
    const audit = (await t.call('GET', '/api/audit?limit=500')).body.entries.filter((e: any) => e.targetType === 'maintenance' && e.targetId === String(id));
    expect(audit.map((e: any) => [e.action, e.actor])).toEqual([
      ['maintenance.delete', 'admin'],
      ['maintenance.create', 'admin'],
    ]);
    expect(audit[1].details).toMatchObject({ name: 'short-lived', scope: 'subnet', kind: 'once' });
  });

  it("a subnet's or host's windows go with it", async () => {
    const subnet = (await t.call('POST', '/api/subnets', { cidr: '198.18.82.0/24' })).body;
    const host = (await t.call('POST', '/api/hosts', { ip: '198.18.82.5' })).body;
    const onSubnet = (await t.call('POST', '/api/maintenance', onceBody({ subnetId: subnet.id }))).body.id;
    const onHost = (await t.call('POST', '/api/maintenance', weeklyBody({ hostId: host.id }))).body.id;
    expect((await t.call('DELETE', `/api/hosts/${host.id}`)).status).toBe(204);
    let ids = (await t.call('GET', '/api/maintenance')).body.windows.map((w: any) => w.id);
    expect([ids.includes(onSubnet), ids.includes(onHost)]).toEqual([true, false]);
    expect((await t.call('DELETE', `/api/subnets/${subnet.id}`)).status).toBe(204);
    ids = (await t.call('GET', '/api/maintenance')).body.windows.map((w: any) => w.id);
    expect(ids.includes(onSubnet)).toBe(false);
  });

  it("the host's view: the windows covering it with their occurrences in the range (default the last 7 days)", async () => {
    const host = (await t.call('POST', '/api/hosts', { ip: '198.18.80.9', tags: ['edge'] })).body;
    const subnetWide = (await t.call('POST', '/api/maintenance', { name: 'lab', scope: 'subnet', subnetId, kind: 'weekly', weekdays: [0], startTime: '02:00', durationMinutes: 120, timeZone: 'Europe/Berlin' })).body;
    const own = (await t.call('POST', '/api/maintenance', { scope: 'host', hostId: host.id, kind: 'once', startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T09:00:00Z' })).body;
    const byTag = (await t.call('POST', '/api/maintenance', { scope: 'tag', tag: 'edge', kind: 'once', startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-10-02T00:00:00Z' })).body;
    await t.call('POST', '/api/maintenance', { scope: 'host', hostId, kind: 'once', startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T09:00:00Z' });
    await t.call('POST', '/api/maintenance', { scope: 'subnet', subnetId: otherSubnetId, kind: 'once', startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T09:00:00Z' });
    await t.call('POST', '/api/maintenance', { scope: 'tag', tag: 'EDGE', kind: 'once', startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T09:00:00Z' });

    const view = (await t.call('GET', `/api/hosts/${host.id}/maintenance`)).body;
    expect([view.hostId, view.from, view.to]).toEqual([host.id, '2026-11-19T12:00:00.000Z', '2026-11-26T12:00:00.000Z']);
    const spans = Object.fromEntries(view.windows.map((w: any) => [w.id, w.occurrences]));
    const mine = [subnetWide.id, own.id, byTag.id];
    // its subnet's windows made earlier count too; none of the others' (another host, subnet or tag)
    for (const w of view.windows) expect(w.scope === 'subnet' ? w.subnetId === subnetId : w.scope === 'host' ? w.hostId === host.id : w.tag === 'edge').toBe(true);
    expect(mine.every((id) => id in spans)).toBe(true);
    expect(spans[subnetWide.id]).toEqual([{ start: '2026-11-22T01:00:00.000Z', end: '2026-11-22T03:00:00.000Z' }]);
    expect(spans[own.id]).toEqual([{ start: '2026-11-25T08:00:00.000Z', end: '2026-11-25T09:00:00.000Z' }]);
    expect(spans[byTag.id]).toEqual([]); // covers the host, outside the range
    expect(view.windows.find((w: any) => w.id === subnetWide.id)).toMatchObject({ name: 'lab', activeNow: false, next: { start: '2026-11-29T01:00:00.000Z' } });

    const october = (await t.call('GET', `/api/hosts/${host.id}/maintenance?from=2026-09-27T00:00:00Z&to=2026-10-05T00:00:00%2B02:00`)).body;
    expect(october.to).toBe('2026-10-04T22:00:00.000Z');
    const octSpans = Object.fromEntries(october.windows.map((w: any) => [w.id, w.occurrences]));
    expect(octSpans[byTag.id]).toEqual([{ start: '2026-10-01T00:00:00.000Z', end: '2026-10-02T00:00:00.000Z' }]);
    expect(octSpans[subnetWide.id]).toEqual([
      { start: '2026-09-27T00:00:00.000Z', end: '2026-09-27T02:00:00.000Z' },
      { start: '2026-10-04T00:00:00.000Z', end: '2026-10-04T02:00:00.000Z' },
    ]);

    const code = async (path: string) => {
      const res = await t.call('GET', path);
      return [res.status, res.body.error?.code];
    };
    expect(await code(`/api/hosts/${host.id}/maintenance?from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z`)).toEqual([400, 'bad_range']);
    expect(await code(`/api/hosts/${host.id}/maintenance?from=2025-01-01T00:00:00Z`)).toEqual([400, 'bad_range']); // over 366 days
    expect(await code(`/api/hosts/${host.id}/maintenance?from=yesterday`)).toEqual([400, 'invalid_request']);
    expect(await code('/api/hosts/99999/maintenance')).toEqual([404, 'not_found']);
  });

  it('is listed in the OpenAPI document with its roles', async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    expect(doc.paths['/api/maintenance'].get['x-required-role']).toBe('viewer');
    expect(doc.paths['/api/maintenance'].post['x-required-role']).toBe('editor');
    expect(doc.paths['/api/maintenance/{id}'].delete['x-required-role']).toBe('editor');
    expect(doc.paths['/api/hosts/{id}/maintenance'].get['x-required-role']).toBe('viewer');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['MaintenanceWindow', 'MaintenanceWindowInput']));
  });
});
