import { retryAfterMs } from '../webhooks/retry.js';

export type RdapErrorCode = 'invalid_query' | 'no_rdap_service' | 'rdap_not_found' | 'rdap_rate_limited' | 'rdap_timeout' | 'rdap_bad_response';

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
  fetch?: typeof fetch;
}

const isTimeout = (e: unknown) => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');

async function readBounded(res: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new RdapError(502, 'rdap_bad_response', `${url} answered with ${declared} bytes, more than the ${maxBytes} accepted`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new RdapError(502, 'rdap_bad_response', `${url} answered with more than the ${maxBytes} bytes accepted`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * GET a JSON document (RFC 7480: Accept application/rdap+json), within the time limit (headers and body) and
 * the size bound. 404 and 429 are RdapErrors of their own (rdap_not_found, rdap_rate_limited); anything else
 * that is not a JSON object is rdap_bad_response.
 */
export async function fetchRdapJson(url: string, opts: FetchOptions): Promise<FetchedJson> {
  const maxBytes = opts.maxBytes ?? RDAP_MAX_BYTES;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await (opts.fetch ?? fetch)(url, { headers: { accept: 'application/rdap+json, application/json;q=0.9' }, redirect: 'follow', signal });
    const finalUrl = res.url || url;
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
    throw new RdapError(502, 'rdap_bad_response', `could not reach ${url}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`);
  }
}
