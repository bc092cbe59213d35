import { describe, expect, it } from 'vitest';
import { specialTarget, unmapIPv4 } from './special.js';

describe('unmapIPv4', () => {
  it.each([
    ['::ffff:198.18.0.1', '198.18.0.1'],
    ['::ffff:c612:1', '198.18.0.1'],
    ['198.18.0.1', '198.18.0.1'],
    ['fd00::1', 'fd00::1'],
    ['not an address', 'not an address'],
  ])('%s → %s', (text, expected) => {
    expect(unmapIPv4(text)).toBe(expected);
  });
});

describe('specialTarget', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['233.252.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:233.252.0.1', 'multicast'],
    ['198.18.0.1', null],
    ['127.0.0.1', null],
    ['fd00::1', null],
  ])('%s: %s', (text, kind) => {
    const why = specialTarget(text);
    if (kind === null) expect(why).toBeNull();
    else expect(why).toContain(kind);
  });
});
