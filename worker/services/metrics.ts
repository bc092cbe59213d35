import { sql } from 'drizzle-orm';
import { parseCidr, usableRange } from '../../schema/ip/cidr.js';
import type { AppDeps } from '../deps.js';
import { METRIC_BOUNDS, METRICS, type MetricName } from '../metrics/catalog.js';
import { parseLabelText } from '../metrics/exposition.js';
import { renderRows, type Row } from '../metrics/families.js';
import { yieldToEventLoop } from '../yield.js';
import { hostFamilies } from './metrics-hosts.js';

const seconds = (ms: number | null) => (ms === null ? null : Number(ms) / 1000);

interface SubnetRow {
  id: number;
  cidr: string;
  name: string;
  groupName: string;
  probeId: number | null;
  lastSweepAt: number | null;
  lastSweepDurationMs: number | null;
}

async function subnetFamilies(deps: AppDeps, rows: readonly SubnetRow[]): Promise<string> {
  const counts = await deps.db.all<{ subnetId: number; status: string; n: number }>(
    sql`SELECT subnet_id AS subnetId, status, count(*) AS n FROM hosts GROUP BY subnet_id, status`,
  );
  const byStatus = new Map<number, Record<string, number>>();
  for (const c of counts) {
    const s = byStatus.get(c.subnetId) ?? { up: 0, down: 0, unknown: 0 };
    s[c.status] = Number(c.n);
    byStatus.set(c.subnetId, s);
  }
  const info: Row[] = [];
  const hosts: Row[] = [];
  const used: Row[] = [];
  const usable: Row[] = [];
  const duration: Row[] = [];
  const swept: Row[] = [];
  for (const s of rows) {
    const statuses = byStatus.get(s.id) ?? { up: 0, down: 0, unknown: 0 };
    const range = usableRange(parseCidr(s.cidr));
    info.push([[s.cidr, s.name, s.groupName, s.probeId === null ? '' : String(s.probeId)], 1]);
    for (const status of ['up', 'down', 'unknown']) hosts.push([[s.cidr, status], statuses[status] ?? 0]);
    used.push([[s.cidr], Object.values(statuses).reduce((a, b) => a + b, 0)]);
    usable.push([[s.cidr], Number(range.last - range.first + 1n)]);
    if (s.lastSweepDurationMs !== null) duration.push([[s.cidr], seconds(s.lastSweepDurationMs)!]);
    if (s.lastSweepAt !== null) swept.push([[s.cidr], seconds(s.lastSweepAt)!]);
  }
  return [
    renderRows('edge_ipam_subnet_info', info),
    renderRows('edge_ipam_subnet_hosts', hosts),
    renderRows('edge_ipam_subnet_addresses_used', used),
    renderRows('edge_ipam_subnet_addresses_usable', usable),
    renderRows('edge_ipam_subnet_sweep_duration_seconds', duration),
    renderRows('edge_ipam_subnet_last_sweep_timestamp_seconds', swept),
  ].join('');
}

async function probeFamilies(deps: AppDeps): Promise<string> {
  const rows = await deps.db.all<{ id: number; name: string; site: string; version: string | null; connected: number; lastSeenAt: number | null }>(
    sql`SELECT id, name, site, version, connected, last_seen_at AS lastSeenAt FROM probes ORDER BY id LIMIT ${METRIC_BOUNDS.probes}`,
  );
  return [
    renderRows('edge_ipam_probe_info', rows.map((p) => [[String(p.id), p.name, p.site, p.version ?? ''], 1])),
    renderRows('edge_ipam_probe_connected', rows.map((p) => [[String(p.id)], Number(p.connected) ? 1 : 0])),
    renderRows('edge_ipam_probe_last_seen_timestamp_seconds', rows.filter((p) => p.lastSeenAt !== null).map((p) => [[String(p.id)], seconds(p.lastSeenAt)!])),
  ].join('');
}

