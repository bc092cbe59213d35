import { describe, expect, it } from 'vitest';
import { hostTableRow, type TableHost } from './table-rows.js';

const NOW = 1_764_158_460_500;
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
    [{}, [7, '198.18.0.7', 'up', null, null, null, null, 0, null, null]],
    [{ latencyMs: 0.123456 }, [7, '198.18.0.7', 'up', 0.12, null, null, null, 0, null, null]],
    [{ latencyMs: 1.005 }, [7, '198.18.0.7', 'up', 1, null, null, null, 0, null, null]],
    [{ latencyMs: 12.346 }, [7, '198.18.0.7', 'up', 12.35, null, null, null, 0, null, null]],
    [{ latencyMs: 0 }, [7, '198.18.0.7', 'up', 0, null, null, null, 0, null, null]],
    [{ lastSeenAt: NOW - 60_400, lastChangeAt: NOW - 3_600_000 }, [7, '198.18.0.7', 'up', null, null, 60, 3600, 0, null, null]],
    [{ lastSeenAt: NOW + 5_000 }, [7, '198.18.0.7', 'up', null, null, 0, null, 0, null, null]], // a probe clock ahead of ours
    [{ reserved: true, hostname: 'nas', status: 'unknown' }, [7, '198.18.0.7', 'unknown', null, 'nas', null, null, 1, null, null]],
    [{ previouslyUsed: true, status: 'down' }, [7, '198.18.0.7', 'down', null, null, null, null, 2, null, null]],
    [{ mac: '02:11:22:33:44:55', vendor: null, macRandom: true }, [7, '198.18.0.7', 'up', null, null, null, null, 4, '02:11:22:33:44:55', null]],
    [{ mac: '00:0c:29:ab:cd:ef', vendor: 'VMware, Inc.', ptrMismatch: true }, [7, '198.18.0.7', 'up', null, null, null, null, 8, '00:0c:29:ab:cd:ef', 'VMware, Inc.']],
    [{ reserved: true, previouslyUsed: true, macRandom: true, ptrMismatch: true }, [7, '198.18.0.7', 'up', null, null, null, null, 15, null, null]],
  ])('%j', (over, row) => {
    expect(hostTableRow(host(over), NOW)).toEqual(row);
  });
});
