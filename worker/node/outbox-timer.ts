import type { AppDeps, OutboxWaker } from '../deps.js';
import { releaseClaims, runDeliveries } from '../webhooks/runner.js';

/** A run that found work left waits at least this long before the next (claims of a run still in flight). */
const MIN_GAP_MS = 250;

/**
 * The Node host's webhook sender: one run at a time, started when something is written to the outbox and again
 * when the earliest retry is due. A wake during a run starts another right after it.
 */
export class NodeOutboxTimer implements OutboxWaker {
  private deps: AppDeps | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  /** Starts sending: a claim left by a crashed process is released first, then whatever is due goes out. */
  async start(deps: AppDeps): Promise<void> {
    this.deps = deps;
    await releaseClaims(deps);
    this.schedule(0);
  }

  async wake(): Promise<void> {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.closed || !this.deps) return;
    if (this.running) {
      if (delayMs === 0) this.again = true;
      return;
    }
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.running = this.run().then((next) => {
        // the follow-up is scheduled once `running` is cleared: while it is set, schedule() only notes a wake
        this.running = null;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        } else if (next !== null) this.schedule(Math.max(MIN_GAP_MS, next - this.deps!.clock.now()));
      });
    }, delayMs);
    this.timer.unref?.();
  }

  /** One run; answers when the earliest delivery left is due. */
  private async run(): Promise<number | null> {
    const deps = this.deps!;
    try {
      return (await runDeliveries(deps)).nextDueAt;
    } catch (e) {
      deps.log.error('webhook deliveries failed; trying again in 5 s', { error: String(e) });
      return deps.clock.now() + 5000;
    }
  }

  /** Stops scheduling and waits for a run under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
