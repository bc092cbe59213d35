import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, dayNumber, localDay, weekdayOf, zonedInstant, zoneOffset } from './zoned-time.js';

const z = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('zonedInstant: a local wall time in a zone', () => {
  it.each([
    // zone, local date, HH:MM, instant
    ['Europe/Berlin', '2026-03-22', '02:00', '2026-03-22T01:00:00Z'], // CET
    ['Europe/Berlin', '2026-04-05', '02:00', '2026-04-05T00:00:00Z'], // CEST
    ['Europe/Berlin', '2026-03-29', '01:59', '2026-03-29T00:59:00Z'], // just before the gap
    ['Europe/Berlin', '2026-03-29', '02:00', '2026-03-29T01:00:00Z'], // in the gap: its end, 03:00 CEST
    ['Europe/Berlin', '2026-03-29', '02:30', '2026-03-29T01:00:00Z'],
    ['Europe/Berlin', '2026-03-29', '03:00', '2026-03-29T01:00:00Z'], // the gap's end itself
    ['Europe/Berlin', '2026-03-29', '03:01', '2026-03-29T01:01:00Z'],
    ['Europe/Berlin', '2026-10-25', '01:59', '2026-10-24T23:59:00Z'],
    ['Europe/Berlin', '2026-10-25', '02:00', '2026-10-25T00:00:00Z'], // twice: the first (CEST)
    ['Europe/Berlin', '2026-10-25', '02:30', '2026-10-25T00:30:00Z'],
    ['Europe/Berlin', '2026-10-25', '03:00', '2026-10-25T02:00:00Z'], // once again (CET)
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:00:00Z'], // gap: 03:00 EDT
    ['America/New_York', '2026-03-15', '02:30', '2026-03-15T06:30:00Z'],
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00Z'], // twice: the first (EDT)
    ['America/New_York', '2026-11-08', '01:30', '2026-11-08T06:30:00Z'],
    ['Asia/Kolkata', '2026-11-23', '23:00', '2026-11-23T17:30:00Z'],
    ['Asia/Kolkata', '2026-11-24', '00:15', '2026-11-23T18:45:00Z'],
    ['UTC', '2026-11-26', '00:00', '2026-11-26T00:00:00Z'],
    ['UTC', '2026-11-26', '23:59', '2026-11-26T23:59:00Z'],
    ['Australia/Lord_Howe', '2026-10-04', '02:15', '2026-10-03T15:30:00Z'], // a 30-minute gap (02:00→02:30, +10:30→+11)
  ])('%s %s %s → %s', (zone, date, time, expected) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const [hh, mm] = time.split(':').map(Number) as [number, number];
    expect(new Date(zonedInstant(zone, dayNumber(y, m - 1, d), hh * 60 + mm)).toISOString()).toBe(new Date(z(expected)).toISOString());
  });
});

describe('offsets, days, weekdays', () => {
  it.each([
    ['Europe/Berlin', '2026-01-15T12:00:00Z', 1 * HOUR],
    ['Europe/Berlin', '2026-07-15T12:00:00Z', 2 * HOUR],
    ['Europe/Berlin', '2026-03-29T00:59:59Z', 1 * HOUR],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', 2 * HOUR],
    ['America/New_York', '2026-01-15T12:00:00Z', -5 * HOUR],
    ['Asia/Kolkata', '2026-01-15T12:00:00Z', 5.5 * HOUR],
    ['UTC', '2026-01-15T12:34:56.789Z', 0],
  ])('zoneOffset(%s, %s) = %i', (zone, at, offset) => expect(zoneOffset(zone, z(at))).toBe(offset));

  it.each([
    ['2026-11-22', 0],
    ['2026-11-26', 4],
    ['2026-11-28', 6],
    ['1970-01-01', 4],
    ['1969-12-28', 0],
  ])('%s is weekday %i', (date, weekday) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    expect(weekdayOf(dayNumber(y, m - 1, d))).toBe(weekday);
  });

  it.each([
    ['Asia/Kolkata', '2026-11-23T18:45:00Z', '2026-11-24'], // already Tuesday there
    ['America/New_York', '2026-11-24T03:00:00Z', '2026-11-23'], // still Monday there
    ['UTC', '2026-11-24T00:00:00Z', '2026-11-24'],
  ])('localDay(%s, %s) = %s', (zone, at, date) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    expect(localDay(zone, z(at))).toBe(dayNumber(y, m - 1, d));
  });

  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['UTC', 'UTC'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Calcutta'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Mars/Olympus_Mons', null],
    ['+05:30', null],
    ['', null],
    ['Europe/Berlin; DROP', null],
    ['x'.repeat(80), null],
  ])('canonicalTimeZone(%j) = %j', (zone, canonical) => expect(canonicalTimeZone(zone)).toBe(canonical));

  it('an unknown zone throws in zoneOffset', () => expect(() => zoneOffset('Mars/Olympus_Mons', 0)).toThrow(RangeError));
});
