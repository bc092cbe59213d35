/**
 * GET /metrics on both hosts (Node with libSQL, the Worker in workerd with D1): after the same probe frames over real
 * WebSockets, the same families with the same values, the exposition content type, and the metrics scope's limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPOSITION_CONTENT_TYPE } from '../../worker/metrics/exposition.js';
import { caller } from '../support/http.js';
import { parseMetrics, valueOf } from '../support/metrics-text.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

/** The families these frames make every host export (traffic tests and webhooks have none here: the API suite has them). */
const FAMILIES = [
  'edge_ipam_flow_exporter_drops_total',
  'edge_ipam_flow_exporter_flows_total',
  'edge_ipam_flow_exporter_last_seen_timestamp_seconds',
  'edge_ipam_flow_exporter_packets_total',
  'edge_ipam_flow_exporter_sequence_gaps_total',
  'edge_ipam_flow_exporter_templates',
  'edge_ipam_flow_top_talker_bytes_per_second',
  'edge_ipam_flow_top_talkers_minute_timestamp_seconds',
  'edge_ipam_host_latency_seconds',
  'edge_ipam_host_up',
  'edge_ipam_ingest_batches_total',
  'edge_ipam_ingest_samples_total',
  'edge_ipam_metrics_hosts_omitted',
  'edge_ipam_operation_runs_total',
  'edge_ipam_probe_connected',
  'edge_ipam_probe_info',
  'edge_ipam_probe_last_seen_timestamp_seconds',
  'edge_ipam_subnet_addresses_usable',
  'edge_ipam_subnet_addresses_used',
  'edge_ipam_subnet_hosts',
  'edge_ipam_subnet_info',
  'edge_ipam_subnet_last_sweep_timestamp_seconds',
  'edge_ipam_subnet_sweep_duration_seconds',
  'edge_ipam_webhook_deliveries_pending',
];

describe.each(HOSTS)('metrics on the %s host', (host) => {
  let server: Target;
  let api: ReturnType<typeof client>;
  let probe: { id: number; ws: RawProbe };
  let scraper: ReturnType<typeof caller>;
  let token: string;
  let subnetId: number;

  beforeAll(async () => {
    server = await startTarget(host);
    api = client(server.url, await login(server.url));
    const p = (await api('POST', '/api/probes', { name: 'm-1', site: 'metrics-east' })).body;
    const ws = await RawProbe.connect(server.url, p.token);
    await ws.next('assignment');
    ws.send({ type: 'hello', version: '0.7.0', protocol: 1, hostname: 'm-1', kinds: ['sweep', 'op-ping'] });
    ws.send({ type: 'ping' });
    await ws.next('pong');
    probe = { id: p.id, ws };
    subnetId = (await api('POST', '/api/subnets', { cidr: '198.18.220.0/24', name: 'metrics', probeId: p.id })).body.id;
    token = (await api('POST', '/api/tokens', { name: 'prometheus', scope: 'metrics' })).body.token;
    scraper = caller((path, init) => fetch(server.url + path, init), { authorization: `Bearer ${token}` });
  }, 90_000);
  afterAll(async () => {
    probe.ws.close();
    await server.close();
  });

  const results = async (batchId: string, items: unknown[]) => {
    probe.ws.send({ type: 'results', batchId, results: items });
    expect(await probe.ws.next('ack')).toMatchObject({ batchId, duplicate: false, rejectedSubnets: [] });
  };

  it('the metrics token reads /metrics, in the exposition format, and nothing else', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect([res.status, res.headers.get('content-type')]).toEqual([200, EXPOSITION_CONTENT_TYPE]);
    await res.text();
    const refused = await scraper('GET', '/api/subnets');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'token_scope']);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await api('GET', '/metrics')).status).toBe(200);
  });

  it('the same families and values after a sweep, flows and an operation', async () => {
    const at = Date.now() - 5_000;
    await results('m-s1', [{ kind: 'sweep', subnetId, at, durationMs: 1250, complete: true, up: [{ ip: '198.18.220.1', latencyMs: 2 }, { ip: '198.18.220.2', latencyMs: null }], down: [] }]);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const exporter = { address: '198.18.221.1', packets: 10, flows: 40, drops: { truncated: 1 }, templates: 1, sequenceGaps: 0, pending: 0, samplingRate: 1, versions: [10], firstSeenAt: minute, lastSeenAt: minute + 1000 };
    const talkers = [{ ip: '198.18.220.1', subnetId, bytesIn: 600, bytesOut: 300, packetsIn: 1, packetsOut: 1, flowsIn: 1, flowsOut: 1 }];
    await results('m-f1', [{ kind: 'flows', at: minute, totals: { bytes: 900, packets: 2, flows: 2 }, talkers, conversations: [], ports: [], matrix: [], seen: [], exporters: [exporter] }]);
    expect((await api('POST', '/api/operations', { kind: 'ping', target: '198.18.220.1', probes: [probe.id] })).status).toBe(202);

    const res = await scraper('GET', '/metrics');
    expect(res.status).toBe(200);
    const text = res.body as string;
    expect([...parseMetrics(text).types.keys()].sort()).toEqual(FAMILIES);
    const subnet = { subnet: '198.18.220.0/24' };
    const p = { probe: String(probe.id) };
    expect({
      up: valueOf(text, 'edge_ipam_host_up', { ...subnet, ip: '198.18.220.1', hostname: '' }),
      latency: valueOf(text, 'edge_ipam_host_latency_seconds', { ip: '198.18.220.1' }),
      noLatency: valueOf(text, 'edge_ipam_host_latency_seconds', { ip: '198.18.220.2' }),
      used: valueOf(text, 'edge_ipam_subnet_addresses_used', subnet),
      usable: valueOf(text, 'edge_ipam_subnet_addresses_usable', subnet),
      upHosts: valueOf(text, 'edge_ipam_subnet_hosts', { ...subnet, status: 'up' }),
      duration: valueOf(text, 'edge_ipam_subnet_sweep_duration_seconds', subnet),
      swept: valueOf(text, 'edge_ipam_subnet_last_sweep_timestamp_seconds', subnet),
      connected: valueOf(text, 'edge_ipam_probe_connected', p),
      info: valueOf(text, 'edge_ipam_probe_info', { ...p, name: 'm-1', site: 'metrics-east', version: '0.7.0' }),
      batches: valueOf(text, 'edge_ipam_ingest_batches_total', p),
      samples: valueOf(text, 'edge_ipam_ingest_samples_total', p),
      runs: valueOf(text, 'edge_ipam_operation_runs_total', { kind: 'ping' }),
      exporterPackets: valueOf(text, 'edge_ipam_flow_exporter_packets_total', { ...p, exporter: '198.18.221.1' }),
      talkerIn: valueOf(text, 'edge_ipam_flow_top_talker_bytes_per_second', { ip: '198.18.220.1', direction: 'in' }),
    }).toEqual({
      up: 1,
      latency: 0.002,
      noLatency: undefined,
      used: 2,
      usable: 254,
      upHosts: 2,
      duration: 1.25,
      swept: at / 1000,
      connected: 1,
      info: 1,
      batches: 2,
      samples: 2 + 3, // the sweep's two hosts, and the rows the flows ingest counts for the minute
      runs: 1,
      exporterPackets: 10,
      talkerIn: 10, // 600 bytes in a minute
    });
  });
});
