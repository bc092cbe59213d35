/**
 * GET /metrics on the real app and database: who may read it (a metrics-scope token reads it and nothing else), the
 * exposition format's content type, and the values after real ingests, deliveries, operations and port scans.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../worker/metrics/catalog.js';
import { EXPOSITION_CONTENT_TYPE } from '../../worker/metrics/exposition.js';
import { dispatchPortScan } from '../../worker/services/port-scans.js';
import { alertRig, type AlertRig } from '../support/alert-kit.js';
import { parseMetrics, valueOf } from '../support/metrics-text.js';

const PROMTOOL = '/usr/bin/promtool';
let rig: AlertRig;
let subnetId: number;
let metricsToken: string;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const scrape = async () => {
  const res = await rig.t.call('GET', '/metrics', undefined, bearer(metricsToken));
  expect(res.status).toBe(200);
  return res.body as string;
};

beforeAll(async () => {
  rig = await alertRig();
  subnetId = await rig.subnet('198.18.40.0/24', { name: 'lab "a"' });
  metricsToken = (await rig.t.call('POST', '/api/tokens', { name: 'prometheus', scope: 'metrics' })).body.token;
});
afterAll(() => rig.close());

describe('who reads /metrics', () => {
  it('a metrics-scope token: /metrics, with the exposition content type; 403 token_scope anywhere else', async () => {
    const res = await rig.t.call('GET', '/metrics', undefined, bearer(metricsToken));
    expect([res.status, res.headers.get('content-type')]).toEqual([200, EXPOSITION_CONTENT_TYPE]);
    for (const [method, path] of [['GET', '/api/subnets'], ['GET', '/api/summary'], ['GET', '/api/auth/me'], ['POST', '/api/tokens']] as const) {
      const refused = await rig.t.call(method, path, method === 'POST' ? { name: 'child' } : undefined, bearer(metricsToken));
      expect([path, refused.status, refused.body.error.code]).toEqual([path, 403, 'token_scope']);
    }
  });

  it('a viewer, by session or by token, reads it too; nobody without credentials', async () => {
    expect((await rig.t.call('POST', '/api/users', { username: 'v', password: 'a long enough password', role: 'viewer' })).status).toBe(201);
    const login = await rig.t.call('POST', '/api/auth/login', { username: 'v', password: 'a long enough password' }, {});
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await rig.t.call('GET', '/metrics', undefined, { cookie })).status).toBe(200);
    const viewerToken = (await rig.t.call('POST', '/api/tokens', { name: 'read' }, { cookie, origin: 'http://localhost' })).body;
    expect(viewerToken).toMatchObject({ role: 'viewer', scope: null });
    expect((await rig.t.call('GET', '/metrics', undefined, bearer(viewerToken.token))).status).toBe(200);
    expect((await rig.t.call('GET', '/api/subnets', undefined, bearer(viewerToken.token))).status).toBe(200);
    const none = await rig.t.call('GET', '/metrics', undefined, {});
    expect([none.status, none.body.error.code]).toEqual([401, 'unauthorized']);
    expect((await rig.t.call('GET', '/metrics', undefined, bearer('eipa_not-a-token'))).status).toBe(401);
  });

  it('a metrics token is a viewer: asking for another role is refused; it is listed with its scope', async () => {
    const refused = await rig.t.call('POST', '/api/tokens', { name: 'x', scope: 'metrics', role: 'editor' });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'invalid_request']);
    expect((await rig.t.call('POST', '/api/tokens', { name: 'x', scope: 'everything' })).status).toBe(400);
    const listed = (await rig.t.call('GET', '/api/tokens')).body.tokens;
    expect(listed.find((t: any) => t.name === 'prometheus')).toMatchObject({ role: 'viewer', scope: 'metrics' });
  });
});

describe('values', () => {
  it('hosts, subnets, sweep duration, probe and ingest counters after sweeps', async () => {
    const at = await rig.sweep(subnetId, ['198.18.40.1', '198.18.40.2']);
    expect((await rig.t.call('PATCH', `/api/hosts/${(await rig.hostIds(subnetId)).get('198.18.40.1')}`, { hostname: 'nas "1" \\ a' })).status).toBe(200);
    await rig.t.call('POST', '/api/hosts', { ip: '198.18.40.9', reserved: true });
    let text = await scrape();
    const host = (ip: string, hostname = '') => ({ subnet: '198.18.40.0/24', ip, hostname });
    expect(valueOf(text, 'edge_ipam_host_up', host('198.18.40.1', 'nas "1" \\ a'))).toBe(1);
    expect(valueOf(text, 'edge_ipam_host_latency_seconds', host('198.18.40.2'))).toBe(0.001);
    expect(valueOf(text, 'edge_ipam_host_up', { ip: '198.18.40.9' })).toBeUndefined(); // unknown: not exported
    expect(valueOf(text, 'edge_ipam_subnet_hosts', { subnet: '198.18.40.0/24', status: 'unknown' })).toBe(1);
    expect(valueOf(text, 'edge_ipam_subnet_addresses_used', { subnet: '198.18.40.0/24' })).toBe(3);
    expect(valueOf(text, 'edge_ipam_subnet_addresses_usable', { subnet: '198.18.40.0/24' })).toBe(254);
    expect(valueOf(text, 'edge_ipam_subnet_info', { subnet: '198.18.40.0/24', name: 'lab "a"', probe: String(rig.probe.id) })).toBe(1);
    expect(valueOf(text, 'edge_ipam_subnet_sweep_duration_seconds', { subnet: '198.18.40.0/24' })).toBe(0.005);
    expect(valueOf(text, 'edge_ipam_subnet_last_sweep_timestamp_seconds', { subnet: '198.18.40.0/24' })).toBe(at / 1000);
    const probe = { probe: String(rig.probe.id) };
    expect(valueOf(text, 'edge_ipam_probe_info', { ...probe, name: 'rack-1' })).toBe(1);
    expect(valueOf(text, 'edge_ipam_probe_connected', probe)).toBe(1);
    expect(valueOf(text, 'edge_ipam_probe_last_seen_timestamp_seconds', probe)).toBe(at / 1000);
    expect([valueOf(text, 'edge_ipam_ingest_batches_total', probe), valueOf(text, 'edge_ipam_ingest_samples_total', probe)]).toEqual([1, 2]);

    // a partial sweep neither moves the duration nor takes samples from silent hosts; two more silent sweeps: .2 down
    await rig.results([{ kind: 'sweep', subnetId, at: rig.t.clock.now(), durationMs: 900, complete: false, up: [{ ip: '198.18.40.1', latencyMs: 2 }], down: [] }]);
    await rig.sweep(subnetId, ['198.18.40.1']);
    await rig.sweep(subnetId, ['198.18.40.1']);
    text = await scrape();
    expect(valueOf(text, 'edge_ipam_subnet_sweep_duration_seconds', { subnet: '198.18.40.0/24' })).toBe(0.005);
    expect(valueOf(text, 'edge_ipam_host_up', { ip: '198.18.40.2' })).toBe(0);
    expect(valueOf(text, 'edge_ipam_host_latency_seconds', { ip: '198.18.40.2' })).toBeUndefined();
    // 2, then 1 listed, then the three known hosts of each complete sweep
    expect([valueOf(text, 'edge_ipam_ingest_batches_total', probe), valueOf(text, 'edge_ipam_ingest_samples_total', probe)]).toEqual([4, 9]);
  });

  it('webhook attempts by outcome, pending deliveries, operation runs and port-scan jobs count what was stored', async () => {
    await rig.endpoint('/ok');
    await rig.sweep(subnetId, []); // .1 silent once
    await rig.sweep(subnetId, []); // .1 down: one host.down
    const { sent } = await rig.settle();
    expect(sent.length).toBeGreaterThan(0);
    let text = await scrape();
    expect(valueOf(text, 'edge_ipam_webhook_delivery_attempts_total', { outcome: 'delivered' })).toBe(sent.length);
    expect(valueOf(text, 'edge_ipam_webhook_deliveries_pending')).toBe(0);

    const op = await rig.t.call('POST', '/api/operations', { kind: 'ping', target: '198.18.40.1', probes: [rig.probe.id] });
    expect(op.status).toBe(202);
    const ids = await rig.hostIds(subnetId);
    await dispatchPortScan(rig.t.deps, { probeId: rig.probe.id, subnetId, targets: [{ id: ids.get('198.18.40.1')!, ip: '198.18.40.1' }], args: [], origin: 'manual' });
    text = await scrape();
    expect(valueOf(text, 'edge_ipam_operation_runs_total', { kind: 'ping' })).toBe(1);
    expect(valueOf(text, 'edge_ipam_port_scan_jobs_total', { origin: 'manual' })).toBe(1);
    expect(parseMetrics(text).types.get('edge_ipam_operation_runs_total')).toBe('counter');
  });

  it('flow exporters and the top talkers of the latest complete minute', async () => {
    const minute = Math.floor(rig.t.clock.now() / 60_000) * 60_000 - 60_000;
    const talker = (ip: string, bytes: number) => ({ ip, subnetId: null, bytesIn: bytes, bytesOut: bytes / 2, packetsIn: 1, packetsOut: 1, flowsIn: 1, flowsOut: 1 });
    const exporter = { address: '198.18.41.1', packets: 120, flows: 900, drops: { no_template: 3 }, templates: 2, sequenceGaps: 1, pending: 0, samplingRate: 1, versions: [9], firstSeenAt: minute, lastSeenAt: minute + 30_000 };
    const talkers = Array.from({ length: 12 }, (_, i) => talker(`198.18.41.${10 + i}`, 7_500 * (i + 1)));
    await rig.results([{ kind: 'flows', at: minute, totals: { bytes: 1, packets: 1, flows: 1 }, talkers, conversations: [], ports: [], matrix: [], seen: [], exporters: [exporter] }]);
    const text = await scrape();
    const ex = { probe: String(rig.probe.id), exporter: '198.18.41.1' };
    expect([valueOf(text, 'edge_ipam_flow_exporter_packets_total', ex), valueOf(text, 'edge_ipam_flow_exporter_flows_total', ex)]).toEqual([120, 900]);
    expect(valueOf(text, 'edge_ipam_flow_exporter_drops_total', { ...ex, reason: 'no_template' })).toBe(3);
    expect(valueOf(text, 'edge_ipam_flow_exporter_sequence_gaps_total', ex)).toBe(1);
    expect(valueOf(text, 'edge_ipam_flow_exporter_last_seen_timestamp_seconds', ex)).toBe((minute + 30_000) / 1000);
    const top = parseMetrics(text).samples.filter((s) => s.name === 'edge_ipam_flow_top_talker_bytes_per_second' && s.labels.direction === 'in');
    expect(top.map((s) => s.labels.ip)).toEqual(Array.from({ length: 10 }, (_, i) => `198.18.41.${21 - i}`));
    expect(valueOf(text, 'edge_ipam_flow_top_talker_bytes_per_second', { ip: '198.18.41.21', direction: 'in' })).toBe(90_000 / 60);
    expect(valueOf(text, 'edge_ipam_flow_top_talkers_minute_timestamp_seconds')).toBe(minute / 1000);
  });

  it('traffic tests: the latest done test per pair only', async () => {
    const row = (id: string, pair: string, state: string, createdAt: number, received: number) =>
      rig.t.client.execute({
        sql: `INSERT INTO traffic_tests (id, pair, from_probe_name, to_probe_name, to_address, port, protocol, duration_seconds, state, client_job_id,
          received_bps, sent_bps, loss_percent, jitter_ms, created_at, finished_at, updated_at, expires_at) VALUES (?, ?, 'a', 'b', '198.18.42.2', 5201, 'udp', 5, ?, ?, ?, ?, 2.5, 0.4, ?, ?, ?, ?)`,
        args: [id, pair, state, `${id}-c`, received, received, createdAt, createdAt + 5000, createdAt, createdAt + 60_000],
      });
    await row('t1', 'p1-p2', 'done', 1_000, 40e6);
    await row('t2', 'p1-p2', 'done', 2_000, 48e6);
    await row('t3', 'p1-p2', 'failed', 3_000, 1);
    await row('t4', 'p1-p2', 'running', 4_000, 2);
    const text = await scrape();
    const pair = { pair: 'p1-p2', from: 'a', to: 'b', protocol: 'udp' };
    expect(valueOf(text, 'edge_ipam_traffic_test_received_bytes_per_second', pair)).toBe(6e6); // 48 Mbit/s
    expect(valueOf(text, 'edge_ipam_traffic_test_loss_ratio', pair)).toBe(0.025);
    expect(valueOf(text, 'edge_ipam_traffic_test_jitter_seconds', pair)).toBe(0.0004);
    expect(valueOf(text, 'edge_ipam_traffic_test_timestamp_seconds', pair)).toBe(7);
  });

  it('every family in the answer has one HELP and one TYPE line, before its samples', async () => {
    const text = await scrape();
    const seen = new Set<string>();
    let current = '';
    for (const line of text.trimEnd().split('\n')) {
      const head = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (head?.[1] === 'HELP') {
        expect(seen.has(head[2]!), head[2]).toBe(false);
        seen.add(head[2]!);
        current = head[2]!;
      } else if (!head) expect(line.split(/[{ ]/)[0]).toBe(current);
    }
    expect(seen.size).toBeGreaterThan(25);
  });
});

describe('the files in docs/grafana, against what this scrape exports', () => {
  beforeAll(() => rig.sweep(subnetId, ['198.18.40.1'])); // an up host again, so latency is exported too
  it('promtool reads the scrape without a lint problem', async () => {
    const text = await scrape();
    const out = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out.error, `${PROMTOOL} is missing: apt-get install prometheus`).toBeUndefined();
    expect([out.status, out.stdout + out.stderr]).toEqual([0, '']);
  });

  it('every family of the catalog is exported once all data is there', async () => {
    expect([...parseMetrics(await scrape()).types.keys()].sort()).toEqual(Object.keys(METRICS).sort());
  });

  it('every expression of the dashboard names only metrics /metrics exports, and the alert rules load', async () => {
    const exported = new Set(parseMetrics(await scrape()).types.keys());
    const dashboard = JSON.parse(readFileSync('docs/grafana/edge-ipam.json', 'utf8'));
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs.map((i: any) => i.name)).toEqual(['DS_PROMETHEUS']);
    const exprs: string[] = [
      ...dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)),
      ...dashboard.templating.list.map((v: any) => v.query.query),
    ];
    expect(exprs.length).toBeGreaterThan(15);
    for (const expr of exprs) {
      const names = expr.match(/\bedge_ipam_[a-z0-9_]+/g) ?? [];
      expect([expr, names.length > 0, names.filter((n) => !exported.has(n))]).toEqual([expr, true, []]);
    }
    const titles = dashboard.panels.map((p: any) => p.title.toLowerCase()).join(' | ');
    for (const topic of ['hosts by status', 'latency per subnet', 'utilisation', 'probes', 'webhook', 'top talkers', 'traffic tests']) expect(titles).toContain(topic);

    const rules = readFileSync('docs/grafana/alerts.yml', 'utf8');
    for (const name of rules.match(/\bedge_ipam_[a-z0-9_]+/g)!) expect(exported.has(name), name).toBe(true);
    const checked = spawnSync(PROMTOOL, ['check', 'rules', 'docs/grafana/alerts.yml'], { encoding: 'utf8' });
    expect([checked.status, checked.stdout]).toEqual([0, expect.stringContaining('SUCCESS')]);
    expect(rules).toContain('alert: EdgeIpamProbeOffline');
  });
});
