import { describe, expect, it } from 'vitest';
import { decideScanNow, nextPortScanAt, type ScanCandidate } from './port-scan-schedule.js';

const HOUR = 3600_000;

describe('nextPortScanAt', () => {
  it.each<[number, number]>([
    [0, 0.85 * HOUR],
    [0.5, HOUR],
    [1, 4_140_000],
    [-3, 0.85 * HOUR],
    [7, 4_140_000],
  ])('random %d: %d ms later', (random, later) => expect(nextPortScanAt(1000, HOUR, random)).toBe(1000 + later));

  it('spreads hosts found together over ±15% of the interval', () => {
    const times = [0.1, 0.3, 0.6, 0.9].map((r) => nextPortScanAt(0, HOUR, r));
    expect(new Set(times).size).toBe(4);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(0.2 * HOUR);
  });
});

describe('decideScanNow', () => {
  const now = 100_000;
  const h = (id: number, activeJobId: string | null, requestedAt: number | null): ScanCandidate => ({ id, activeJobId, requestedAt });
  it.each<[string, ScanCandidate[], { ready: number[]; joined: string[]; retryAfterSeconds: number }]>([
    ['never asked: ready', [h(1, null, null)], { ready: [1], joined: [], retryAfterSeconds: 0 }],
    ['asked long ago: ready', [h(1, null, now - 61_000)], { ready: [1], joined: [], retryAfterSeconds: 0 }],
    ['asked 10 s ago: held back 50 s', [h(1, null, now - 10_000)], { ready: [], joined: [], retryAfterSeconds: 50 }],
    ['in a running job: joins it', [h(1, 'job-a', now - 1_000)], { ready: [], joined: ['job-a'], retryAfterSeconds: 0 }],
    ['a subnet: one joins, one waits, one goes', [h(1, 'job-a', now), h(2, null, now - 59_500), h(3, null, null)], { ready: [3], joined: ['job-a'], retryAfterSeconds: 1 }],
    ['two hosts of one job: the job once', [h(1, 'job-a', now), h(2, 'job-a', now)], { ready: [], joined: ['job-a'], retryAfterSeconds: 0 }],
    ['the earliest wait wins', [h(1, null, now - 30_000), h(2, null, now - 50_000)], { ready: [], joined: [], retryAfterSeconds: 10 }],
  ])('%s', (_name, hosts, expected) => expect(decideScanNow(hosts, now, 60_000)).toEqual(expected));
});
