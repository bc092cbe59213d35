import { describe, expect, it } from 'vitest';
import type { TrafficTestRow } from '../../schema/tables/traffic.js';
import { pairKey, parseBandwidth, pickProbeAddress, trafficStatusChange, trafficTestDetail, trafficTestView } from './traffic-test.js';

describe('parseBandwidth', () => {
  it.each([
    ['50M', 50_000_000],
    ['50m', 50_000_000],
    ['1.5G', 1_500_000_000],
    ['800K', 800_000],
    [' 10 Mbit/s ', 10_000_000],
    ['20Mbps', 20_000_000],
    ['2000000', 2_000_000],
    [2_000_000, 2_000_000],
    ['.5M', 500_000],
    ['100G', 100_000_000_000],
    ['1000', 1000],
    ['1.0005K', 1001],
  ])('%j → %i bits/s', (input, bps) => expect(parseBandwidth(input)).toBe(bps));

  it.each([['', null], ['fast', null], ['-5M', null], ['5 M M', null], ['999', null], ['101G', null], ['1T', null], ['5X', null], [Number.NaN, null], [Infinity, null], ['1e6', null], ['0x10', null]])(
    '%j is no rate',
    (input, out) => expect(parseBandwidth(input as string | number)).toBe(out),
  );
});

const net = (...addresses: string[][]) => ({ interfaces: addresses.map((a, i) => ({ name: `eth${i}`, mac: null, addresses: a })) });

describe('pickProbeAddress', () => {
  it.each([
    ['the address in a prefix the source shares', net(['198.19.0.2/24'], ['198.18.5.1/30']), net(['127.0.0.1/8'], ['198.19.9.9/24'], ['198.18.5.2/30']), undefined, { address: '198.18.5.2' }],
    ['the same family only', net(['fd00:1::1/64']), net(['198.18.0.9/24'], ['fd00:1::2/64']), undefined, { address: 'fd00:1::2' }],
    ['no shared prefix: the first usable address', net(['198.19.0.2/24']), net(['127.0.0.1/8', 'fe80::1/64'], ['198.18.7.1/24', '198.18.8.1/24']), undefined, { address: '198.18.7.1' }],
    ['the source unknown: the first usable address', null, net(['lo', '198.18.7.1/24']), undefined, { address: '198.18.7.1' }],
    ['a link-local shared prefix is not used', net(['fe80::2/64', '198.19.0.1/8']), net(['fe80::1/64', '198.18.0.1/24']), undefined, { address: '198.18.0.1' }],
    ['only loopback and link-local', net(['198.19.0.2/24']), net(['127.0.0.1/8', '::1/128', 'fe80::1/64']), undefined, { error: 'no_probe_address' }],
    ['no network reported', net(['198.19.0.2/24']), null, undefined, { error: 'no_probe_address' }],
    ['toAddress: one of the target’s, canonical', net(['198.19.0.2/24']), net(['198.18.0.1/24', 'FD00::0:1/64']), 'fd00::1', { address: 'fd00::1' }],
    ['toAddress: not one of the target’s', net(['198.19.0.2/24']), net(['198.18.0.1/24']), '198.18.0.2', { error: 'not_an_address_of_probe' }],
    ['toAddress: not an address', net(['198.19.0.2/24']), net(['198.18.0.1/24']), 'host', { error: 'not_an_address_of_probe' }],
  ])('%s', (_name, from, to, toAddress, out) => expect(pickProbeAddress(from, to, toAddress)).toEqual(out));
});

describe('pairKey', () => {
  it.each([
    [3, { probeId: 7 }, 'p3-p7'],
    [3, { address: '198.18.0.1' }, 'p3-a198.18.0.1'],
    [12, { address: 'fd00::1' }, 'p12-afd00::1'],
  ])('%i → %j is %s', (from, to, key) => expect(pairKey(from, to)).toBe(key));
});

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const row = (over: Partial<TrafficTestRow> = {}): TrafficTestRow => ({
  id: 't1', pair: 'p1-p2', fromProbeId: 1, fromProbeName: 'a', toProbeId: 2, toProbeName: 'b', toAddress: '198.18.0.2', port: 5201, protocol: 'tcp',
  durationSeconds: 10, bandwidthBps: null, parallel: 1, reverse: false, state: 'running', failedStep: null, code: null, error: null,
  serverJobId: 's1', clientJobId: 'c1', serverState: 'started', clientState: null, sentBps: null, receivedBps: null, retransmits: null,
  jitterMs: null, lostPackets: null, packets: null, lossPercent: null, cpuLocalPercent: null, cpuRemotePercent: null, result: null,
  scheduleId: null, requestedBy: 1, requestedByName: 'admin', createdAt: new Date(T0), startedAt: null, finishedAt: null,
  updatedAt: new Date(T0), expiresAt: new Date(T0 + 70_000), ...over,
});

