import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { PROTOCOL_VERSION, type AssignedSubnet, type JobMessage, type ProbeJobState, type ReceivedServerMessage, type ResultItem } from '../schema/protocol.js';
import type { Logger } from '../schema/log.js';
import type { NetflowConfig } from './config.js';
import { jobRunners, type RunnerOptions } from './jobs/index.js';
import { JobRefused, type JobRunner, type ProbeLimits } from './jobs/types.js';
import { ServerLink } from './link.js';
import { producers } from './producers/index.js';
import type { Producer } from './producers/types.js';
import { AssignmentFile, type Assignment } from './assignment-file.js';
import { JobPool } from './pool.js';
import { progressGate } from './progress.js';
import { NetworkInfo } from './network-info.js';
import { hasRawSockets } from './raw-sockets.js';
import { Spool } from './spool.js';
import { nextSweepAt } from './timing.js';

export const PROBE_VERSION = '0.8.0';
/** Traffic tests (both sides) at once, and waiting at most; one more is refused (`probe_busy`). */
export const TRAFFIC_POOL = { size: 1, queueMax: 2 } as const;
/** How long the first connect waits for the first read of the probe's network (hello then carries it). */
const FIRST_NETWORK_WAIT_MS = 1_500;

export interface AgentOptions extends RunnerOptions {
  serverUrl: string;
  token: string;
  stateDir: string;
  heartbeatMs: number;
  reconnectMaxMs: number;
  log: Logger;
  /** The NetFlow collector (absent: off). */
  netflow?: NetflowConfig;
}


/** One job under way, and the jobs sharing it (a "sweep now" that arrives mid-sweep joins it). */
interface Run {
  finished: Promise<void>;
  jobIds: Set<string>;
}

interface Scheduled {
  subnet: AssignedSubnet;
  timer: NodeJS.Timeout | null;
}

/**
 * The probe: keeps its assignment and results on disk and sweeps on its own clock, so it goes on working while
 * the link is down; the link only delivers assignments and jobs and carries results. The work itself is done by
 * one runner per kind (`probe/jobs/`); the agent schedules, spools and sends.
 */
