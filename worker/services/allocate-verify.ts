/**
 * The live check of an allocation's candidates: one `address-check` job to the subnet's probe (a `jobs` row, then the
 * hub), then waiting for its result to be stored. The result reaches the database through the probe's own
 * connection (worker/ingest/address-check.ts), so the request polls address_checks and the job row, the same code on
 * both hosts (on Workers the ingest runs in the probe's Durable Object, the request in the Worker).
 */
import { eq, sql } from 'drizzle-orm';
import { DEFAULT_CHECK_PORTS, type AddressCheckJob, type AddressCheckName, type AddressCheckOutcome, type AddressSign } from '../../schema/kinds/address-check.js';
import { jobs, probes } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { probeJobTimeoutMs, type Candidate, type CheckView } from '../domain/allocation-plan.js';
import { AppError } from '../errors.js';

/** How often the request looks for the result: soon at first, then less often (requests at once share the database). */
const pollDelay = (n: number) => Math.min(100, 40 * (n + 1));
/** A job past the probe's limit stops counting as under way this much later. */
const EXPIRY_SLACK_MS = 30_000;

export interface VerifyTarget {
  subnetId: number;
  probeId: number;
}

/** Refusals before anything is claimed or sent: the subnet's probe must be there, connected and announce the kind. */
export async function probeForChecks(deps: AppDeps, subnet: { id: number; cidr: string; probeId: number | null }): Promise<VerifyTarget> {
  if (subnet.probeId === null) throw new AppError(409, 'no_probe', `subnet ${subnet.cidr} has no probe assigned to check addresses; assign one, or allocate with verify: false`);
  const probeId = subnet.probeId;
  if (!(await deps.hub.isConnected(probeId))) throw new AppError(503, 'probe_offline', `probe ${probeId} is not connected, so the addresses cannot be checked now; try again, or allocate with verify: false`);
  const [probe] = await deps.db.select({ kinds: probes.kinds, version: probes.version }).from(probes).where(eq(probes.id, probeId));
  if (!(probe?.kinds ?? ['sweep']).includes('address-check')) {
    throw new AppError(409, 'unsupported_by_probe', `probe ${probeId} (version ${probe?.version ?? 'unknown'}) does not check addresses; upgrade it, or allocate with verify: false`);
  }
  return { subnetId: subnet.id, probeId };
}

export interface Checked {
  outcomes: AddressCheckOutcome[];
  views: Map<string, CheckView>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends one check job for these candidates and waits for its result (at most ALLOCATE_VERIFY_TIMEOUT_MS). */
export async function checkCandidates(deps: AppDeps, t: VerifyTarget, candidates: readonly Candidate[]): Promise<Checked> {
  const now = deps.clock.now();
  const jobId = crypto.randomUUID();
  const timeoutMs = probeJobTimeoutMs(deps.config.allocateVerifyTimeoutMs);
  await deps.db.insert(jobs).values({
    id: jobId,
    kind: 'address-check',
    probeId: t.probeId,
    subnetId: t.subnetId,
    targets: candidates.length,
    origin: 'manual',
    state: 'queued',
    requestedAt: new Date(now),
    updatedAt: new Date(now),
    expiresAt: new Date(now + timeoutMs + EXPIRY_SLACK_MS),
  });
  const job: AddressCheckJob = { type: 'job', kind: 'address-check', jobId, subnetId: t.subnetId, addresses: candidates.map((c) => c.ip), ports: [...DEFAULT_CHECK_PORTS], timeoutMs };
  const fail = (error: string) => deps.db.update(jobs).set({ state: 'failed', error, updatedAt: new Date(deps.clock.now()) }).where(sql`${jobs.id} = ${jobId} AND ${jobs.state} NOT IN ('done', 'failed', 'unsupported')`);
  if (!(await deps.hub.send(t.probeId, job))) {
    await fail('the probe was not connected');
    throw new AppError(503, 'probe_offline', `probe ${t.probeId} is not connected, so the addresses cannot be checked now`);
  }
  const keys = JSON.stringify(candidates.map((c) => c.ipKey));
  // wall time, not deps.clock: the wait is real whatever clock the rows are stamped with
  const deadline = Date.now() + deps.config.allocateVerifyTimeoutMs;
  for (let polls = 0; ; polls++) {
    const [row] = await deps.db.all<{ state: string | null; error: string | null; n: number }>(sql`
      SELECT j.state AS state, j.error AS error,
        (SELECT count(*) FROM address_checks WHERE subnet_id = ${t.subnetId} AND job_id = ${jobId} AND ip_key IN (SELECT value FROM json_each(${keys}))) AS n
      FROM jobs j WHERE j.id = ${jobId}`);
    // the ingest stores the checks and ends the job in one batch: done means every check there is, is there
    if (row && (Number(row.n) >= candidates.length || row.state === 'done')) break;
    if (row?.state === 'unsupported') throw new AppError(409, 'unsupported_by_probe', `probe ${t.probeId} does not check addresses; upgrade it, or allocate with verify: false`);
    if (row?.state === 'failed' || !row) {
      if (!(await deps.hub.isConnected(t.probeId))) throw new AppError(503, 'probe_offline', `probe ${t.probeId} went away while checking the addresses`);
      throw new AppError(503, 'verify_failed', `probe ${t.probeId} could not check the addresses: ${row?.error ?? 'the job is gone'}`);
    }
    if (Date.now() >= deadline) {
      await fail('no result within the allocation’s wait');
      throw new AppError(503, 'verify_timeout', `probe ${t.probeId} did not report the checks within ${deps.config.allocateVerifyTimeoutMs} ms; nothing was reserved`);
    }
    await sleep(pollDelay(polls));
  }
  const rows = await deps.db.all<{ ip: string; checkedAt: number; alive: number; signs: string; skipped: string }>(sql`
    SELECT ip, checked_at AS checkedAt, alive, signs, skipped FROM address_checks
    WHERE subnet_id = ${t.subnetId} AND job_id = ${jobId} AND ip_key IN (SELECT value FROM json_each(${keys}))`);
  const outcomes: AddressCheckOutcome[] = [];
  const views = new Map<string, CheckView>();
  for (const r of rows) {
    const signs = JSON.parse(r.signs) as AddressSign[];
    const skipped = JSON.parse(r.skipped) as AddressCheckName[];
    outcomes.push({ ip: r.ip, alive: Number(r.alive) === 1, signs, skipped });
    views.set(r.ip, { at: new Date(Number(r.checkedAt)).toISOString(), signs, skipped });
  }
  return { outcomes, views };
}
