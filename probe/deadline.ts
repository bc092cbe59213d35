/**
 * A job's (or an attempt's) time limit and the probe's stop in one signal.
 *
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: Node 20 may garbage-collect a timeout signal that only a
 * composite refers to, and then it never fires (nodejs/node#57736). CI saw it: address checks whose attempts stop at
 * 2.5 s ran 6–39 s, their TCP connects left to the kernel's SYN retries. Here the timer holds the controller.
 */
export interface Deadline {
  signal: AbortSignal;
  /** The limit passed (not the parent's stop). */
  timedOut: () => boolean;
  /** Drops the timer and the parent's listener (the signal stays as it is). */
  clear: () => void;
}

export function deadlineSignal(parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onParent = () => {
    clear();
    controller.abort(parent.reason);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    clear();
    controller.abort(new DOMException(`the time limit of ${ms} ms passed`, 'TimeoutError'));
  }, ms);
  // like AbortSignal.timeout: a limit alone does not keep the process running
  timer.unref?.();
  function clear(): void {
    clearTimeout(timer);
    parent.removeEventListener('abort', onParent);
  }
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  return { signal: controller.signal, timedOut: () => timedOut, clear };
}
