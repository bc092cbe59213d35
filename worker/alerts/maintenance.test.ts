import { describe, expect, it } from 'vitest';
import { activeAt, covers, currentOrNext, MAX_OCCURRENCES, mutingWindow, occurrenceAt, occurrences, type MaintenanceWindow, type WindowTarget } from './maintenance.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const span = (o: { start: number; end: number } | null) => (o ? `${iso(o.start)}/${iso(o.end)}` : null);

const base: MaintenanceWindow = {
  id: 1,
  name: '',
  scope: 'subnet',
  subnetId: 10,
  hostId: null,
  tag: null,
  kind: 'once',
  startsAt: null,
  endsAt: null,
  weekdays: null,
  startTime: null,
  durationMinutes: null,
  timeZone: null,
};
const once = (startsAt: string, endsAt: string, extra: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({ ...base, kind: 'once', startsAt: t(startsAt), endsAt: t(endsAt), ...extra });
const weekly = (weekdays: number[], startTime: string, durationMinutes: number, timeZone: string, extra: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  ...base,
  kind: 'weekly',
  weekdays,
  startTime,
  durationMinutes,
  timeZone,
  ...extra,
});

const berlinSundays = weekly([0], '02:00', 120, 'Europe/Berlin');
const nySundays = weekly([0], '02:30', 60, 'America/New_York');
const kolkataMondayNight = weekly([1], '23:00', 90, 'Asia/Kolkata');
const utcWeek = weekly([1], '00:00', 10_080, 'UTC');
const utcWeekdays = weekly([1, 2, 3, 4, 5], '22:00', 240, 'UTC');

