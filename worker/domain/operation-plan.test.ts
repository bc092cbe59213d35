import { describe, expect, it } from 'vitest';
import { countRuns, effectiveRunState, operationJob, operationParams, planRuns, runExpiry, runTimeoutMs, type ProbeFacts } from './operation-plan.js';

const OPS = ['sweep', 'op-ping', 'op-mtr', 'op-traceroute'];
const probes: ProbeFacts[] = [
  { id: 3, name: 'west', site: 'west', connected: true, kinds: OPS },
  { id: 1, name: 'east1', site: 'east', connected: true, kinds: OPS },
  { id: 2, name: 'east2', site: 'east', connected: false, kinds: OPS },
  { id: 4, name: 'old', site: 'west', connected: true, kinds: ['sweep', 'traceroute'] },
  { id: 5, name: 'ancient', site: '', connected: true, kinds: null },
];
const states = (r: ReturnType<typeof planRuns>) => ('runs' in r ? r.runs.map((x) => [x.probeId, x.state]) : r.error.code);

describe('planRuns', () => {
  it.each([
    ['named ids, in id order', { probes: [3, 1] }, [[1, 'queued'], [3, 'queued']]],
    ['a duplicate id is one run', { probes: [1, 1] }, [[1, 'queued']]],
    ['a site', { probes: { site: 'east' } }, [[1, 'queued'], [2, 'offline']]],
    ['all: offline and unsupported at once', { probes: 'all' }, [[1, 'queued'], [2, 'offline'], [3, 'queued'], [4, 'unsupported'], [5, 'unsupported']]],
    ['an unknown id', { probes: [1, 99] }, 'unknown_probe'],
    ['a site nobody is at', { probes: { site: 'mars' } }, 'unknown_site'],
    ['longer than 240 s', { probes: [1], count: 100, intervalMs: 2500 }, 'too_long'],
    ['exactly 240 s', { probes: [1], count: 100, intervalMs: 2400 }, [[1, 'queued']]],
  ] as const)('%s', (_, extra, expected) => {
    expect(states(planRuns({ kind: 'ping', target: '198.18.0.1', ...(extra as any) }, probes))).toEqual(expected);
  });

  it('no probes at all', () => {
    expect(states(planRuns({ kind: 'ping', target: '198.18.0.1', probes: 'all' }, []))).toBe('no_probes');
  });

  it('a traceroute is never too long, however many hops', () => {
    expect(states(planRuns({ kind: 'traceroute', target: '198.18.0.1', probes: [1], count: 100, intervalMs: 10_000 }, probes))).toEqual([[1, 'queued']]);
  });
});

describe('parameters, jobs and time limits', () => {
  it.each([
    ['ping', {}, { count: 5, intervalMs: 1000, packetSize: 56, family: null, maxHops: 30 }, 20_000],
    ['mtr', {}, { count: 10, intervalMs: 1000, packetSize: 56, family: null, maxHops: 30 }, 25_000],
    ['mtr', { count: 10, intervalMs: 200 }, { count: 10, intervalMs: 200, packetSize: 56, family: null, maxHops: 30 }, 25_000],
    ['traceroute', { maxHops: 10, family: 6 }, { count: 5, intervalMs: 1000, packetSize: 56, family: 6, maxHops: 10 }, 45_000],
  ] as const)('%s %j', (kind, extra, params, timeout) => {
    const p = operationParams({ kind, target: 'x', probes: 'all', ...extra });
    expect(p).toEqual(params);
    expect(runTimeoutMs(kind, p)).toBe(timeout);
  });

  it('the job frames carry only their kind’s fields', () => {
    const p = operationParams({ kind: 'ping', target: 'x', probes: 'all', family: 4 });
    expect(operationJob('ping', 'j', '198.18.0.1', p)).toEqual({ type: 'job', kind: 'op-ping', jobId: 'j', target: '198.18.0.1', family: 4, timeoutMs: 20_000, count: 5, intervalMs: 1000, packetSize: 56 });
    expect(operationJob('traceroute', 'j', 'h.example', { ...p, family: null })).toEqual({ type: 'job', kind: 'op-traceroute', jobId: 'j', target: 'h.example', timeoutMs: 105_000, maxHops: 30 });
  });

  it.each([
    ['sent', 1, 1_000 + 20_000 + 60_000],
    ['started', 1, 1_000 + 20_000 + 60_000],
    ['queued', 4, 1_000 + 20_000 + 60_000 + (300_000 + 60_000) * 4],
  ] as const)('expiry when %s (queue %i)', (reported, queue, expected) => {
    expect(runExpiry(reported, 1_000, 20_000, queue)).toBe(expected);
  });
});

describe('reading runs', () => {
  it.each([
    ['running', 2000, 1000, 'running', false],
    ['running', 1000, 1000, 'failed', true],
    ['queued', 999, 1000, 'failed', true],
    ['done', 0, 1000, 'done', false],
    ['offline', 0, 1000, 'offline', false],
  ] as const)('%s expiring at %i, read at %i: %s', (state, expires, now, shown, expired) => {
    expect(effectiveRunState(state, expires, now)).toEqual({ state: shown, expired });
  });

  it('counts', () => {
    expect(countRuns(['done', 'done', 'offline', 'running', 'failed'])).toEqual({ runs: 5, queued: 0, running: 1, done: 2, failed: 1, offline: 1, unsupported: 0 });
  });
});
