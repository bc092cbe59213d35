import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { apiTokens, sessions, users, type Role } from '../../schema/tables/index.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../auth/passwords.js';
import { lowerOf } from '../auth/roles.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { clearLoginFailures, loginKeys, recordLoginFailure, throttleWait } from './login-throttle.js';

export const SESSION_COOKIE = 'eipam_session';
const TOKEN_TOUCH_MS = 60_000;

export interface Principal {
  userId: number;
  username: string;
  role: Role;
  via: 'session' | 'token';
  /** A token's scope: `metrics` may call GET /metrics only (requireAuth refuses the rest); null: the role's whole API. */
  scope: 'metrics' | null;
  tokenId: number | null;
  tokenName: string | null;
  /** When the session (or token) ends, ms since epoch; null for a token without expiry. */
  expiresAt: number | null;
}

/** Creates the admin user when there is none. Returns the password only when it generated one. */
export async function ensureAdmin(deps: AppDeps, password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
  const existing = await deps.db.select({ id: users.id }).from(users).where(eq(users.username, 'admin'));
  if (existing.length) return { created: false };
  const generated = password ? undefined : randomToken('pw', 12).slice(3);
  const hash = await hashPassword(password ?? generated!);
  await deps.db.insert(users).values({ username: 'admin', passwordHash: hash, role: 'admin', createdAt: new Date(deps.clock.now()) });
  return { created: true, generatedPassword: generated };
}

export type LoginOutcome =
  | { ok: true; cookieValue: string; expiresAt: number; user: { id: number; username: string; role: Role } }
  | { ok: false; status: 401 | 429; retryAfterSeconds?: number; userId: number | null };

/** Checks the back-off first, then the password; a throttled attempt is refused even with the right password. */
export async function login(deps: AppDeps, username: string, password: string, clientAddress: string | null): Promise<LoginOutcome> {
  const keys = loginKeys(deps, username, clientAddress);
  const wait = await throttleWait(deps, keys);
  const [user] = await deps.db.select().from(users).where(eq(users.username, username));
  if (wait > 0) return { ok: false, status: 429, retryAfterSeconds: Math.ceil(wait / 1000), userId: user?.id ?? null };
  // verify against a dummy hash when the user is unknown or disabled, so the time taken reveals nothing
  const check = await verifyPassword(password, user && !user.disabledAt ? user.passwordHash : DUMMY_HASH);
  if (!user || user.disabledAt || !check.ok) {
    await recordLoginFailure(deps, keys);
    return { ok: false, status: 401, userId: user?.id ?? null };
  }
  const now = deps.clock.now();
  const cookieValue = randomToken('eips');
  const expiresAt = now + deps.config.sessionTtlSeconds * 1000;
  await deps.db.batch([
    deps.db.delete(sessions).where(lt(sessions.expiresAt, new Date(now))),
    deps.db.insert(sessions).values({ tokenHash: await sha256Hex(cookieValue), userId: user.id, expiresAt: new Date(expiresAt), createdAt: new Date(now) }),
  ]);
  await clearLoginFailures(deps, username);
  if (check.rehash) await deps.db.update(users).set({ passwordHash: await hashPassword(password) }).where(eq(users.id, user.id));
  return { ok: true, cookieValue, expiresAt, user: { id: user.id, username: user.username, role: user.role } };
}

export async function logout(deps: AppDeps, cookieValue: string | undefined): Promise<void> {
  if (cookieValue) await deps.db.delete(sessions).where(eq(sessions.tokenHash, await sha256Hex(cookieValue)));
}

export async function principalFromSession(deps: AppDeps, cookieValue: string): Promise<Principal | null> {
  const [row] = await deps.db
    .select({ userId: users.id, username: users.username, role: users.role, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(cookieValue)), gt(sessions.expiresAt, new Date(deps.clock.now())), isNull(users.disabledAt)));
  return row ? { ...row, via: 'session', scope: null, tokenId: null, tokenName: null, expiresAt: row.expiresAt.getTime() } : null;
}

/** An API token (never a probe token: those live in another table and work only on the probe socket). */
export async function principalFromToken(deps: AppDeps, token: string): Promise<Principal | null> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, scope: apiTokens.scope, expiresAt: apiTokens.expiresAt, lastUsedAt: apiTokens.lastUsedAt, userId: users.id, username: users.username, userRole: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(users.disabledAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date(now)))));
  if (!row) return null;
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= TOKEN_TOUCH_MS) {
    await deps.db.update(apiTokens).set({ lastUsedAt: new Date(now) }).where(eq(apiTokens.id, row.id));
  }
  return {
    userId: row.userId,
    username: row.username,
    role: lowerOf(row.role, row.userRole),
    via: 'token',
    scope: row.scope ?? null,
    tokenId: row.id,
    tokenName: row.name,
    expiresAt: row.expiresAt?.getTime() ?? null,
  };
}

/** Drops a user's sessions (disabled, password reset). */
export function endSessionsOf(deps: AppDeps, userId: number) {
  return deps.db.delete(sessions).where(eq(sessions.userId, userId));
}

export const tooManyAttempts = (seconds: number) => new AppError(429, 'too_many_attempts', `too many failed logins; try again in ${seconds} s`, { retryAfterSeconds: seconds });
