import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../schema/log.js';
import type { TracerouteJob } from '../../schema/kinds/traceroute.js';
import type { AssignedSubnet } from '../../schema/protocol.js';
import { checkTarget, tracerouteArgv, tracerouteRunner } from './traceroute.js';
import { JobRefused, type JobContext } from './types.js';

/**
 * The traceroute runner against a witness script standing in for traceroute: it records its arguments and prints
 * what the test gives it (no packet is sent). The witness's argument file proves whether anything ran.
 */
let dir: string;
const assigned = new Map<number, AssignedSubnet>([
  [1, { id: 1, cidr: '198.18.201.0/24', intervalSeconds: 60, knownHosts: [] }],
  [2, { id: 2, cidr: 'fd00:201::/64', intervalSeconds: 60, knownHosts: [] }],
]);
const job = (fields: Partial<TracerouteJob> = {}): TracerouteJob => ({ type: 'job', kind: 'traceroute', jobId: 'j-1', subnetId: 1, target: '198.18.201.2', maxHops: 30, timeoutMs: 10_000, ...fields });

/** A stand-in traceroute: writes its argv (one per line) to `args`, then prints `output`, then becomes `sleep` (one process, as traceroute is) or exits with `code`. */
function witness(name: string, output: string, opts: { sleep?: number; code?: number } = {}) {
  const bin = join(dir, `${name}.sh`);
  const out = join(dir, `${name}.out`);
  writeFileSync(out, output);
  writeFileSync(bin, `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(dir, `${name}.args`)}'\ncat '${out}'\n${opts.sleep ? `exec sleep ${opts.sleep}\n` : ''}echo 'stderr line' >&2\nexit ${opts.code ?? 0}\n`);
  chmodSync(bin, 0o755);
  const argsFile = join(dir, `${name}.args`);
  return { bin, ran: () => existsSync(argsFile), args: () => readFileSync(argsFile, 'utf8').trim().split('\n') };
}

function context(signal = new AbortController().signal) {
  const progress: [number, number][] = [];
  const ctx: JobContext = {
    now: () => 1_700_000_000_000,
    log: silentLogger,
    limits: { pingTimeoutMs: 1000, maxSweepAddresses: 65_536, rawSockets: false },
    assigned,
    progress: (done, total) => void progress.push([done, total]),
    signal,
    later: () => {},
    emit: () => {},
  };
  return { ctx, progress };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eipam-trace-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the probe refuses a target outside its subnets, and nothing runs', () => {
  it.each<[string, Partial<TracerouteJob>, string]>([
    ['an address outside the job’s subnet', { target: '198.18.202.5' }, 'target_outside_subnets'],
    ['an address of another assigned subnet under this subnet id', { target: 'fd00:201::5' }, 'target_outside_subnets'],
    ['a subnet not assigned to this probe', { subnetId: 9, target: '198.18.201.2' }, 'target_outside_subnets'],
    ['loopback', { target: '127.0.0.1' }, 'target_outside_subnets'],
    ['not an address', { target: '-e /bin/sh' }, 'bad_target'],
  ])('%s: %s', async (_name, fields, code) => {
    const w = witness(`refused-${code}-${Object.values(fields).join('-').replace(/[^\w]/g, '_')}`, '');
    const runner = tracerouteRunner({ bin: w.bin });
    const refusal = runner.refuse!(job(fields), { assigned, limits: context().ctx.limits });
    expect(refusal).toBeInstanceOf(JobRefused);
    expect(refusal!.code).toBe(code);
    // run() checks again (a caller that skipped refuse still spawns nothing)
    await expect(runner.run(job(fields), context().ctx)).rejects.toMatchObject({ code });
    expect(w.ran()).toBe(false);
  });

  it('an address inside is accepted', () => {
    expect(checkTarget(job(), assigned)).toEqual({ ip: '198.18.201.2', family: 4 });
    expect(checkTarget(job({ subnetId: 2, target: 'FD00:201:0::7' }), assigned)).toEqual({ ip: 'fd00:201::7', family: 6 });
  });
});

