import type { LivePayloads } from '../../schema/live.js';
import { SseParser } from '../../worker/live/sse.js';

export interface LiveMessage {
  event: string;
  data: any;
}

/** A subscriber of GET /api/live that keeps every message, for tests to wait on. */
export class LiveClient {
  /** Every message in arrival order. */
  readonly log: LiveMessage[] = [];
  /** Messages no `next` has claimed yet. */
  readonly received: LiveMessage[] = [];
  private waiters: { pred: (m: LiveMessage) => boolean; resolve: (m: LiveMessage) => void }[] = [];
  private ended: Error | null = null;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    void this.pump();
  }

  /** Opens the feed with `send` (fetch to a server, or an in-process app's request). Resolves once the headers are in. */
  static async open(send: (path: string, init: RequestInit) => Promise<Response> | Response, headers: Record<string, string>): Promise<LiveClient> {
    const abort = new AbortController();
    const res = await send('/api/live', { headers, signal: abort.signal });
    if (res.status !== 200) throw new Error(`GET /api/live answered ${res.status}: ${await res.text()}`);
    return new LiveClient(res, abort);
  }

  private async pump() {
    const reader = this.response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const f of parser.push(value)) this.deliver({ event: f.event, data: JSON.parse(f.data) });
      }
      this.ended = new Error('the live stream ended');
    } catch (e) {
      this.ended = e as Error;
    }
  }

  private deliver(m: LiveMessage) {
    this.log.push(m);
    const waiter = this.waiters.find((w) => w.pred(m));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(m);
    } else this.received.push(m);
  }

  /** The next message of this type (that `match` accepts), already received or still to come. */
  next<T extends keyof LivePayloads>(event: T, match: (data: LivePayloads[T]) => boolean = () => true, timeoutMs = 5000): Promise<LivePayloads[T]> {
    const pred = (m: LiveMessage) => m.event === event && match(m.data);
    const already = this.received.find(pred);
    if (already) {
      this.received.splice(this.received.indexOf(already), 1);
      return Promise.resolve(already.data);
    }
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.pred !== pred);
        reject(new Error(`no live "${event}" event within ${timeoutMs} ms; unclaimed: ${JSON.stringify(this.received).slice(0, 1500)}`));
      }, timeoutMs);
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m.data);
        },
      });
    });
  }

  close() {
    this.abort.abort();
  }
}
