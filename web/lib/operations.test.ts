import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test the Operations page's pure helpers
import {
  againHref,
  blankForm,
  buildRequest,
  countsText,
  fieldsOf,
  hopChart,
  hostOperationsHref,
  listQuery,
  lossPercent,
  msText,
  niceMax,
  orderRuns,
  paramsText,
  parsePrefill,
  pathSteps,
  pingChart,
  progressAnnouncement,
  refusalOf,
  resultSummary,
  runProblem,
  runStateText,
  selectionText,
  sitesOf,
} from './operations.js';

const q = (s: string) => new URLSearchParams(s);
const counts = (c: Partial<Record<string, number>>) => ({ runs: 0, queued: 0, running: 0, done: 0, failed: 0, offline: 0, unsupported: 0, ...c });

describe('the prefill from the URL', () => {
  it.each([
    ['', { kind: 'ping', target: '', mode: 'probe', probeId: '', site: '' }],
    // the host drawer's link
    ['target=198.18.0.5&probe=3', { kind: 'ping', target: '198.18.0.5', mode: 'probe', probeId: '3' }],
    ['kind=mtr&target=fd00::1&site=lab', { kind: 'mtr', target: 'fd00::1', mode: 'site', site: 'lab', count: '10' }],
    ['kind=traceroute&target=a.example&all=1&probe=2', { kind: 'traceroute', mode: 'all', probeId: '' }],
    // malformed values fall back to the defaults
    ['kind=nmap&probe=-1&count=abc&family=5', { kind: 'ping', probeId: '', count: '5', family: '' }],
    ['probe=0', { probeId: '' }],
    ['target=%20198.18.0.9%20', { target: '198.18.0.9' }],
    ['count=20&interval=250&size=1000&family=6&hops=12', { count: '20', intervalMs: '250', packetSize: '1000', family: '6', maxHops: '12' }],
  ])('%s', (query, expected) => expect(parsePrefill(q(query))).toMatchObject(expected));

  it('keeps a target no longer than a hostname may be', () => expect(parsePrefill(q(`target=${'a'.repeat(300)}`)).target).toHaveLength(253));

  it('"run again" reopens the form as the operation was asked for', () => {
    const params = { count: 20, intervalMs: 500, packetSize: 100, family: 6, maxHops: 30 };
    const ping = againHref({ kind: 'ping', target: 'fd00::1', selection: { probes: [4] }, params });
    expect(ping).toBe('#/operations?kind=ping&target=fd00%3A%3A1&probe=4&count=20&interval=500&size=100&family=6');
    const form = parsePrefill(q(ping.split('?')[1]!));
    expect(form).toMatchObject({ kind: 'ping', target: 'fd00::1', mode: 'probe', probeId: '4', count: '20', intervalMs: '500', packetSize: '100', family: '6' });
    expect(againHref({ kind: 'traceroute', target: 'h', selection: 'all', params: { ...params, family: null, maxHops: 12 } })).toBe('#/operations?kind=traceroute&target=h&all=1&hops=12');
    expect(againHref({ kind: 'mtr', target: 'h', selection: { site: 'lab 2' }, params: { ...params, family: null } })).toBe(
      '#/operations?kind=mtr&target=h&site=lab+2&count=20&interval=500&size=100&hops=30',
    );
    // two chosen probes cannot be one probe: the form is left to choose
    expect(againHref({ kind: 'ping', target: 'h', selection: { probes: [1, 2] }, params })).not.toContain('probe=');
  });

  it('the host drawer names the subnet probe when it has one', () => {
    expect(hostOperationsHref('198.18.0.5', 3)).toBe('#/operations?target=198.18.0.5&probe=3');
    expect(hostOperationsHref('fd00::5')).toBe('#/operations?target=fd00%3A%3A5');
    expect(parsePrefill(q(hostOperationsHref('fd00::5', 7).split('?')[1]!))).toMatchObject({ target: 'fd00::5', probeId: '7' });
  });
});

