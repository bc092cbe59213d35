import { describe, expect, it } from 'vitest';
import { appConfig } from './config.js';
import { dueDuties, duties, isDue } from './duties.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 26, 12); // 12:00:00.000 UTC

describe('isDue (a minutely cron running duties of longer periods)', () => {
  it.each([
    // everySeconds, scheduled at, due
    [3600, t0, true], // the tick at the top of the hour
    [3600, t0 + MIN, false],
    [3600, t0 + 30 * MIN, false],
    [3600, t0 + 59 * MIN, false],
    [3600, t0 + HOUR, true],
    [3600, t0 - 1, false], // the tick before the hour
    [3600, t0 + 59_999, true], // ticks off the minute: the one whose minute holds the boundary
    [3600, t0 + MIN + 1, false],
    [60, t0 + 17 * MIN, true], // as frequent as the cron: every tick
    [30, t0 + 17 * MIN + 123, true], // more frequent than the cron: every tick
    [300, t0 + 5 * MIN, true],
    [300, t0 + 6 * MIN, false],
    [86_400, Date.UTC(2026, 10, 27), true], // daily: the tick at midnight UTC
    [86_400, Date.UTC(2026, 10, 27, 0, 1), false],
  ])('every %i s, tick at %i: %s', (everySeconds, at, due) => {
    expect(isDue(everySeconds, at)).toBe(due);
  });

  it('runs an hourly duty exactly once over an hour of minutely ticks, whatever the offset of the ticks', () => {
    for (const offset of [0, 1, 29_999, 59_999]) {
      const ticks = Array.from({ length: 60 }, (_, i) => t0 + offset + i * MIN);
      expect(ticks.filter((t) => isDue(3600, t))).toHaveLength(1);
    }
  });
});

describe('dueDuties', () => {
  const config = appConfig({});
  it('picks offline-probes, alerts, port-scans and flow-rollup every minute and prune-history at the top of the hour', () => {
    expect(dueDuties(t0 + 7 * MIN, config, duties).map((d) => d.name)).toEqual(['offline-probes', 'alerts', 'port-scans', 'flow-rollup', 'reservation-expiry', 'vm-creation', 'traffic-schedules']);
    expect(dueDuties(t0, config, duties).map((d) => d.name)).toEqual(['offline-probes', 'alerts', 'prune-history', 'port-scans', 'flow-rollup', 'reservation-expiry', 'vm-creation', 'traffic-schedules']);
  });

  it('reads a period from the settings: port scans looked for every 5 minutes', () => {
    const every5 = appConfig({ PORT_SCAN_TICK_SECONDS: '300' });
    expect(dueDuties(t0 + 7 * MIN, every5, duties).map((d) => d.name)).toEqual(['offline-probes', 'alerts', 'flow-rollup', 'reservation-expiry', 'vm-creation', 'traffic-schedules']);
    expect(dueDuties(t0 + 10 * MIN, every5, duties).map((d) => d.name)).toEqual(['offline-probes', 'alerts', 'port-scans', 'flow-rollup', 'reservation-expiry', 'vm-creation', 'traffic-schedules']);
  });
});
