import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedWebhookFetch } from '../../worker/node/webhook-fetch.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// `localhost` resolves from /etc/hosts: no DNS query leaves the machine
describe("the Node host's webhook fetch", () => {
  let rx: WebhookReceiver;
  beforeAll(async () => {
    rx = await new WebhookReceiver().start();
  });
  afterAll(() => rx.close());

  it('refuses a name that resolves to a loopback address, at connect time', async () => {
    const port = new URL(rx.url).port;
    const err = await guardedWebhookFetch()(`http://localhost:${port}/x`, { method: 'POST', body: '{}' }).catch((e: Error & { cause?: Error }) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { cause?: Error }).cause?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1): a loopback address \(WEBHOOK_ALLOW_PRIVATE=1 allows it\)$/);
    expect(rx.received).toHaveLength(0);
    // the same request with the global fetch arrives: the refusal is the guard's
    expect((await fetch(`http://localhost:${port}/x`, { method: 'POST', body: '{}' })).status).toBe(204);
    expect(rx.received).toHaveLength(1);
  });

  it('leaves literal addresses to the check made when the URL is saved (they are not looked up)', async () => {
    const res = await guardedWebhookFetch()(`${rx.url}/y`, { method: 'POST', body: 'hi', redirect: 'manual' });
    expect(res.status).toBe(204);
    expect(rx.received.at(-1)).toMatchObject({ path: '/y', body: 'hi' });
  });
});
