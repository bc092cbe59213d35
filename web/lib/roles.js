// @ts-check
/** The roles as the server ranks them (worker/auth/roles.ts): each allows what the ones before it do. */
export const ROLES = /** @type {const} */ (['viewer', 'editor', 'admin']);

/** True when `role` may do what `needed` allows; an unknown role (the session not read yet) allows nothing. */
export function allows(role, needed) {
  const have = ROLES.indexOf(role);
  return have >= 0 && have >= ROLES.indexOf(needed);
}

/** The lower of two roles (a token never acts above its owner). */
export function lowerOf(a, b) {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}

/** The roles up to and including `role`, lowest first: what a token minted by `role` may have. */
export function rolesUpTo(role) {
  return ROLES.slice(0, ROLES.indexOf(role) + 1);
}
