/**
 * Cross-site request forgery rule for cookie-authenticated requests. Hono's `csrf` middleware checks only
 * form-like content types and knows nothing of bearer tokens, so the rule is spelled out here.
 */
export interface CsrfRequest {
  method: string;
  /** The `Origin` header, if any. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header, if any. */
  secFetchSite: string | undefined;
  /** The dashboard's own origin (PUBLIC_URL's, or the request URL's). */
  ownOrigin: string;
  /** The request carries the session cookie and no bearer token (so the cookie is what authenticates it). */
  cookieAuth: boolean;
  /** The login route: no cookie yet, but a page elsewhere must not log the browser in either. */
  isLogin: boolean;
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfVerdict(r: CsrfRequest): CsrfVerdict {
  if (SAFE.has(r.method.toUpperCase())) return { ok: true };
  const origin = r.origin && r.origin !== 'null' ? r.origin.toLowerCase() : r.origin;
  const sameOrigin = origin === r.ownOrigin.toLowerCase() || (origin === undefined && r.secFetchSite === 'same-origin');
  if (sameOrigin) return { ok: true };
  if (r.isLogin) {
    // scripts log in without browser headers; a browser always sends one of them
    if (origin === undefined && r.secFetchSite === undefined) return { ok: true };
    return { ok: false, reason: 'login from another origin' };
  }
  if (!r.cookieAuth) return { ok: true };
  return { ok: false, reason: origin === undefined ? 'no Origin header on a cookie-authenticated request' : `Origin ${r.origin} is not ${r.ownOrigin}` };
}
