/** The packet builders write the formats byte for byte (other suites and the benches build their packets with them). */
import { describe, expect, it } from 'vitest';
import { buildIpfix, buildV5, buildV9, VARIABLE } from './test-packets.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('test packet builders', () => {
  it('v5: header, then one 48-byte record', () => {
    const p = buildV5({ sysUptime: 0x01020304, unixSecs: 0x65536000, unixNsecs: 5, sequence: 7, engineType: 1, engineId: 2, samplingInterval: 100, samplingMode: 1 }, [
      { src: '198.18.0.1', dst: '198.18.0.2', srcPort: 1234, dstPort: 80, protocol: 6, bytes: 1500, packets: 3, first: 0x10, last: 0x20 },
    ]);
    expect(hex(p)).toBe(
      '0005' + '0001' + '01020304' + '65536000' + '00000005' + '00000007' + '01' + '02' + '4064' +
        'c6120001' + 'c6120002' + '00000000' + '0000' + '0000' + '00000003' + '000005dc' + '00000010' + '00000020' + '04d2' + '0050' + '00' + '00' + '06' + '00' + '0000' + '0000' + '00' + '00' + '0000',
    );
  });

  it('v9: header, a template flowset, an options template flowset, a padded data flowset', () => {
    const t = { id: 256, fields: [{ id: 8, length: 4 }, { id: 4, length: 1 }] };
    const o = { id: 257, scopeCount: 1, fields: [{ id: 1, length: 4 }, { id: 34, length: 4 }] };
    const p = buildV9({ sysUptime: 1, unixSecs: 2, sequence: 3, sourceId: 4 }, [
      { kind: 'templates', templates: [t] },
      { kind: 'templates', templates: [o] },
      { kind: 'data', template: t, records: [['198.18.0.1', 17]] },
    ]);
    expect(hex(p)).toBe(
      '0009' + '0003' + '00000001' + '00000002' + '00000003' + '00000004' +
        '0000' + '0010' + '0100' + '0002' + '0008' + '0004' + '0004' + '0001' +
        '0001' + '0014' + '0101' + '0004' + '0004' + '0001' + '0004' + '0022' + '0004' + '0000' + // options: scope 4 bytes, options 4 bytes, padded
        '0100' + '000c' + 'c6120001' + '11' + '000000',
    );
  });

  it('IPFIX: header with the message length, enterprise and variable-length specifiers, long variable-length values, withdrawals', () => {
    const t = { id: 300, fields: [{ id: 96, length: VARIABLE }, { id: 1, length: 2, enterprise: 9 }] };
    const p = buildIpfix({ exportSecs: 5, sequence: 6, domain: 7 }, [
      { kind: 'templates', templates: [t] },
      { kind: 'data', template: t, records: [['ab', 0x0102]], pad: false },
      { kind: 'withdraw', ids: [300] },
    ]);
    expect(hex(p)).toBe(
      '000a' + '0035' + '00000005' + '00000006' + '00000007' +
        '0002' + '0014' + '012c' + '0002' + '0060' + 'ffff' + '8001' + '0002' + '00000009' +
        '012c' + '0009' + '02' + '6162' + '0102' +
        '0002' + '0008' + '012c' + '0000',
    );
    const long = buildIpfix({ exportSecs: 0 }, [{ kind: 'data', template: t, records: [[new Uint8Array(300), 1]], pad: false }]);
    expect(hex(long.subarray(20, 23))).toBe('ff012c');
  });
});
