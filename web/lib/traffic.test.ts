import { describe, expect, it } from 'vitest';
import { parseBandwidth as serverParseBandwidth } from '../../worker/domain/traffic-test.js';
// the browser UI is plain ES modules (no bundler, no types); these tables test the Traffic page's pure helpers
import {
  bandwidthText,
  blankForm,
  bpsText,
  buildRequest,
  failureText,
  historyChart,
  intervalChart,
  pairText,
  parseBandwidth,
  progressAnnouncement,
  progressSteps,
  refusalOf,
  trafficProbes,
} from './traffic.js';

describe('parseBandwidth: the server’s rule', () => {
  it.each(['50M', '1.5G', '800K', ' 10 Mbit/s ', '20Mbps', '2000000', '.5M', '100G', '101G', '999', '1000', 'fast', '', '-5M', '1e6', '5X', '1.0005K', '0x10'])('%j', (text) => {
    expect(parseBandwidth(text)).toBe(serverParseBandwidth(text));
  });
  it.each([[2_000_000], [999], [1e11], [1e11 + 1]])('%d', (n) => expect(parseBandwidth(n)).toBe(serverParseBandwidth(n)));
});

const form = (over: Record<string, unknown> = {}) => ({ ...blankForm(), from: '1', to: '2', ...over });

describe('buildRequest', () => {
  it.each([
    ['the defaults between two probes', {}, { from: 1, to: 2, protocol: 'tcp', durationSeconds: 10, parallel: 1, reverse: false }],
    ['UDP at 60M, 4 streams, reverse, 30 s', { protocol: 'udp', bandwidth: '60M', parallel: '4', reverse: true, durationSeconds: '30' }, { from: 1, to: 2, protocol: 'udp', bandwidth: '60M', parallel: 4, reverse: true, durationSeconds: 30 }],
    ['a chosen address of the target probe', { toAddress: ' 198.18.0.2 ' }, { from: 1, to: 2, toAddress: '198.18.0.2', protocol: 'tcp', durationSeconds: 10, parallel: 1, reverse: false }],
    ['to an address', { toMode: 'address', address: 'fd00::5', toAddress: '198.19.0.1' }, { from: 1, to: 'fd00::5', protocol: 'tcp', durationSeconds: 10, parallel: 1, reverse: false }],
  ])('%s', (_n, over, body) => expect(buildRequest(form(over))).toEqual({ body }));

  it.each([
    ['no source', { from: '' }, 'from'],
    ['no target probe', { to: '' }, 'to'],
    ['the same probe', { to: '1' }, 'to'],
    ['a target address that is no IP', { toMode: 'address', address: 'iperf.example' }, 'address'],
    ['an empty address', { toMode: 'address', address: ' ' }, 'address'],
    ['a shortened IPv4', { toMode: 'address', address: '10.1' }, 'address'],
    ['toAddress not an IP', { toAddress: 'eth0' }, 'toAddress'],
    ['duration 0', { durationSeconds: '0' }, 'durationSeconds'],
    ['duration 301', { durationSeconds: '301' }, 'durationSeconds'],
    ['duration 1.5', { durationSeconds: '1.5' }, 'durationSeconds'],
    ['17 streams', { parallel: '17' }, 'parallel'],
    ['a bandwidth that is no rate', { bandwidth: 'fast' }, 'bandwidth'],
    ['a bandwidth under 1K', { bandwidth: '10' }, 'bandwidth'],
  ])('%s → %s', (_n, over, field) => expect(buildRequest(form(over))).toMatchObject({ field, error: expect.any(String) }));
});

