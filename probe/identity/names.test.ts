import { describe, expect, it } from 'vitest';
import { namesItem } from '../../schema/kinds/names.js';
import { namesItems, toNameLookup } from './names.js';
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