/** The metric_counters rows, each counter family with its label sets as the writers stored them. */
async function counterFamilies(deps: AppDeps): Promise<string> {
  const rows = await deps.db.all<{ name: string; labels: string; value: number }>(
    sql`SELECT name, labels, value FROM metric_counters ORDER BY name, labels LIMIT ${METRIC_BOUNDS.counterRows}`,
  );
  const byName = new Map<MetricName, Row[]>();
  for (const r of rows) {
    if (!(r.name in METRICS)) continue; // a counter a newer version wrote
    const name = r.name as MetricName;
    const labels = parseLabelText(r.labels);
    byName.set(name, [...(byName.get(name) ?? []), [METRICS[name].labels.map((l) => labels[l] ?? ''), Number(r.value)]]);
  }
  return [...byName].map(([name, samples]) => renderRows(name, samples)).join('');
}

async function webhookFamilies(deps: AppDeps): Promise<string> {
  const [pending] = await deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM webhook_deliveries WHERE state = 'pending'`);
  return renderRows('edge_ipam_webhook_deliveries_pending', [[[], Number(pending?.n ?? 0)]]);
}

/** Each probe's exporters as it last reported them: at most METRIC_BOUNDS.exportersPerProbe each, the most recently heard. */
async function exporterFamilies(deps: AppDeps): Promise<string> {
  const rows = await deps.db.all<{ probeId: number; address: string; packets: number; flows: number; drops: string; templates: number; gaps: number; lastSeenAt: number }>(sql`
    SELECT probe_id AS probeId, address, packets, flows, drops, templates, sequence_gaps AS gaps, last_seen_at AS lastSeenAt FROM (
      SELECT *, row_number() OVER (PARTITION BY probe_id ORDER BY last_seen_at DESC) AS rank FROM flow_exporters)
    WHERE rank <= ${METRIC_BOUNDS.exportersPerProbe} ORDER BY probe_id, address LIMIT ${METRIC_BOUNDS.exporters}`);
  const key = (r: (typeof rows)[number]) => [String(r.probeId), r.address];
  const drops: Row[] = rows.flatMap((r) =>
    Object.entries(JSON.parse(r.drops) as Record<string, number>)
      .slice(0, METRIC_BOUNDS.dropReasons)
      .map(([reason, n]): Row => [[...key(r), reason], Number(n)]),
  );
  return [
    renderRows('edge_ipam_flow_exporter_packets_total', rows.map((r) => [key(r), Number(r.packets)])),
    renderRows('edge_ipam_flow_exporter_flows_total', rows.map((r) => [key(r), Number(r.flows)])),
    renderRows('edge_ipam_flow_exporter_drops_total', drops),
    renderRows('edge_ipam_flow_exporter_sequence_gaps_total', rows.map((r) => [key(r), Number(r.gaps)])),
    renderRows('edge_ipam_flow_exporter_templates', rows.map((r) => [key(r), Number(r.templates)])),
    renderRows('edge_ipam_flow_exporter_last_seen_timestamp_seconds', rows.map((r) => [key(r), seconds(r.lastSeenAt)!])),
  ].join('');
}

/**
 * The top talkers of the latest minute before the current one that has flows (all probes summed): a bounded top-N
 * rather than one series per address ever heard. The minute's bucket is found along the primary key (grain, bucket, …).
 */
async function talkerFamilies(deps: AppDeps): Promise<string> {
  const currentMinute = Math.floor(deps.clock.now() / 60_000) * 60_000;
  const rows = await deps.db.all<{ bucket: number; ip: string; bytesIn: number; bytesOut: number }>(sql`
    WITH m AS (SELECT max(bucket) AS bucket FROM flow_talkers WHERE grain = 'minute' AND bucket < ${currentMinute})
    SELECT t.bucket, t.ip, sum(t.bytes_in) AS bytesIn, sum(t.bytes_out) AS bytesOut FROM flow_talkers t JOIN m ON t.grain = 'minute' AND t.bucket = m.bucket
    GROUP BY t.ip ORDER BY sum(t.bytes_in) + sum(t.bytes_out) DESC, t.ip LIMIT ${METRIC_BOUNDS.topTalkers}`);
  const rate = (bytes: number) => Number(bytes) / 60;
  return [
    renderRows('edge_ipam_flow_top_talker_bytes_per_second', rows.flatMap((r): Row[] => [[[r.ip, 'in'], rate(r.bytesIn)], [[r.ip, 'out'], rate(r.bytesOut)]])),
    renderRows('edge_ipam_flow_top_talkers_minute_timestamp_seconds', rows.length ? [[[], seconds(rows[0]!.bucket)!]] : []),
  ].join('');
}

/** Each pair's latest finished test (state 'done'), the most recent METRIC_BOUNDS.trafficPairs pairs. */
async function trafficFamilies(deps: AppDeps): Promise<string> {
  const rows = await deps.db.all<{ pair: string; fromName: string; toName: string | null; toAddress: string; protocol: string; sent: number | null; received: number | null; loss: number | null; jitter: number | null; finishedAt: number | null }>(sql`
    SELECT pair, from_probe_name AS fromName, to_probe_name AS toName, to_address AS toAddress, protocol, sent_bps AS sent, received_bps AS received,
      loss_percent AS loss, jitter_ms AS jitter, finished_at AS finishedAt FROM (
      SELECT *, row_number() OVER (PARTITION BY pair ORDER BY created_at DESC) AS rank FROM traffic_tests WHERE state = 'done')
    WHERE rank = 1 ORDER BY created_at DESC LIMIT ${METRIC_BOUNDS.trafficPairs}`);
  const labels = (r: (typeof rows)[number]) => [r.pair, r.fromName, r.toName ?? r.toAddress, r.protocol];
  const of = (pick: (r: (typeof rows)[number]) => number | null): Row[] =>
    rows.flatMap((r) => {
      const v = pick(r);
      return v === null ? [] : [[labels(r), Number(v)] as Row];
    });
  return [
    // iperf3 reports bits per second; Prometheus' base unit is the byte
    renderRows('edge_ipam_traffic_test_received_bytes_per_second', of((r) => (r.received === null ? null : r.received / 8))),
    renderRows('edge_ipam_traffic_test_sent_bytes_per_second', of((r) => (r.sent === null ? null : r.sent / 8))),
    renderRows('edge_ipam_traffic_test_loss_ratio', of((r) => (r.loss === null ? null : r.loss / 100))),
    renderRows('edge_ipam_traffic_test_jitter_seconds', of((r) => (r.jitter === null ? null : r.jitter / 1000))),
    renderRows('edge_ipam_traffic_test_timestamp_seconds', of((r) => seconds(r.finishedAt))),
  ].join('');
}

/**
 * The whole `/metrics` text, computed from the database on every scrape (on Workers an isolate's memory is not the
 * deployment's): a bounded query per family, a turn of the event loop between the larger ones.
 */
export async function metricsText(deps: AppDeps): Promise<string> {
  const subnets = await deps.db.all<SubnetRow>(sql`
    SELECT id, cidr, name, group_name AS groupName, probe_id AS probeId, last_sweep_at AS lastSweepAt, last_sweep_duration_ms AS lastSweepDurationMs
    FROM subnets ORDER BY family, range_start LIMIT ${METRIC_BOUNDS.subnets}`);
  const parts: string[] = [await hostFamilies(deps, new Map(subnets.map((s) => [s.id, s.cidr])))];
  for (const family of [() => subnetFamilies(deps, subnets), () => probeFamilies(deps), () => counterFamilies(deps), () => webhookFamilies(deps), () => exporterFamilies(deps), () => talkerFamilies(deps), () => trafficFamilies(deps)]) {
    await yieldToEventLoop();
    parts.push(await family());
  }
  return parts.join('');
}
