import { describe, expect, it } from 'vitest';
import { capEffHasNetRaw } from './raw-sockets.js';

describe('capEffHasNetRaw', () => {
  it.each<[string, string, boolean]>([
    ['root (all capabilities)', 'Name:\tnode\nCapEff:\t000001ffffffffff\n', true],
    ['no capabilities', 'CapEff:\t0000000000000000\n', false],
    ['only CAP_NET_RAW (bit 13)', 'CapEff:\t0000000000002000\n', true],
    ['CAP_NET_ADMIN (bit 12) is not enough', 'CapEff:\t0000000000001000\n', false],
    ['no CapEff line', 'Name:\tnode\n', false],
  ])('%s', (_name, status, expected) => expect(capEffHasNetRaw(status)).toBe(expected));
});