describe('trafficTestView', () => {
  it('ISO times, names, the row’s own state before its expiry', () => {
    const v = trafficTestView(row({ startedAt: new Date(T0 + 1000) }), T0 + 69_999);
    expect(v).toMatchObject({ id: 't1', from: { probeId: 1, name: 'a' }, to: { probeId: 2, name: 'b', address: '198.18.0.2' }, state: 'running', code: null, createdAt: '2026-01-02T03:04:05.000Z', startedAt: '2026-01-02T03:04:06.000Z', finishedAt: null, requestedBy: 'admin' });
  });
  it.each([
    ['never started: the server side timed out', null, 'server'],
    ['started: the client side timed out', new Date(T0 + 1000), 'client'],
  ])('running past expiresAt reads as failed timeout (%s)', (_n, startedAt, step) => {
    const v = trafficTestView(row({ startedAt }), T0 + 70_000);
    expect(v).toMatchObject({ state: 'failed', code: 'timeout', failedStep: step, finishedAt: '2026-01-02T03:05:15.000Z' });
  });
  it('an ended test keeps its state past expiresAt', () => {
    expect(trafficTestView(row({ state: 'done', finishedAt: new Date(T0 + 11_000) }), T0 + 999_999)).toMatchObject({ state: 'done', code: null, finishedAt: '2026-01-02T03:04:16.000Z' });
  });
  it('the detail carries the intervals and the raw JSON of the result', () => {
    const result = { intervals: [1e6, 2e6], raw: '{"end":{}}' } as never;
    expect(trafficTestDetail(row({ result }), T0)).toMatchObject({ intervals: [1e6, 2e6], raw: '{"end":{}}' });
    expect(trafficTestDetail(row(), T0)).toMatchObject({ intervals: [], raw: null });
  });
});

describe('trafficStatusChange', () => {
  const running = { state: 'running' as const, durationSeconds: 10 };
  it.each([
    ['server started', running, 'server', { state: 'started' }, { serverState: 'started' }],
    ['client queued', running, 'client', { state: 'queued' }, { clientState: 'queued' }],
    ['client started: the clock and the expiry', running, 'client', { state: 'started' }, { clientState: 'started', startedAt: 500, expiresAt: 500 + 70_000 }],
    ['client done (the result makes it done)', running, 'client', { state: 'done' }, { clientState: 'done' }],
    ['server failed: the test fails with its code', running, 'server', { state: 'failed', code: 'port_in_use', error: 'busy' }, { serverState: 'failed', state: 'failed', failedStep: 'server', code: 'port_in_use', error: 'busy', finishedAt: 500 }],
    ['client failed without a code', running, 'client', { state: 'failed' }, { clientState: 'failed', state: 'failed', failedStep: 'client', code: 'failed', error: null, finishedAt: 500 }],
    ['unsupported', running, 'client', { state: 'unsupported' }, { clientState: 'unsupported', state: 'failed', failedStep: 'client', code: 'unsupported_by_probe', error: null, finishedAt: 500 }],
    ['a failed test keeps its cause when the client then fails', { state: 'failed' as const, durationSeconds: 10 }, 'client', { state: 'failed', code: 'connect_failed' }, { clientState: 'failed' }],
    ['a done test: only the side’s state', { state: 'done' as const, durationSeconds: 10 }, 'server', { state: 'done' }, { serverState: 'done' }],
  ] as const)('%s', (_n, test, side, s, out) => expect(trafficStatusChange(test, side, s, 500)).toEqual(out));
});
