import { describe, expect, it } from 'vitest';
import { parseMtrJson } from './mtr-parse.js';

const report = (hubs: unknown[], tests: unknown = 10) => JSON.stringify({ report: { mtr: { src: 'probe', dst: '198.18.2.10', tests, psize: '84' }, hubs } });

describe('parseMtrJson', () => {
  it('hops with their figures; a silent hop has no address and no times', () => {
    const r = parseMtrJson(
      report([
        { count: 1, host: '198.18.1.1', 'Loss%': 0.0, Snt: 10, Last: 0.08, Avg: 0.07, Best: 0.05, Wrst: 0.1, StDev: 0.01 },
        { count: '2', host: '???', 'Loss%': 100.0, Snt: 10, Last: 0, Avg: 0, Best: 0, Wrst: 0, StDev: 0 },
        { count: 3, host: '198.18.2.10', 'Loss%': 20.0, Snt: 10, Last: 1.5, Avg: 1.25, Best: 1, Wrst: 2, StDev: 0.3 },
      ]),
    );
    expect(r).toEqual({
      tool: 'mtr',
      cycles: 10,
      hops: [
        { hop: 1, address: '198.18.1.1', name: null, loss: 0, sent: 10, lastMs: 0.08, avgMs: 0.07, bestMs: 0.05, worstMs: 0.1, stdevMs: 0.01 },
        { hop: 2, address: null, name: null, loss: 1, sent: 10, lastMs: null, avgMs: null, bestMs: null, worstMs: null, stdevMs: null },
        { hop: 3, address: '198.18.2.10', name: null, loss: 0.2, sent: 10, lastMs: 1.5, avgMs: 1.25, bestMs: 1, worstMs: 2, stdevMs: 0.3 },
      ],
    });
  });

  it('IPv6 hosts are canonical; hops out of range are dropped', () => {
    const r = parseMtrJson(report([{ count: 1, host: 'FD00:19:0::1', 'Loss%': 0, Snt: 1, Last: 1, Avg: 1, Best: 1, Wrst: 1, StDev: 0 }, { count: 99, host: 'fd00::2' }], '1'));
    expect(r.hops.map((h) => [h.hop, h.address])).toEqual([[1, 'fd00:19::1']]);
    expect(r.cycles).toBe(1);
  });

  it.each(['', 'not json', '{}', '{"report":{}}'])('refuses %j', (text) => {
    expect(() => parseMtrJson(text)).toThrow();
  });
});

describe('mtr arguments', async () => {
  const { mtrArgv, mtrIntervalMs } = await import('./mtr.js');
  const job = { type: 'job', kind: 'op-mtr', jobId: 'j', target: 'x', count: 5, intervalMs: 200, packetSize: 56, maxHops: 8, timeoutMs: 20_000 } as const;
  it.each([
    [200, true, 200],
    [200, false, 1000],
    [1500, false, 1500],
  ])('interval %i ms as root=%s: %i ms', (asked, root, expected) => {
    expect(mtrIntervalMs(asked, root)).toBe(expected);
  });
  it('argument arrays: the whole packet size, the family, the hop limit, the address last', () => {
    expect(mtrArgv(job, '198.18.2.10', 4, 200)).toEqual(['--json', '-n', '-4', '-G', '2', '-c', '5', '-i', '0.2', '-s', '84', '-m', '8', '198.18.2.10']);
    expect(mtrArgv(job, 'fd00::10', 6, 1000)).toEqual(['--json', '-n', '-6', '-G', '2', '-c', '5', '-i', '1', '-s', '104', '-m', '8', 'fd00::10']);
  });
});
