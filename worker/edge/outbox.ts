import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import type { OutboxWaker } from '../deps.js';
import type { OutboxObject } from './outbox-object.js';

/** Wakes the singleton OutboxObject (named "outbox"), which sends from its alarm. */
export class DurableObjectOutbox implements OutboxWaker {
  constructor(private readonly ns: DurableObjectNamespace<OutboxObject>) {}

  async wake(): Promise<void> {
    await this.ns.getByName('outbox').wake();
  }
}
