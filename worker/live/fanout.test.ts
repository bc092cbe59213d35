import { describe, expect, it } from 'vitest';
import { LiveFanout } from './fanout.js';
import { SseParser, type SseFrame } from './sse.js';

const request = new Request('http://x/api/live');

/** Reads frames (comments included as `: text` events) from a subscriber's response. */
function reader(res: Response) {
  const r = res.body!.getReader();
  const decoder = new TextDecoder();
  return {
    async text(): Promise<string> {
      const { value, done } = await r.read();
      return done ? '' : decoder.decode(value);
    },
    cancel: () => r.cancel(),
  };
}

const frames = (text: string): SseFrame[] => new SseParser().push(text);

describe('LiveFanout', () => {
  it('greets each subscriber, then delivers every published event to all of them', async () => {
    const feed = new LiveFanout({ now: () => 1234 });
    const a = reader(await feed.connect(request));
    const b = reader(await feed.connect(request));
    expect(frames(await a.text())).toEqual([{ event: 'hello', data: '{"serverTime":1234}' }]);
    expect(frames(await b.text())).toEqual([{ event: 'hello', data: '{"serverTime":1234}' }]);
    await feed.publish({ type: 'probe', data: { probeId: 3, connected: true } });
    for (const r of [a, b]) expect(frames(await r.text())).toEqual([{ event: 'probe', data: '{"probeId":3,"connected":true}' }]);
    expect(feed.size).toBe(2);
    feed.close();
    expect(await a.text()).toBe('');
  });

  it('answers as a text/event-stream that nothing may transform', async () => {
    const res = await new LiveFanout({ now: Date.now }).connect(request);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('no-transform');
  });

  it('forgets a subscriber that went away', async () => {
    const feed = new LiveFanout({ now: Date.now });
    const a = reader(await feed.connect(request));
    await a.cancel();
    await new Promise((r) => setTimeout(r, 0));
    expect(feed.size).toBe(0);
    await feed.publish({ type: 'subnets', data: {} });
  });

  it('drops a subscriber that stops reading, without waiting for it', async () => {
    const feed = new LiveFanout({ now: Date.now, maxQueuedBytes: 100 });
    const stalled = await feed.connect(request);
    const live = reader(await feed.connect(request));
    await live.text();
    const big = { type: 'hosts' as const, data: { subnetIds: [1], changes: [] } };
    for (let i = 0; i < 10; i++) {
      await feed.publish(big); // resolves although `stalled` never reads
      expect(frames(await live.text())[0]?.event).toBe('hosts');
    }
    expect(feed.size).toBe(1);
    await expect(stalled.body!.getReader().read()).rejects.toThrow('dropped');
  });

  it('sends a keep-alive comment while subscribers are connected', async () => {
    const feed = new LiveFanout({ now: Date.now, keepAliveMs: 10 });
    const a = reader(await feed.connect(request));
    await a.text();
    expect(await a.text()).toBe(': keep-alive\n\n');
    feed.close();
  });
});
