/**
 * GET /api/tools/rdap on the Node host against a local fake of IANA's bootstrap registry and three RDAP servers
 * (tests/support/rdap-server.ts, recorded RFC 9083 documents in tests/fixtures/rdap/): the answers summarised,
 * served from the cache the second time (the fake server counts its requests), and every error case with its code.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedWebhookFetch } from '../../worker/node/webhook-fetch.js';
import { refusedNonPublicAddress } from '../../worker/webhooks/url-policy.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { nodeTools } from '../../worker/node/tools.js';
import { loopbackNamesFetch, startHttpsRdapServer, startRdapServer, type RdapServer } from '../support/rdap-server.js';

let rdap: RdapServer;
let t: TestApp;
const TIMEOUT_MS = 300;
const CACHE_SECONDS = 600;

const lookup = (q: string, app = t) => app.call('GET', `/api/tools/rdap?q=${encodeURIComponent(q)}`);

beforeAll(async () => {
  rdap = await startRdapServer();
  t = await makeTestApp({ rdapAllowPrivate: true, rdapBootstrapUrl: rdap.bootstrapUrl, rdapTimeoutMs: TIMEOUT_MS, rdapCacheSeconds: CACHE_SECONDS });
});
afterAll(async () => {
  t?.close();
  await rdap?.close();
});

describe('GET /api/tools/rdap', () => {
  it('an IPv4 address: the network from the registry IANA names for it, summarised, with the raw JSON; cached the second time', async () => {
    const first = await lookup('198.51.100.7');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      query: '198.51.100.7',
      type: 'ip',
      // the /24 of registry A, not the /8 of registry B: the longest match
      server: `${rdap.url}/registry-a/`,
      url: `${rdap.url}/registry-a/ip/198.51.100.7`,
      cached: false,
      fetchedAt: new Date(t.clock.now()).toISOString(),
      summary: {
        name: 'EXAMPLE-DOC-NET',
        handle: 'NET-198-51-100-0-1',
        organisation: 'Example Networks Pty Ltd',
        country: 'AU',
        range: '198.51.100.0 – 198.51.100.255',
        cidrs: ['198.51.100.0/24'],
        asnHolder: null,
        abuse: { email: 'abuse@example.net', phone: '+61-2-5550-1234' },
        registrar: null,
        created: '2010-02-04T00:00:00.000Z',
        updated: '2024-06-11T08:13:02.000Z',
        expires: null,
        status: ['active'],
      },
    });
    expect(first.body.raw).toMatchObject({ objectClassName: 'ip network', port43: 'whois.example.net' });
    // the test app carries no offline ASN data
    expect(first.body.offline).toBeNull();
    expect(rdap.count('/iana/ipv4.json')).toBe(1);
    expect(rdap.count('/registry-a/ip/198.51.100.7')).toBe(1);

    const fetchedAt = first.body.fetchedAt;
    t.clock.advance(60_000);
    const second = await lookup(' 198.51.100.7 ');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ cached: true, fetchedAt, url: first.body.url, server: first.body.server, summary: first.body.summary });
    expect(second.body.raw).toEqual(first.body.raw);
    expect(rdap.count('/registry-a/ip/198.51.100.7')).toBe(1);
    expect(rdap.count('/iana/ipv4.json')).toBe(1);
  });

  it('after RDAP_CACHE_SECONDS the answer is fetched again; the bootstrap file is kept a day', async () => {
    t.clock.advance(CACHE_SECONDS * 1000);
    const again = await lookup('198.51.100.7');
    expect(again.body).toMatchObject({ cached: false, fetchedAt: new Date(t.clock.now()).toISOString() });
    expect(rdap.count('/registry-a/ip/198.51.100.7')).toBe(2);
    expect(rdap.count('/iana/ipv4.json')).toBe(1);
    // a different address of the same file: only the RDAP server is asked
    expect((await lookup('198.51.100.0/24')).body).toMatchObject({ query: '198.51.100.0/24', url: `${rdap.url}/registry-a/ip/198.51.100.0/24` });
    expect(rdap.count('/iana/ipv4.json')).toBe(1);
  });

  it('an IPv6 address, a redirected IPv4 one, an AS number and a domain', async () => {
    const v6 = await lookup('2001:DB8::1');
    expect(v6.body).toMatchObject({
      query: '2001:db8::1',
      type: 'ip',
      server: `${rdap.url}/registry-b/`,
      summary: { name: 'EXAMPLE-DOC-V6', country: 'NL', organisation: 'Example Documentation B.V.', cidrs: ['2001:db8::/32'], abuse: { email: 'abuse@example.org', phone: null } },
    });
    expect(rdap.count('/iana/ipv6.json')).toBe(1);

    // registry A sends the query on to registry B, as RIRs do for each other's space
    const moved = await lookup('192.0.2.1');
    expect(moved.body).toMatchObject({ server: `${rdap.url}/registry-a/`, url: `${rdap.url}/registry-b/ip/192.0.2.1`, cached: false });
    expect((await lookup('192.0.2.1')).body).toMatchObject({ cached: true, url: `${rdap.url}/registry-b/ip/192.0.2.1` });

    const as = await lookup('AS64496');
    expect(as.status).toBe(200);
    expect(as.body).toMatchObject({
      query: 'AS64496',
      type: 'autnum',
      server: `${rdap.url}/registry-a/`,
      url: `${rdap.url}/registry-a/autnum/64496`,
      offline: null,
      summary: { name: 'EXAMPLE-DOC-AS', range: 'AS64496 – AS64511', asnHolder: 'Example Transit, Inc.', country: 'US', abuse: { email: 'abuse@example.com', phone: '+1-555-555-0100' } },
    });
    expect((await lookup('64496')).body.cached).toBe(true);

    const domain = await lookup('Example.COM');
    expect(domain.status).toBe(200);
    expect(domain.body).toMatchObject({
      query: 'example.com',
      type: 'domain',
      server: `${rdap.url}/registry-dns/`,
      url: `${rdap.url}/registry-dns/domain/example.com`,
      offline: null,
      summary: {
        name: 'example.com',
        organisation: 'Example Holdings LLC',
        registrar: 'Example Registrar, Inc. (IANA 376)',
        abuse: { email: 'abuse@registrar.example', phone: '+1.5555550199' },
        created: '1995-08-14T04:00:00.000Z',
        expires: '2026-08-13T04:00:00.000Z',
        status: ['client delete prohibited', 'client transfer prohibited', 'client update prohibited'],
      },
    });
    expect(rdap.count('/iana/dns.json')).toBe(1);
  });

  it.each([
    ['www.example.test', 'no RDAP service for the top-level domain .test'],
    ['AS64520', 'no RDAP service for AS64520'],
    ['2001:db9::1', 'no RDAP service for 2001:db9::1 (IPv6)'],
  ])('%s: 404 no_rdap_service naming what has none, and no RDAP server asked', async (q, message) => {
    const before = rdap.requests.filter((r) => !r.startsWith('/iana/')).length;
    const res = await lookup(q);
    expect([res.status, res.body.error.code]).toEqual([404, 'no_rdap_service']);
    expect(res.body.error.message).toContain(message);
    expect(rdap.requests.filter((r) => !r.startsWith('/iana/')).length).toBe(before);
  });

  it.each([
    ['nothing.example.net', 404, 'rdap_not_found', '/registry-dns/domain/nothing.example.net'],
    ['AS64500', 404, 'rdap_not_found', '/registry-a/autnum/64500'],
    ['AS64499', 502, 'rdap_bad_response', '/registry-a/autnum/64499'],
    ['AS64501', 502, 'rdap_bad_response', '/registry-a/autnum/64501'],
    ['AS64502', 502, 'rdap_bad_response', '/registry-a/autnum/64502'],
    ['AS64503', 502, 'rdap_bad_response', '/registry-a/autnum/64503'],
  ])('%s: %i %s, not cached (asked again the second time)', async (q, status, code, path) => {
    const before = rdap.count(path);
    for (let i = 0; i < 2; i++) {
      const res = await lookup(q);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    expect(rdap.count(path)).toBe(before + 2);
  });

  it('says why a bad answer is bad', async () => {
    expect((await lookup('AS64499')).body.error.message).toMatch(/malformed JSON/);
    expect((await lookup('AS64501')).body.error.message).toMatch(/text\/html, not JSON/);
    expect((await lookup('AS64502')).body.error.message).toMatch(/more than the 1048576 bytes accepted/);
    expect((await lookup('AS64503')).body.error.message).toMatch(/a "domain" object, not "autnum"/);
  });

  it.each([
    ['AS64498', '7'],
    ['203.0.113.9', '120'],
  ])('%s: the server says 429, the answer is 503 rdap_rate_limited with its Retry-After (%s s)', async (q, retryAfter) => {
    const res = await lookup(q);
    expect([res.status, res.body.error.code]).toEqual([503, 'rdap_rate_limited']);
    expect(res.headers.get('retry-after')).toBe(retryAfter);
    expect(res.body.error.details).toEqual({ retryAfterSeconds: Number(retryAfter) });
  });

  it('a server that never answers: 504 rdap_timeout after RDAP_TIMEOUT_MS', async () => {
    const started = Date.now();
    const res = await lookup('AS64497');
    const took = Date.now() - started;
    expect([res.status, res.body.error.code]).toEqual([504, 'rdap_timeout']);
    expect(res.body.error.message).toContain(`within ${TIMEOUT_MS} ms`);
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(took).toBeLessThan(TIMEOUT_MS + 3000);
  });

  it.each([[''], ['not a domain!'], ['198.51.100.256'], ['4294967296'], ['example.com/../../admin']])('%j: 400 invalid_query, nothing fetched', async (q) => {
    const before = rdap.requests.length;
    const res = await lookup(q);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_query']);
    expect(rdap.requests.length).toBe(before);
  });

  it('without q: 400 invalid_query', async () => {
    const res = await t.call('GET', '/api/tools/rdap');
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_query']);
  });

  it('needs a login', async () => {
    expect((await t.call('GET', '/api/tools/rdap?q=example.com', undefined, {})).status).toBe(401);
  });
});

describe('the offline ASN of an address', () => {
  it('comes from the host’s offline data (none for documentation space), for addresses only', async () => {
    const app = await makeTestApp({ rdapAllowPrivate: true, rdapBootstrapUrl: rdap.bootstrapUrl, rdapTimeoutMs: TIMEOUT_MS });
    try {
      app.deps.tools = nodeTools;
      expect((await lookup('2001:db8::1', app)).body).toMatchObject({ type: 'ip', offline: { asn: null, org: null, country: null } });
      expect((await lookup('AS64496', app)).body.offline).toBeNull();
    } finally {
      app.close();
    }
  }, 60_000);

  it('a host without the data, or whose data fails to load, answers offline: null and the lookup still succeeds', async () => {
    expect((await lookup('198.51.100.7')).body).toMatchObject({ type: 'ip', cached: true, offline: null });
    const app = await makeTestApp({ rdapAllowPrivate: true, rdapBootstrapUrl: rdap.bootstrapUrl, rdapTimeoutMs: TIMEOUT_MS });
    try {
      app.deps.tools = { ouiTable: async () => null, dataFile: async () => Promise.reject(new Error('disk on fire')) };
      const res = await lookup('198.51.100.7', app);
      expect([res.status, res.body.offline, res.body.summary.name]).toEqual([200, null, 'EXAMPLE-DOC-NET']);
    } finally {
      app.close();
    }
  });
});

describe('GET /api/tools/rdap with other settings', () => {
  it('RDAP_CACHE_SECONDS=0: every lookup asks the server', async () => {
    const app = await makeTestApp({ rdapAllowPrivate: true, rdapBootstrapUrl: rdap.bootstrapUrl, rdapTimeoutMs: TIMEOUT_MS, rdapCacheSeconds: 0 });
    try {
      const before = rdap.count('/registry-a/autnum/64496');
      expect((await lookup('AS64496', app)).body.cached).toBe(false);
      expect((await lookup('AS64496', app)).body.cached).toBe(false);
      expect(rdap.count('/registry-a/autnum/64496')).toBe(before + 2);
    } finally {
      app.close();
    }
  });

  it('a bootstrap registry that is not there: 502 rdap_bad_response naming the file', async () => {
    const app = await makeTestApp({ rdapAllowPrivate: true, rdapBootstrapUrl: `${rdap.url}/nowhere`, rdapTimeoutMs: TIMEOUT_MS });
    try {
      const res = await lookup('AS64496', app);
      expect([res.status, res.body.error.code]).toEqual([502, 'rdap_bad_response']);
      expect(res.body.error.message).toContain(`${rdap.url}/nowhere/asn.json`);
    } finally {
      app.close();
    }
  });

  it('a bootstrap registry nobody listens on: 502 rdap_bad_response', async () => {
    const closed = await startRdapServer();
    const url = closed.bootstrapUrl;
    await closed.close();
    const app = await makeTestApp({ rdapAllowPrivate: true, rdapBootstrapUrl: url, rdapTimeoutMs: 2000 });
    try {
      const res = await lookup('example.com', app);
      expect([res.status, res.body.error.code]).toEqual([502, 'rdap_bad_response']);
      expect(res.body.error.message).toContain('could not reach');
      // nor why: refused, reset and unknown names read the same, so no answer tells which ports are open
      expect(res.body.error.message).not.toMatch(/ECONNREFUSED|fetch failed|connect/i);
    } finally {
      app.close();
    }
  });
});

// only where this machine's name resolves to loopback alone (as /etc/hosts has it here), so nothing else is ever sent to
const ownName = hostname();
const ownNameIsLoopback = await dnsLookup(ownName, { all: true })
  .then((all) => all.length > 0 && all.every((a) => a.address.startsWith('127.') || a.address === '::1'))
  .catch(() => false);
describe('where a lookup may go (RDAP_ALLOW_PRIVATE, redirects)', () => {
  const port = () => new URL(rdap.url).port;

  it('RDAP_ALLOW_PRIVATE off: a bootstrap registry on 127.0.0.1 is refused, 502 rdap_refused_target, nothing asked, its URL not echoed', async () => {
    const app = await makeTestApp({ rdapBootstrapUrl: rdap.bootstrapUrl, rdapTimeoutMs: TIMEOUT_MS });
    try {
      const before = rdap.requests.length;
      const res = await lookup('AS64496', app);
      expect([res.status, res.body.error.code]).toEqual([502, 'rdap_refused_target']);
      expect(res.body.error.message).toMatch(/loopback address \(RDAP_ALLOW_PRIVATE=1 allows it\)/);
      expect(res.body.error.message).not.toContain('127.0.0.1');
      expect(res.body.error.message).not.toContain(port());
      expect(rdap.requests.length).toBe(before);
    } finally {
      app.close();
    }
  });

  it.skipIf(!ownNameIsLoopback)('the Node host’s guarded fetch: a name resolving to 127.0.0.1 is refused at connect time, 502 rdap_refused_target', async () => {
    const app = await makeTestApp({ rdapBootstrapUrl: `http://${ownName}:${port()}/iana/`, rdapTimeoutMs: 2000 });
    app.deps.rdapFetch = guardedWebhookFetch(refusedNonPublicAddress);
    try {
      const before = rdap.requests.length;
      const res = await lookup('AS64496', app);
      expect([res.status, res.body.error.code]).toEqual([502, 'rdap_refused_target']);
      expect(res.body.error.message).toContain('resolves to an address that may not be asked');
      expect(res.body.error.message).not.toContain('127.0.0.1');
      expect(rdap.requests.length).toBe(before);
    } finally {
      app.close();
    }
  });

  describe('a registry reached by name (standing in for a public one)', () => {
    let named: RdapServer;
    beforeAll(async () => {
      named = await startRdapServer({ name: 'rdap.example' });
    });
    afterAll(() => named?.close());
    const namedApp = async (allowPrivate: boolean) => {
      const app = await makeTestApp({ rdapAllowPrivate: allowPrivate, rdapBootstrapUrl: named.bootstrapUrl, rdapTimeoutMs: TIMEOUT_MS, rdapCacheSeconds: 0 });
      app.deps.rdapFetch = loopbackNamesFetch(['rdap.example']);
      return app;
    };

    it('RDAP_ALLOW_PRIVATE off: answers, follows its redirect to the same server, and refuses its redirect to 127.0.0.1 without asking it', async () => {
      const app = await namedApp(false);
      const namedPort = new URL(named.url).port;
      try {
        expect((await lookup('AS64496', app)).body).toMatchObject({ url: `${named.url}/registry-a/autnum/64496`, cached: false });
        expect((await lookup('192.0.2.1', app)).body).toMatchObject({ url: `${named.url}/registry-b/ip/192.0.2.1` });
        const before = named.count('/registry-b/ip/192.0.2.1');
        const res = await lookup('192.0.2.66', app);
        expect([res.status, res.body.error.code]).toEqual([502, 'rdap_refused_target']);
        expect(res.body.error.message).toBe(
          `refused: rdap.example:${namedPort} redirected the lookup to a server that may not be asked: it is a loopback address (RDAP_ALLOW_PRIVATE=1 allows it)`,
        );
        expect(res.body.error.message).not.toContain('127.0.0.1');
        expect(named.count('/registry-a/ip/192.0.2.66')).toBe(1);
        expect(named.count('/registry-b/ip/192.0.2.1')).toBe(before);
      } finally {
        app.close();
      }
    });

    it('RDAP_ALLOW_PRIVATE on: the same redirect is followed (what the check above stops)', async () => {
      const app = await namedApp(true);
      try {
        const res = await lookup('192.0.2.66', app);
        expect([res.status, res.body.url]).toEqual([200, `http://127.0.0.1:${new URL(named.url).port}/registry-b/ip/192.0.2.1`]);
      } finally {
        app.close();
      }
    });

    it('more than 3 redirects: 502 rdap_bad_response after asking 4 times', async () => {
      const app = await namedApp(false);
      try {
        const before = named.count('/registry-a/autnum/64504');
        const res = await lookup('AS64504', app);
        expect([res.status, res.body.error.code]).toEqual([502, 'rdap_bad_response']);
        expect(res.body.error.message).toContain('redirected more than 3 times');
        expect(named.count('/registry-a/autnum/64504')).toBe(before + 4);
      } finally {
        app.close();
      }
    });
  });

  it('RDAP_ALLOW_PRIVATE on: an https server redirecting down to http, and an https bootstrap naming an http server, are refused and http is never asked', async () => {
    const tls = await startHttpsRdapServer(rdap.url);
    const app = await makeTestApp({ rdapAllowPrivate: true, rdapBootstrapUrl: `${tls.url}/iana/`, rdapTimeoutMs: 2000, rdapCacheSeconds: 0 });
    app.deps.rdapFetch = loopbackNamesFetch([], tls.ca);
    try {
      const [as96, as00] = [rdap.count('/registry-a/autnum/64496'), rdap.count('/registry-a/autnum/64500')];
      const down = await lookup('AS64496', app);
      expect([down.status, down.body.error.code]).toEqual([502, 'rdap_refused_target']);
      expect(down.body.error.message).toContain('it goes from https down to plain http');
      expect(down.body.error.message).not.toContain(rdap.url);
      expect(tls.requests).toContain('/tls/autnum/64496');

      const named = await lookup('AS64500', app);
      expect([named.status, named.body.error.code]).toEqual([502, 'rdap_refused_target']);
      expect(named.body.error.message).toContain('names only a plain-http RDAP server');
      expect([rdap.count('/registry-a/autnum/64496'), rdap.count('/registry-a/autnum/64500')]).toEqual([as96, as00]);
    } finally {
      app.close();
      await tls.close();
    }
  });
});
