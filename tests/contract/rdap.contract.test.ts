/**
 * GET /api/tools/rdap on both hosts (Node with libSQL, the Worker in workerd with D1), each against its own local
 * fake of IANA's bootstrap registry and the RDAP servers (tests/support/rdap-server.ts): plain `fetch` from the
 * control plane, the cache in the host's database, and the same answers and error codes on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRdapServer, type RdapServer } from '../support/rdap-server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

const TIMEOUT_MS = 500;

describe.each(HOSTS)('RDAP lookups on the %s host', (host) => {
  let rdap: RdapServer;
  let server: Target;
  let api: ReturnType<typeof client>;
  const lookup = (q: string) => api('GET', `/api/tools/rdap?q=${encodeURIComponent(q)}`);

  beforeAll(async () => {
    rdap = await startRdapServer();
    server = await startTarget(host, { RDAP_ALLOW_PRIVATE: '1', RDAP_BOOTSTRAP_URL: rdap.bootstrapUrl, RDAP_TIMEOUT_MS: String(TIMEOUT_MS), RDAP_CACHE_SECONDS: '3600' });
    api = client(server.url, await login(server.url));
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    await rdap?.close();
  });

  it('an address, an AS number and a domain, summarised; a second lookup comes from the cache', async () => {
    const ip = await lookup('198.51.100.7');
    expect(ip.status).toBe(200);
    expect(ip.body).toMatchObject({
      query: '198.51.100.7',
      type: 'ip',
      server: `${rdap.url}/registry-a/`,
      url: `${rdap.url}/registry-a/ip/198.51.100.7`,
      cached: false,
      summary: { name: 'EXAMPLE-DOC-NET', organisation: 'Example Networks Pty Ltd', country: 'AU', range: '198.51.100.0 – 198.51.100.255', cidrs: ['198.51.100.0/24'], abuse: { email: 'abuse@example.net', phone: '+61-2-5550-1234' } },
    });
    expect(ip.body.raw.objectClassName).toBe('ip network');
    // the offline ASN data is on the Node host only (none for documentation space); the Worker carries none
    expect(ip.body.offline).toEqual(host === 'node' ? { asn: null, org: null, country: null } : null);
    const again = await lookup('198.51.100.7');
    expect(again.body).toMatchObject({ cached: true, fetchedAt: ip.body.fetchedAt, summary: ip.body.summary });
    expect([rdap.count('/iana/ipv4.json'), rdap.count('/registry-a/ip/198.51.100.7')]).toEqual([1, 1]);

    expect((await lookup('192.0.2.1')).body).toMatchObject({ url: `${rdap.url}/registry-b/ip/192.0.2.1` });
    expect((await lookup('2001:db8::1')).body.summary).toMatchObject({ cidrs: ['2001:db8::/32'], country: 'NL' });
    expect((await lookup('AS64496')).body).toMatchObject({ type: 'autnum', offline: null, summary: { range: 'AS64496 – AS64511', asnHolder: 'Example Transit, Inc.' } });
    expect((await lookup('example.com')).body).toMatchObject({ type: 'domain', offline: null, summary: { registrar: 'Example Registrar, Inc. (IANA 376)', expires: '2026-08-13T04:00:00.000Z' } });
  });

  it.each([
    ['x y', 400, 'invalid_query'],
    ['www.example.test', 404, 'no_rdap_service'],
    ['AS64520', 404, 'no_rdap_service'],
    ['nothing.example.net', 404, 'rdap_not_found'],
    ['AS64499', 502, 'rdap_bad_response'],
    ['AS64501', 502, 'rdap_bad_response'],
    ['AS64502', 502, 'rdap_bad_response'],
  ])('%s: %i %s', async (q, status, code) => {
    const res = await lookup(q);
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
  });

  it('429 from the server: 503 rdap_rate_limited with its Retry-After', async () => {
    const res = await lookup('AS64498');
    expect([res.status, res.body.error.code, res.headers.get('retry-after')]).toEqual([503, 'rdap_rate_limited', '7']);
  });

  it('a server that never answers: 504 rdap_timeout', async () => {
    const res = await lookup('AS64497');
    expect([res.status, res.body.error.code]).toEqual([504, 'rdap_timeout']);
  });

  it('without RDAP_ALLOW_PRIVATE the registry on 127.0.0.1 is refused: 502 rdap_refused_target, nothing asked, its URL not echoed', async () => {
    const strict = await startTarget(host, { RDAP_BOOTSTRAP_URL: rdap.bootstrapUrl, RDAP_TIMEOUT_MS: String(TIMEOUT_MS) });
    try {
      const before = rdap.requests.length;
      const res = await client(strict.url, await login(strict.url))('GET', '/api/tools/rdap?q=AS64496');
      expect([res.status, res.body.error.code]).toEqual([502, 'rdap_refused_target']);
      expect(res.body.error.message).not.toContain('127.0.0.1');
      expect(rdap.requests.length).toBe(before);
    } finally {
      await strict.close();
    }
  }, 90_000);
});
