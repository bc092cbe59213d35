/**
 * The `address-check` kind: is each address in use right now? Per address, side by side: an ICMP echo (the system's
 * ping), a TCP connect to each of the job's ports, the PTR name through the probe's resolver; then the neighbour
 * table on an attached segment (what the attempts' ARP/ND left there). Every check gives up within its share of the
 * job's limit; the job returns one `address-check` item listing every address.
 */
import { Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import pLimit from 'p-limit';
import { parseIp } from '../../schema/ip/cidr.js';
import { addressCheckJob, type AddressCheckJob, type AddressCheckName, type AddressCheckOutcome, type AddressSign } from '../../schema/kinds/address-check.js';
import { OperationFailed } from '../operations/failure.js';
import { parsePingLine } from '../operations/ping-parse.js';
import { runTool } from '../operations/spawn.js';
import { checkAddresses, checkBudget, checkPingArgv, echoVerdict, neighbourEntry, onAttachedSegment, outcomeOf, tcpSign, type CheckTarget, type NeighbourEntry, type PingEnd } from './address-check-plan.js';
import { deadlineSignal } from '../deadline.js';
import { JobRefused, type JobRunner } from './types.js';

export interface AddressCheckOptions {
  /** The ping binary (PING_BIN). */
  pingBin: string;
  /** `ip` from iproute2 (the neighbour table). */
  ipBin?: string;
  /** The PTR name of an address through the probe's resolver; absent (PTR_LOOKUP=0): PTR is skipped. */
  ptrName?: (ip: string, signal: AbortSignal) => Promise<string | null>;
  /** The probe's own addresses with their prefix ("198.18.0.1/24"); default: this machine's interfaces now. */
  interfaceAddresses?: () => string[];
}

export class AddressCheckFailed extends Error {
  constructor(
    readonly code: 'timeout' | 'stopped',
    message: string,
  ) {
    super(message);
  }
}

/** This machine's addresses but loopback, as "address/prefix" (os.networkInterfaces' cidr). */
export function localInterfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && a.cidr)
    .map((a) => a.cidr!.replace(/%[^/]*/, ''));
}

/** The first echo reply's round trip, or null (no reply), or why ICMP could not be checked. Stops ping at that reply. */
async function echo(bin: string, t: CheckTarget, signal: AbortSignal): Promise<{ rttMs: number | null } | { skipped: string }> {
  const got = new AbortController();
  let rtt: number | null = null;
  let end: PingEnd;
  try {
    const out = await runTool({
      bin,
      apt: 'iputils-ping',
      argv: checkPingArgv(t.ip, t.family),
      signal: AbortSignal.any([signal, got.signal]),
      timedOut: () => false,
      onLine: (line) => {
        const parsed = parsePingLine(line);
        if (parsed?.type !== 'reply' || rtt !== null) return;
        rtt = parsed.rttMs;
        got.abort();
      },
    });
    end = { code: out.code, stderr: out.stderr };
  } catch (e) {
    // stopped by the reply, the time limit or the probe: what was heard counts
    end = e instanceof OperationFailed && (e.code === 'tool_missing' || e.code === 'tool_failed') ? { failed: e.message } : 'stopped';
  }
  return echoVerdict(rtt, end);
}

/** One TCP connect: connected or refused is a sign; a timeout or an unreachable host is none. */
function connect(ip: string, port: number, signal: AbortSignal): Promise<AddressSign | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (sign: AddressSign | null) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(sign);
    };
    const onAbort = () => done(tcpSign(port, 'timeout'));
    if (signal.aborted) return resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(tcpSign(port, 'connected')));
    socket.once('error', (e: NodeJS.ErrnoException) => done(tcpSign(port, { code: e.code })));
    socket.connect({ host: ip, port });
  });
}