describe('occurrenceAt / activeAt', () => {
  it.each([
    // once: [startsAt, endsAt)
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T09:59:59.999Z', null],
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z/2026-11-26T12:00:00Z'],
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T11:59:59.999Z', '2026-11-26T10:00:00Z/2026-11-26T12:00:00Z'],
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T12:00:00Z', null],
    // Berlin, Sundays 02:00 local for 2 h: winter, summer, and the two change-over Sundays
    [berlinSundays, '2026-03-22T01:00:00Z', '2026-03-22T01:00:00Z/2026-03-22T03:00:00Z'],
    [berlinSundays, '2026-03-22T00:59:59Z', null],
    [berlinSundays, '2026-03-22T02:59:59Z', '2026-03-22T01:00:00Z/2026-03-22T03:00:00Z'],
    [berlinSundays, '2026-03-22T03:00:00Z', null],
    [berlinSundays, '2026-03-29T00:30:00Z', null], // 01:30 CET, before the gap
    [berlinSundays, '2026-03-29T01:00:00Z', '2026-03-29T01:00:00Z/2026-03-29T03:00:00Z'], // 02:00 does not exist: 03:00 CEST
    [berlinSundays, '2026-04-05T00:00:00Z', '2026-04-05T00:00:00Z/2026-04-05T02:00:00Z'], // 02:00 CEST
    [berlinSundays, '2026-04-05T01:00:00Z', '2026-04-05T00:00:00Z/2026-04-05T02:00:00Z'],
    [berlinSundays, '2026-10-25T00:00:00Z', '2026-10-25T00:00:00Z/2026-10-25T02:00:00Z'], // 02:00 twice: the first (CEST)
    [berlinSundays, '2026-10-25T01:30:00Z', '2026-10-25T00:00:00Z/2026-10-25T02:00:00Z'],
    [berlinSundays, '2026-10-25T02:00:00Z', null],
    [berlinSundays, '2026-11-01T01:00:00Z', '2026-11-01T01:00:00Z/2026-11-01T03:00:00Z'], // 02:00 CET
    [berlinSundays, '2026-10-26T01:00:00Z', null], // a Monday
    // New York, Sundays 02:30 for 1 h
    [nySundays, '2026-03-08T07:00:00Z', '2026-03-08T07:00:00Z/2026-03-08T08:00:00Z'], // 02:30 does not exist: 03:00 EDT
    [nySundays, '2026-03-08T06:59:00Z', null],
    [nySundays, '2026-03-15T06:30:00Z', '2026-03-15T06:30:00Z/2026-03-15T07:30:00Z'], // EDT
    [nySundays, '2026-11-01T06:30:00Z', null], // 01:30 EST, the second time round
    [nySundays, '2026-11-01T07:30:00Z', '2026-11-01T07:30:00Z/2026-11-01T08:30:00Z'], // 02:30 EST (once: after the fall-back)
    [nySundays, '2026-11-08T07:30:00Z', '2026-11-08T07:30:00Z/2026-11-08T08:30:00Z'], // EST
    [nySundays, '2026-11-08T06:30:00Z', null],
    // Kolkata (+05:30), Monday 23:00 for 90 min: runs into Tuesday there
    [kolkataMondayNight, '2026-11-23T17:30:00Z', '2026-11-23T17:30:00Z/2026-11-23T19:00:00Z'],
    [kolkataMondayNight, '2026-11-23T18:45:00Z', '2026-11-23T17:30:00Z/2026-11-23T19:00:00Z'], // Tuesday 00:15 there
    [kolkataMondayNight, '2026-11-23T19:00:00Z', null],
    [kolkataMondayNight, '2026-11-24T17:30:00Z', null], // Tuesday 23:00 there
    // UTC, weekdays 22:00 for 4 h: Friday's runs into Saturday, no occurrence starts Saturday or Sunday
    [utcWeekdays, '2026-11-28T01:59:00Z', '2026-11-27T22:00:00Z/2026-11-28T02:00:00Z'],
    [utcWeekdays, '2026-11-28T22:30:00Z', null],
    [utcWeekdays, '2026-11-29T23:00:00Z', null],
    [utcWeekdays, '2026-11-30T23:00:00Z', '2026-11-30T22:00:00Z/2026-12-01T02:00:00Z'],
    // UTC, Mondays 00:00 for 7 days: always on, each occurrence ending where the next starts
    [utcWeek, '2026-11-29T23:59:59Z', '2026-11-23T00:00:00Z/2026-11-30T00:00:00Z'],
    [utcWeek, '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z/2026-12-07T00:00:00Z'],
    [utcWeek, '2026-12-03T12:00:00Z', '2026-11-30T00:00:00Z/2026-12-07T00:00:00Z'],
  ])('%#: at %s → %s', (w, at, expected) => {
    expect(span(occurrenceAt(w, t(at)))).toBe(expected);
    expect(activeAt(w, t(at))).toBe(expected !== null);
  });

  it('a week-long occurrence crossing a DST change lasts 7 × 24 h of elapsed time', () => {
    const w = weekly([0], '12:00', 10_080, 'Europe/Berlin');
    // spring: 2026-03-22 12:00 CET ends 2026-03-29 13:00 CEST, an hour after the next began (12:00 CEST)
    expect(span(occurrenceAt(w, t('2026-03-29T09:59:00Z')))).toBe('2026-03-22T11:00:00Z/2026-03-29T11:00:00Z');
    expect(occurrences(w, t('2026-03-29T10:30:00Z'), t('2026-03-29T10:31:00Z')).length).toBe(2);
    expect(span(occurrenceAt(w, t('2026-03-29T10:30:00Z')))).toBe('2026-03-29T10:00:00Z/2026-04-05T10:00:00Z');
    // autumn: 2026-10-18 12:00 CEST ends 2026-10-25 11:00 CET, an hour before the next begins (12:00 CET)
    expect(span(occurrenceAt(w, t('2026-10-25T09:59:00Z')))).toBe('2026-10-18T10:00:00Z/2026-10-25T10:00:00Z');
    expect(occurrenceAt(w, t('2026-10-25T10:30:00Z'))).toBeNull();
    expect(span(occurrenceAt(w, t('2026-10-25T11:00:00Z')))).toBe('2026-10-25T11:00:00Z/2026-11-01T11:00:00Z');
  });

  it('of overlapping occurrences, the one lasting longest from then', () => {
    const w = weekly([0, 1, 2, 3, 4, 5, 6], '12:00', 3 * 24 * 60, 'UTC'); // three on at any time
    expect(span(occurrenceAt(w, t('2026-11-26T13:00:00Z')))).toBe('2026-11-26T12:00:00Z/2026-11-29T12:00:00Z');
    expect(occurrences(w, t('2026-11-26T13:00:00Z'), t('2026-11-26T13:00:01Z')).length).toBe(3);
  });

  it.each([
    ['no time zone', weekly([0], '02:00', 60, '')],
    ['an unknown time zone', weekly([0], '02:00', 60, 'Mars/Olympus_Mons')],
    ['no weekdays', weekly([], '02:00', 60, 'UTC')],
    ['a malformed start time', weekly([0], '2:00', 60, 'UTC')],
    ['a start time past 23:59', weekly([0], '24:00', 60, 'UTC')],
    ['no duration', weekly([0], '02:00', 0, 'UTC')],
    ['an end before its start', once('2026-11-29T03:00:00Z', '2026-11-29T01:00:00Z')],
    ['no end', { ...once('2026-11-29T01:00:00Z', '2026-11-29T03:00:00Z'), endsAt: null }],
  ])('a window with %s is never on', (_what, w) => {
    expect(activeAt(w, t('2026-11-29T02:00:00Z'))).toBe(false);
    expect(occurrences(w, t('2026-11-01T00:00:00Z'), t('2026-12-01T00:00:00Z'))).toEqual([]);
  });
});

