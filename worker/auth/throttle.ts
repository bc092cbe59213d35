/**
 * Login back-off, as pure functions over a stored counter. Each key (a username, a client address) gets
 * `freeAttempts` failures; every failure after that blocks the key for twice as long as the one before,
 * from `baseSeconds` up to `maxSeconds`. A key forgets its failures `forgetSeconds` after the last one.
 */
export interface ThrottlePolicy {
  freeAttempts: number;
  baseSeconds: number;
  maxSeconds: number;
  forgetSeconds: number;
}

export interface ThrottleState {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** Milliseconds the key must still wait (0: it may try now). */
export function waitMs(state: ThrottleState | undefined, now: number): number {
  return state ? Math.max(0, state.blockedUntil - now) : 0;
}

/** The state after one more failed attempt at `now`. */
export function afterFailure(state: ThrottleState | undefined, now: number, policy: ThrottlePolicy): ThrottleState {
  const forgotten = !state || now - state.lastFailureAt > policy.forgetSeconds * 1000;
  const failures = (forgotten ? 0 : state.failures) + 1;
  const over = failures - policy.freeAttempts;
  const blockMs = over <= 0 ? 0 : Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (over - 1)) * 1000;
  return { failures, lastFailureAt: now, blockedUntil: blockMs ? now + blockMs : 0 };
}
