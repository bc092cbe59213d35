import { COUNTERS } from './counters.js';
import type { MetricType } from './exposition.js';

/** Bounds on what one scrape exports (label cardinality); the README's Metrics section lists them. */
export const METRIC_BOUNDS = {
  /** Hosts whose status is up or down (unknown ones are left out: edge_ipam_subnet_hosts counts them). */
  hosts: 20_000,
  /** Host rows read per query (one JSON value per part, a turn of the event loop between parts). */
  hostPart: 2_000,
  subnets: 2_000,
  probes: 500,
  /** Exporters per probe, as the probe reports them (MAX_FLOW_EXPORTERS), and in all. */
  exportersPerProbe: 32,
  exporters: 1_000,
  /** Drop reasons per exporter. */
  dropReasons: 16,
  topTalkers: 10,
  trafficPairs: 100,
  /** metric_counters rows (each written by a bounded label set: probes × 2 + a few). */
  counterRows: 5_000,
} as const;

export interface MetricSpec {
  type: MetricType;
  help: string;
  /** The labels, in the order they are rendered. */
  labels: readonly string[];
}

/**
 * Every metric `/metrics` exports: its type, help and labels. To add one: its entry here, its samples in
 * `worker/services/metrics.ts` (a bounded query), a line in the README's Metrics section.
 */
export const METRICS = {
  edge_ipam_host_up: { type: 'gauge', help: 'Whether the host answered its last sweep (1) or is down (0); hosts of unknown status are not exported.', labels: ['subnet', 'ip', 'hostname'] },
  edge_ipam_host_latency_seconds: { type: 'gauge', help: 'The round-trip time of the up host\'s last answer.', labels: ['subnet', 'ip', 'hostname'] },
  edge_ipam_metrics_hosts_omitted: { type: 'gauge', help: `Up or down hosts left out of edge_ipam_host_up because the scrape exports at most ${METRIC_BOUNDS.hosts}.`, labels: [] },
  edge_ipam_subnet_info: { type: 'gauge', help: 'A managed subnet (always 1): its name, group and probe.', labels: ['subnet', 'name', 'group', 'probe'] },
  edge_ipam_subnet_hosts: { type: 'gauge', help: 'Host records of the subnet by status.', labels: ['subnet', 'status'] },
  edge_ipam_subnet_addresses_used: { type: 'gauge', help: 'Addresses of the subnet with a host record (used, alive, reserved or annotated).', labels: ['subnet'] },
  edge_ipam_subnet_addresses_usable: { type: 'gauge', help: 'Usable addresses of the subnet.', labels: ['subnet'] },
  edge_ipam_subnet_sweep_duration_seconds: { type: 'gauge', help: 'How long the subnet\'s latest complete sweep took.', labels: ['subnet'] },
  edge_ipam_subnet_last_sweep_timestamp_seconds: { type: 'gauge', help: 'When the subnet\'s latest sweep started.', labels: ['subnet'] },
  edge_ipam_probe_info: { type: 'gauge', help: 'A probe (always 1): its name, site and version.', labels: ['probe', 'name', 'site', 'version'] },
  edge_ipam_probe_connected: { type: 'gauge', help: 'Whether the probe is connected (1) or not (0).', labels: ['probe'] },
  edge_ipam_probe_last_seen_timestamp_seconds: { type: 'gauge', help: 'When the probe was last heard from.', labels: ['probe'] },
  [COUNTERS.ingestBatches]: { type: 'counter', help: 'Result batches from the probe stored (each exactly once).', labels: ['probe'] },
  [COUNTERS.ingestSamples]: { type: 'counter', help: 'Samples (rows) the probe\'s stored batches wrote.', labels: ['probe'] },
  [COUNTERS.portScanJobs]: { type: 'counter', help: 'Port-scan jobs recorded, by what asked for them.', labels: ['origin'] },
  [COUNTERS.operationRuns]: { type: 'counter', help: 'Operation runs (one per chosen probe) stored, by tool.', labels: ['kind'] },
  [COUNTERS.webhookAttempts]: { type: 'counter', help: 'Webhook delivery attempts recorded, by outcome.', labels: ['outcome'] },
  edge_ipam_webhook_deliveries_pending: { type: 'gauge', help: 'Webhook deliveries waiting to be sent or retried.', labels: [] },
  edge_ipam_flow_exporter_packets_total: { type: 'counter', help: 'Flow export packets the probe received from the exporter (since the probe started).', labels: ['probe', 'exporter'] },
  edge_ipam_flow_exporter_flows_total: { type: 'counter', help: 'Flow records the probe decoded from the exporter.', labels: ['probe', 'exporter'] },
  edge_ipam_flow_exporter_drops_total: { type: 'counter', help: 'Packets or records of the exporter the probe dropped, by reason.', labels: ['probe', 'exporter', 'reason'] },
  edge_ipam_flow_exporter_sequence_gaps_total: { type: 'counter', help: 'Gaps in the exporter\'s sequence numbers (lost export packets).', labels: ['probe', 'exporter'] },
  edge_ipam_flow_exporter_templates: { type: 'gauge', help: 'NetFlow v9 / IPFIX templates the probe holds for the exporter.', labels: ['probe', 'exporter'] },
  edge_ipam_flow_exporter_last_seen_timestamp_seconds: { type: 'gauge', help: 'When the probe last heard the exporter.', labels: ['probe', 'exporter'] },
  edge_ipam_flow_top_talker_bytes_per_second: { type: 'gauge', help: `The ${METRIC_BOUNDS.topTalkers} addresses with the most traffic in the latest complete minute of flows (all probes), averaged over that minute.`, labels: ['ip', 'direction'] },
  edge_ipam_flow_top_talkers_minute_timestamp_seconds: { type: 'gauge', help: 'The start of the minute edge_ipam_flow_top_talker_bytes_per_second describes.', labels: [] },
  edge_ipam_traffic_test_received_bytes_per_second: { type: 'gauge', help: 'The pair\'s latest finished traffic test: throughput received (iperf3\'s bits per second / 8).', labels: ['pair', 'from', 'to', 'protocol'] },
  edge_ipam_traffic_test_sent_bytes_per_second: { type: 'gauge', help: 'The pair\'s latest finished traffic test: throughput sent (iperf3\'s bits per second / 8).', labels: ['pair', 'from', 'to', 'protocol'] },
  edge_ipam_traffic_test_loss_ratio: { type: 'gauge', help: 'The pair\'s latest finished UDP traffic test: datagrams lost (0–1).', labels: ['pair', 'from', 'to', 'protocol'] },
  edge_ipam_traffic_test_jitter_seconds: { type: 'gauge', help: 'The pair\'s latest finished UDP traffic test: jitter.', labels: ['pair', 'from', 'to', 'protocol'] },
  edge_ipam_traffic_test_timestamp_seconds: { type: 'gauge', help: 'When the pair\'s latest finished traffic test ended.', labels: ['pair', 'from', 'to', 'protocol'] },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;
