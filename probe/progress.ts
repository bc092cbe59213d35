/** Fewest milliseconds between two progress reports of one job (so at most ~4 per second). */
export const PROGRESS_EVERY_MS = 250;

export type ProgressGate = (done: number, total: number, now: number) => boolean;

/**
 * Decides which of a sweep's raw progress ticks are worth a frame: none sooner than `everyMs` after the
 * last one, except the final tick (done = total), and never the same count twice.
 */
export function progressGate(everyMs = PROGRESS_EVERY_MS): ProgressGate {
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastDone = -1;
  return (done, total, now) => {
    if (done === lastDone) return false;
    if (done < total && now - lastAt < everyMs) return false;
    lastAt = now;
    lastDone = done;
    return true;
  };
}
