/**
 * The port-scan bench's second question (bench/ports.ts): what scheduled port scans do to the probe's sweeps. The
 * lab's /24 is swept every 10 s; a few sweeps are timed with no port scan, then a few while the scheduler keeps
 * scanning every alive host back to back with the default arguments (the hosts are marked due again as each scan
 * ends). Per sweep: its duration as the probe logs it ("sweep done", ms) and the time from its start to the `hosts`
 * event on the live feed (its results stored), and how much of it a port scan overlapped.
 */
import { CIDR, type Lab } from './ports-lab.js';
import { waitFor } from '../tests/support/wait.js';

export interface SweepSample {
  /** When the sweep started and ended (probe clock = this machine's). */
  start: number;
  end: number;
  /** Duration the probe logged. */
  ms: number;
  /** Sweep start to its hosts event on the live feed; null when none was seen. */
  e2eMs: number | null;
  /** Share of the sweep's time during which a port-scan job was under way on the probe (0–1). */
  overlap: number;
}

export interface SweepLatency {
  idle: SweepSample[];
  /** Sweeps that started while the scans ran, with their overlap. */
  busy: SweepSample[];
  /** Port-scan jobs run meanwhile: hosts each, and how long each took (started → done). */
  scans: { hosts: number; start: number; end: number }[];
}

const sweepsSince = (lab: Lab, logMark: number, liveMark: number): SweepSample[] => {
  const hostsEvents = lab.live.events.slice(liveMark).filter((e) => e.event === 'hosts' && e.data.subnetIds.includes(lab.subnetId));
  return lab.probeLog
    .slice(logMark)
    .filter((l) => l.line.msg === 'sweep done' && l.line.subnet === CIDR)
    .map((l) => {
      const end = Date.parse(l.line.time);
      const start = end - Number(l.line.ms);
      const stored = hostsEvents.find((e) => e.t >= end - 5);
      return { start, end, ms: Number(l.line.ms), e2eMs: stored ? stored.t - start : null, overlap: 0 };
    });
};

function overlapOf(s: SweepSample, windows: { start: number; end: number }[]): number {
  const covered = windows.reduce((sum, w) => sum + Math.max(0, Math.min(s.end, w.end) - Math.max(s.start, w.start)), 0);
  return s.end > s.start ? Math.min(1, covered / (s.end - s.start)) : windows.some((w) => w.start <= s.start && s.start <= w.end) ? 1 : 0;
}

/** One scheduled scan of every alive host: mark them due, wait for the job the scheduler sends to finish. */
async function scheduledScan(lab: Lab, then?: () => Promise<unknown>): Promise<{ hosts: number; start: number; end: number }> {
  const mark = lab.live.events.length;
  await lab.db.execute({ sql: 'UPDATE hosts SET ports_next_scan_at = NULL WHERE subnet_id = ?', args: [lab.subnetId] });
  await then?.();
  const jobEvents = () => lab.live.events.slice(mark).filter((e) => e.event === 'job' && e.data.kind === 'port_scan');
  let queued: any;
  await waitFor('a scheduled port-scan job', () => !!(queued = jobEvents().find((e) => e.data.state === 'queued')), 30_000, 50);
  const id = queued.data.jobId;
  let finished: any;
  await waitFor('the scheduled port scan to finish', () => !!(finished = jobEvents().find((e) => e.data.jobId === id && ['done', 'failed'].includes(e.data.state))), 600_000, 100);
  if (finished.data.state === 'failed') throw new Error(`scheduled port scan failed: ${finished.data.error}`);
  const started = jobEvents().find((e) => e.data.jobId === id && e.data.state === 'started') ?? queued;
  return { hosts: queued.data.hostIds.length, start: started.t, end: finished.t };
}

export async function sweepLatency(lab: Lab, log: (s: string) => void, counts = { idle: 5, busy: 5 }): Promise<SweepLatency> {
  const logMark = lab.probeLog.length;
  const liveMark = lab.live.events.length;
  const patch = (body: unknown) => lab.api('PATCH', `/api/subnets/${lab.subnetId}`, body);
  // default arguments: the scans a subnet gets unless told otherwise
  await patch({ sweepIntervalSeconds: 10, portScan: { enabled: false, args: null } });
  const sweeps = () => sweepsSince(lab, logMark, liveMark);
  // the first sweep after the change is a warm-up (it also finds the scanner's own address again)
  await waitFor('idle sweeps', () => sweeps().length >= 1 + counts.idle, (2 + counts.idle) * 12_000, 200);
  const idle = sweeps().slice(1, 1 + counts.idle);
  log(`idle sweeps: ${idle.map((s) => `${s.ms} ms (stored after ${s.e2eMs} ms)`).join(', ')}`);

  const busyFrom = Date.now();
  const scans: SweepLatency['scans'] = [];
  let stop = false;
  let failure: unknown = null;
  const loop = (async () => {
    // every host due before scans are switched on, so the first job takes them all
    scans.push(await scheduledScan(lab, () => patch({ portScan: { enabled: true } })));
    while (!stop) scans.push(await scheduledScan(lab));
  })().catch((e: unknown) => void (failure = e));
  const during = () => sweeps().filter((s) => s.start >= busyFrom);
  try {
    // a few extra: sweeps that fall in the second between two scans are reported, not counted
    await waitFor('sweeps during port scans', () => failure !== null || during().length >= counts.busy + 2, (4 + counts.busy) * 12_000 + 600_000, 500);
  } finally {
    stop = true;
    await loop;
    await patch({ sweepIntervalSeconds: 86_400, portScan: { enabled: false } });
  }
  if (failure) throw failure;
  const busy = during().map((s) => ({ ...s, overlap: overlapOf(s, scans) }));
  log(`sweeps during port scans: ${busy.map((s) => `${s.ms} ms (stored after ${s.e2eMs} ms, overlap ${(s.overlap * 100).toFixed(0)}%)`).join(', ')}`);
  log(`port scans meanwhile: ${scans.map((s) => `${s.hosts} hosts in ${((s.end - s.start) / 1000).toFixed(1)} s`).join(', ')}`);
  return { idle, busy, scans };
}