export class ProbeAgent {
  private readonly link: ServerLink;
  private readonly spool: Spool;
  private readonly runners: Map<string, JobRunner>;
  private readonly scheduled = new Map<number, Scheduled>();
  private readonly running = new Map<string, Run>();
  /** Follow-up work of finished jobs (JobContext.later) still under way; `stop` waits for it. */
  private readonly following = new Set<Promise<void>>();
  private readonly assigned = new Map<number, AssignedSubnet>();
  private readonly limits: ProbeLimits = { pingTimeoutMs: 1000, maxSweepAddresses: 65_536, rawSockets: hasRawSockets() };
  private readonly stopping = new AbortController();
  private readonly assignmentFile: AssignmentFile;
  private readonly network: NetworkInfo;
  /** Slots of pooled kinds (operations, traffic), by pool name. */
  private readonly pools = new Map<string, JobPool>();
  /** Work the probe does on its own (probe/producers/): started with the agent, stopped before its link. */
  readonly producers: readonly Producer[];
  private producersStarted: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: AgentOptions,
    network = new NetworkInfo(),
  ) {
    this.network = network;
    mkdirSync(opts.stateDir, { recursive: true });
    this.spool = new Spool(opts.stateDir);
    this.assignmentFile = new AssignmentFile(opts.stateDir);
    this.runners = new Map(jobRunners(opts, opts.log).map((r) => [r.kind, r]));
    this.pools.set('operations', new JobPool(opts.operations?.concurrency ?? 2, opts.operations?.queueMax ?? 32));
    // one measurement at a time: a second would share the link it measures
    this.pools.set('traffic', new JobPool(TRAFFIC_POOL.size, TRAFFIC_POOL.queueMax));
    this.producers = producers(opts, opts.log);
    this.link = new ServerLink({
      serverUrl: opts.serverUrl,
      token: opts.token,
      heartbeatMs: opts.heartbeatMs,
      reconnectMaxMs: opts.reconnectMaxMs,
      log: opts.log,
      onOpen: () => {
        // hello first, with the latest read; then a fresh read for the next connect (the probe may move: DHCP, a new interface)
        const network = this.network.latest;
        this.link.send({
          type: 'hello',
          version: PROBE_VERSION,
          protocol: PROTOCOL_VERSION,
          hostname: hostname(),
          kinds: [...this.runners.keys()],
          rawSockets: this.limits.rawSockets,
          ...(network ? { network } : {}),
        });
        void this.network.refresh();
      },
      onClose: () => {},
      onMessage: (m) => this.onMessage(m),
    });
  }

  /** Sweeps a saved assignment at once; connects once the network is read (or FIRST_NETWORK_WAIT_MS have passed). Resolves when the link is started. */
  start(): Promise<void> {
    const saved = this.assignmentFile.load();
    if (saved) {
      this.opts.log.info('resuming saved assignment while connecting', { subnets: saved.subnets.length });
      this.applyAssignment(saved);
    }
    this.startProducers();
    const read = this.network.refresh();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_NETWORK_WAIT_MS);
      void read.then(() => {
        clearTimeout(timer);
        resolve();
      });
    }).then(() => {
      if (!this.stopping.signal.aborted) this.link.start();
    });
  }

  async stop() {
    this.stopping.abort();
    // producers first: what they still hold (the open minute of flows) is spooled and, link permitting, sent
    await this.producersStarted;
    await Promise.allSettled(this.producers.map((p) => p.stop().catch((e: Error) => this.opts.log.warn('producer did not stop cleanly', { producer: p.name, error: e.message }))));
    this.link.stop();
    for (const pool of this.pools.values()) pool.close();
    for (const s of this.scheduled.values()) if (s.timer) clearTimeout(s.timer);
    await Promise.allSettled([...this.running.values()].map((r) => r.finished));
    await Promise.allSettled([...this.following]);
  }

  /** Batches waiting for the server's acknowledgement. */
  get pendingBatches(): number {
    return this.spool.size;
  }

  private onMessage(msg: ReceivedServerMessage) {
    switch (msg.type) {
      case 'welcome':
        this.opts.log.info('welcomed by control plane', { probeId: msg.probeId, name: msg.name });
        for (const batch of this.spool.pending(Date.now())) this.link.send({ type: 'results', ...batch });
        return;
      case 'assignment':
        this.assignmentFile.save(msg);
        this.applyAssignment(msg);
        return;
      case 'ack':
        // acknowledged, refused or not: the server will never take this batch again
        this.spool.ack(msg.batchId);
        if (msg.rejectedSubnets.length) this.opts.log.warn('server refused results for subnets not assigned to this probe', { subnets: msg.rejectedSubnets });
        if (msg.rejectedSweeps?.length || msg.rejectedResults?.length) this.opts.log.warn('server refused results', { batchId: msg.batchId, sweeps: msg.rejectedSweeps, results: msg.rejectedResults });
        if (msg.refused) this.opts.log.error('server refused a results batch', { batchId: msg.batchId, ...msg.refused });
        return;
      case 'job':
        return this.onJob(msg);
      case 'error':
        this.opts.log.warn('server reported an error', { code: msg.code, message: msg.message });
        return;
      case 'pong':
        return;
    }
  }

  private onJob(envelope: Extract<ReceivedServerMessage, { type: 'job' }>) {
    const { jobId, kind, subnetId } = envelope;
    const runner = this.runners.get(kind);
    if (!runner) {
      this.opts.log.warn('job of a kind this probe does not run', { jobId, kind });
      return this.jobStatus(jobId, subnetId, kind, 'unsupported', { error: `this probe (${PROBE_VERSION}) does not run ${kind} jobs` });
    }
    const parsed = runner.schema.safeParse(envelope);
    if (!parsed.success) return this.jobStatus(jobId, subnetId, kind, 'failed', { error: `malformed ${kind} job: ${parsed.error.issues[0]?.message ?? ''}` });
    void this.runJob(runner, parsed.data);
  }

  private startProducers() {
    const ctx = { emit: (items: ResultItem[]) => this.spoolAndSend(items), log: this.opts.log, now: Date.now };
    this.producersStarted = Promise.allSettled(
      this.producers.map((p) =>
        p.start(ctx).catch((e: Error) => this.opts.log.error('producer could not start; the probe goes on without it', { producer: p.name, error: e.message })),
      ),
    );
  }

  private applyAssignment(a: Assignment) {
    Object.assign(this.limits, { pingTimeoutMs: a.settings.pingTimeoutMs, maxSweepAddresses: a.settings.maxSweepAddresses });
    // a server before 0.5 sends no managed list: this probe's own subnets label its flows
    const managed = a.managed ?? a.subnets.map((s) => ({ id: s.id, cidr: s.cidr }));
    for (const p of this.producers) p.assignment({ managed, subnets: a.subnets });
    this.assigned.clear();
    for (const s of a.subnets) this.assigned.set(s.id, s);
    for (const [id, s] of this.scheduled) {
      if (!this.assigned.has(id)) {
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
      const s: Scheduled = { subnet, timer: null };
      this.scheduled.set(subnet.id, s);
      this.scheduleNext(s, true);
    }
  }

  /** Sweeps run on the probe's own clock, one subnet each; every other kind of work comes as jobs. */
  private scheduleNext(s: Scheduled, first: boolean) {
    if (this.stopping.signal.aborted) return;
    const now = Date.now();
    const delay = nextSweepAt(now, s.subnet.intervalSeconds, Math.random(), first) - now;
    s.timer = setTimeout(() => {
      const sweep = this.runners.get('sweep')!;
      void this.runJob(sweep, { type: 'job', kind: 'sweep', jobId: '', subnetId: s.subnet.id }).finally(() => {
        if (this.scheduled.get(s.subnet.id) === s) this.scheduleNext(s, false);
      });
    }, delay);
  }

  private jobStatus(jobId: string, subnetId: number | undefined, kind: string, state: ProbeJobState, extra: { done?: number; total?: number; error?: string; code?: string } = {}) {
    if (jobId) this.link.send({ type: 'job_status', jobId, ...(subnetId ? { subnetId } : {}), kind, state, ...extra });
  }

  /** Runs a job, or joins the run of another job with the same share key. An empty jobId: the probe's own schedule. */
  private runJob(runner: JobRunner, job: JobMessage): Promise<void> {
    const key = runner.shareKey(job);
    const subnetId = 'subnetId' in job ? job.subnetId : undefined;
    const refusal = runner.refuse?.(job, { assigned: this.assigned, limits: this.limits });
    if (refusal) {
      // nothing runs: the job goes straight to failed, never reported started
      this.opts.log.warn('job refused', { kind: job.kind, jobId: job.jobId, code: refusal.code, error: refusal.message });
      this.jobStatus(job.jobId, subnetId, job.kind, 'failed', { error: refusal.message, code: refusal.code });
      return Promise.resolve();
    }
    if (runner.pool) return this.runPooled(runner, job, this.pools.get(runner.pool)!, key);
    const current = this.running.get(key);
    if (current) {
      if (job.jobId) current.jobIds.add(job.jobId);
      this.jobStatus(job.jobId, subnetId, job.kind, 'started');
      return current.finished;
    }
    this.jobStatus(job.jobId, subnetId, job.kind, 'started');
    const run: Run = { jobIds: new Set(job.jobId ? [job.jobId] : []), finished: Promise.resolve() };
    run.finished = this.execute(runner, job, run, subnetId).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run.finished;
  }

  /** A job of a pool: run when a slot is free, reported `queued` until then; refused when the queue is full. */
  private runPooled(runner: JobRunner, job: JobMessage, pool: JobPool, key: string): Promise<void> {
    if (pool.full && pool.queueFull) {
      this.jobStatus(job.jobId, undefined, job.kind, 'failed', { error: `this probe already has ${pool.size} ${runner.pool} running and ${pool.queueMax} waiting`, code: 'probe_busy' });
      return Promise.resolve();
    }
    if (pool.full) this.jobStatus(job.jobId, undefined, job.kind, 'queued');
    const run: Run = { jobIds: new Set([job.jobId]), finished: Promise.resolve() };
    run.finished = pool
      .acquire()
      .then(async (granted) => {
        if (!granted) return this.jobStatus(job.jobId, undefined, job.kind, 'failed', { error: 'the probe stopped before the job could run', code: 'stopped' });
        try {
          this.jobStatus(job.jobId, undefined, job.kind, 'started');
          await this.execute(runner, job, run, undefined);
        } finally {
          pool.release();
        }
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run.finished;
  }

  private async execute(runner: JobRunner, job: JobMessage, run: Run, subnetId: number | undefined) {
    const { log } = this.opts;
    const gate = progressGate();
    const progress = (done: number, total: number) => {
      if (!run.jobIds.size || !gate(done, total, Date.now())) return;
      for (const id of run.jobIds) this.jobStatus(id, subnetId, job.kind, 'progress', { done, total });
    };
    const laters: (() => Promise<ResultItem[]>)[] = [];
    try {
      const items = await runner.run(job, {
        now: Date.now,
        log,
        limits: { ...this.limits },
        assigned: this.assigned,
        progress,
        signal: this.stopping.signal,
        later: (work) => void laters.push(work),
        emit: (items) => this.spoolAndSend(items),
      });
      this.spoolAndSend(items);
      for (const id of run.jobIds) this.jobStatus(id, subnetId, job.kind, 'done');
      for (const work of laters) this.follow(job.kind, work);
    } catch (e) {
      const error = (e as Error).message;
      const code = (e as { code?: string }).code ?? `${job.kind}_error`;
      if (e instanceof JobRefused) log.warn('job refused', { kind: job.kind, jobId: job.jobId, code, error });
      else log.error('job failed', { kind: job.kind, jobId: job.jobId, code, error });
      const frame = e instanceof JobRefused ? null : runner.failureFrame?.(job, code, error);
      if (frame) this.link.send(frame);
      for (const id of run.jobIds) this.jobStatus(id, subnetId, job.kind, 'failed', { error, code });
    }
  }

  /** Each item is its own numbered batch: on disk first, then sent (re-sent after a reconnect until acknowledged). */
  private spoolAndSend(items: ResultItem[]) {
    for (const item of items) this.link.send({ type: 'results', ...this.spool.add([item]) });
  }

  private follow(kind: string, work: () => Promise<ResultItem[]>) {
    const done: Promise<void> = work()
      .then((items) => this.spoolAndSend(items))
      .catch((e: Error) => this.opts.log.warn('follow-up work failed', { kind, error: e.message }))
      .finally(() => this.following.delete(done));
    this.following.add(done);
  }
}
