import { liveEvent } from '../../schema/live.js';
import { LiveFanout } from '../live/fanout.js';

/**
 * The singleton Durable Object behind the live feed on Workers. Isolates that handle API requests and
 * the probes' objects POST events to it; it writes them to the streams it holds (in memory: if the
 * object is evicted the streams end and EventSource reconnects).
 */
export class LiveFeedObject {
  private readonly fanout = new LiveFanout({ now: Date.now });

  async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/connect') return this.fanout.connect(request);
    if (pathname === '/publish' && request.method === 'POST') {
      const parsed = liveEvent.safeParse(await request.json().catch(() => null));
      if (!parsed.success) return Response.json({ error: 'not a live event' }, { status: 400 });
      await this.fanout.publish(parsed.data);
      return new Response(null, { status: 204 });
    }
    return new Response('not found', { status: 404 });
  }
}
