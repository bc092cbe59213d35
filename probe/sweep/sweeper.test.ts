import { describe, expect, it } from 'vitest';
import { parseCidr, splitCidr, usableRange } from '../../schema/ip/cidr.js';
import { usableIn } from './sweeper.js';

describe('usableIn (progress counted per nmap piece)', () => {
  it.each<[string, string, number]>([
    ['198.18.0.0/22', '198.18.0.0/22', 1022],
    ['198.18.0.0/20', '198.18.0.0/22', 1023],
    ['198.18.0.0/20', '198.18.4.0/22', 1024],
    ['198.18.0.0/20', '198.18.12.0/22', 1023],
    ['198.18.0.0/24', '198.18.1.0/24', 0],
  ])('%s, piece %s → %i', (block, piece, expected) => {
    const { first, last } = usableRange(parseCidr(block));
    expect(usableIn(parseCidr(piece), first, last)).toBe(expected);
  });

  it('the pieces of a /16 add up to its usable addresses', () => {
    const c = parseCidr('198.18.0.0/16');
    const { first, last } = usableRange(c);
    expect(splitCidr(c, 22).reduce((n, p) => n + usableIn(p, first, last), 0)).toBe(65_534);
  });
});
