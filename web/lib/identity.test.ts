import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import {
  changesPath,
  firstHopBadge,
  gatewayTexts,
  isLocalMac,
  localTimeToIso,
  lossText,
  ptrBeside,
  rttText,
  sourceText,
  staleDns,
  toLocalInput,
  traceRefusal,
  traceStateText,
  traceSummary,
  vendorText,
} from './identity.js';

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
    ['time', `/api/subnets/3/changes?since=${encodeURIComponent('2025-12-31T18:30:00.000Z')}`],
  ])('the changes request for "%s"', (choice, path) => {
    expect(changesPath(3, choice, Date.parse('2026-01-02T00:00:00Z'), '2025-12-31T18:30:00.000Z')).toBe(path);
  });

  it('a chosen time with no valid value asks for nothing', () => {
    expect(changesPath(3, 'time', Date.now(), null)).toBeNull();
  });

  it.each([
    ['UTC', '2026-01-02T05:30', '2026-01-02T05:30:00.000Z'],
    ['Asia/Kolkata', '2026-01-02T05:30', '2026-01-02T00:00:00.000Z'],
    ['America/New_York', '2026-07-01T08:00', '2026-07-01T12:00:00.000Z'],
    ['UTC', '', null],
    ['UTC', '2026-01-02', null],
    ['UTC', '2026-13-45T99:00', null],
  ])('a datetime-local value in %s: "%s" is %s', (tz, value, iso) => {
    const before = process.env.TZ;
    process.env.TZ = tz;
    try {
      expect(localTimeToIso(value)).toBe(iso);
      if (iso) expect(toLocalInput(Date.parse(iso))).toBe(value);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  const trace = (hop1: string | null, target = '198.18.0.23') => ({ target, hops: [{ hop: 1, address: hop1 }, { hop: 2, address: target }] });
  const network = { gateways: [{ family: 4, address: '198.18.0.1', interface: 'eth0' }, { family: 6, address: 'fd00::1', interface: 'eth0' }] };
  it.each([
    ['the probe’s default gateway', trace('198.18.0.1'), network, 'default gateway'],
    ['an IPv6 gateway written in capitals', trace('FD00::1', 'fd00:1::5'), network, 'default gateway'],
    ['a router the probe does not name', trace('198.18.0.254'), network, 'gateway'],
    ['a probe that reported no network', trace('198.18.0.1'), null, 'gateway'],
    ['the target itself (on the probe’s segment)', { target: '198.18.0.23', hops: [{ hop: 1, address: '198.18.0.23' }] }, network, null],
    ['no answer at hop 1', trace(null), network, null],
    ['no hops', { target: '198.18.0.23', hops: [] }, network, null],
  ])('the first hop’s badge: %s', (_name, t, net, badge) => {
    expect(firstHopBadge(t, net)).toBe(badge);
  });

  it.each([
    [{ state: 'queued' }, 'queued'],
    [{ state: 'started' }, 'tracing'],
    [{ state: 'progress' }, 'tracing'],
    [{ state: 'progress', done: 0, total: 30 }, 'tracing'],
    [{ state: 'progress', done: 3, total: 30 }, 'hop 3…'],
  ])('a running trace %j reads "%s"', (job, text) => {
    expect(traceStateText(job)).toBe(text);
  });

  it.each([
    [{ code: 'no_probe', status: 409 }, /no probe/],
    [{ code: 'probe_offline', status: 409 }, /offline/],
    [{ code: 'unsupported_by_probe', status: 409 }, /cannot trace/],
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