describe('a trace', () => {
  const OUTPUT = `traceroute to 198.18.201.2 (198.18.201.2), 5 hops max, 60 byte packets
 1  198.18.200.2  0.101 ms  0.014 ms  0.011 ms
 2  * * *
 3  198.18.201.2  0.039 ms *  0.012 ms
`;

  it('spawns traceroute with -n and an argument array, names hops through reverseName, and reports progress', async () => {
    const w = witness('ok', OUTPUT);
    const asked: string[] = [];
    const names: Record<string, string> = { '198.18.200.2': 'gw.lab.example' };
    const runner = tracerouteRunner({ bin: w.bin, reverseName: async (ip) => (asked.push(ip), names[ip] ?? null) });
    const { ctx, progress } = context();
    const items = await runner.run(job({ maxHops: 5 }), ctx);
    expect(w.args()).toEqual(['-n', '-q', '3', '-w', '1', '-m', '5', '198.18.201.2']);
    expect(items).toEqual([
      {
        kind: 'traceroute',
        subnetId: 1,
        at: 1_700_000_000_000,
        durationMs: expect.any(Number),
        jobId: 'j-1',
        target: '198.18.201.2',
        hops: [
          { hop: 1, address: '198.18.200.2', name: 'gw.lab.example', rttMs: [0.101, 0.014, 0.011], loss: 0 },
          { hop: 2, address: null, name: null, rttMs: [], loss: 1 },
          { hop: 3, address: '198.18.201.2', name: null, rttMs: [0.039, 0.012], loss: 1 / 3 },
        ],
        reached: true,
      },
    ]);
    expect(asked.sort()).toEqual(['198.18.200.2', '198.18.201.2']);
    expect(progress.at(-1)).toEqual([5, 5]);
    expect(progress.slice(0, -1).every(([d, t]) => t === 5 && d >= 1 && d <= 3)).toBe(true);
  });

  it('IPv6 adds -6; without reverseName names are null; a failing lookup leaves the name null; unreached when the last hop is not the target', async () => {
    const w = witness('v6', ' 1  fd00:200::2  0.2 ms  0.1 ms  0.1 ms\n 2  * * *\n');
    expect(tracerouteArgv('fd00:201::2', 6, 30)).toEqual(['-n', '-q', '3', '-w', '1', '-m', '30', '-6', 'fd00:201::2']);
    const [bare] = await tracerouteRunner({ bin: w.bin }).run(job({ subnetId: 2, target: 'fd00:201::2' }), context().ctx);
    expect(w.args()).toEqual(['-n', '-q', '3', '-w', '1', '-m', '30', '-6', 'fd00:201::2']);
    expect(bare).toMatchObject({ reached: false, hops: [{ hop: 1, address: 'fd00:200::2', name: null }, { hop: 2, address: null }] });
    const [failing] = await tracerouteRunner({ bin: w.bin, reverseName: () => Promise.reject(new Error('SERVFAIL')) }).run(job({ subnetId: 2, target: 'fd00:201::2' }), context().ctx);
    expect(failing).toMatchObject({ hops: [{ name: null }, { name: null }] });
  });

  it('a hop name that is not a hostname is null; lookups still under way at the time limit are stopped, the trace kept', async () => {
    const w = witness('names', OUTPUT);
    const runner = tracerouteRunner({
      bin: w.bin,
      reverseName: (ip, signal) =>
        ip === '198.18.200.2' ? Promise.resolve('gw\u202e.example') : new Promise((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true })),
    });
    const t0 = performance.now();
    const [item] = await runner.run(job({ maxHops: 5, timeoutMs: 700 }), context().ctx);
    expect(item).toMatchObject({ reached: true, hops: [{ hop: 1, name: null }, { hop: 2, name: null }, { hop: 3, name: null }] });
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('a non-zero exit fails the job with what traceroute said', async () => {
    const w = witness('exit2', '', { code: 2 });
    await expect(tracerouteRunner({ bin: w.bin }).run(job(), context().ctx)).rejects.toMatchObject({ code: 'traceroute_failed', message: expect.stringContaining('stderr line') });
  });

  it('a missing binary fails the job', async () => {
    await expect(tracerouteRunner({ bin: join(dir, 'no-such-traceroute') }).run(job(), context().ctx)).rejects.toMatchObject({ code: 'traceroute_failed' });
  });

  it('past its time limit it is killed (trace_timeout); the probe stopping kills it too (trace_stopped)', async () => {
    const w = witness('slow', ' 1  198.18.200.2  0.1 ms  0.1 ms  0.1 ms\n', { sleep: 30 });
    const t0 = Date.now();
    await expect(tracerouteRunner({ bin: w.bin }).run(job({ timeoutMs: 300 }), context().ctx)).rejects.toMatchObject({ code: 'trace_timeout' });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    await expect(tracerouteRunner({ bin: w.bin }).run(job(), context(stop.signal).ctx)).rejects.toMatchObject({ code: 'trace_stopped' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe.skipIf(!['/usr/sbin/traceroute', '/usr/bin/traceroute'].some((p) => existsSync(p)))('the real traceroute, to loopback only', () => {
  it('one hop, the target itself', async () => {
    const { ctx } = context();
    const loopback = new Map<number, AssignedSubnet>([[7, { id: 7, cidr: '127.0.0.0/8', intervalSeconds: 60, knownHosts: [] }]]);
    const [item] = await tracerouteRunner().run(job({ subnetId: 7, target: '127.0.0.1', maxHops: 3 }), { ...ctx, assigned: loopback });
    expect(item).toMatchObject({ target: '127.0.0.1', reached: true, hops: [{ hop: 1, address: '127.0.0.1', name: null, loss: 0 }] });
    expect((item as { hops: { rttMs: number[] }[] }).hops[0]!.rttMs).toHaveLength(3);
  });
});
