import { DurableObject } from 'cloudflare:workers';
import type { AppDeps } from '../deps.js';
import { runDeliveries } from '../webhooks/runner.js';
import { edgeDeps } from './deps.js';
import type { Env } from './env.js';

/** An alarm is never set sooner than this after a run that left work (claims of another run still in flight). */
const MIN_GAP_MS = 1000;
/** Each attempt is a subrequest: an invocation stays under the Workers free plan's 50 (D1 calls count apart, up to 1,000). */
const ATTEMPTS_PER_ALARM = 40;

/**
 * The webhook sender on Workers: a singleton Durable Object whose alarm runs the deliveries, so a retry due in
 * 5 s does not wait for the minutely cron (which wakes it too, in case an alarm was lost). Alarms of one object
 * never overlap, and the rows' claims keep any other runner off what it sends.
 */
export class OutboxObject extends DurableObject<Env> {
  private deps: AppDeps | null = null;

  /** RPC: something is due now (or at `at`). */
  async wake(at?: number): Promise<void> {
    const when = Math.max(Date.now(), at ?? 0);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > when) await this.ctx.storage.setAlarm(when);
  }

  override async alarm(): Promise<void> {
    this.deps ??= edgeDeps(this.env);
    const report = await runDeliveries(this.deps, { budgetMs: 20_000, maxAttempts: ATTEMPTS_PER_ALARM });
    // a full run leaves more due now: the next alarm (a new invocation, with its own subrequests) takes it
    if (report.attempts >= ATTEMPTS_PER_ALARM) return this.wake(Date.now());
    // through wake(): a wake that came during the run (D1 calls let RPCs in) set an earlier alarm, which must stand
    if (report.nextDueAt !== null) await this.wake(Math.max(report.nextDueAt, Date.now() + MIN_GAP_MS));
  }
}
