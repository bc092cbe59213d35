import { describe, expect, it } from 'vitest';
import { cacheSeconds, clampTtl, NameCache } from './name-cache.js';
import type { PtrAnswer } from './dns-wire.js';

describe('cacheSeconds', () => {
  it.each<[PtrAnswer, number]>([
    [{ kind: 'name', name: 'h.example', ttl: 600 }, 600],
    [{ kind: 'name', name: 'h.example', ttl: 0 }, 300],
    [{ kind: 'name', name: 'h.example', ttl: 30 }, 300],
    [{ kind: 'name', name: 'h.example', ttl: 604_800 }, 86_400],
    [{ kind: 'none', ttl: 3600 }, 3600],
    [{ kind: 'none', ttl: 5 }, 300],
    [{ kind: 'none', ttl: null }, 300],
    [{ kind: 'error', error: 'SERVFAIL' }, 60],
    [{ kind: 'error', error: 'invalid name in PTR record', ttl: 3600 }, 3600],
    [{ kind: 'error', error: 'invalid name in PTR record', ttl: 0 }, 300],
  ])('%j → %i s', (answer, seconds) => expect(cacheSeconds(answer)).toBe(seconds));
  it('rounds', () => expect(clampTtl(600.6)).toBe(601));
});

describe('NameCache', () => {
  it.each<[string, [string, number, number][], string[], number, string[]]>([
    ['empty: everything is due', [], ['a', 'b'], 0, ['a', 'b']],
    ['fresh entries are not due', [['a', 0, 300]], ['a', 'b'], 299_999, ['b']],
    ['an entry is due when it expires', [['a', 0, 300]], ['a'], 300_000, ['a']],
    ['a later lookup replaces the expiry', [['a', 0, 300], ['a', 200_000, 300]], ['a'], 400_000, []],
    ['each key once', [], ['a', 'a', 'b'], 0, ['a', 'b']],
  ])('%s', (_name, sets, keys, now, expected) => {
    const cache = new NameCache();
    for (const [key, at, seconds] of sets) cache.set(key, at, seconds);
    expect(cache.due(keys, now)).toEqual(expected);
  });

  it('drops the oldest entries beyond its bound', () => {
    const cache = new NameCache(3);
    for (const key of ['a', 'b', 'c']) cache.set(key, 0, 3600);
    cache.set('a', 0, 3600); // refreshed: now the newest
    cache.set('d', 0, 3600);
    expect(cache.size).toBe(3);
    expect(cache.due(['a', 'b', 'c', 'd'], 1)).toEqual(['b']);
  });
});