describe('the request', () => {
  const form = (changes: Record<string, string>) => ({ ...blankForm(changes.kind ?? 'ping'), probeId: '2', ...changes });
  it.each([
    [{ target: '198.18.0.1' }, { kind: 'ping', target: '198.18.0.1', probes: [2], count: 5, intervalMs: 1000, packetSize: 56 }],
    [{ target: ' h.example ', mode: 'all', family: '6' }, { kind: 'ping', target: 'h.example', probes: 'all', count: 5, intervalMs: 1000, packetSize: 56, family: 6 }],
    [{ kind: 'mtr', target: 'fd00::1', mode: 'site', site: 'lab' }, { kind: 'mtr', target: 'fd00::1', probes: { site: 'lab' }, count: 10, intervalMs: 1000, packetSize: 56, maxHops: 30 }],
    // traceroute takes no count, interval or size even when the form still holds them
    [{ kind: 'traceroute', target: 'h', maxHops: '5', count: '99' }, { kind: 'traceroute', target: 'h', probes: [2], maxHops: 5 }],
    // blank optional fields are the server's defaults
    [{ target: 'h', count: '', intervalMs: ' ', packetSize: '' }, { kind: 'ping', target: 'h', probes: [2] }],
    [{ target: 'h', count: '100', intervalMs: '200', packetSize: '1472' }, { kind: 'ping', target: 'h', probes: [2], count: 100, intervalMs: 200, packetSize: 1472 }],
  ])('%o', (changes, body) => expect(buildRequest(form(changes))).toEqual({ body }));

  it.each([
    [{ target: '' }, 'target'],
    [{ target: '   ' }, 'target'],
    [{ target: 'a b' }, 'target'],
    [{ target: 'h;rm' }, 'target'],
    [{ target: 'fe80::1%eth0' }, 'target'],
    [{ target: 'a'.repeat(254) }, 'target'],
    [{ target: 'h', probeId: '' }, 'probeId'],
    [{ target: 'h', mode: 'site', site: '' }, 'site'],
    [{ target: 'h', count: '0' }, 'count'],
    [{ target: 'h', count: '101' }, 'count'],
    [{ target: 'h', count: '2.5' }, 'count'],
    [{ target: 'h', intervalMs: '199' }, 'intervalMs'],
    [{ target: 'h', intervalMs: '10001' }, 'intervalMs'],
    [{ target: 'h', packetSize: '15' }, 'packetSize'],
    [{ target: 'h', packetSize: '1473' }, 'packetSize'],
    [{ kind: 'mtr', target: 'h', maxHops: '31' }, 'maxHops'],
    [{ kind: 'traceroute', target: 'h', maxHops: '0' }, 'maxHops'],
    [{ kind: 'nmap', target: 'h' }, 'kind'],
  ])('refuses %o at %s', (changes, field) => expect(buildRequest(form(changes))).toMatchObject({ field }));

  it('names the bounds in its message', () => {
    expect(buildRequest(form({ target: 'h', kind: 'mtr', count: '0' }))).toEqual({ error: 'Cycles: a whole number from 1 to 100.', field: 'count' });
  });

  it('each kind has its own fields', () => {
    expect(fieldsOf('ping')).toEqual(['count', 'intervalMs', 'packetSize', 'family']);
    expect(fieldsOf('mtr')).toEqual(['count', 'intervalMs', 'packetSize', 'family', 'maxHops']);
    expect(fieldsOf('traceroute')).toEqual(['family', 'maxHops']);
  });

  it.each([
    [{ code: 'invalid_target', message: 'not an address or a hostname' }, { field: 'target', message: 'not an address or a hostname' }],
    [{ code: 'unknown_site', message: 'no probe has the site x' }, { field: 'site', message: 'no probe has the site x' }],
    [{ code: 'unknown_probe', message: 'no probe 9' }, { field: 'probes', message: 'no probe 9' }],
    [{ code: 'no_probes', message: 'no probe enrolled' }, { field: 'probes', message: 'no probe enrolled' }],
    [{ code: 'rate_limited', message: 'you may start 20 operations a minute; try again in 13 s' }, { field: null, message: 'you may start 20 operations a minute; try again in 13 s' }],
    [{ code: 'rate_limited', message: '' }, { field: null, message: 'Too many operations started; wait a little and try again.' }],
    [{ code: 'operation_queue_full', message: 'probe lab already has 4 operations queued or running' }, { field: 'probes', message: 'probe lab already has 4 operations queued or running' }],
    [{ code: 'forbidden', status: 403, message: 'x' }, { field: null, message: 'Only editors and admins can start operations.' }],
    [{ message: '' }, { field: null, message: 'The server refused the operation.' }],
  ])('the refusal %o', (err, shown) => expect(refusalOf(err)).toEqual(shown));
});

