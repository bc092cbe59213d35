import { describe, expect, it } from 'vitest';
import { hostTableRow, unusedTableRow, type TableHost } from './table-rows.js';

const host = (over: Partial<TableHost>): TableHost => ({
  id: 7,
  ip: '198.18.0.7',
  status: 'up',
  latencyMs: null,
  hostname: null,
  lastSeenAt: null,
  lastChangeAt: null,
  reserved: false,
  ...over,
});

describe('hostTableRow', () => {
  it.each<[Partial<TableHost>, unknown[]]>([
    [{}, [7, '198.18.0.7', 'up', null, null, null, null, 0]],
    [{ latencyMs: 0.123456 }, [7, '198.18.0.7', 'up', 0.12, null, null, null, 0]],
    [{ latencyMs: 1.005 }, [7, '198.18.0.7', 'up', 1, null, null, null, 0]],
    [{ latencyMs: 12.346 }, [7, '198.18.0.7', 'up', 12.35, null, null, null, 0]],
    [{ latencyMs: 0 }, [7, '198.18.0.7', 'up', 0, null, null, null, 0]],
    [{ lastSeenAt: 1_764_158_400_999, lastChangeAt: 1_764_158_000_000 }, [7, '198.18.0.7', 'up', null, null, 1_764_158_400, 1_764_158_000, 0]],
    [{ reserved: true, hostname: 'nas', status: 'unknown' }, [7, '198.18.0.7', 'unknown', null, 'nas', null, null, 1]],
  ])('%j', (over, row) => {
    expect(hostTableRow(host(over))).toEqual(row);
  });
});

describe('unusedTableRow', () => {
  it.each<[bigint, number | string]>([
    [1n, 1],
    [65_534n, 65_534],
    [2n ** 53n, 2 ** 53],
    [2n ** 53n + 1n, '9007199254740993'],
    [18_446_744_073_709_551_599n, '18446744073709551599'],
  ])('count %s → %j', (count, expected) => {
    expect(unusedTableRow('a', 'b', count)).toEqual(['a', 'b', expected]);
  });
});
