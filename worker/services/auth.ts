import bcrypt from 'bcryptjs';
import { and, eq, gt, lt } from 'drizzle-orm';
import { apiTokens, sessions, users } from '../../schema/tables/index.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';

export const SESSION_COOKIE = 'eipam_session';
const BCRYPT_ROUNDS = 10;
const DUMMY_HASH = '$2b$10$atmrWVlm5WFEldloFqzAj.8y/t06jRg9a62gs4JuJeFcLLTxxmuWq';

export interface Principal {
  userId: number | null;
  username: string | null;
  via: 'session' | 'token';
  /** When the session ends (ms since epoch); null for API tokens, which do not expire. */
  expiresAt: number | null;
}

/** Creates the admin user when there is none. Returns the password only when it generated one. */
export async function ensureAdmin(deps: AppDeps, password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
  const existing = await deps.db.select({ id: users.id }).from(users).where(eq(users.username, 'admin'));
  if (existing.length) return { created: false };
  const generated = password ? undefined : randomToken('pw', 12).slice(3);
  const hash = await bcrypt.hash(password ?? generated!, BCRYPT_ROUNDS);
  await deps.db.insert(users).values({ username: 'admin', passwordHash: hash, createdAt: new Date(deps.clock.now()) });
  return { created: true, generatedPassword: generated };
}

export async function login(deps: AppDeps, username: string, password: string): Promise<{ cookieValue: string; expiresAt: number }> {
  const [user] = await deps.db.select().from(users).where(eq(users.username, username));
  // Compare against a dummy hash when the user is unknown so timing does not reveal usernames.
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) throw new AppError(401, 'invalid_credentials', 'wrong username or password');
  const now = deps.clock.now();
  const cookieValue = randomToken('eips');
  const expiresAt = now + deps.config.sessionTtlSeconds * 1000;
  await deps.db.batch([
    deps.db.delete(sessions).where(lt(sessions.expiresAt, new Date(now))),
    deps.db.insert(sessions).values({ tokenHash: await sha256Hex(cookieValue), userId: user.id, expiresAt: new Date(expiresAt), createdAt: new Date(now) }),
  ]);
  return { cookieValue, expiresAt };
}

export async function logout(deps: AppDeps, cookieValue: string | undefined): Promise<void> {
  if (cookieValue) await deps.db.delete(sessions).where(eq(sessions.tokenHash, await sha256Hex(cookieValue)));
}

export async function principalFromSession(deps: AppDeps, cookieValue: string): Promise<Principal | null> {
  const [row] = await deps.db
    .select({ userId: users.id, username: users.username, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(cookieValue)), gt(sessions.expiresAt, new Date(deps.clock.now()))));
  return row ? { userId: row.userId, username: row.username, via: 'session', expiresAt: row.expiresAt.getTime() } : null;
}

export async function principalFromToken(deps: AppDeps, token: string): Promise<Principal | null> {
  const [row] = await deps.db
    .select({ id: apiTokens.id, userId: apiTokens.userId })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, await sha256Hex(token)));
  if (!row) return null;
  await deps.db.update(apiTokens).set({ lastUsedAt: new Date(deps.clock.now()) }).where(eq(apiTokens.id, row.id));
  return { userId: row.userId, username: null, via: 'token', expiresAt: null };
}

export async function createApiToken(deps: AppDeps, name: string, userId: number | null) {
  const token = randomToken('eipa');
  const createdAt = new Date(deps.clock.now());
  const [row] = await deps.db
    .insert(apiTokens)
    .values({ name, tokenHash: await sha256Hex(token), userId, createdAt })
    .returning({ id: apiTokens.id });
  return { id: row!.id, name, token, createdAt: createdAt.toISOString() };
}
