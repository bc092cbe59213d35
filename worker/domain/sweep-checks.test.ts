import { describe, expect, it } from 'vitest';
import { formatIp, parseCidr } from '../../schema/ip/cidr.js';
import { MAX_LATENCY_MS, SPOOL_MAX_AGE_MS, type ResultRejection, type SweepResult } from '../../schema/protocol.js';
import { checkSweep, listedEntries, sweepSpan } from './sweep-checks.js';

const now = Date.UTC(2026, 10, 26, 12);
const v4 = parseCidr('198.18.0.0/24');
const sweep = (over: Partial<SweepResult> = {}): SweepResult => ({ subnetId: 1, at: now, durationMs: 1, complete: true, up: [], down: [], ...over });

describe('checkSweep', () => {
  it.each<[string, Partial<SweepResult>, ResultRejection | null]>([
    ['now', {}, null],
    ['a week ago, just inside', { at: now - SPOOL_MAX_AGE_MS }, null],
    ['older than the spool keeps', { at: now - SPOOL_MAX_AGE_MS - 1 }, 'too_old'],
    ['1970', { at: 0 }, 'too_old'],
    ['five minutes ahead', { at: now + 300_000 }, null],
    ['more than five minutes ahead', { at: now + 300_001 }, 'in_future'],
    ['2099', { at: Date.UTC(2099, 0, 1) }, 'in_future'],
    ['no latency', { up: [{ ip: '198.18.0.1', latencyMs: null }] }, null],
    ['latency at the cap', { up: [{ ip: '198.18.0.1', latencyMs: MAX_LATENCY_MS }] }, null],
    ['latency 1e300', { up: [{ ip: '198.18.0.1', latencyMs: 1e300 }] }, 'bad_latency'],
    ['negative latency', { up: [{ ip: '198.18.0.1', latencyMs: -1 }] }, 'bad_latency'],
    ['infinite latency', { up: [{ ip: '198.18.0.1', latencyMs: Infinity }] }, 'bad_latency'],
    ['NaN latency', { up: [{ ip: '198.18.0.1', latencyMs: NaN }] }, 'bad_latency'],
    ['range inside', { range: ['198.18.0.1', '198.18.0.100'] }, null],
    ['range reversed', { range: ['198.18.0.9', '198.18.0.1'] }, 'bad_range'],
    ['range over the broadcast address', { range: ['198.18.0.1', '198.18.0.255'] }, 'bad_range'],
    ['range outside the subnet', { range: ['198.18.1.1', '198.18.1.9'] }, 'bad_range'],
    ['range not addresses', { range: ['a', 'b'] }, 'bad_range'],
    ['range of the other family', { range: ['fd00::1', 'fd00::2'] }, 'bad_range'],
  ])('%s → %s', (_name, over, expected) => {
    expect(checkSweep(v4, sweep(over), now)).toBe(expected);
  });
});

describe('sweepSpan', () => {
  it.each<[string, [string, string] | undefined, [string, string] | null]>([
    ['198.18.0.0/24', undefined, ['198.18.0.1', '198.18.0.254']],
    ['198.18.0.0/31', undefined, ['198.18.0.0', '198.18.0.1']],
    ['198.18.0.7/32', undefined, ['198.18.0.7', '198.18.0.7']],
    ['198.18.0.0/24', ['198.18.0.5', '198.18.0.5'], ['198.18.0.5', '198.18.0.5']],
    ['198.18.0.0/24', ['198.18.0.0', '198.18.0.5'], null],
    ['fd00::/126', undefined, ['fd00::', 'fd00::3']],
  ])('%s range %j → %j', (text, range, expected) => {
    const cidr = parseCidr(text);
    const span = sweepSpan(cidr, { range });
    expect(span && [formatIp(span.first, cidr.family), formatIp(span.last, cidr.family)]).toEqual(expected);
  });

  it('gives the keys hosts are ordered by', () => {
    expect(sweepSpan(v4, {})).toMatchObject({ firstKey: 'c6120001', lastKey: 'c61200fe' });
  });
});

describe('listedEntries', () => {
  it('counts answers and listed silent addresses of every sweep', () => {
    expect(listedEntries([sweep({ up: [{ ip: 'a', latencyMs: 1 }], down: ['b', 'c'] }), sweep({ up: [{ ip: 'd', latencyMs: 1 }] })])).toBe(4);
  });
});
