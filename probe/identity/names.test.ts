import { describe, expect, it } from 'vitest';
import { namesItem, type NameLookup } from '../../schema/kinds/names.js';
import { MAX_FRAME_LENGTH, probeMessage } from '../../schema/protocol.js';
import { MAX_NAMES_ITEM_CHARS, namesItems, toNameLookup } from './names.js';
import type { PtrLookup } from './resolver.js';

describe('toNameLookup', () => {
  it.each<[string, PtrLookup, ReturnType<typeof toNameLookup>]>([
    [
      'a name whose forward lookup leads back',
      { kind: 'name', name: 'h.example', ttl: 600, forward: { addresses: ['198.18.0.5'], matches: true } },
      { ip: '198.18.0.5', name: 'h.example', ttlSeconds: 600, forward: { addresses: ['198.18.0.5'], matches: true } },
    ],
    [
      'a stale name, TTL clamped up',
      { kind: 'name', name: 'h.example', ttl: 10, forward: { addresses: ['198.18.0.9'], matches: false } },
      { ip: '198.18.0.5', name: 'h.example', ttlSeconds: 300, forward: { addresses: ['198.18.0.9'], matches: false } },
    ],
    ['no name', { kind: 'none', ttl: 3600, forward: null }, { ip: '198.18.0.5', name: null, ttlSeconds: 3600, forward: null }],
    ['a failure', { kind: 'error', error: 'SERVFAIL', forward: null }, { ip: '198.18.0.5', name: null, ttlSeconds: 60, forward: null, error: 'SERVFAIL' }],
    [
      'a name that is not a hostname: kept for the record\'s TTL',
      { kind: 'error', error: 'invalid name in PTR record', ttl: 3600, forward: null },
      { ip: '198.18.0.5', name: null, ttlSeconds: 3600, forward: null, error: 'invalid name in PTR record' },
    ],
    [
      'more forward addresses than an item carries: the first 32',
      { kind: 'name', name: 'h.example', ttl: 600, forward: { addresses: Array.from({ length: 40 }, (_, i) => `198.18.1.${i}`), matches: true } },
      { ip: '198.18.0.5', name: 'h.example', ttlSeconds: 600, forward: { addresses: Array.from({ length: 32 }, (_, i) => `198.18.1.${i}`), matches: true } },
    ],
  ])('%s', (_name, r, expected) => {
    const lookup = toNameLookup('198.18.0.5', r);
    expect(lookup).toEqual(expected);
    expect(namesItem.parse({ kind: 'names', subnetId: 1, at: 0, names: [lookup] }).names[0]).toEqual(expected);
  });
});

describe('namesItems', () => {
  const n = (i: number) => ({ ip: `198.18.0.${i}`, name: null, ttlSeconds: 300, forward: null });
  it.each<[number, number, number[]]>([
    [0, 1000, []],
    [1, 1000, [1]],
    [1000, 1000, [1000]],
    [1001, 1000, [1000, 1]],
    [5, 2, [2, 2, 1]],
  ])('%i names, at most %i per item → %j', (count, max, sizes) => {
    const items = namesItems(7, 5000, Array.from({ length: count }, (_, i) => n(i % 250)), max);
    expect(items.map((i) => i.names.length)).toEqual(sizes);
    expect(items.map((i) => i.at)).toEqual(sizes.map((_, i) => 5000 + i));
    expect(items.every((i) => i.subnetId === 7 && i.kind === 'names')).toBe(true);
  });
});

describe('namesItems: each item fits a frame', () => {
  /** The biggest lookup there is: an IPv6 address, a 253-character name, 32 IPv6 forward addresses. */
  const long = (i: number): NameLookup => ({
    ip: `fd00:1234:5678:9abc:def0:1234:5678:${i.toString(16)}`,
    name: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}${String(i).padStart(4, '0')}`,
    ttlSeconds: 86_400,
    forward: { addresses: Array.from({ length: 32 }, (_, j) => `fd00:1234:5678:9abc:def0:1234:${j.toString(16)}:${i.toString(16)}`), matches: false },
  });
  const short = (i: number): NameLookup => ({ ip: `198.18.${i >> 8}.${i & 255}`, name: null, ttlSeconds: 300, forward: null });

  it.each<[string, NameLookup[], number]>([
    ['1000 long IPv6 lookups (290 K in one item before)', Array.from({ length: 1000 }, (_, i) => long(i)), 0],
    ['short ones still go 1000 an item', Array.from({ length: 2500 }, (_, i) => short(i)), 3],
    ['long and short mixed', Array.from({ length: 1500 }, (_, i) => (i % 3 ? short(i) : long(i))), 0],
  ])('%s', (_name, names, count) => {
    const items = namesItems(7, 5000, names);
    if (count) expect(items).toHaveLength(count);
    expect(items.length).toBeGreaterThan(1);
    expect(items.flatMap((i) => i.names)).toEqual(names);
    expect(items.map((i) => i.at)).toEqual(items.map((_, i) => 5000 + i));
    for (const item of items) {
      expect(JSON.stringify(item).length).toBeLessThanOrEqual(MAX_NAMES_ITEM_CHARS);
      expect(item.names.length).toBeLessThanOrEqual(1000);
      // the results frame the agent sends, as the server reads it
      const frame = JSON.stringify({ type: 'results', batchId: 'b'.repeat(36), results: [item] });
      expect(frame.length).toBeLessThanOrEqual(MAX_FRAME_LENGTH);
      expect(probeMessage.safeParse(JSON.parse(frame)).success).toBe(true);
    }
  });

  it.each<[number, number[]]>([
    // one short name is 64 characters, the item around it 49: two make 177, three 241
    [176, [1, 1, 1]],
    [177, [2, 1]],
    [240, [2, 1]],
    [241, [3]],
  ])('at most %i characters → %j', (maxChars, sizes) => {
    const names = [short(1), short(2), short(3)];
    const items = namesItems(7, 5000, names, 1000, maxChars);
    expect(items.map((i) => i.names.length)).toEqual(sizes);
    for (const item of items) if (item.names.length > 1) expect(JSON.stringify(item).length).toBeLessThanOrEqual(maxChars);
  });
});
