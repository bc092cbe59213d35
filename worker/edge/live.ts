import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import type { LiveEvent } from '../../schema/live.js';
import type { LiveFeed } from '../deps.js';
import type { LiveFeedObject } from './live-object.js';

/** The live feed on Workers: one Durable Object (named "live") holds every subscriber's stream. */
export class DurableObjectLiveFeed implements LiveFeed {
  constructor(private readonly ns: DurableObjectNamespace<LiveFeedObject>) {}

  private stub() {
    return this.ns.getByName('live');
  }

  async publish(event: LiveEvent): Promise<void> {
    await this.stub().publish(event);
  }

  /** The object answers with the streaming response; it flows through this Worker to the browser. */
  async connect(_request: Request): Promise<Response> {
    return (await this.stub().fetch('https://live/connect')) as unknown as Response;
  }
}
