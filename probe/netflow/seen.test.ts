import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, SEEN_QUEUE_MAX, SeenTracker } from './seen.js';

const day0 = Date.UTC(2026, 0, 10);

describe('SeenTracker', () => {
  it('reports an address once per UTC day, oldest first, in takes of n', () => {
    const s = new SeenTracker(undefined, DAY_MS);
    s.note('198.18.0.1', 1, day0 + 1000);
    s.note('198.18.0.2', 1, day0 + 2000);
    s.note('198.18.0.1', 1, day0 + 3000);
    s.note('198.18.0.3', 2, day0 + 4000);
    expect(s.queued).toBe(3);
    expect(s.take(2)).toEqual([
      { ip: '198.18.0.1', subnetId: 1, at: day0 + 1000 },
      { ip: '198.18.0.2', subnetId: 1, at: day0 + 2000 },
    ]);
    s.note('198.18.0.2', 1, day0 + DAY_MS - 1); // still today: already reported
    expect(s.take(10)).toEqual([{ ip: '198.18.0.3', subnetId: 2, at: day0 + 4000 }]);
    s.note('198.18.0.2', 1, day0 + DAY_MS); // tomorrow: again
    expect(s.take(10)).toEqual([{ ip: '198.18.0.2', subnetId: 1, at: day0 + DAY_MS }]);
    expect(s.take(10)).toEqual([]);
  });
  it('a late flow of yesterday is told apart from today', () => {
    const s = new SeenTracker(undefined, DAY_MS);
    s.note('198.18.0.1', 1, day0 + DAY_MS);
    s.note('198.18.0.1', 1, day0 + 5);
    s.note('198.18.0.1', 1, day0 + 6);
    expect(s.take(10)).toHaveLength(2);
  });
  it('bounded per day: past the bound an address is counted, not queued; the queue keeps what did not fit a take', () => {
    const s = new SeenTracker(3, DAY_MS);
    for (let i = 1; i <= 5; i++) s.note(`198.18.0.${i}`, 1, day0);
    expect(s.overflow).toBe(2);
    expect(s.take(1).map((a) => a.ip)).toEqual(['198.18.0.1']);
    expect(s.take(5).map((a) => a.ip)).toEqual(['198.18.0.2', '198.18.0.3']);
    s.note('198.18.0.9', 1, day0 + DAY_MS);
    expect(s.take(5).map((a) => a.ip)).toEqual(['198.18.0.9']);
  });
  it('a long queue taken in small pieces loses nothing', () => {
    const s = new SeenTracker(undefined, DAY_MS);
    for (let i = 0; i < 10_000; i++) s.note(`ip${i}`, 1, day0);
    const got: string[] = [];
    while (s.queued) got.push(...s.take(300).map((a) => a.ip));
    expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => `ip${i}`));
  });
  it('by default once an hour (so the server knows when it was last heard, to the hour), each with the minute it was heard', () => {
    const s = new SeenTracker();
    s.note('198.18.0.1', 1, day0 + 60_000);
    s.note('198.18.0.1', 1, day0 + HOUR_MS - 60_000);
    s.note('198.18.0.1', 1, day0 + HOUR_MS);
    s.note('198.18.0.1', 1, day0 - 5 * HOUR_MS); // a late flow of an hour no longer kept: checked against the previous hour's set
    expect(s.take(10)).toEqual([
      { ip: '198.18.0.1', subnetId: 1, at: day0 + 60_000 },
      { ip: '198.18.0.1', subnetId: 1, at: day0 + HOUR_MS },
    ]);
  });
  it('the queue is bounded: past SEEN_QUEUE_MAX waiting, an address is counted, not queued', () => {
    const s = new SeenTracker();
    for (let i = 0; i < SEEN_QUEUE_MAX + 5; i++) s.note(`ip${i}`, 1, day0);
    expect(s.queued).toBe(SEEN_QUEUE_MAX);
    expect(s.overflow).toBe(5);
  });
});
