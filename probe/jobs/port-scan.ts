import { spawn } from 'node:child_process';
import pLimit from 'p-limit';
import { portScanJob, type PortScanJob, type ScannedHost } from '../../schema/kinds/port-scan.js';
import { lastProgressPercent, parseNmapPortScan } from './nmap-xml.js';
import { boundHost, planNmapRuns, splitPortScan, type NmapRun } from './port-scan-plan.js';
import { deadlineSignal } from '../deadline.js';
import { JobRefused, type JobContext, type JobRunner } from './types.js';

export interface PortScanOptions {
  /** The nmap binary (NMAP_BIN; tests point it at a wrapper that records each start). */
  nmapBin: string;
  /** nmap processes running at once across all port-scan jobs. */
  concurrency: number;
}

export class ScanFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** More XML than this from one nmap run is not a port scan's: the run is stopped. */
const MAX_XML_CHARS = 32 * 1024 * 1024;

/** Runs one nmap process (an argument array, never a shell) and returns its XML; killed when `signal` aborts. */
function runNmap(bin: string, run: NmapRun, signal: AbortSignal, onProgress: (percent: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, run.argv, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    let tooLong = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      // a <taskprogress/> may straddle two chunks: look at the end of what came before too
      const p = lastProgressPercent(stdout.slice(-400) + d);
      stdout += d;
      if (p !== null) onProgress(p);
      if (stdout.length > MAX_XML_CHARS && !tooLong) {
        tooLong = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4000) stderr += d;
    });
    child.on('error', (e) => reject(signal.aborted ? new ScanFailed('scan_timeout', 'the port scan ran past its time limit and was stopped') : e));
    child.on('close', (code) => {
      if (signal.aborted) return reject(new ScanFailed('scan_timeout', 'the port scan ran past its time limit and was stopped'));
      if (tooLong) return reject(new ScanFailed('nmap_failed', `nmap wrote more than ${MAX_XML_CHARS} characters of output; stopped`));
      if (code !== 0) return reject(new ScanFailed('nmap_failed', `nmap exited with ${code}: ${stderr.trim().slice(0, 500)}`));
      resolve(stdout);
    });
  });
}

/** The `port_scan` kind: nmap over the job's targets, parsed from its XML output. */
export function portScanRunner(opts: PortScanOptions): JobRunner<PortScanJob> {
  const limit = pLimit(opts.concurrency);
  return {
    kind: 'port_scan',
    schema: portScanJob,
    shareKey: (job) => `port_scan:${job.jobId}`,
    refuse(job, ctx) {
      const plan = planNmapRuns(job, ctx.assigned, ctx.limits.rawSockets);
      return plan.ok ? null : new JobRefused(plan.code, plan.message);
    },
    async run(job, ctx: JobContext) {
      const plan = planNmapRuns(job, ctx.assigned, ctx.limits.rawSockets);
      if (!plan.ok) throw new JobRefused(plan.code, plan.message);
      for (const note of plan.notes) ctx.log.warn(note, { jobId: job.jobId });
      const at = ctx.now();
      const started = performance.now();
      const deadline = deadlineSignal(ctx.signal, job.timeoutMs);
      const signal = deadline.signal;
      const percents = plan.runs.map(() => 0);
      const hosts: ScannedHost[] = [];
      const scannedPorts: { tcp?: string; udp?: string } = {};
      await Promise.all(
        plan.runs.map((run, i) =>
          limit(async () => {
            const xml = await runNmap(opts.nmapBin, run, signal, (p) => {
              // nmap counts each phase (connect scan, then service scan) from 0 again: report no step back
              percents[i] = Math.max(percents[i]!, p);
              ctx.progress(Math.floor(percents.reduce((a, b) => a + b, 0) / percents.length), 100);
            });
            const parsed = parseNmapPortScan(xml);
            if (parsed.error && !parsed.hosts.length) throw new ScanFailed('nmap_failed', parsed.error);
            hosts.push(...parsed.hosts.map(boundHost));
            for (const protocol of ['tcp', 'udp'] as const) {
              const list = parsed.scanned[protocol];
              if (list) scannedPorts[protocol] = list; // every run of one job has the same arguments, so the same list
            }
          }),
        ),
      ).finally(deadline.clear);
      ctx.progress(100, 100);
      const durationMs = Math.round(performance.now() - started);
      const open = hosts.reduce((n, h) => n + h.ports.length, 0);
      ctx.log.info('port scan done', { jobId: job.jobId, subnetId: job.subnetId, hosts: hosts.length, open, ms: durationMs });
      return splitPortScan({ kind: 'port_scan', subnetId: job.subnetId, at, durationMs, jobId: job.jobId, hosts, scannedPorts });
    },
  };
}
