import type { Request as CfRequest, Response as CfResponse } from '@cloudflare/workers-types';
import { DurableObject } from 'cloudflare:workers';
import { liveEvent, type LiveEvent } from '../../schema/live.js';
import { AppError } from '../errors.js';
import { LiveFanout } from '../live/fanout.js';

// the runtime's global as workerd types it (the project's global types are Node's and the DOM's)
declare const Response: typeof CfResponse;

/**
 * The singleton Durable Object behind the live feed on Workers. Isolates that handle API requests and
 * the probes' objects publish events to it over RPC; it writes them to the streams it holds (in memory:
 * if the object is evicted the streams end and EventSource reconnects). A stream is a fetch (`/connect`).
 */
export class LiveFeedObject extends DurableObject {
  private readonly fanout = new LiveFanout({ now: Date.now });

  override async fetch(request: CfRequest): Promise<CfResponse> {
    if (new URL(request.url).pathname !== '/connect') return new Response('not found', { status: 404 });
    // LiveFanout is typed with the DOM's Request and Response (it runs on Node too); in workerd both are the runtime's own
    return (await this.fanout.connect(request as unknown as Request)) as unknown as CfResponse;
  }

  /** RPC. The event crossed a boundary, so it is checked again here. */
  async publish(event: LiveEvent): Promise<void> {
    const parsed = liveEvent.safeParse(event);
    if (!parsed.success) throw new AppError(400, 'bad_live_event', 'not a live event');
    await this.fanout.publish(parsed.data);
  }
}
