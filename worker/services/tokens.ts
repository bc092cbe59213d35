import { eq, type SQL } from 'drizzle-orm';
import { apiTokens, users, type Role } from '../../schema/tables/index.js';
import { allows } from '../auth/roles.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import type { Principal } from './auth.js';

export interface TokenView {
  id: number;
  name: string;
  role: Role;
  scope: TokenScope | null;
  userId: number | null;
  username: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** `metrics`: the token may call GET /metrics only (a Prometheus scraper's); it acts as a viewer there. */
export type TokenScope = 'metrics';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An admin sees every token; anyone else their own. */
export async function listTokens(deps: AppDeps, caller: Principal): Promise<TokenView[]> {
  const mine: SQL | undefined = caller.role === 'admin' ? undefined : eq(apiTokens.userId, caller.userId);
  const rows = await deps.db
    .select({ t: apiTokens, username: users.username })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(mine)
    .orderBy(apiTokens.id);
  return rows.map(({ t, username }) => ({
    id: t.id,
    name: t.name,
    role: t.role,
    scope: t.scope ?? null,
    userId: t.userId,
    username,
    createdAt: t.createdAt.toISOString(),
    expiresAt: iso(t.expiresAt),
    lastUsedAt: iso(t.lastUsedAt),
  }));
}

export interface NewToken {
  name: string;
  role?: Role;
  scope?: TokenScope;
  expiresAt?: string;
  userId?: number;
}

/**
 * Mints an API token. Only a logged-in person mints (a token cannot make tokens); the role is at most the
 * caller's and the owner's; only an admin mints for somebody else.
 */
export async function createToken(deps: AppDeps, caller: Principal, input: NewToken) {
  if (caller.via !== 'session') throw new AppError(403, 'session_required', 'API tokens are minted from a logged-in session, not with another token');
  const ownerId = input.userId ?? caller.userId;
  if (ownerId !== caller.userId && caller.role !== 'admin') throw new AppError(403, 'forbidden', 'only an admin mints tokens for other users');
  const [owner] = await deps.db.select().from(users).where(eq(users.id, ownerId));
  if (!owner || owner.disabledAt) throw new AppError(400, 'unknown_user', `user ${ownerId} does not exist or is disabled`);
  if (input.scope === 'metrics' && input.role && input.role !== 'viewer') {
    throw new AppError(400, 'invalid_request', 'a token of the metrics scope has the viewer role (it reads GET /metrics only)');
  }
  const role = input.scope === 'metrics' ? 'viewer' : input.role ?? (allows(owner.role, 'editor') && allows(caller.role, 'editor') ? 'editor' : 'viewer');
  if (!allows(caller.role, role) || !allows(owner.role, role)) throw new AppError(403, 'role_too_high', `a token's role cannot be above its creator's or its owner's (${role} asked)`);
  const now = deps.clock.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now) throw new AppError(400, 'invalid_request', 'expiresAt must be in the future');
  const token = randomToken('eipa');
  const [row] = await deps.db
    .insert(apiTokens)
    .values({ name: input.name, tokenHash: await sha256Hex(token), userId: ownerId, role, scope: input.scope ?? null, createdBy: caller.userId, expiresAt, createdAt: new Date(now) })
    .returning({ id: apiTokens.id });
  return { id: row!.id, name: input.name, role, scope: input.scope ?? null, userId: ownerId, token, createdAt: new Date(now).toISOString(), expiresAt: iso(expiresAt) };
}

/** Revokes one token: the caller's own, or anyone's for an admin. */
export async function revokeToken(deps: AppDeps, caller: Principal, id: number): Promise<{ id: number; name: string; userId: number | null }> {
  const [t] = await deps.db.select().from(apiTokens).where(eq(apiTokens.id, id));
  if (!t || (caller.role !== 'admin' && t.userId !== caller.userId)) throw notFound(`token ${id}`);
  await deps.db.delete(apiTokens).where(eq(apiTokens.id, id));
  return { id: t.id, name: t.name, userId: t.userId };
}
