import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseCidr } from '../schema/ip/cidr.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION, serverMessage, type AssignedSubnet, type ProbeMessage, type ServerMessage } from '../schema/protocol.js';
import type { Logger } from '../schema/log.js';
import { ServerLink } from './link.js';
import { progressGate } from './progress.js';
import { splitSweep } from './split.js';
import { Spool } from './spool.js';
import { Sweeper, type SweepEngine } from './sweep/sweeper.js';
import { nextSweepAt } from './timing.js';

export const PROBE_VERSION = '0.2.0';

export interface AgentOptions {
  serverUrl: string;
  token: string;
  stateDir: string;
  heartbeatMs: number;
  reconnectMaxMs: number;
  pingWorkers: number;
  engine: SweepEngine;
  nmapAbove: number;
  log: Logger;
}

type Assignment = Extract<ServerMessage, { type: 'assignment' }>;

/** One sweep under way, and the "scan now" jobs waiting on it (a job that arrives mid-sweep joins it). */
interface Run {
  finished: Promise<void>;
  jobs: Set<string>;
}

interface Scheduled {
  subnet: AssignedSubnet;
  timer: NodeJS.Timeout | null;
  running: Run | null;
}

type JobState = Extract<ProbeMessage, { type: 'job_status' }>['state'];

/**
 * The probe: keeps its assignment and results on disk and sweeps on its own clock, so it goes on
 * working while the link is down; the link only delivers assignments and jobs and carries results.
 */
export class ProbeAgent {
  private readonly link: ServerLink;
  private readonly spool: Spool;
  private readonly sweeper: Sweeper;
  private readonly scheduled = new Map<number, Scheduled>();
  private readonly assignmentFile: string;
  private stopped = false;

  constructor(private readonly opts: AgentOptions) {
    mkdirSync(opts.stateDir, { recursive: true });
    this.spool = new Spool(opts.stateDir);
    this.assignmentFile = join(opts.stateDir, 'assignment.json');
    this.sweeper = new Sweeper({ pingWorkers: opts.pingWorkers, pingTimeoutMs: 1000, maxSweepAddresses: 65_536, engine: opts.engine, nmapAbove: opts.nmapAbove });
    this.link = new ServerLink({
      serverUrl: opts.serverUrl,
      token: opts.token,
      heartbeatMs: opts.heartbeatMs,
      reconnectMaxMs: opts.reconnectMaxMs,
      log: opts.log,
      onOpen: () => this.link.send({ type: 'hello', version: PROBE_VERSION, protocol: PROTOCOL_VERSION, hostname: hostname() }),
      onClose: () => {},
      onMessage: (m) => this.onMessage(m),
    });
  }

  start() {
    const saved = this.loadAssignment();
    if (saved) {
      this.opts.log.info('resuming saved assignment while connecting', { subnets: saved.subnets.length });
      this.applyAssignment(saved);
    }
    this.link.start();
  }

  async stop() {
    this.stopped = true;
    this.link.stop();
    for (const s of this.scheduled.values()) if (s.timer) clearTimeout(s.timer);
    await Promise.allSettled([...this.scheduled.values()].map((s) => s.running?.finished));
  }

  /** Batches waiting for the server's acknowledgement. */
  get pendingBatches(): number {
    return this.spool.size;
  }

  private onMessage(msg: ServerMessage) {
    switch (msg.type) {
      case 'welcome':
        this.opts.log.info('welcomed by control plane', { probeId: msg.probeId, name: msg.name });
        for (const batch of this.spool.pending(Date.now())) this.link.send({ type: 'results', ...batch });
        return;
      case 'assignment':
        this.saveAssignment(msg);
        this.applyAssignment(msg);
        return;
      case 'ack':
        // acknowledged, refused or not: the server will never take this batch again
        this.spool.ack(msg.batchId);
        if (msg.rejectedSubnets.length) this.opts.log.warn('server refused results for subnets not assigned to this probe', { subnets: msg.rejectedSubnets });
        if (msg.rejectedSweeps?.length) this.opts.log.warn('server refused sweeps', { batchId: msg.batchId, sweeps: msg.rejectedSweeps });
        if (msg.refused) this.opts.log.error('server refused a results batch', { batchId: msg.batchId, ...msg.refused });
        return;
      case 'job': {
        const s = this.scheduled.get(msg.subnetId);
        if (!s) return this.jobStatus(msg.jobId, msg.subnetId, 'failed', { error: `subnet ${msg.subnetId} is not assigned to this probe` });
        void this.runSweep(s, msg.jobId);
        return;
      }
      case 'error':
        this.opts.log.warn('server reported an error', { code: msg.code, message: msg.message });
        return;
      case 'pong':
        return;
    }
  }

