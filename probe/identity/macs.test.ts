import { describe, expect, it } from 'vitest';
import { withMacs, withoutMacs } from './macs.js';

const vendors: Record<string, string> = { '00:0c:29:00:00:01': 'VMware, Inc.', '00:0c:29:00:00:02': 'VMware, Inc.' };
const vendorOf = (mac: string) => vendors[mac] ?? null;

describe('withMacs', () => {
  it.each<[string, Parameters<typeof withMacs>[0], Parameters<typeof withMacs>[1], ReturnType<typeof withMacs>]>([
    ['no MAC anywhere', [{ ip: '198.18.0.1', latencyMs: 1 }], [], [{ ip: '198.18.0.1', latencyMs: 1 }]],
    [
      "nmap's MAC",
      [{ ip: '198.18.0.1', latencyMs: 1, mac: '00:0c:29:00:00:01' }],
      [],
      [{ ip: '198.18.0.1', latencyMs: 1, mac: '00:0c:29:00:00:01', vendor: 'VMware, Inc.' }],
    ],
    [
      'the neighbour table',
      [{ ip: '198.18.0.1', latencyMs: null }],
      [{ ip: '198.18.0.1', mac: '00:0c:29:00:00:02', dev: 's0' }],
      [{ ip: '198.18.0.1', latencyMs: null, mac: '00:0c:29:00:00:02', vendor: 'VMware, Inc.' }],
    ],
    [
      "nmap's wins over the table",
      [{ ip: '198.18.0.1', latencyMs: 1, mac: '00:0c:29:00:00:01' }],
      [{ ip: '198.18.0.1', mac: '00:0c:29:00:00:02', dev: 's0' }],
      [{ ip: '198.18.0.1', latencyMs: 1, mac: '00:0c:29:00:00:01', vendor: 'VMware, Inc.' }],
    ],
    [
      'IPv6 written differently, unknown vendor',
      [{ ip: 'fd00:18::11', latencyMs: 2 }],
      [{ ip: 'fd00:18:0:0:0:0:0:11', mac: '02:42:ac:11:00:02', dev: 's0' }],
      [{ ip: 'fd00:18::11', latencyMs: 2, mac: '02:42:ac:11:00:02', vendor: null }],
    ],
    [
      'neighbours of other addresses are ignored',
      [{ ip: '198.18.0.1', latencyMs: 1 }],
      [
        { ip: '198.18.0.2', mac: '00:0c:29:00:00:02', dev: 's0' },
        { ip: 'not an ip', mac: '00:0c:29:00:00:02', dev: 's0' },
      ],
      [{ ip: '198.18.0.1', latencyMs: 1 }],
    ],
  ])('%s', (_name, up, neighbours, expected) => {
    expect(withMacs(up, neighbours, vendorOf)).toEqual(expected);
  });
});

describe('withoutMacs', () => {
  it('drops what nmap reported', () => {
    expect(withoutMacs([{ ip: '198.18.0.1', latencyMs: 1, mac: '00:0c:29:00:00:01' }])).toEqual([{ ip: '198.18.0.1', latencyMs: 1 }]);
  });
});
