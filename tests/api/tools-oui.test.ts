/** GET /api/tools/oui and /api/tools/asn on the Node host's real data (oui-data, @ip-location-db) and a real libSQL database. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIp } from '../../schema/ip/cidr.js';
import { createApp } from '../../worker/app.js';
import type { AppDeps, ToolData } from '../../worker/deps.js';
import { nodeTools } from '../../worker/node/tools.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { lookupOfflineAsn } from '../../worker/tools/asn.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { caller } from '../support/http.js';

let t: TestApp;
let deps: AppDeps;
let call: ReturnType<typeof caller>;
let subnetId: number;
const ids: Record<string, number> = {};

const VMWARE_1 = '00:0c:29:aa:bb:01';
const VMWARE_2 = '00:0c:29:aa:bb:02';
const MA_S = '70:b3:d5:00:10:07'; // SOREDI touch systems GmbH (MA-S 70:B3:D5:00:1)
const RANDOM = '02:42:ac:11:00:09';

/** An app on the test database with the given host data (the Node host's, or none as on a host without it). */
function appWith(tools: ToolData | undefined) {
  const app = createApp({ ...t.deps, tools });
  return caller((path, init) => app.request(path, init), { cookie: t.cookie }, 'http://localhost');
}

beforeAll(async () => {
  t = await makeTestApp();
  deps = { ...t.deps, tools: nodeTools };
  call = appWith(nodeTools);
  const probeId = (await t.call('POST', '/api/probes', { name: 'p' })).body.id;
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.7.0/24', probeId })).body.id;
  const up = [
    { ip: '198.18.7.10', mac: VMWARE_1, vendor: 'VMware, Inc.' },
    { ip: '198.18.7.11', mac: VMWARE_2, vendor: 'VMware, Inc.' },
    { ip: '198.18.7.12', mac: MA_S, vendor: 'SOREDI touch systems GmbH' },
    { ip: '198.18.7.13', mac: RANDOM, vendor: null },
  ];
  const frame = { type: 'results', batchId: 'oui-1', results: [{ kind: 'sweep', subnetId, at: t.clock.now(), durationMs: 3, complete: false, up: up.map((u) => ({ latencyMs: 0.4, ...u })), down: [] }] };
  await handleProbeFrame(t.deps, probeId, JSON.stringify(frame));
  for (const h of (await t.call('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts) ids[h.ip] = h.id;
});
afterAll(() => t.close());

const host = (ip: string, mac: string) => ({ hostId: ids[ip], subnetId, ip, hostname: null, mac });

describe('GET /api/tools/oui', () => {
  it.each<[string, Record<string, unknown>]>([
    ['00:0C:29:AA:BB:01', { mac: VMWARE_1, prefix: '00:0C:29', registry: 'MA-L', vendor: 'VMware, Inc.', locallyAdministered: false, multicast: false }],
    ['000c.29aa.bb02', { mac: VMWARE_2, prefix: '00:0C:29', registry: 'MA-L', vendor: 'VMware, Inc.' }],
    ['10-06-48-01-23-45', { mac: '10:06:48:01:23:45', prefix: '10:06:48:0', registry: 'MA-M', vendor: 'FLEXTRONICS TECHNOLOGIES (INDIA) PVT LTD' }],
    [MA_S, { prefix: '70:B3:D5:00:1', registry: 'MA-S', vendor: 'SOREDI touch systems GmbH' }],
    ['70:b3:d5', { mac: null, prefix: '70:B3:D5', registry: 'MA-L', vendor: 'IEEE Registration Authority' }],
    [RANDOM, { registry: null, vendor: null, prefix: null, locallyAdministered: true, multicast: false }],
    ['01:00:5e:00:00:fb', { prefix: '00:00:5E', registry: 'MA-L', multicast: true, locallyAdministered: false }],
  ])('%s', async (mac, expected) => {
    const res = await call('GET', `/api/tools/oui?mac=${encodeURIComponent(mac)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ query: mac, ...expected });
  });

  it('lists the hosts whose current MAC is the query or starts with it, by MAC', async () => {
    const prefix = (await call('GET', '/api/tools/oui?mac=00-0c-29')).body;
    expect([prefix.hosts, prefix.truncated]).toEqual([[host('198.18.7.10', VMWARE_1), host('198.18.7.11', VMWARE_2)], false]);
    expect((await call('GET', `/api/tools/oui?mac=${VMWARE_2.toUpperCase()}`)).body.hosts).toEqual([host('198.18.7.11', VMWARE_2)]);
    expect((await call('GET', `/api/tools/oui?mac=${RANDOM}`)).body.hosts).toEqual([host('198.18.7.13', RANDOM)]);
    expect((await call('GET', '/api/tools/oui?mac=00:0c:29:ab')).body.hosts).toEqual([]);
  });

  it.each(['zz', '0', '00:0c:29:aa:bb:01:02', '198.18.7.10'])('%j is 400 invalid_mac', async (mac) => {
    const res = await call('GET', `/api/tools/oui?mac=${encodeURIComponent(mac)}`);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_mac']);
  });

  it('a missing query is 400; a host without the table answers 501 unavailable_on_host', async () => {
    expect((await call('GET', '/api/tools/oui')).body.error.code).toBe('invalid_request');
    const bare = appWith(undefined);
    expect((await bare('GET', '/api/tools/oui?mac=00:0c:29')).body.error.code).toBe('unavailable_on_host');
    expect((await bare('GET', '/api/tools/oui?mac=00:0c:29')).status).toBe(501);
  });
});

describe('GET /api/tools/asn', () => {
  const require = createRequire(import.meta.url);
  // a row of the packaged data itself, so the test names no address of anyone's
  const firstRow = (file: string) => readFileSync(require.resolve(`@ip-location-db/asn/${file}`), 'utf8').split('\n', 1)[0]!.split(',');

  it('answers the ASN and organisation of an address in the packaged data, with the sources and their licences', async () => {
    const [start, , asn] = firstRow('asn-ipv4-num.csv');
    const ip = formatIp(BigInt(start!), 4);
    const res = await call('GET', `/api/tools/asn?ip=${ip}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ip, asn: Number(asn), org: expect.any(String) });
    expect(res.body.country === null || /^[A-Z]{2}$/.test(res.body.country)).toBe(true);
    expect(res.body.sources).toEqual([
      expect.objectContaining({ licence: 'CC BY 4.0', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }),
      expect.objectContaining({ licence: 'PDDL 1.0', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }),
    ]);
    // the same through the IPv4-mapped form, and an IPv6 row
    expect((await call('GET', `/api/tools/asn?ip=${encodeURIComponent(`::ffff:${ip}`)}`)).body).toMatchObject({ ip, asn: Number(asn) });
    const [start6, , asn6] = firstRow('asn-ipv6-num.csv');
    expect((await call('GET', `/api/tools/asn?ip=${encodeURIComponent(formatIp(BigInt(start6!), 6))}`)).body.asn).toBe(Number(asn6));
  }, 30_000);

  it.each(['198.18.7.10', '10.1.2.3', '2001:db8::1', 'fd00::1', '127.0.0.1'])('%s (not routed) has no ASN, organisation or country', async (ip) => {
    expect((await call('GET', `/api/tools/asn?ip=${ip}`)).body).toMatchObject({ ip, asn: null, org: null, country: null });
  });

  it('400 invalid_ip; 501 on a host without the data; lookupOfflineAsn for the other tools', async () => {
    for (const bad of ['198.18.7', '198.18.7.0/24', 'example.com']) expect((await call('GET', `/api/tools/asn?ip=${bad}`)).body.error.code).toBe('invalid_ip');
    const bare = appWith({ ouiTable: nodeTools.ouiTable, dataFile: async () => null });
    const res = await bare('GET', '/api/tools/asn?ip=198.18.7.10');
    expect([res.status, res.body.error.code]).toEqual([501, 'unavailable_on_host']);
    expect(await lookupOfflineAsn(deps, '2001:db8::1')).toEqual({ asn: null, org: null, country: null });
    expect(await lookupOfflineAsn(deps, 'nope')).toBeNull();
    expect(await lookupOfflineAsn({ ...t.deps, tools: undefined }, '198.18.7.10')).toBeNull();
  });
});
