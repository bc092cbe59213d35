import { describe, expect, it } from 'vitest';
import { deviceHistory, type DeviceRow } from './device-history.js';

const T = Date.UTC(2026, 10, 1);
const row = (mac: string, first: number, last: number, extra: Partial<DeviceRow> = {}): DeviceRow => ({ mac, vendor: null, macRandom: false, hostname: null, firstSeenAt: T + first, lastSeenAt: T + last, ...extra });
const at = (ms: number) => new Date(T + ms).toISOString();

describe('deviceHistory', () => {
  it.each<[string, DeviceRow[], { mac: string | null; lastSeenAt: number | null }, [string, string, boolean][]]>([
    ['no devices', [], { mac: null, lastSeenAt: null }, []],
    ['one device, its row older than the host: brought up to the host', [row('00:0c:29:00:00:01', 0, 10)], { mac: '00:0c:29:00:00:01', lastSeenAt: T + 500 }, [['00:0c:29:00:00:01', at(500), true]]],
    ['the row newer than the host (never moves back)', [row('00:0c:29:00:00:01', 0, 900)], { mac: '00:0c:29:00:00:01', lastSeenAt: T + 500 }, [['00:0c:29:00:00:01', at(900), true]]],
    [
      'the current device first even when its row was written long ago',
      [row('aa:00:00:00:00:01', 0, 100), row('00:0c:29:00:00:02', 100, 200), row('00:0c:29:00:00:03', 200, 300)],
      { mac: 'aa:00:00:00:00:01', lastSeenAt: T + 1000 },
      [
        ['aa:00:00:00:00:01', at(1000), true],
        ['00:0c:29:00:00:03', at(300), false],
        ['00:0c:29:00:00:02', at(200), false],
      ],
    ],
    [
      'no MAC now (host lost it): none is current, rows kept as they are',
      [row('00:0c:29:00:00:02', 100, 200), row('00:0c:29:00:00:03', 50, 200)],
      { mac: null, lastSeenAt: T + 1000 },
      [
        ['00:0c:29:00:00:02', at(200), false],
        ['00:0c:29:00:00:03', at(200), false],
      ],
    ],
  ])('%s', (_name, rows, host, expected) => {
    expect(deviceHistory(rows, host).map((d) => [d.mac, d.lastSeenAt, d.current])).toEqual(expected);
  });

  it('keeps vendor, randomness, hostname and the first time', () => {
    expect(deviceHistory([row('02:11:22:33:44:55', 5, 6, { vendor: null, macRandom: true, hostname: 'phone' })], { mac: null, lastSeenAt: null })).toEqual([
      { mac: '02:11:22:33:44:55', vendor: null, macRandom: true, hostname: 'phone', firstSeenAt: at(5), lastSeenAt: at(6), current: false },
    ]);
  });
});
