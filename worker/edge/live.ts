import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import type { LiveEvent } from '../../schema/live.js';
import type { LiveFeed } from '../deps.js';

/** The live feed on Workers: one Durable Object (named "live") holds every subscriber's stream. */
export class DurableObjectLiveFeed implements LiveFeed {
  constructor(private readonly ns: DurableObjectNamespace) {}

  private stub() {
    return this.ns.get(this.ns.idFromName('live'));
  }

  async publish(event: LiveEvent): Promise<void> {
    const res = await this.stub().fetch('https://live/publish', { method: 'POST', body: JSON.stringify(event) });
    if (!res.ok) throw new Error(`live feed object answered ${res.status}`);
  }

  /** The object answers with the streaming response; it flows through this Worker to the browser. */
  async connect(_request: Request): Promise<Response> {
    return (await this.stub().fetch('https://live/connect')) as unknown as Response;
  }
}
