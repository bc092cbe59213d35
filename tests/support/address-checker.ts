import type { AddressCheckJob, AddressCheckOutcome } from '../../schema/kinds/address-check.js';
import { addressCheckJob } from '../../schema/kinds/address-check.js';
import type { RawProbe } from './server.js';

type Check = 'icmp' | 'tcp' | 'neighbour' | 'ptr';
/** What an address shows when the probe checks it (nothing: free). */
export interface Shows {
  signs?: Check[];
  mac?: string;
  ptrName?: string;
  rttMs?: number;
  /** Checks the probe could not run there (ping could not send: icmp). */
  skipped?: Check[];
}

const DETAIL: Record<Check, (s: Shows) => string> = {
  icmp: (s) => `echo reply ${s.rttMs ?? 0.4} ms`,
  tcp: () => 'tcp/22 open',
  neighbour: (s) => `lladdr ${s.mac ?? '02:00:5e:10:00:01'}`,
  ptr: (s) => `PTR ${s.ptrName ?? 'named.alloc.test'}`,
};

/** The outcome a probe reports for an address that shows `s`. */
export function outcomeOf(ip: string, s: Shows | undefined): AddressCheckOutcome {
  const signs = (s?.signs ?? []).map((check) => ({ check, detail: DETAIL[check](s!) }));
  return {
    ip,
    alive: signs.length > 0,
    signs,
    ...(s?.mac ? { mac: s.mac } : {}),
    ...(s?.ptrName ? { ptrName: s.ptrName } : {}),
    ...(s?.signs?.includes('icmp') ? { rttMs: s.rttMs ?? 0.4 } : {}),
    ...(s?.skipped ? { skipped: s.skipped } : {}),
  };
}

/**
 * A RawProbe answering `address-check` jobs as the real probe does: started, one `address-check` result with an
 * outcome for every address (from `shows`), done. `mode` makes it stay silent (a timeout), fail the job, or answer
 * unsupported. Every job it got is kept, checked against the kind's schema.
 */
export class AddressChecker {
  readonly shows = new Map<string, Shows>();
  readonly jobs: AddressCheckJob[] = [];
  mode: 'answer' | 'silent' | 'fail' | 'unsupported' = 'answer';
  /** Runs before a job is answered (what someone else does meanwhile), once: cleared after it ran. */
  meanwhile: ((job: AddressCheckJob) => Promise<void>) | null = null;
  /** Answer only these addresses of a job (the rest left out of the result). */
  only: ((ip: string) => boolean) | null = null;
  private batch = 0;

  constructor(
    readonly probe: RawProbe,
    private readonly at: () => number,
  ) {
    probe.ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; kind?: string };
      if (m.type === 'job' && m.kind === 'address-check') void this.take(addressCheckJob.parse(m));
    });
  }

  private async take(job: AddressCheckJob) {
    this.jobs.push(job);
    const meanwhile = this.meanwhile;
    this.meanwhile = null;
    if (meanwhile) await meanwhile(job);
    this.answer(job);
  }

  private answer(job: AddressCheckJob) {
    const status = (state: string, extra: Record<string, unknown> = {}) => this.probe.send({ type: 'job_status', jobId: job.jobId, subnetId: job.subnetId, kind: 'address-check', state, ...extra });
    if (this.mode === 'silent') return;
    if (this.mode === 'unsupported') return status('unsupported');
    if (this.mode === 'fail') return status('failed', { code: 'target_outside_assignment', error: `${job.addresses[0]} is outside this probe’s assigned subnets` });
    status('started');
    this.probe.send({ type: 'results', batchId: `ac-${++this.batch}-${job.jobId}`, results: [this.result(job)] });
    status('done');
  }

  /** The result item the probe sends for `job` (also for sending late, by hand). */
  result(job: AddressCheckJob, at = this.at()) {
    const ips = this.only ? job.addresses.filter(this.only) : job.addresses;
    return { kind: 'address-check', jobId: job.jobId, subnetId: job.subnetId, at, durationMs: 12, checks: ips.map((ip) => outcomeOf(ip, this.shows.get(ip))) };
  }

  /** Sends the job's result now (a late answer) and resolves with its ack. */
  async sendLate(job: AddressCheckJob) {
    const batchId = `late-${++this.batch}-${job.jobId}`;
    this.probe.send({ type: 'results', batchId, results: [this.result(job)] });
    for (;;) {
      const ack = await this.probe.next('ack');
      if (ack.batchId === batchId) return ack;
    }
  }

  /** Every address the probe was asked to check, in order. */
  checked(): string[] {
    return this.jobs.flatMap((j) => j.addresses);
  }
}
