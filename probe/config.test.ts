import { describe, expect, it } from 'vitest';
import { probeConfig } from './config.js';

const base = { SERVER_URL: 'http://127.0.0.1:8787', PROBE_TOKEN: 'eipp_0123456789' };
const config = (env: Record<string, string>) => probeConfig([], { ...base, ...env });

describe('probeConfig: MAC collection and names', () => {
  it('defaults: MACs on, names on through the system resolvers, 16 at once', () => {
    const c = config({});
    expect(c.macCollection).toBe(true);
    expect(c.names).toEqual({ enabled: true, dnsServers: null, concurrency: 16 });
  });
  it.each<[Record<string, string>, Partial<ReturnType<typeof probeConfig>>]>([
    [{ MAC_COLLECTION: '0' }, { macCollection: false }],
    [{ MAC_COLLECTION: 'off' }, { macCollection: false }],
    [{ MAC_COLLECTION: 'TRUE' }, { macCollection: true }],
    [{ MAC_COLLECTION: '' }, { macCollection: true }],
    [{ PTR_LOOKUP: 'no' }, { names: { enabled: false, dnsServers: null, concurrency: 16 } }],
    [
      { DNS_SERVER: '127.0.0.1:53535, [fd00::53]:5353', PTR_CONCURRENCY: '4' },
      {
        names: {
          enabled: true,
          dnsServers: [
            { host: '127.0.0.1', port: 53535 },
            { host: 'fd00::53', port: 5353 },
          ],
          concurrency: 4,
        },
      },
    ],
  ])('%j', (env, expected) => expect(config(env)).toMatchObject(expected));
  it.each<[Record<string, string>, RegExp]>([
    [{ MAC_COLLECTION: 'maybe' }, /MAC_COLLECTION must be 1 or 0/],
    [{ DNS_SERVER: 'dns.example' }, /DNS_SERVER: "dns.example" is not a DNS server address/],
    [{ PTR_CONCURRENCY: '0' }, /PTR_CONCURRENCY must be 1 to 256/],
  ])('refuses %j', (env, message) => expect(() => config(env)).toThrow(message));
});
