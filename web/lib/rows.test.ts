import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { displayItems, hostOf, runLabel } from './rows.js';

const A = [1, '198.18.0.1', 'up', 0.42, 'gw', 100, 90, 0];
const B = [2, '198.18.0.10', 'down', null, null, 80, 95, 1];
const rows = [A, ['198.18.0.2', '198.18.0.9', 8], B, ['198.18.0.11', '198.18.0.254', 244]];

describe('subnet view rows', () => {
  it('reads a host tuple', () => {
    expect(hostOf(B)).toEqual({ id: 2, ip: '198.18.0.10', status: 'down', latencyMs: null, hostname: null, lastSeenAt: 80, lastChangeAt: 95, reserved: true });
  });

  it.each([
    ['no filter keeps hosts and runs', {}, ['h1', 'r198.18.0.2', 'h2', 'r198.18.0.11']],
    ['status filter keeps matching hosts only', { status: 'down' }, ['h2']],
    ['text matches an address prefix', { text: '198.18.0.1' }, ['h1', 'h2']],
    ['text matches a hostname, any case', { text: 'GW' }, ['h1']],
    ['nothing matches', { text: 'zzz' }, []],
  ])('%s', (_name, filter, keys) => {
    expect(displayItems(rows, filter).map((i: any) => i.key)).toEqual(keys);
  });

  it('an expanded run lists its free addresses and a "more" row', () => {
    const expanded = new Map([['198.18.0.11', { addresses: ['198.18.0.11', '198.18.0.12'], next: '198.18.0.13' }]]);
    const items = displayItems(rows, {}, expanded);
    expect(items.map((i: any) => i.key)).toEqual(['h1', 'r198.18.0.2', 'h2', 'r198.18.0.11', 'f198.18.0.11', 'f198.18.0.12', 'm198.18.0.11']);
    expect(items[3]).toMatchObject({ open: true, count: '244' });
    expect(items[6]).toMatchObject({ next: '198.18.0.13', last: '198.18.0.254' });
  });

  it.each([
    ['198.18.0.13', '198.18.0.49', 37, '198.18.0.13 – 198.18.0.49 (37 unused)'],
    ['198.18.0.7', '198.18.0.7', 1, '198.18.0.7 (1 unused)'],
    ['198.18.0.0', '198.18.255.255', 65536, '198.18.0.0 – 198.18.255.255 (65,536 unused)'],
    ['fd00::2', 'fd00::ffff:ffff:ffff:ffff', '18446744073709551614', 'fd00::2 – fd00::ffff:ffff:ffff:ffff (18,446,744,073,709,551,614 unused)'],
  ])('labels the run %s – %s', (first, last, n, label) => {
    expect(runLabel(first, last, n)).toBe(label);
  });
});
