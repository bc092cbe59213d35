// @ts-check
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { allows } from './roles.js';

/**
 * Who is logged in, read once from /api/auth/me by app.js: { me, recheck, signedOut(reason) }. `me` is
 * undefined while the check runs, so nothing that changes data shows before the role is known.
 */
export const Session = createContext(/** @type {{ me: any, recheck: () => void, signedOut: (reason: string) => void }} */ ({ me: undefined, recheck() {}, signedOut() {} }));

export function useSession() {
  return useContext(Session);
}

/** True when the logged-in user's role allows what `needed` allows (false until the role is known). */
export function useCan(needed) {
  return allows(useContext(Session).me?.role, needed);
}