describe('values as text', () => {
  it.each([
    [null, '—'],
    [Number.NaN, '—'],
    [0.412, '0.41 ms'],
    [12.34, '12.3 ms'],
    [180.4, '180 ms'],
  ])('msText(%s) = %s', (ms, text) => expect(msText(ms)).toBe(text));

  it.each([
    [0, '0 %'],
    [0.2, '20 %'],
    [0.125, '12.5 %'],
    [0.01, '1 %'],
    [0.0333, '3.3 %'],
    [1 / 3, '33.3 %'],
    [1, '100 %'],
    [1.2, '100 %'],
    [null, '—'],
  ])('lossPercent(%s) = %s', (loss, text) => expect(lossPercent(loss)).toBe(text));

  const run = (r: Record<string, unknown>) => ({ probeId: 1, probeName: 'lab', site: '', code: null, error: null, progress: null, ...r });
  it.each([
    [run({ state: 'queued' }), 'queued'],
    [run({ state: 'running' }), 'running'],
    [run({ state: 'running', progress: { done: 3, total: 5 } }), 'running 3 / 5'],
    [run({ state: 'done' }), 'done'],
    [run({ state: 'offline' }), 'offline: not run'],
    [run({ state: 'unsupported' }), 'cannot run mtr: upgrade the probe'],
    [run({ state: 'failed', code: 'timeout' }), 'failed'],
  ])('runStateText %#', (r, text) => expect(runStateText(r, 'mtr')).toBe(text));

  it.each([
    [run({ state: 'done' }), null],
    [run({ state: 'failed', code: 'target_not_allowed', error: '198.18.31.7 is outside ALLOWED_TARGETS' }), { code: 'target_not_allowed', message: '198.18.31.7 is outside ALLOWED_TARGETS', meaning: "the target is outside the probe's allowed ranges" }],
    [run({ state: 'failed', code: 'tool_missing' }), { code: 'tool_missing', message: 'the tool is not installed on the probe', meaning: null }],
    [run({ state: 'failed', code: 'something_new', error: 'it broke' }), { code: 'something_new', message: 'it broke', meaning: null }],
    [run({ state: 'failed', code: 'something_new' }), { code: 'something_new', message: 'failed', meaning: null }],
    [run({ state: 'failed' }), { code: null, message: 'unknown error', meaning: null }],
  ])('runProblem %#', (r, problem) => expect(runProblem(r)).toEqual(problem));

  it.each([
    [counts({ runs: 3, done: 2, offline: 1 }), '3 runs: 2 done, 1 offline'],
    [counts({ runs: 1, running: 1 }), '1 run: 1 running'],
    [counts({ runs: 4, unsupported: 1, queued: 1, failed: 1, done: 1 }), '4 runs: 1 queued, 1 done, 1 failed, 1 unsupported'],
    [counts({}), '0 runs'],
  ])('countsText %#', (c, text) => expect(countsText(c)).toBe(text));

  it('who an operation was asked of', () => {
    const names = new Map([[1, 'lab-1'], [2, 'lab-2']]);
    expect(selectionText('all', names)).toBe('all probes');
    expect(selectionText({ site: 'berlin' }, names)).toBe('site berlin');
    expect(selectionText({ probes: [1] }, names)).toBe('probe lab-1');
    expect(selectionText({ probes: [1, 2, 9] }, names)).toBe('probes lab-1, lab-2, #9');
  });

  it('the parameters in force', () => {
    const p = { count: 5, intervalMs: 1000, packetSize: 56, family: null, maxHops: 30 };
    expect(paramsText('ping', p)).toBe('5 × 56 B every 1000 ms');
    expect(paramsText('mtr', { ...p, count: 10, family: 6 })).toBe('10 cycles, 56 B every 1000 ms, up to 30 hops, IPv6');
    expect(paramsText('traceroute', { ...p, maxHops: 12, family: 4 })).toBe('up to 12 hops, IPv4');
  });

  it.each([
    [null, ''],
    [{ tool: 'ping', sent: 5, received: 5, loss: 0, minMs: 0.31, avgMs: 0.42, maxMs: 0.7, mdevMs: 0.12, replies: [] }, '5 of 5 replies, 0 % loss, min/avg/max/mdev 0.31 / 0.42 / 0.70 / 0.12 ms'],
    [{ tool: 'ping', sent: 3, received: 0, loss: 1, minMs: null, avgMs: null, maxMs: null, mdevMs: null, replies: [] }, '0 of 3 replies, 100 % loss'],
    [{ tool: 'traceroute', reached: true, hops: [{}, {}] }, 'reached in 2 hops'],
    [{ tool: 'traceroute', reached: false, hops: [{}] }, 'not reached in 1 hop'],
    [{ tool: 'mtr', cycles: 10, hops: [] }, 'no hop answered'],
    [{ tool: 'mtr', cycles: 10, hops: [{ hop: 1, address: '198.18.0.1', loss: 0 }, { hop: 2, address: '198.18.1.5', loss: 0.1, avgMs: 1.234 }] }, '2 hops, last 198.18.1.5: 10 % loss, avg 1.23 ms'],
  ])('resultSummary %#', (r, text) => expect(resultSummary(r)).toBe(text));

  it('announces progress as runs finish, then the outcome', () => {
    expect(progressAnnouncement({ finished: false, counts: counts({ runs: 3, done: 1, running: 1, offline: 1 }) })).toBe('2 of 3 probes finished');
    expect(progressAnnouncement({ finished: false, counts: counts({ runs: 1, queued: 1 }) })).toBe('0 of 1 probe finished');
    expect(progressAnnouncement({ finished: true, counts: counts({ runs: 2, done: 1, failed: 1 }) })).toBe('Finished: 2 runs: 1 done, 1 failed');
  });
});