describe('refusalOf', () => {
  it.each([
    [{ code: 'probe_offline', message: 'probe b is not connected', details: { field: 'to' } }, 'probe', { field: 'to', message: 'probe b is not connected' }],
    [{ code: 'invalid_target', message: 'x', details: { field: 'to' } }, 'address', { field: 'address', message: 'x' }],
    [{ code: 'traffic_test_busy', message: 'busy', details: { field: 'from' } }, 'probe', { field: 'from', message: 'busy' }],
    [{ code: 'invalid_request', message: 'parallel: too big', details: { issues: [{ path: 'parallel', message: 'too big' }] } }, 'probe', { field: 'parallel', message: 'parallel: too big' }],
    [{ code: 'invalid_request', message: 'odd', details: { issues: [{ path: 'port', message: 'x' }] } }, 'probe', { field: null, message: 'odd' }],
    [{ code: 'forbidden', status: 403, message: 'no' }, 'probe', { field: null, message: 'Only editors and admins can start traffic tests.' }],
    [{ code: 'internal', message: '' }, 'probe', { field: null, message: 'The server refused the test.' }],
  ])('%j', (err, mode, out) => expect(refusalOf(err, mode)).toEqual(out));
});

describe('text', () => {
  it.each([
    [null, '—'],
    [512, '512 bit/s'], [5, '5.00 bit/s'],
    [940_000, '940 kbit/s'],
    [48_700_000, '48.7 Mbit/s'],
    [9_410_000, '9.41 Mbit/s'],
    [1_250_000_000, '1.25 Gbit/s'],
  ])('bpsText(%j) = %s', (bps, text) => expect(bpsText(bps)).toBe(text));
  it.each([[null, ''], [50_000_000, '50M'], [1_500_000_000, '1.5G'], [800_000, '800K'], [1500, '1.5K'], [999, '999']])('bandwidthText(%j) = %s', (bps, text) => expect(bandwidthText(bps)).toBe(text));
  it('pairText', () => {
    expect(pairText({ from: { name: 'a' }, to: { name: 'b', address: '198.18.0.2' } })).toBe('a → b');
    expect(pairText({ from: { name: 'a' }, to: { name: null, address: '198.18.0.2' } })).toBe('a → 198.18.0.2');
  });
  it('trafficProbes: sources run traffic-client, targets traffic-server', () => {
    const probes = [{ id: 1, kinds: ['traffic-client', 'traffic-server'] }, { id: 2, kinds: ['traffic-server'] }, { id: 3, kinds: null }];
    expect(trafficProbes(probes)).toEqual({ sources: [probes[0]], targets: [probes[0], probes[1]] });
  });
});

const T = Date.UTC(2026, 0, 1, 12);
const test = (over: Record<string, unknown> = {}): any => ({
  id: 't', from: { probeId: 1, name: 'a' }, to: { probeId: 2, name: 'b', address: '198.18.0.2' }, durationSeconds: 10, state: 'running', failedStep: null, code: null, error: null,
  serverState: null, clientState: null, sentBps: null, receivedBps: null, lossPercent: null, createdAt: new Date(T).toISOString(), startedAt: null, finishedAt: null, ...over,
});

