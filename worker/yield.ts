type Scheduler = { yield?: () => Promise<void> };

/**
 * Lets the host run other work (requests, timers, socket frames) before going on: long jobs call it
 * between chunks so no single turn of the event loop holds it for long. `scheduler.yield` where there is
 * one, else setImmediate (Node), else setTimeout (Workers). An awaited resolved promise is not enough:
 * it resumes before any I/O is handled.
 */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  if (typeof globalThis.setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}