describe('occurrences', () => {
  it.each([
    // window, from, to, spans
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T11:00:00Z', '2026-11-26T13:00:00Z', ['2026-11-26T10:00:00Z/2026-11-26T12:00:00Z']],
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T12:00:00Z', '2026-11-26T13:00:00Z', []], // ended as the range starts
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z', []], // starts as it ends
    [once('2026-11-26T10:00:00Z', '2026-11-26T12:00:00Z'), '2026-11-26T13:00:00Z', '2026-11-26T09:00:00Z', []], // to before from
    [
      berlinSundays,
      '2026-03-21T00:00:00Z',
      '2026-04-06T00:00:00Z',
      ['2026-03-22T01:00:00Z/2026-03-22T03:00:00Z', '2026-03-29T01:00:00Z/2026-03-29T03:00:00Z', '2026-04-05T00:00:00Z/2026-04-05T02:00:00Z'],
    ],
    [
      berlinSundays,
      '2026-10-22T00:00:00Z',
      '2026-11-02T00:00:00Z',
      ['2026-10-25T00:00:00Z/2026-10-25T02:00:00Z', '2026-11-01T01:00:00Z/2026-11-01T03:00:00Z'],
    ],
    // an occurrence that started before `from` and is still on counts
    [utcWeek, '2026-11-26T00:00:00Z', '2026-12-01T00:00:00Z', ['2026-11-23T00:00:00Z/2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z/2026-12-07T00:00:00Z']],
    [kolkataMondayNight, '2026-11-23T18:59:00Z', '2026-11-30T17:30:00Z', ['2026-11-23T17:30:00Z/2026-11-23T19:00:00Z']], // the next starts at `to`
    [
      utcWeekdays,
      '2026-11-27T23:00:00Z',
      '2026-12-01T23:00:00Z',
      ['2026-11-27T22:00:00Z/2026-11-28T02:00:00Z', '2026-11-30T22:00:00Z/2026-12-01T02:00:00Z', '2026-12-01T22:00:00Z/2026-12-02T02:00:00Z'],
    ],
  ])('%#: %s–%s', (w, from, to, spans) => {
    expect(occurrences(w, t(from), t(to)).map(span)).toEqual(spans);
  });

  it(`is bounded: at most ${MAX_OCCURRENCES}, the first ones, in order`, () => {
    const daily = weekly([0, 1, 2, 3, 4, 5, 6], '03:00', 30, 'Europe/Berlin');
    const list = occurrences(daily, t('2026-01-01T00:00:00Z'), t('2036-01-01T00:00:00Z'));
    expect(list.length).toBe(MAX_OCCURRENCES);
    expect(span(list[0]!)).toBe('2026-01-01T02:00:00Z/2026-01-01T02:30:00Z');
    for (let i = 1; i < list.length; i++) expect(list[i]!.start).toBeGreaterThan(list[i - 1]!.start);
  });

  it('currentOrNext: the one in progress, else the next; null when there is none', () => {
    expect(span(currentOrNext(berlinSundays, t('2026-03-29T02:00:00Z')))).toBe('2026-03-29T01:00:00Z/2026-03-29T03:00:00Z');
    expect(span(currentOrNext(berlinSundays, t('2026-03-29T03:00:00Z')))).toBe('2026-04-05T00:00:00Z/2026-04-05T02:00:00Z');
    expect(span(currentOrNext(weekly([6], '23:00', 60, 'UTC'), t('2026-11-28T23:59:59Z')))).toBe('2026-11-28T23:00:00Z/2026-11-29T00:00:00Z');
    expect(span(currentOrNext(weekly([6], '23:00', 60, 'UTC'), t('2026-11-29T00:00:00Z')))).toBe('2026-12-05T23:00:00Z/2026-12-06T00:00:00Z');
    const later = once('2027-06-01T00:00:00Z', '2027-06-02T00:00:00Z');
    expect(span(currentOrNext(later, t('2026-11-26T00:00:00Z')))).toBe('2027-06-01T00:00:00Z/2027-06-02T00:00:00Z');
    expect(currentOrNext(later, t('2027-06-02T00:00:00Z'))).toBeNull();
  });
});