describe('progressSteps', () => {
  const states = (t: any, now = T) => progressSteps(t, now).map((s) => [s.key, s.state]);
  it.each([
    ['just sent', test(), [['listener', 'active'], ['run', 'pending'], ['result', 'pending']]],
    ['listening', test({ serverState: 'started' }), [['listener', 'done'], ['run', 'pending'], ['result', 'pending']]],
    ['running', test({ serverState: 'started', startedAt: new Date(T).toISOString() }), [['listener', 'done'], ['run', 'active'], ['result', 'pending']]],
    ['done', test({ state: 'done', serverState: 'done', startedAt: new Date(T).toISOString(), finishedAt: new Date(T + 10_500).toISOString(), receivedBps: 48.7e6 }), [['listener', 'done'], ['run', 'done'], ['result', 'done']]],
    ['the listener failed', test({ state: 'failed', failedStep: 'server', code: 'port_in_use' }), [['listener', 'failed'], ['run', 'pending'], ['result', 'failed']]],
    ['the run failed', test({ state: 'failed', failedStep: 'client', serverState: 'started', code: 'connect_failed' }), [['listener', 'done'], ['run', 'failed'], ['result', 'failed']]],
    ['to an address: no listener step', test({ to: { probeId: null, name: null, address: '198.18.0.9' } }), [['run', 'pending'], ['result', 'pending']]],
  ])('%s', (_n, t, out) => expect(states(t)).toEqual(out));

  it('the elapsed seconds, at most the duration', () => {
    const t = test({ serverState: 'started', startedAt: new Date(T).toISOString() });
    expect(progressSteps(t, T + 4_200)[1]!.label).toBe('Running 10 s: 4 s elapsed');
    expect(progressSteps(t, T + 40_000)[1]!.label).toBe('Running 10 s: 10 s elapsed');
    expect(progressAnnouncement(t, T + 4_200)).toBe('Running 10 s: 4 s elapsed');
    expect(progressSteps({ ...t, state: 'done', finishedAt: new Date(T + 10_400).toISOString() }, T + 99_000)[1]!.label).toBe('Ran 10 s');
  });
  it('announces the end', () => {
    expect(progressAnnouncement(test({ state: 'done', receivedBps: 48.7e6, sentBps: 49.5e6 }))).toBe('Done: 48.7 Mbit/s received, 49.5 Mbit/s sent');
    expect(progressAnnouncement(test({ state: 'failed', failedStep: 'server', code: 'port_in_use', error: 'Address already in use' }))).toBe('Failed: the listener on b failed: Address already in use (port_in_use)');
    expect(failureText(test({ state: 'failed', failedStep: 'client', code: 'timeout' }))).toBe('the run on a failed: timeout');
  });
});

describe('historyChart', () => {
  const at = (i: number) => new Date(T + i * 60_000).toISOString();
  it('oldest left, received Mbit/s from 0 to a round top; failed tests on the baseline; UDP loss on its own scale', () => {
    const c = historyChart(
      [
        test({ id: 'c', state: 'done', receivedBps: 40e6, lossPercent: 2.4, createdAt: at(2) }),
        test({ id: 'a', state: 'done', receivedBps: 48e6, createdAt: at(0) }),
        test({ id: 'b', state: 'failed', code: 'timeout', createdAt: at(1) }),
        test({ id: 'd', state: 'running', createdAt: at(3) }),
      ],
      { width: 100, height: 50, pad: 5 },
    );
    expect(c.max).toBe(50e6);
    expect(c.lossMax).toBe(2.5);
    expect(c.points).toEqual([
      { id: 'a', x: 5, y: 6.6, bps: 48e6, at: at(0) },
      { id: 'c', x: 65, y: 13, bps: 40e6, at: at(2) },
    ]);
    expect(c.failed).toEqual([{ id: 'b', x: 35, code: 'timeout' }]);
    expect(c.loss).toEqual([{ id: 'c', x: 65, y: 6.6, lossPercent: 2.4 }]);
    expect(c.path).toBe('M5,6.6L65,13');
  });
  it('one test sits in the middle; no UDP test: no loss scale; a little loss still has a 1 % scale', () => {
    const one = historyChart([test({ state: 'done', receivedBps: 9e6 })], { width: 100, height: 50, pad: 5 });
    expect([one.points[0]!.x, one.max, one.lossMax]).toEqual([50, 10e6, null]);
    expect(historyChart([test({ state: 'done', receivedBps: 9e6, lossPercent: 0.01 })]).lossMax).toBe(1);
    expect(historyChart([]).points).toEqual([]);
  });
});

describe('intervalChart', () => {
  it('a bar per second on a round scale', () => {
    const c = intervalChart([25e6, 50e6], { width: 100, height: 50, pad: 5, gap: 2 });
    expect(c.max).toBe(50e6);
    expect(c.bars).toEqual([
      { second: 1, bps: 25e6, x: 6, y: 25, width: 43, height: 20 },
      { second: 2, bps: 50e6, x: 51, y: 5, width: 43, height: 40 },
    ]);
  });
});
