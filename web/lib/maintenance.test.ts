import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { currentZone, duringOccurrence, durationText, hostIdFor, isoToLocal, localToIso, nextText, scheduleText, targetText, weekdaysText, windowBody, windowErrorField, zoneList } from './maintenance.js';

const local = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).toISOString();
const weekly = { kind: 'weekly', weekdays: [0, 6], startTime: '02:00', durationMinutes: 120, timeZone: 'Europe/Berlin' };

describe('window texts', () => {
  it.each([
    [[1, 2, 3, 4, 5], 'Mon, Tue, Wed, Thu, Fri'],
    [[0, 6], 'Sat, Sun'],
    [[0, 1, 2, 3, 4, 5, 6], 'every day'],
    [[3], 'Wed'],
  ])('days %j read %s, Monday first', (days, text) => expect(weekdaysText(days)).toBe(text));

  it.each([
    [45, '45 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
    [1440, '1 d'],
    [10080, '7 d'],
    [1501, '1 d 1 h 1 min'],
  ])('%i minutes read %s', (m, text) => expect(durationText(m)).toBe(text));

  it('says when a window is: a one-off in local time, a weekly one in its own zone', () => {
    expect(scheduleText({ kind: 'once', startsAt: local(2026, 11, 26, 11, 0), endsAt: local(2026, 11, 26, 13, 5) })).toBe('2026-11-26 11:00 – 2026-11-26 13:05');
    expect(scheduleText(weekly)).toBe('Sat, Sun at 02:00 for 2 h (Europe/Berlin)');
  });

  it('names what a window covers, by the texts it is given', () => {
    const names = { subnets: new Map([[3, '198.18.0.0/24 (lab)']]), hosts: new Map([[7, '198.18.0.7']]) };
    expect(targetText({ scope: 'subnet', subnetId: 3 }, names)).toBe('subnet 198.18.0.0/24 (lab)');
    expect(targetText({ scope: 'host', hostId: 7 }, names)).toBe('host 198.18.0.7');
    expect(targetText({ scope: 'host', hostId: 8 }, names)).toBe('host #8');
    expect(targetText({ scope: 'tag', tag: 'db' })).toBe('tag db');
  });

  it('says whether it is on, next or over', () => {
    const next = { start: local(2026, 11, 28, 2, 0), end: local(2026, 11, 28, 4, 0) };
    expect(nextText({ activeNow: true, next })).toBe('until 2026-11-28 04:00');
    expect(nextText({ activeNow: false, next })).toBe('next 2026-11-28 02:00 – 2026-11-28 04:00');
    expect(nextText({ activeNow: false, next: null })).toBe('over');
  });

  it('tells whether a moment falls in an occurrence (start included, end not)', () => {
    const occ = [{ start: '2026-11-26T11:00:00Z', end: '2026-11-26T13:00:00Z' }];
    expect(duringOccurrence('2026-11-26T11:00:00Z', occ)).toBe(true);
    expect(duringOccurrence('2026-11-26T12:59:59Z', occ)).toBe(true);
    expect(duringOccurrence('2026-11-26T13:00:00Z', occ)).toBe(false);
    expect(duringOccurrence(null, occ)).toBe(false);
  });
});

describe('the window form', () => {
  it('reads datetime-local texts as local time, and writes them back', () => {
    expect(localToIso('2026-11-26T12:30')).toBe(local(2026, 11, 26, 12, 30));
    expect(isoToLocal(local(2026, 11, 26, 9, 5))).toBe('2026-11-26T09:05');
    for (const bad of ['', '2026-11-26', '2026-11-26 12:30', 'soon', undefined]) expect(localToIso(bad)).toBeNull();
    expect(isoToLocal(null)).toBe('');
  });

  it('sends only the scope’s target and the kind’s fields', () => {
    const form = { name: ' firmware ', start: '2026-11-26T11:00', end: '2026-11-26T13:00', weekdays: ['6', '0'], startTime: '02:00', durationMinutes: '90', timeZone: 'Asia/Kolkata', subnetId: '3', hostId: 7, tag: ' db ' };
    expect(windowBody({ ...form, scope: 'subnet', kind: 'once' })).toEqual({ name: 'firmware', scope: 'subnet', subnetId: 3, kind: 'once', startsAt: local(2026, 11, 26, 11, 0), endsAt: local(2026, 11, 26, 13, 0) });
    expect(windowBody({ ...form, scope: 'tag', kind: 'weekly' })).toEqual({ name: 'firmware', scope: 'tag', tag: 'db', kind: 'weekly', weekdays: [0, 6], startTime: '02:00', durationMinutes: 90, timeZone: 'Asia/Kolkata' });
    expect(windowBody({ ...form, scope: 'host', kind: 'weekly' })).toMatchObject({ scope: 'host', hostId: 7 });
    // what is missing is left out, so the server names the field
    expect(windowBody({ scope: 'subnet', kind: 'once', subnetId: '', start: '', end: 'x' })).toEqual({ name: '', scope: 'subnet', kind: 'once' });
    expect(windowBody({ scope: 'tag', kind: 'weekly', tag: '  ', durationMinutes: '' })).toEqual({ name: '', scope: 'tag', kind: 'weekly', weekdays: [] });
  });

  it.each([
    [{ code: 'invalid_time_zone' }, 'timeZone'],
    [{ code: 'not_found' }, 'target'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'subnetId', message: 'required for scope subnet' }] } }, 'target'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'endsAt', message: 'must be after startsAt' }] } }, 'end'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'durationMinutes', message: 'Too small' }] } }, 'durationMinutes'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'weekdays.1', message: 'Too big' }] } }, 'weekdays'],
    [{ code: 'too_many_windows' }, 'form'],
  ])('a refusal %j belongs to the field %s', (err, field) => expect(windowErrorField(err)).toBe(field));

  it.each([
    ['198.18.0.7', 7],
    [' 198.18.0.7 ', 7],
    ['FD00::1', 9],
    ['198.18.0.70', null],
    ['17', 17],
    ['#17', 17],
    ['', null],
  ])('the host typed as %j is %s', (text, id) => expect(hostIdFor(text, [{ id: 7, ip: '198.18.0.7' }, { id: 8, ip: '198.18.0.77' }, { id: 9, ip: 'fd00::1' }])).toBe(id));

  it('offers the zones by their current names, with the browser’s own and UTC', () => {
    expect(currentZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(currentZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(zoneList(['Europe/Kiev', 'Asia/Calcutta', 'Europe/Berlin'], 'Asia/Calcutta')).toEqual(['Asia/Kolkata', 'Europe/Berlin', 'Europe/Kyiv', 'UTC']);
    expect(zoneList([], 'America/New_York')).toEqual(['America/New_York', 'UTC']);
  });

  it('names only zones this runtime knows (the server checks them with the same Intl)', () => {
    for (const zone of zoneList(Intl.supportedValuesOf('timeZone'), 'UTC')) expect(() => new Intl.DateTimeFormat('en', { timeZone: zone }), zone).not.toThrow();
  });
});