describe('covers and mutingWindow', () => {
  const host: WindowTarget = { hostId: 5, subnetId: 10, tags: ['db', 'prod'] };
  const subnetEvent: WindowTarget = { hostId: null, subnetId: 10, tags: [] };
  const probeEvent: WindowTarget = { hostId: null, subnetId: null, tags: [] };
  const subnetW = { ...base, scope: 'subnet', subnetId: 10 } as const;
  const hostW = { ...base, scope: 'host', subnetId: null, hostId: 5 } as const;
  const tagW = { ...base, scope: 'tag', subnetId: null, tag: 'db' } as const;

  it.each([
    ['subnet window, its host', subnetW, host, true],
    ['subnet window, the subnet itself', subnetW, subnetEvent, true],
    ['subnet window, a host of another subnet', subnetW, { ...host, subnetId: 11 }, false],
    ['subnet window, a probe event', subnetW, probeEvent, false],
    ['host window, the host', hostW, host, true],
    ['host window, another host', hostW, { ...host, hostId: 6 }, false],
    ['host window, its subnet itself', hostW, subnetEvent, false],
    ['tag window, a host with the tag', tagW, host, true],
    ['tag window, a host with the tag in other capitals', tagW, { ...host, tags: ['DB'] }, false], // exact, as in the host filter
    ['tag window, a host without tags', tagW, { ...host, tags: [] }, false],
    ['tag window, a subnet itself', tagW, subnetEvent, false],
    ['subnet window without a subnet, a host without one', { ...subnetW, subnetId: null }, { ...host, subnetId: null }, false],
    ['host window without a host, a subnet event', { ...hostW, hostId: null }, { ...host, hostId: null }, false],
  ])('covers: %s → %s', (_what, w, target, expected) => expect(covers(w, target)).toBe(expected));

  it('picks a window covering the target and on, the one lasting longest, then the lowest id', () => {
    const at = t('2026-11-26T12:00:00Z');
    const short = once('2026-11-26T11:00:00Z', '2026-11-26T13:00:00Z', { id: 7 });
    const long = once('2026-11-26T11:30:00Z', '2026-11-26T18:00:00Z', { id: 9, scope: 'tag', subnetId: null, tag: 'prod' });
    const longTwin = { ...long, id: 8, scope: 'host', tag: null, hostId: 5 } as const;
    const other = once('2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z', { id: 3, subnetId: 11 });
    const over = once('2026-11-26T00:00:00Z', '2026-11-26T11:59:59Z', { id: 2 });
    expect(mutingWindow([], host, at)).toBeNull();
    expect(mutingWindow([other, over], host, at)).toBeNull();
    expect(mutingWindow([short, other], host, at)?.id).toBe(7);
    expect(mutingWindow([short, long, other], host, at)?.id).toBe(9);
    expect(mutingWindow([short, long, longTwin], host, at)?.id).toBe(8);
    expect(mutingWindow([short, long], subnetEvent, at)?.id).toBe(7);
    expect(mutingWindow([short, long], probeEvent, at)).toBeNull();
    expect(mutingWindow([short, long], host, t('2026-11-26T18:00:00Z'))).toBeNull();
    expect(mutingWindow([{ ...berlinSundays, id: 4 }], subnetEvent, t('2026-03-29T01:30:00Z'))?.id).toBe(4);
  });

  it('is quick enough to ask per event: 10,000 checks against 20 weekly windows', () => {
    const windows = Array.from({ length: 20 }, (_, i) => ({ ...weekly([i % 7], '02:00', 10_080, i % 2 ? 'Europe/Berlin' : 'America/New_York'), id: i + 1 }));
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) mutingWindow(windows, { ...host, hostId: i }, t('2026-11-26T12:00:00Z') + (i % 10) * 1000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