describe('probes, sites, runs and the list', () => {
  it('sites are the distinct non-empty ones, sorted, with their probe counts', () => {
    const probes = [{ site: 'lab' }, { site: '' }, { site: 'berlin' }, { site: ' lab ' }, { site: null }, {}];
    expect(sitesOf(probes)).toEqual([{ site: 'berlin', probes: 1 }, { site: 'lab', probes: 2 }]);
    expect(sitesOf([])).toEqual([]);
  });

  it('runs keep their place as results arrive: by name, offline and unsupported last', () => {
    const runs = [
      { probeId: 3, probeName: 'c', state: 'offline' },
      { probeId: 2, probeName: 'b', state: 'done' },
      { probeId: 5, probeName: 'a', state: 'unsupported' },
      { probeId: 1, probeName: 'd', state: 'running' },
      { probeId: null, probeName: 'b', state: 'queued' },
    ];
    expect(orderRuns(runs).map((r) => `${r.probeName}${r.probeId ?? '-'}`)).toEqual(['b-', 'b2', 'd1', 'a5', 'c3']);
    // running → done changes nothing
    const later = runs.map((r) => (r.state === 'running' ? { ...r, state: 'done' } : r));
    expect(orderRuns(later).map((r) => r.probeName)).toEqual(orderRuns(runs).map((r) => r.probeName));
  });

  it.each([
    [{}, 'limit=50'],
    [{ kind: 'mtr', probeId: '3', target: ' h ', limit: 25 }, 'kind=mtr&probeId=3&target=h&limit=25'],
    [{ kind: 'nmap', probeId: 'x', target: '', before: 'abc' }, 'before=abc&limit=50'],
  ])('listQuery(%o) = %s', (filters, text) => expect(listQuery(filters)).toBe(text));
});