/** The neighbour table's live entry for the address, or 'missing' when `ip` cannot run. */
async function neighbour(bin: string, t: CheckTarget, ms: number): Promise<NeighbourEntry | null | 'missing'> {
  try {
    const out = await runTool({ bin, apt: 'iproute2', argv: ['-j', `-${t.family}`, 'neigh', 'show', 'to', t.ip], signal: AbortSignal.timeout(ms), timedOut: () => true });
    return out.code === 0 ? neighbourEntry(out.stdout, t.ip) : null;
  } catch (e) {
    return e instanceof OperationFailed && e.code === 'tool_missing' ? 'missing' : null;
  }
}

/** The `address-check` runner. */
export function addressCheckRunner(opts: AddressCheckOptions): JobRunner<AddressCheckJob> {
  const ipBin = opts.ipBin ?? 'ip';
  const interfaces = opts.interfaceAddresses ?? localInterfaceAddresses;
  return {
    kind: 'address-check',
    schema: addressCheckJob,
    shareKey: (job) => `address-check:${job.jobId}`,
    refuse(job, ctx) {
      const checked = checkAddresses(job, ctx.assigned);
      return checked instanceof JobRefused ? checked : null;
    },
    async run(job, ctx) {
      const targets = checkAddresses(job, ctx.assigned);
      if (targets instanceof JobRefused) throw targets;
      const ptrOn = opts.ptrName !== undefined && ctx.assigned.get(job.subnetId)?.ptr !== false;
      const at = ctx.now();
      const started = performance.now();
      const deadline = started + job.timeoutMs;
      const budget = checkBudget(targets.length, job.timeoutMs);
      const limit = pLimit(budget.parallel);
      const own = interfaces();
      let done = 0;
      const icmpNotChecked: { ip: string; reason: string }[] = [];
      const checkOne = async (t: CheckTarget): Promise<AddressCheckOutcome> => {
        if (ctx.signal.aborted) throw new AddressCheckFailed('stopped', 'the probe stopped during the checks');
        // an address never checked must not come back as free
        if (performance.now() + budget.attemptMs > deadline) throw new AddressCheckFailed('timeout', `the checks of ${targets.length} addresses ran past ${job.timeoutMs} ms`);
        const attempt = deadlineSignal(ctx.signal, budget.attemptMs);
        const signal = attempt.signal;
        const skipped: AddressCheckName[] = [];
        const [icmp, tcp, ptrName] = await Promise.all([
          echo(opts.pingBin, t, signal),
          Promise.all(job.ports.map((port) => connect(t.ip, port, signal))),
          ptrOn ? opts.ptrName!(t.ip, signal).catch(() => null) : Promise.resolve(null),
        ]).finally(attempt.clear);
        if ('skipped' in icmp) {
          skipped.push('icmp');
          icmpNotChecked.push({ ip: t.ip, reason: icmp.skipped });
        }
        if (!ptrOn) skipped.push('ptr');
        let entry: NeighbourEntry | null = null;
        if (!onAttachedSegment(parseIp(t.ip), own)) skipped.push('neighbour');
        else {
          const n = await neighbour(ipBin, t, budget.neighbourMs);
          if (n === 'missing') skipped.push('neighbour');
          else entry = n;
        }
        if (ctx.signal.aborted) throw new AddressCheckFailed('stopped', 'the probe stopped during the checks');
        ctx.progress(++done, targets.length);
        return outcomeOf(t.ip, { echoRttMs: 'rttMs' in icmp ? icmp.rttMs : null, neighbour: entry, tcp: tcp.filter((s): s is AddressSign => s !== null), ptrName, skipped });
      };
      const checks = await Promise.all(targets.map((t) => limit(() => checkOne(t))));
      const durationMs = Math.round(performance.now() - started);
      if (icmpNotChecked.length) {
        ctx.log.warn('address check: ICMP not checked (ping could not send)', { jobId: job.jobId, addresses: icmpNotChecked.length, first: icmpNotChecked[0]!.ip, reason: icmpNotChecked[0]!.reason });
      }
      ctx.log.info('address check done', { jobId: job.jobId, subnetId: job.subnetId, addresses: checks.length, alive: checks.filter((c) => c.alive).length, ms: durationMs });
      return [{ kind: 'address-check', jobId: job.jobId, subnetId: job.subnetId, at, durationMs, checks }];
    },
  };
}
