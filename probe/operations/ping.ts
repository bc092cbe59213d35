import { opPingJob, type OpPingJob } from '../../schema/kinds/operation.js';
import type { ResultItem } from '../../schema/protocol.js';
import type { JobRunner } from '../jobs/types.js';
import { OperationFailed } from './failure.js';
import { parsePingLine, pingResult, type PingLine } from './ping-parse.js';
import { prepareRun, refuseTarget, type OperationOptions } from './prepare.js';
import { runTool } from './spawn.js';

/** How often a running ping's replies so far are sent (each snapshot its own spooled batch). */
export const PING_SNAPSHOT_MS = 1_000;
/** Seconds ping waits for the last reply. */
const LAST_REPLY_WAIT_S = 2;

/** -n: no names; -O: a line for each request that got no answer in time, so losses show as they happen. */
export const pingArgv = (job: OpPingJob, address: string, family: 4 | 6): string[] => [
  '-n', '-O', family === 6 ? '-6' : '-4',
  '-c', String(job.count), '-i', String(job.intervalMs / 1000), '-s', String(job.packetSize), '-W', String(LAST_REPLY_WAIT_S),
  address,
];

/** ping to any target this probe may reach; the replies stream back as they come. */
export function pingRunner(opts: OperationOptions): JobRunner<OpPingJob> {
  return {
    kind: 'op-ping',
    schema: opPingJob,
    pool: 'operations',
    shareKey: (job) => `op:${job.jobId}`,
    refuse: (job) => refuseTarget(job, opts),
    async run(job, ctx) {
      const run = await prepareRun(job, ctx, opts);
      const lines: PingLine[] = [];
      let seq = 0;
      let heard = 0;
      const snapshot = (final: boolean): ResultItem => ({ kind: 'operation', jobId: job.jobId, at: ctx.now(), seq: seq++, final, address: run.address, result: pingResult(lines, job.count) });
      const send = () => {
        if (lines.length === heard) return;
        heard = lines.length;
        ctx.emit([snapshot(false)]);
      };
      const timer = setInterval(send, PING_SNAPSHOT_MS);
      try {
        const out = await runTool({
          bin: opts.pingBin,
          apt: 'iputils-ping',
          argv: pingArgv(job, run.address, run.family),
          signal: run.signal,
          timedOut: run.timedOut,
          onLine: (line) => {
            const parsed = parsePingLine(line);
            if (!parsed) return;
            lines.push(parsed);
            if (parsed.type !== 'reply' && parsed.type !== 'missing') return;
            ctx.progress(Math.min(job.count, pingResult(lines, job.count).sent), job.count);
            // the first answer goes out at once (a short ping is over before the first tick); the rest once a second
            if (seq === 0 && job.count > 1) send();
          },
        });
        // 1: some requests got no reply (a result); 2: ping could not run (bad address, no route)
        if (out.code !== 0 && !lines.some((l) => l.type === 'summary')) throw new OperationFailed('tool_failed', `ping exited with ${out.code}: ${out.stderr || 'no output'}`);
      } finally {
        clearInterval(timer);
      }
      ctx.log.info('ping done', { jobId: job.jobId, address: run.address, ...summaryFields(pingResult(lines, job.count)) });
      return [snapshot(true)];
    },
  };
}

const summaryFields = (r: ReturnType<typeof pingResult>) => ({ sent: r.sent, received: r.received, avgMs: r.avgMs });
