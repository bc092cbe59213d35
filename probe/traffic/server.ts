import { trafficServerJob, type TrafficServerJob } from '../../schema/kinds/traffic.js';
import { JobRefused, type JobRunner } from '../jobs/types.js';
import { runTool } from '../operations/spawn.js';
import { IPERF3_APT, portAllowed, runSignal, TrafficFailed, type TrafficOptions } from './options.js';

/** -s -1: serve one test, then exit; -B: only on the address the client was given. */
export const iperf3ServerArgv = (job: TrafficServerJob): string[] => ['-s', '-1', '-p', String(job.port), ...(job.bind ? ['-B', job.bind] : [])];

/** The last thing iperf3 said went wrong ("iperf3: error - …"), or its last line. */
const errorLine = (text: string) => {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.findLast((l) => l.startsWith('iperf3: error')) ?? lines.at(-1) ?? 'no output').slice(0, 500);
};

/** The listener side of a traffic test: one iperf3 server for one client, killed at the job's limit or the probe's stop. */
export function trafficServerRunner(opts: TrafficOptions): JobRunner<TrafficServerJob> {
  return {
    kind: 'traffic-server',
    schema: trafficServerJob,
    pool: 'traffic',
    shareKey: (job) => `traffic:${job.jobId}`,
    refuse: (job) =>
      portAllowed(job.port, opts.ports)
        ? null
        : new JobRefused('port_not_allowed', `port ${job.port} is outside this probe's TRAFFIC_PORTS (${opts.ports.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(',')})`),
    async run(job, ctx) {
      const { signal, timedOut } = runSignal(ctx, job.timeoutMs);
      ctx.log.info('traffic listener starting', { jobId: job.jobId, testId: job.testId, port: job.port, bind: job.bind ?? null });
      const out = await runTool({ bin: opts.iperf3Bin, apt: IPERF3_APT, argv: iperf3ServerArgv(job), signal, timedOut }).catch((e: { code?: string; message: string }) => {
        // no client came and went before the limit
        if (e.code === 'timeout') throw new TrafficFailed('timeout', `no traffic test reached the listener on port ${job.port} within ${job.timeoutMs / 1000} s`);
        throw e;
      });
      if (out.code !== 0) {
        const said = errorLine(`${out.stdout}\n${out.stderr}`);
        if (/address already in use/i.test(said)) throw new TrafficFailed('port_in_use', `port ${job.port} is already in use on this probe: ${said}`);
        throw new TrafficFailed('tool_failed', `iperf3 -s exited with ${out.code}: ${said}`);
      }
      ctx.log.info('traffic listener done', { jobId: job.jobId, testId: job.testId });
      return [];
    },
  };
}