  private applyAssignment(a: Assignment) {
    this.sweeper.update({ pingTimeoutMs: a.settings.pingTimeoutMs, maxSweepAddresses: a.settings.maxSweepAddresses });
    const wanted = new Map(a.subnets.map((s) => [s.id, s]));
    for (const [id, s] of this.scheduled) {
      if (!wanted.has(id)) {
        if (s.timer) clearTimeout(s.timer);
        this.scheduled.delete(id);
      }
    }
    for (const subnet of a.subnets) {
      const current = this.scheduled.get(subnet.id);
      if (current && current.subnet.cidr === subnet.cidr && current.subnet.intervalSeconds === subnet.intervalSeconds) {
        current.subnet = subnet; // known hosts may change without touching the schedule
        continue;
      }
      if (current?.timer) clearTimeout(current.timer);
      const s: Scheduled = { subnet, timer: null, running: current?.running ?? null };
      this.scheduled.set(subnet.id, s);
      this.scheduleNext(s, true);
    }
  }

  private scheduleNext(s: Scheduled, first: boolean) {
    if (this.stopped) return;
    const now = Date.now();
    const delay = nextSweepAt(now, s.subnet.intervalSeconds, Math.random(), first) - now;
    s.timer = setTimeout(() => {
      void this.runSweep(s).finally(() => {
        if (this.scheduled.get(s.subnet.id) === s) this.scheduleNext(s, false);
      });
    }, delay);
  }

  private jobStatus(jobId: string, subnetId: number, state: JobState, extra: { done?: number; total?: number; error?: string } = {}) {
    this.link.send({ type: 'job_status', jobId, subnetId, state, ...extra });
  }

  private runSweep(s: Scheduled, jobId?: string): Promise<void> {
    if (s.running) {
      // a sweep of this subnet is already under way: the job shares its progress and result
      if (jobId) {
        s.running.jobs.add(jobId);
        this.jobStatus(jobId, s.subnet.id, 'started');
      }
      return s.running.finished;
    }
    if (jobId) this.jobStatus(jobId, s.subnet.id, 'started');
    const run: Run = { jobs: new Set(jobId ? [jobId] : []), finished: Promise.resolve() };
    run.finished = this.sweepOnce(s.subnet, run, jobId).finally(() => {
      // an assignment may have replaced `s` (sharing this run) meanwhile: free both
      for (const holder of [s, this.scheduled.get(s.subnet.id)]) if (holder?.running === run) holder.running = null;
    });
    s.running = run;
    return run.finished;
  }

  private async sweepOnce(subnet: AssignedSubnet, run: Run, jobId?: string) {
    const { log } = this.opts;
    const gate = progressGate();
    const progress = (done: number, total: number) => {
      if (!run.jobs.size || !gate(done, total, Date.now())) return;
      for (const id of run.jobs) this.jobStatus(id, subnet.id, 'progress', { done, total });
    };
    try {
      const result = await this.sweeper.sweep(subnet, Date.now, progress);
      // a big block goes as several batches, each within what the server writes at once (MAX_FRAME_SAMPLES)
      const parts = splitSweep(jobId ? { ...result, jobId } : result, parseCidr(subnet.cidr));
      let sent = 0;
      for (const part of parts) if (this.link.send({ type: 'results', ...this.spool.add([part]) })) sent++;
      log.info('sweep done', { subnet: subnet.cidr, up: result.up.length, ms: result.durationMs, batches: parts.length, sent, spooled: this.spool.size });
      for (const id of run.jobs) this.jobStatus(id, subnet.id, 'done');
    } catch (e) {
      const error = (e as Error).message;
      const code = (e as { code?: string }).code ?? 'sweep_error';
      log.error('sweep failed', { subnet: subnet.cidr, code, error });
      this.link.send({ type: 'sweep_failed', subnetId: subnet.id, code, error, jobId });
      for (const id of run.jobs) this.jobStatus(id, subnet.id, 'failed', { error });
    }
  }

  private loadAssignment(): Assignment | null {
    if (!existsSync(this.assignmentFile)) return null;
    try {
      const parsed = serverMessage.parse(JSON.parse(readFileSync(this.assignmentFile, 'utf8')));
      return parsed.type === 'assignment' ? parsed : null;
    } catch {
      return null;
    }
  }

  private saveAssignment(a: Assignment) {
    writeFileSync(`${this.assignmentFile}.tmp`, JSON.stringify(a));
    renameSync(`${this.assignmentFile}.tmp`, this.assignmentFile);
  }
}
