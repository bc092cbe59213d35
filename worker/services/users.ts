import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../db.js';
import { users, type Role } from '../../schema/tables/index.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import { endSessionsOf } from './auth.js';

export interface UserView {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

type UserRow = typeof users.$inferSelect;
const view = (u: UserRow): UserView => ({ id: u.id, username: u.username, role: u.role, disabled: !!u.disabledAt, createdAt: u.createdAt.toISOString() });

export async function listUsers(deps: AppDeps): Promise<UserView[]> {
  return (await deps.db.select().from(users).orderBy(users.username)).map(view);
}

async function getUser(deps: AppDeps, id: number): Promise<UserRow> {
  const [u] = await deps.db.select().from(users).where(eq(users.id, id));
  if (!u) throw notFound(`user ${id}`);
  return u;
}

export async function createUser(deps: AppDeps, input: { username: string; password: string; role: Role }): Promise<UserView> {
  const now = new Date(deps.clock.now());
  try {
    const [row] = await deps.db
      .insert(users)
      .values({ username: input.username, passwordHash: await hashPassword(input.password), role: input.role, createdAt: now, updatedAt: now })
      .returning();
    return view(row!);
  } catch (e) {
    if (isUniqueViolation(e, 'users.username')) throw new AppError(409, 'user_exists', `a user named "${input.username}" exists`);
    throw e;
  }
}

async function otherActiveAdmins(deps: AppDeps, id: number): Promise<number> {
  const [row] = await deps.db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt), ne(users.id, id)));
  return Number(row?.n ?? 0);
}

/** An admin's edit of a user: role, disabled, or a new password. The last active admin cannot be demoted or disabled. */
export async function updateUser(deps: AppDeps, id: number, patch: { role?: Role; disabled?: boolean; password?: string }): Promise<{ user: UserView; before: UserView }> {
  const before = await getUser(deps, id);
  const losesAdmin = before.role === 'admin' && !before.disabledAt && ((patch.role && patch.role !== 'admin') || patch.disabled);
  if (losesAdmin && (await otherActiveAdmins(deps, id)) === 0) throw new AppError(409, 'last_admin', 'at least one active admin must remain');
  const now = new Date(deps.clock.now());
  const set: Partial<UserRow> = { updatedAt: now };
  if (patch.role) set.role = patch.role;
  if (patch.disabled !== undefined) set.disabledAt = patch.disabled ? (before.disabledAt ?? now) : null;
  if (patch.password) set.passwordHash = await hashPassword(patch.password);
  const endSessions = patch.disabled || patch.password !== undefined;
  const update = deps.db.update(users).set(set).where(eq(users.id, id)).returning();
  const [rows] = (endSessions ? await deps.db.batch([update, endSessionsOf(deps, id)]) : [await update]) as [UserRow[]];
  return { user: view(rows[0]!), before: view(before) };
}

/** Anyone's own password, with the current one as proof. Other sessions of the user end. */
export async function changeOwnPassword(deps: AppDeps, userId: number, current: string, next: string): Promise<void> {
  const user = await getUser(deps, userId);
  if (!(await verifyPassword(current, user.passwordHash)).ok) throw new AppError(403, 'wrong_password', 'the current password is wrong');
  await deps.db.batch([
    deps.db.update(users).set({ passwordHash: await hashPassword(next), updatedAt: new Date(deps.clock.now()) }).where(eq(users.id, userId)),
    endSessionsOf(deps, userId),
  ]);
}
