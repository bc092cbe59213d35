import { readBoundedText } from '../http/bounded-body.js';
import { retryAfterMs } from '../webhooks/retry.js';
import { RDAP_MAX_REDIRECTS, refusedRdapTarget } from './rdap-target.js';

export type RdapErrorCode =
  | 'invalid_query'
  | 'no_rdap_service'
  | 'rdap_not_found'
  | 'rdap_rate_limited'
  | 'rdap_timeout'
  | 'rdap_bad_response'
  | 'rdap_refused_target';

/** An RDAP lookup that failed, with the status and stable code the route answers with (and Retry-After for a 503). */
export class RdapError extends Error {
  constructor(
    readonly status: 400 | 404 | 502 | 503 | 504,
    readonly code: RdapErrorCode,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'RdapError';
  }
}

/** Answers (and bootstrap files) larger than this are refused: they are stored whole in one cache row (D1 allows 2 MB). */
export const RDAP_MAX_BYTES = 1024 * 1024;

export interface FetchedJson {
  /** The URL that answered (after redirects: registries send address queries on to the one that holds them). */
  url: string;
  text: string;
  json: Record<string, unknown>;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes?: number;
  now: number;
  /** The host's fetch (deps.rdapFetch: on Node it refuses names resolving to non-public addresses); default the global one. */
  fetch?: typeof fetch;
  /** RDAP_ALLOW_PRIVATE: loopback, LAN and other non-public hosts may be asked (the tests' local registry). */
  allowPrivate: boolean;
  /** The URL was found through an https bootstrap registry: a plain-http one is a downgrade, refused. */
  requireHttps?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const refused = (what: string, why: string) => new RdapError(502, 'rdap_refused_target', `refused: ${what}: ${why}`);

/** The guarded fetch's lookup refusing a name (worker/node/webhook-fetch.ts): the error or its cause has this code. */
const isAddressRefused = (e: unknown): boolean =>
  (e as { code?: string })?.code === 'ADDRESS_REFUSED' || ((e as { cause?: unknown })?.cause !== undefined && isAddressRefused((e as { cause: unknown }).cause));

const isTimeout = (e: unknown) => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');

async function readBounded(res: Response, maxBytes: number, url: string): Promise<string> {
  const text = await readBoundedText(res, maxBytes);
  if (text === null) throw new RdapError(502, 'rdap_bad_response', `${url} answered with more than the ${maxBytes} bytes accepted`);
  return text;
}

/**
 * GET a JSON document (RFC 7480: Accept application/rdap+json), within the time limit (headers and body) and
 * the size bound. 404 and 429 are RdapErrors of their own (rdap_not_found, rdap_rate_limited); anything else
 * that is not a JSON object is rdap_bad_response. Redirects are followed by hand (at most RDAP_MAX_REDIRECTS), each
 * hop checked first (rdap-target.ts): a refused one is rdap_refused_target, whose message never names its URL.
 */
export async function fetchRdapJson(url: string, opts: FetchOptions): Promise<FetchedJson> {
  const maxBytes = opts.maxBytes ?? RDAP_MAX_BYTES;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new RdapError(502, 'rdap_bad_response', 'the bootstrap registry names an RDAP server whose URL is not valid');
  }
  const first = refusedRdapTarget(current, null, opts);
  if (first) throw refused('the RDAP lookup would reach a server that may not be asked', first);
  if (opts.requireHttps && current.protocol === 'http:') throw refused('the bootstrap registry, read over https, names only a plain-http RDAP server', 'that would be a downgrade');
  try {
    let res: Response;
    // redirects by hand: each hop is checked before it is asked (a server may send us anywhere, an http one in transit too)
    for (let hops = 0; ; hops++) {
      res = await (opts.fetch ?? fetch)(current.href, { headers: { accept: 'application/rdap+json, application/json;q=0.9' }, redirect: 'manual', signal });
      if (!REDIRECTS.has(res.status)) break;
      await res.body?.cancel().catch(() => {});
      const location = res.headers.get('location');
      if (!location) throw new RdapError(502, 'rdap_bad_response', `${current.href} answered ${res.status} without a Location`);
      if (hops >= RDAP_MAX_REDIRECTS) throw new RdapError(502, 'rdap_bad_response', `${url} redirected more than ${RDAP_MAX_REDIRECTS} times`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new RdapError(502, 'rdap_bad_response', `${current.href} redirected to something that is not a URL`);
      }
      const why = refusedRdapTarget(next, current, opts);
      if (why) throw refused(`${current.host} redirected the lookup to a server that may not be asked`, why);
      current = next;
    }
    const finalUrl = current.href;
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      throw new RdapError(404, 'rdap_not_found', `${finalUrl} has no record of it (404)`);
    }
    if (res.status === 429) {
      await res.body?.cancel().catch(() => {});
      const ms = retryAfterMs(res.headers.get('retry-after'), opts.now);
      const seconds = ms === null ? null : Math.max(1, Math.ceil(ms / 1000));
      throw new RdapError(503, 'rdap_rate_limited', `${new URL(finalUrl).host} is limiting requests (429)${seconds === null ? '' : `; try again in ${seconds} s`}`, seconds);
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => {});
      throw new RdapError(502, 'rdap_bad_response', `${finalUrl} answered ${res.status}`);
    }
    const type = res.headers.get('content-type') ?? '';
    if (type && !/json/i.test(type)) {
      await res.body?.cancel().catch(() => {});
      throw new RdapError(502, 'rdap_bad_response', `${finalUrl} answered ${type.split(';')[0]}, not JSON`);
    }
    const text = await readBounded(res, maxBytes, finalUrl);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new RdapError(502, 'rdap_bad_response', `${finalUrl} answered with malformed JSON`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RdapError(502, 'rdap_bad_response', `${finalUrl} answered with JSON that is not an object`);
    return { url: finalUrl, text, json: json as Record<string, unknown> };
  } catch (e) {
    if (e instanceof RdapError) throw e;
    if (isTimeout(e) || signal.aborted) throw new RdapError(504, 'rdap_timeout', `${url} did not answer within ${opts.timeoutMs} ms`);
    if (isAddressRefused(e)) throw refused(`${current.hostname} resolves to an address that may not be asked`, 'not a public address (RDAP_ALLOW_PRIVATE=1 allows it)');
    // the cause (refused, reset, no such name) is left out: it would tell which ports of a host are open
    throw new RdapError(502, 'rdap_bad_response', `could not reach ${current.host}`);
  }
}
