import { LIVE_KEEP_ALIVE_SECONDS, type LiveEvent } from '../../schema/live.js';
import type { LiveFeed } from '../deps.js';
import { sseComment, sseMessage } from './sse.js';

export interface FanoutOptions {
  now(): number;
  keepAliveMs?: number;
  /** Unread bytes a subscriber may have queued before it counts as stalled and is dropped. */
  maxQueuedBytes?: number;
}

type Writer = WritableStreamDefaultWriter<Uint8Array>;

const encoder = new TextEncoder();

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform also keeps compression middleware (and proxies) from buffering the stream
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/**
 * The live feed's subscribers in one process (the Node host, or the Workers host's LiveFeedObject).
 * Publishing queues the bytes on every subscriber's stream and returns at once: nobody waits for a slow
 * reader. A subscriber whose stream fails, or whose unread queue passes `maxQueuedBytes`, is dropped
 * (its stream is aborted, so the browser's EventSource reconnects and reloads).
 */
export class LiveFanout implements LiveFeed {
  private readonly subscribers = new Set<Writer>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly keepAliveMs: number;
  private readonly maxQueuedBytes: number;

  constructor(private readonly opts: FanoutOptions) {
    this.keepAliveMs = opts.keepAliveMs ?? LIVE_KEEP_ALIVE_SECONDS * 1000;
    this.maxQueuedBytes = opts.maxQueuedBytes ?? 4 * 1024 * 1024;
  }

  get size(): number {
    return this.subscribers.size;
  }

  async connect(_request: Request): Promise<Response> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, {
      highWaterMark: this.maxQueuedBytes,
      size: (chunk) => chunk.byteLength,
    });
    const writer = writable.getWriter();
    this.subscribers.add(writer);
    // the reader went away (client disconnected): the writable side errors
    writer.closed.catch(() => this.drop(writer));
    this.write(writer, encoder.encode(sseMessage('hello', { serverTime: this.opts.now() })));
    this.startKeepAlive();
    return new Response(readable, { status: 200, headers: SSE_HEADERS });
  }

  async publish(event: LiveEvent): Promise<void> {
    this.broadcast(encoder.encode(sseMessage(event.type, event.data)));
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    for (const writer of this.subscribers) writer.close().catch(() => undefined);
    this.subscribers.clear();
    this.stopKeepAlive();
  }

  private broadcast(bytes: Uint8Array) {
    for (const writer of [...this.subscribers]) this.write(writer, bytes);
  }

  private write(writer: Writer, bytes: Uint8Array) {
    // desiredSize = budget minus what is queued unread; below zero the reader has stalled. One large
    // message into an empty queue is still accepted.
    const room = writer.desiredSize;
    if (room === null || room < 0) return this.drop(writer);
    writer.write(bytes).catch(() => this.drop(writer));
  }

  private drop(writer: Writer) {
    if (!this.subscribers.delete(writer)) return;
    writer.abort(new Error('live feed subscriber dropped')).catch(() => undefined);
    if (!this.subscribers.size) this.stopKeepAlive();
  }

  private startKeepAlive() {
    if (this.timer) return;
    const bytes = encoder.encode(sseComment('keep-alive'));
    this.timer = setInterval(() => this.broadcast(bytes), this.keepAliveMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private stopKeepAlive() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
