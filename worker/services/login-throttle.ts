import { inArray, lt, sql } from 'drizzle-orm';
import { loginThrottle } from '../../schema/tables/index.js';
import { afterFailure, waitMs, type ThrottlePolicy, type ThrottleState } from '../auth/throttle.js';
import type { AppDeps } from '../deps.js';

export interface ThrottleKey {
  key: string;
  policy: ThrottlePolicy;
}

/** The keys one login attempt counts against: its username and, when known, its client address. */
export function loginKeys(deps: AppDeps, username: string, clientAddress: string | null): ThrottleKey[] {
  const c = deps.config;
  const policy = (freeAttempts: number): ThrottlePolicy => ({
    freeAttempts,
    baseSeconds: c.loginBlockBaseSeconds,
    maxSeconds: c.loginBlockMaxSeconds,
    forgetSeconds: Math.max(900, c.loginBlockMaxSeconds * 2),
  });
  const keys = [{ key: `user:${username.toLowerCase()}`, policy: policy(c.loginFreeAttempts) }];
  if (clientAddress) keys.push({ key: `addr:${clientAddress}`, policy: policy(c.loginFreeAttemptsPerAddress) });
  return keys;
}

async function states(deps: AppDeps, keys: ThrottleKey[]): Promise<Map<string, ThrottleState>> {
  const rows = await deps.db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys.map((k) => k.key)));
  return new Map(rows.map((r) => [r.key, { failures: r.failures, lastFailureAt: r.lastFailureAt.getTime(), blockedUntil: r.blockedUntil.getTime() }]));
}

/** Milliseconds until any of the keys may try again (0: go ahead). */
export async function throttleWait(deps: AppDeps, keys: ThrottleKey[]): Promise<number> {
  const now = deps.clock.now();
  const known = await states(deps, keys);
  return Math.max(0, ...keys.map((k) => waitMs(known.get(k.key), now)));
}

export async function recordLoginFailure(deps: AppDeps, keys: ThrottleKey[]): Promise<void> {
  const now = deps.clock.now();
  const known = await states(deps, keys);
  const writes = keys.map((k) => {
    const next = afterFailure(known.get(k.key), now, k.policy);
    const row = { key: k.key, failures: next.failures, lastFailureAt: new Date(next.lastFailureAt), blockedUntil: new Date(next.blockedUntil) };
    return deps.db.insert(loginThrottle).values(row).onConflictDoUpdate({ target: loginThrottle.key, set: row });
  });
  const [first, ...rest] = writes;
  if (first) await deps.db.batch([first, ...rest]);
}

/** A good password clears its username's failures (not the address's: one's own account must not reset them). */
export async function clearLoginFailures(deps: AppDeps, username: string): Promise<void> {
  await deps.db.delete(loginThrottle).where(sql`${loginThrottle.key} = ${`user:${username.toLowerCase()}`}`);
}

/** Rows that no longer block anything and have been forgotten (the prune duty calls it). */
export function pruneLoginThrottle(deps: AppDeps, now: number) {
  return deps.db.delete(loginThrottle).where(lt(loginThrottle.lastFailureAt, new Date(now - 2 * 86_400_000)));
}
