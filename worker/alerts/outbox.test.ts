import { describe, expect, it } from 'vitest';
import { ROWS_PER_STATEMENT } from '../services/json-rows.js';
import { OUTBOX_BYTES_PER_STATEMENT, outboxParams, outboxStatements, type OutboxRows } from './outbox.js';

const KB = 1024;
const event = (i: number, body: string): OutboxRows['events'][number] => ({ id: `evt_${i}`, type: 'host.down', at: 1_000 + i, hostId: i, subnetId: 1, probeId: 2, mutedBy: i % 5 ? null : 7, body });
const events = (sizes: number[], char = 'x') => sizes.map((n, i) => event(i, char.repeat(n)));
const deliveries = (n: number): OutboxRows['deliveries'] => Array.from({ length: n }, (_, i) => ({ eventId: `evt_${i}`, endpointId: 1 + (i % 3), orderKey: `host:${i}` }));
// what one catch-up raised: thousands of bodies of varying size, ~2.7 MB in all
const catchUp = Array.from({ length: 3000 }, (_, i) => 350 + ((i * 389) % 1000));

describe('outboxParams', () => {
  it.each<[string, OutboxRows, number, number[] | null, number[]]>([
    ['nothing', { events: [], deliveries: [] }, 100 * KB, [], []],
    ['a few small events: one parameter each', { events: events([10, 20, 30]), deliveries: deliveries(3) }, 100 * KB, [3], [3]],
    ['bodies of varying size, by accumulated bytes', { events: events([100, 300 * KB, 300 * KB, 50 * KB]), deliveries: [] }, 512 * KB, [2, 2], []],
    ['a body over the bound goes alone', { events: events([10, 600 * KB, 10]), deliveries: [] }, 512 * KB, [1, 1, 1], []],
    ['bytes, not characters (é is two)', { events: events([200 * KB, 200 * KB], 'é'), deliveries: [] }, 512 * KB, [1, 1], []],
    ['a catch-up of 3,000 drafts (~2.7 MB)', { events: events(catchUp), deliveries: deliveries(3000) }, OUTBOX_BYTES_PER_STATEMENT, null, [2000, 1000]],
    ['deliveries also capped in rows', { events: [], deliveries: deliveries(2 * ROWS_PER_STATEMENT + 1) }, OUTBOX_BYTES_PER_STATEMENT, [], [2000, 2000, 1]],
  ])('%s', (_, rows, maxBytes, eventParts, deliveryParts) => {
    const params = outboxParams(rows, maxBytes);
    const parsed = { events: params.events.map((p) => JSON.parse(p) as unknown[][]), deliveries: params.deliveries.map((p) => JSON.parse(p) as unknown[][]) };
    if (eventParts) expect(parsed.events.map((p) => p.length)).toEqual(eventParts);
    expect(parsed.deliveries.map((p) => p.length)).toEqual(deliveryParts);
    // every row once, in order (deliveries' ids follow the events')
    expect(parsed.events.flat().map((r) => r[0])).toEqual(rows.events.map((e) => e.id));
    expect(parsed.events.flat().map((r) => r[8])).toEqual(rows.events.map((e) => e.body));
    expect(parsed.events.flat().map((r) => [r[6], r[7]])).toEqual(rows.events.map((e) => (e.mutedBy === null ? [0, null] : [1, e.mutedBy])));
    expect(parsed.deliveries.flat()).toEqual(rows.deliveries.map((d) => [d.eventId, d.endpointId, d.orderKey]));
    for (const [i, p] of [...params.events, ...params.deliveries].entries()) {
      const rowsIn = [...parsed.events, ...parsed.deliveries][i]!.length;
      if (rowsIn > 1) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(maxBytes);
    }
    // each part but the last is full: its next row would have taken it over the bound
    for (const [i, p] of params.events.slice(0, -1).entries()) {
      const next = JSON.stringify(parsed.events[i + 1]![0]);
      expect(Buffer.byteLength(p) + 1 + Buffer.byteLength(next)).toBeGreaterThan(maxBytes);
    }
  });
});

describe('outboxStatements', () => {
  it('one statement per parameter: a ~2.7 MB catch-up is several, none over the bound', () => {
    const rows = { events: events(catchUp), deliveries: deliveries(3000) };
    const params = outboxParams(rows);
    const bytes = params.events.reduce((n, p) => n + Buffer.byteLength(p), 0);
    expect(bytes).toBeGreaterThan(2_600_000);
    expect(bytes).toBeLessThan(2_800_000);
    expect(params.events.length).toBe(Math.ceil(bytes / OUTBOX_BYTES_PER_STATEMENT));
    expect(outboxStatements(rows, 5)).toHaveLength(params.events.length + params.deliveries.length);
    expect(outboxStatements({ events: [], deliveries: [] }, 5)).toEqual([]);
  });
});
