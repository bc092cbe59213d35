import type { AppDeps } from '../deps.js';
import type { OfflineAsn } from './asn.js';
import { bootstrapFileName, bootstrapFileSchema, findService, type BootstrapFile } from './rdap-bootstrap.js';
import { readCache, writeCache } from './rdap-cache.js';
import { fetchRdapJson, RdapError, type FetchOptions } from './rdap-fetch.js';
import { parseRdapQuery, rdapPath, rdapQueryText, type RdapQuery } from './rdap-query.js';
import { OBJECT_CLASS, summariseRdap, type RdapSummary, type RdapType } from './rdap-summary.js';

/** IANA changes its bootstrap files a few times a month; a day's copy is fresh enough. */
export const BOOTSTRAP_CACHE_SECONDS = 86_400;

export interface RdapAnswer {
  query: string;
  type: RdapType;
  server: string;
  url: string;
  cached: boolean;
  fetchedAt: string;
  summary: RdapSummary;
  offline: OfflineAsn | null;
  raw: Record<string, unknown>;
}

/** What the service needs besides the app's deps: the offline ASN lookup for IP answers (none: `offline` is null). */
export interface RdapOptions {
  offlineAsn?: (ip: string) => Promise<OfflineAsn | null>;
}

const fetchOptions = (deps: AppDeps, now: number): FetchOptions => ({ timeoutMs: deps.config.rdapTimeoutMs, now, fetch: deps.rdapFetch, allowPrivate: deps.config.rdapAllowPrivate });

function bootstrapUrl(deps: AppDeps, q: RdapQuery): string {
  const base = deps.config.rdapBootstrapUrl;
  return new URL(bootstrapFileName(q), base.endsWith('/') ? base : `${base}/`).toString();
}

async function bootstrapFile(deps: AppDeps, url: string): Promise<BootstrapFile> {
  const now = deps.clock.now();
  const key = `bootstrap:${url}`;
  const cached = await readCache(deps.db, key, now);
  let text = cached?.body;
  if (text === undefined) {
    try {
      text = (await fetchRdapJson(url, fetchOptions(deps, now))).text;
    } catch (e) {
      // the registry itself failing is a bad answer, not "no such record"
      if (e instanceof RdapError && e.code === 'rdap_not_found') throw new RdapError(502, 'rdap_bad_response', `the RDAP bootstrap registry has no ${url} (404)`);
      throw e;
    }
  }
  const parsed = bootstrapFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new RdapError(502, 'rdap_bad_response', `${url} is not an RFC 9224 bootstrap file`);
  if (!cached) await writeCache(deps.db, { key, server: deps.config.rdapBootstrapUrl, url, body: text, fetchedAt: new Date(now), expiresAt: new Date(now + BOOTSTRAP_CACHE_SECONDS * 1000) }, now);
  return parsed.data;
}

function noService(q: RdapQuery, url: string): RdapError {
  const what =
    q.type === 'domain' ? `the top-level domain .${q.name.split('.').at(-1)}` : q.type === 'autnum' ? `AS${q.asn}` : `${rdapQueryText(q)} (IPv${q.family})`;
  return new RdapError(404, 'no_rdap_service', `no RDAP service for ${what}: the IANA bootstrap registry (${url}) lists none`);
}

/** Where to ask, and what was answered: from the cache while fresh, else through the bootstrap registry. */
async function fetchAnswer(deps: AppDeps, q: RdapQuery) {
  const now = deps.clock.now();
  const key = rdapPath(q);
  const cached = await readCache(deps.db, key, now);
  if (cached) return { server: cached.server, url: cached.url, text: cached.body, fetchedAt: cached.fetchedAt.getTime(), cached: true };

  const registry = bootstrapUrl(deps, q);
  const match = findService(await bootstrapFile(deps, registry), q);
  if (!match) throw noService(q, registry);
  const got = await fetchRdapJson(match.baseUrl + key, { ...fetchOptions(deps, now), requireHttps: registry.startsWith('https:') });
  const objectClass = got.json.objectClassName;
  if (objectClass !== OBJECT_CLASS[q.type])
    throw new RdapError(502, 'rdap_bad_response', `${got.url} answered with ${typeof objectClass === 'string' ? `a "${objectClass}" object` : 'no objectClassName'}, not "${OBJECT_CLASS[q.type]}"`);
  const seconds = deps.config.rdapCacheSeconds;
  if (seconds > 0) await writeCache(deps.db, { key, server: match.baseUrl, url: got.url, body: got.text, fetchedAt: new Date(now), expiresAt: new Date(now + seconds * 1000) }, now);
  return { server: match.baseUrl, url: got.url, text: got.text, fetchedAt: now, cached: false };
}

/** GET /api/tools/rdap: the RDAP record of a domain, an IP address or an AS number, summarised, with the raw JSON. */
export async function lookupRdap(deps: AppDeps, text: string, opts: RdapOptions = {}): Promise<RdapAnswer> {
  const q = parseRdapQuery(text);
  if (!q) throw new RdapError(400, 'invalid_query', `"${text.slice(0, 100)}" is not a domain name, an IP address or an AS number (AS64496 or 64496)`);
  const answer = await fetchAnswer(deps, q);
  const raw = JSON.parse(answer.text) as Record<string, unknown>;
  let offline: OfflineAsn | null = null;
  if (q.type === 'ip' && opts.offlineAsn) {
    // the offline database is a convenience: its failure never fails the lookup
    offline = await opts.offlineAsn(q.address).catch((e) => {
      deps.log.warn('offline ASN lookup failed', { ip: q.address, error: String(e) });
      return null;
    });
  }
  return {
    query: rdapQueryText(q),
    type: q.type,
    server: answer.server,
    url: answer.url,
    cached: answer.cached,
    fetchedAt: new Date(answer.fetchedAt).toISOString(),
    summary: summariseRdap(q.type, raw),
    offline,
    raw,
  };
}
