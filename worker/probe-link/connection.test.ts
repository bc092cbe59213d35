import { describe, expect, it } from 'vitest';
import { closeReason } from './connection.js';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('closeReason (at most 123 bytes of UTF-8)', () => {
  it.each<[string, string, string]>([
    ['short: unchanged', 'revoked', 'revoked'],
    ['empty', '', ''],
    ['exactly 123 bytes', 'x'.repeat(123), 'x'.repeat(123)],
    ['124 ASCII bytes: one goes', 'x'.repeat(124), 'x'.repeat(123)],
    ['multi-byte characters are never split', 'é'.repeat(70), 'é'.repeat(61)],
    ['nor are surrogate pairs', '😀'.repeat(40), '😀'.repeat(30)],
  ])('%s', (_name, reason, expected) => {
    const out = closeReason(reason);
    expect(out).toBe(expected);
    expect(bytes(out)).toBeLessThanOrEqual(123);
  });
});
