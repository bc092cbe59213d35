import { describe, expect, it } from 'vitest';
import { targetAllowed } from './allow.js';

describe('targetAllowed', () => {
  it.each([
    ['198.18.0.10', [], true],
    ['198.18.0.10', ['198.18.0.0/24'], true],
    ['198.18.1.10', ['198.18.0.0/24'], false],
    ['198.18.1.10', ['198.18.0.0/24', '198.18.1.0/24'], true],
    ['fd00::1', ['198.18.0.0/15'], false],
    ['fd00::1', ['fd00::/8'], true],
    ['::ffff:198.18.0.10', ['198.18.0.0/24'], true],
    ['::ffff:198.19.0.10', ['198.18.0.0/24'], false],
    // as canonicalIp writes them (the form every target reaches the check in)
    ['::ffff:c612:a', ['198.18.0.0/24'], true],
    ['::ffff:808:808', ['::/0', '198.18.0.0/15'], false],
    ['198.18.0.10', ['198.18.0.10/32'], true],
    ['198.18.0.11', ['198.18.0.10/32'], false],
  ] as const)('%s within %j: %s', (address, allowed, expected) => {
    expect(targetAllowed(address, allowed)).toBe(expected);
  });
});
