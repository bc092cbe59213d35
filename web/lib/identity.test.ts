import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { changesPath, gatewayTexts, isLocalMac, lossText, ptrBeside, rttText, sourceText, staleDns, traceRefusal, traceSummary, vendorText } from './identity.js';

const host = (over: Record<string, unknown>) => ({ ip: '198.18.0.23', hostname: null, hostnameSource: null, ptrName: null, ptrForward: null, ...over });

describe('host identity for display', () => {
  it.each([
    ['manual', 'manual'],
    ['ptr', 'PTR'],
    ['probe', 'PTR'],
    ['import', 'import'],
    [null, ''],
  ])('names the source %s as "%s"', (source, text) => {
    expect(sourceText(source)).toBe(text);
  });

  it.each([
    ['no PTR name', host({ hostname: 'nas' }), null],
    ['only a PTR name', host({ ptrName: 'nas.lab.test' }), 'nas.lab.test'],
    ['the hostname is the PTR name', host({ hostname: 'nas.lab.test', hostnameSource: 'ptr', ptrName: 'nas.lab.test' }), null],
    ['a manual name that differs', host({ hostname: 'backup box', hostnameSource: 'manual', ptrName: 'nas.lab.test' }), 'nas.lab.test'],
    ['a manual name equal but for case and the trailing dot', host({ hostname: 'NAS.lab.test.', hostnameSource: 'manual', ptrName: 'nas.lab.test' }), null],
    ['an imported name that differs', host({ hostname: 'nas-old', hostnameSource: 'import', ptrName: 'nas.lab.test' }), 'nas.lab.test'],
  ])('PTR beside the hostname: %s', (_name, h, expected) => {
    expect(ptrBeside(h)).toBe(expected);
  });

  it.each([
    ['not checked', host({ ptrName: 'a.test' }), null],
    ['it resolves back', host({ ptrName: 'a.test', ptrForward: { addresses: ['198.18.0.23'], matches: true } }), null],
    ['it resolves elsewhere', host({ ptrName: 'a.test', ptrForward: { addresses: ['198.18.0.99', '198.18.0.98'], matches: false } }), 'a.test resolves to 198.18.0.99, 198.18.0.98, not 198.18.0.23'],
    ['it resolves to nothing', host({ ptrName: 'a.test', ptrForward: { addresses: [], matches: false } }), 'a.test resolves to no address, not 198.18.0.23'],
  ])('stale DNS: %s', (_name, h, expected) => {
    expect(staleDns(h)).toBe(expected);
  });

  it.each([
    ['VMware, Inc.', false, 'VMware, Inc.'],
    [null, true, 'randomised (locally administered)'],
    ['Ignored', true, 'randomised (locally administered)'],
    [null, false, 'unknown vendor'],
  ])('vendor %s (random %s) reads "%s"', (vendor, random, text) => {
    expect(vendorText(vendor, random)).toBe(text);
  });

  it.each([
    ['02:1a:2b:3c:4d:5e', true],
    ['da:a1:19:00:00:01', true],
    ['00:0c:29:ab:cd:ef', false],
    ['b8:27:eb:00:00:01', false],
    [null, false],
  ])('%s is locally administered: %s', (mac, local) => {
    expect(isLocalMac(mac)).toBe(local);
  });

  it.each([
    [[0.421, 0.5, 12.34], '0.42 / 0.50 / 12.3 ms'],
    [[150.2], '150 ms'],
    [[], 'no answer'],
  ])('round trips %j read "%s"', (rtt, text) => {
    expect(rttText(rtt)).toBe(text);
  });

  it('loss and the trace summary', () => {
    expect([0, 1 / 3, 1].map(lossText)).toEqual(['0 %', '33 %', '100 %']);
    expect(traceSummary({ target: '198.18.0.23', reached: true, hops: [{}, {}] })).toBe('reached 198.18.0.23 in 2 hops');
    expect(traceSummary({ target: '198.18.0.23', reached: false, hops: [{}] })).toBe('not reached 198.18.0.23 in 1 hop');
  });

  it.each([
    ['sweep', '/api/subnets/3/changes'],
    ['24h', `/api/subnets/3/changes?since=${encodeURIComponent('2026-01-01T00:00:00.000Z')}`],
    ['7d', `/api/subnets/3/changes?since=${encodeURIComponent('2025-12-26T00:00:00.000Z')}`],
  ])('the changes request for "%s"', (choice, path) => {
    expect(changesPath(3, choice, Date.parse('2026-01-02T00:00:00Z'))).toBe(path);
  });

  it.each([
    [{ code: 'no_probe', status: 409 }, /no probe/],
    [{ code: 'probe_offline', status: 409 }, /offline/],
    [{ code: 'unsupported_by_probe', status: 409 }, /cannot trace/],
    [{ code: 'target_outside_probe', status: 400 }, /no subnet containing/],
    [{ code: 'rate_limited', status: 429 }, /already running/],
    [{ code: 'other', status: 500, message: 'boom' }, /^boom$/],
  ])('a refused trace says why: %j', (err, text) => {
    expect(traceRefusal(err)).toMatch(text);
  });

  it('gateways with their interfaces', () => {
    expect(gatewayTexts({ gateways: [{ family: 4, address: '198.18.0.1', interface: 'eth0' }, { family: 6, address: 'fd00::1', interface: null }] })).toEqual(['198.18.0.1 (eth0)', 'fd00::1']);
    expect(gatewayTexts(null)).toEqual([]);
  });
});
