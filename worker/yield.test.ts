import { describe, expect, it } from 'vitest';
import { yieldToEventLoop } from './yield.js';

describe('yieldToEventLoop', () => {
  it('lets a due timer run, which an awaited resolved promise does not', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 0);
    const start = Date.now();
    while (Date.now() - start < 3); // the timer is due from here on
    await Promise.resolve();
    expect(fired).toBe(false);
    // one turn may end just before the timers phase: two always pass through it
    await yieldToEventLoop();
    await yieldToEventLoop();
    expect(fired).toBe(true);
  });
});
