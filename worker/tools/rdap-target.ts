import { refusedNonPublicHost } from '../webhooks/url-policy.js';

/** Redirects an RDAP request follows (RIRs send an address on to the one that holds it: one hop, rarely two). */
export const RDAP_MAX_REDIRECTS = 3;

/**
 * Why the RDAP client may not request `url` (null: it may), reached from `from` (a redirect) or first (null).
 * Only http(s); never from https down to http; unless private targets are allowed, no host that is this machine
 * or an address outside public unicast (url-policy's rules, LAN ranges too). The reason never names the URL,
 * which may be an internal one a server sent us to.
 */
export function refusedRdapTarget(url: URL, from: URL | null, opts: { allowPrivate: boolean }): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https are followed, not ${url.protocol.slice(0, 16)}`;
  if (from?.protocol === 'https:' && url.protocol === 'http:') return 'it goes from https down to plain http';
  if (url.username !== '' || url.password !== '') return 'it carries a user name or password';
  if (opts.allowPrivate) return null;
  const reason = refusedNonPublicHost(url.hostname);
  return reason && `it is ${reason} (RDAP_ALLOW_PRIVATE=1 allows it)`;
}
