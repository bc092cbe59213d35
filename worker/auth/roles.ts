import { ROLES, type Role } from '../../schema/tables/auth.js';

export { ROLES, type Role };

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** True when `role` may do what `needed` allows. */
export function allows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** The lower of two roles: a token never acts above the user it belongs to. */
export function lowerOf(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}