describe('chart scales', () => {
  it.each([
    [0, 1],
    [-3, 1],
    [Number.NaN, 1],
    [0.42, 0.5],
    [1, 1],
    [1.01, 2],
    [2.2, 2.5],
    [3, 5],
    [7.5, 10],
    [12, 20],
    [180, 200],
    [240, 250],
  ])('niceMax(%s) = %s', (v, max) => expect(niceMax(v)).toBeCloseTo(max, 9));

  it('ping: a point per answered reply by sequence, lost ones as misses, the line broken at a miss', () => {
    const replies = [
      { seq: 1, rttMs: 1, ttl: 64 },
      { seq: 2, rttMs: 2, ttl: 64 },
      { seq: 3, rttMs: null, ttl: null },
      { seq: 4, rttMs: 4, ttl: 64 },
      { seq: 5, rttMs: 1, ttl: 64 },
    ];
    const c = pingChart(replies, { width: 100, height: 50, pad: 0 });
    expect(c.max).toBe(5);
    expect(c.points.map((p) => [p.seq, p.x, p.y])).toEqual([
      [1, 0, 40],
      [2, 25, 30],
      [4, 75, 10],
      [5, 100, 40],
    ]);
    expect(c.misses).toEqual([{ seq: 3, x: 50 }]);
    expect(c.path).toBe('M0,40L25,30M75,10L100,40');
  });

  it('ping: a chart still filling keeps the x scale of the requests asked for; replies arrive in any order', () => {
    const c = pingChart([{ seq: 2, rttMs: 0.5 }, { seq: 1, rttMs: 0.25 }], { width: 100, height: 50, pad: 0, expected: 5 });
    expect(c.points.map((p) => p.x)).toEqual([0, 25]);
    expect(c.path).toBe('M0,25L25,0');
    // a lone reply still has a scale
    expect(pingChart([{ seq: 1, rttMs: 3 }], { width: 100, height: 50, pad: 0 }).points).toEqual([{ seq: 1, rttMs: 3, x: 0, y: 20 }]);
    // nothing answered: no line, every request a miss
    const lost = pingChart([{ seq: 1, rttMs: null }, { seq: 2, rttMs: null }], { width: 100, height: 50, pad: 0 });
    expect(lost).toMatchObject({ max: 1, path: '', points: [], misses: [{ seq: 1, x: 0 }, { seq: 2, x: 100 }] });
  });

  it('mtr: best–worst bars with the average on one scale, loss on its own, silent hops without a bar', () => {
    const hops = [
      { hop: 1, address: '198.18.0.1', loss: 0, bestMs: 0.5, avgMs: 1, worstMs: 2, lastMs: 1, stdevMs: 0.2, sent: 10 },
      { hop: 2, address: null, loss: 1, bestMs: null, avgMs: null, worstMs: null, lastMs: null, stdevMs: null, sent: 10 },
      { hop: 3, address: '198.18.1.5', loss: 0.25, bestMs: 3, avgMs: 4, worstMs: 4.5, lastMs: 4, stdevMs: 0.5, sent: 10 },
    ];
    const c = hopChart(hops, { width: 160, rowHeight: 20, labelWidth: 0, lossWidth: 40, gap: 20 });
    expect(c).toMatchObject({ max: 5, left: 0, span: 100, lossLeft: 120, height: 60 });
    expect(c.rows[0]).toEqual({ hop: 1, y: 0, mid: 10, bar: { x: 10, width: 30 }, avg: 20, loss: { x: 120, width: 0, full: 40 } });
    expect(c.rows[1]).toMatchObject({ hop: 2, bar: null, avg: null, loss: { width: 40 } });
    expect(c.rows[2]).toMatchObject({ hop: 3, mid: 50, bar: { x: 60, width: 30 }, avg: 80, loss: { width: 10 } });
    // a hop with one answer (best = worst) still shows a bar
    expect(hopChart([{ hop: 1, loss: 0, bestMs: 2, avgMs: 2, worstMs: 2 }], { width: 160, labelWidth: 0, lossWidth: 40, gap: 20 }).rows[0]!.bar!.width).toBe(2);
  });

  it('traceroute: the path with the target marked when reached', () => {
    const result = {
      tool: 'traceroute',
      reached: true,
      hops: [
        { hop: 1, address: '198.18.0.1', name: 'gw', rttMs: [0.5, 0.61], loss: 0 },
        { hop: 2, address: null, name: null, rttMs: [], loss: 1 },
        { hop: 3, address: '198.18.1.5', name: null, rttMs: [1.2], loss: 0 },
      ],
    };
    expect(pathSteps(result)).toEqual([
      { hop: 1, address: '198.18.0.1', name: 'gw', rtt: '0.50 / 0.61 ms', loss: 0, target: false },
      { hop: 2, address: null, name: null, rtt: 'no answer', loss: 1, target: false },
      { hop: 3, address: '198.18.1.5', name: null, rtt: '1.20 ms', loss: 0, target: true },
    ]);
    expect(pathSteps({ ...result, reached: false }).some((s) => s.target)).toBe(false);
  });
});
