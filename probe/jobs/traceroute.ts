import { spawn } from 'node:child_process';
import { contains, parseCidr, parseIp, type Family } from '../../schema/ip/cidr.js';
import { validDnsName } from '../../schema/kinds/names.js';
import { TRACE_QUERIES, tracerouteJob, type TraceHop, type TracerouteJob } from '../../schema/kinds/traceroute.js';
import type { AssignedSubnet } from '../../schema/protocol.js';
import { boundRtts, hopAddress, lossOf, parseHopLine, parseTraceroute } from './traceroute-parse.js';
import { deadlineSignal } from '../deadline.js';
import { JobRefused, type JobContext, type JobRunner } from './types.js';

export interface TracerouteOptions {
  /** The traceroute binary (Debian's; tests point it at a witness). */
  bin?: string;
  /** The PTR name of a hop's address (the probe's own resolver); without it, hops have no names. Stops when `signal` aborts (the job's time limit). */
  reverseName?: (ip: string, signal: AbortSignal) => Promise<string | null>;
}

export class TraceFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thirty hop lines are a few kilobytes: more is not traceroute's output, and the run is stopped. */
const MAX_OUTPUT_CHARS = 256 * 1024;
/** Seconds to wait for each probe's answer. */
const WAIT_SECONDS = 1;

/** The target as the probe traces it, or why not: it must be an address inside the job's subnet, assigned to this probe. */
export function checkTarget(job: Pick<TracerouteJob, 'subnetId' | 'target'>, assigned: ReadonlyMap<number, AssignedSubnet>): { ip: string; family: Family } | JobRefused {
  let ip;
  try {
    ip = parseIp(job.target);
  } catch {
    return new JobRefused('bad_target', `target ${JSON.stringify(job.target)} is not an IP address`);
  }
  const subnet = assigned.get(job.subnetId);
  if (!subnet || !contains(parseCidr(subnet.cidr), ip)) {
    return new JobRefused('target_outside_subnets', `target ${ip.text} is not inside a subnet assigned to this probe`);
  }
  return { ip: ip.text, family: ip.family };
}

/** The argument array (never a shell); -n: traceroute resolves no names itself, so no query goes to the system resolver. */
export const tracerouteArgv = (target: string, family: Family, maxHops: number): string[] => [
  '-n', '-q', String(TRACE_QUERIES), '-w', String(WAIT_SECONDS), '-m', String(maxHops), ...(family === 6 ? ['-6'] : []), target,
];

/** Runs traceroute and returns its stdout; `onHop` hears each hop number as its line arrives. Killed when `signal` aborts. */
function runTraceroute(bin: string, argv: string[], signal: AbortSignal, timedOut: () => boolean, onHop: (hop: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    let tooLong = false;
    const stopped = () =>
      timedOut() ? new TraceFailed('trace_timeout', 'the trace ran past its time limit and was stopped') : new TraceFailed('trace_stopped', 'the probe stopped during the trace');
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const start = stdout.lastIndexOf('\n') + 1;
      stdout += d;
      for (const line of stdout.slice(start).split('\n').slice(0, -1)) {
        const h = parseHopLine(line);
        if (h) onHop(h.hop);
      }
      if (stdout.length > MAX_OUTPUT_CHARS && !tooLong) {
        tooLong = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4000) stderr += d;
    });
    child.on('error', (e) => reject(signal.aborted ? stopped() : new TraceFailed('traceroute_failed', `could not run traceroute: ${e.message}`)));
    child.on('close', (code) => {
      if (signal.aborted) return reject(stopped());
      if (tooLong) return reject(new TraceFailed('traceroute_failed', `traceroute wrote more than ${MAX_OUTPUT_CHARS} characters; stopped`));
      if (code !== 0) return reject(new TraceFailed('traceroute_failed', `traceroute exited with ${code}: ${stderr.trim().slice(0, 500)}`));
      resolve(stdout);
    });
  });
}

/** Each distinct address's name once; a lookup that fails, or is stopped by `signal`, leaves the name null. */
export async function namesOf(addresses: string[], reverseName: TracerouteOptions['reverseName'], signal: AbortSignal): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>();
  if (!reverseName) return names;
  await Promise.all(
    [...new Set(addresses)].map(async (a) => {
      const name = signal.aborted ? null : await reverseName(a, signal).catch(() => null);
      names.set(a, name ? validDnsName(name) : null);
    }),
  );
  return names;
}

/** traceroute's output as hops (each address named through `reverseName`), and whether the last is the target: for host traces and operations alike. */
export async function traceHops(
  stdout: string,
  target: string,
  maxHops: number,
  reverseName: TracerouteOptions['reverseName'],
  signal: AbortSignal,
): Promise<{ hops: TraceHop[]; reached: boolean }> {
  const parsed = parseTraceroute(stdout).filter((h) => h.hop <= maxHops);
  const addresses = parsed.map((h) => hopAddress(h, target));
  const names = await namesOf(addresses.filter((a): a is string => a !== null), reverseName, signal);
  const hops = parsed.map((h, i): TraceHop => {
    const address = addresses[i]!;
    return { hop: h.hop, address, name: address === null ? null : (names.get(address) ?? null), rttMs: boundRtts(h.rttMs), loss: lossOf(h) };
  });
  return { hops, reached: hops.length > 0 && hops[hops.length - 1]!.address === target };
}

/** The `traceroute` kind: the routed path from this probe to one address of its subnets. */
export function tracerouteRunner(opts: TracerouteOptions = {}): JobRunner<TracerouteJob> {
  const bin = opts.bin ?? 'traceroute';
  return {
    kind: 'traceroute',
    schema: tracerouteJob,
    shareKey: (job) => `traceroute:${job.jobId}`,
    refuse(job, ctx) {
      const checked = checkTarget(job, ctx.assigned);
      return checked instanceof JobRefused ? checked : null;
    },
    async run(job, ctx: JobContext) {
      const checked = checkTarget(job, ctx.assigned);
      if (checked instanceof JobRefused) throw checked;
      const at = ctx.now();
      const started = performance.now();
      const { signal, timedOut } = deadlineSignal(ctx.signal, job.timeoutMs);
      let seen = 0;
      const out = await runTraceroute(bin, tracerouteArgv(checked.ip, checked.family, job.maxHops), signal, timedOut, (hop) => {
        if (hop <= seen) return;
        seen = hop;
        ctx.progress(Math.min(hop, job.maxHops), job.maxHops);
      });
      const { hops, reached } = await traceHops(out, checked.ip, job.maxHops, opts.reverseName, signal);
      ctx.progress(job.maxHops, job.maxHops);
      const durationMs = Math.round(performance.now() - started);
      ctx.log.info('trace done', { jobId: job.jobId, subnetId: job.subnetId, target: checked.ip, hops: hops.length, reached, ms: durationMs });
      return [{ kind: 'traceroute', subnetId: job.subnetId, at, durationMs, jobId: job.jobId, target: checked.ip, hops, reached }];
    },
  };
}
