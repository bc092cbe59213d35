/** The `port_scan` kind: which TCP/UDP ports of some hosts are open, and what serves them (nmap). */
import { z } from 'zod';
import { ipText, jobId, subnetId } from './common.js';

/** Hosts one port-scan job may name (one nmap run; the scheduler groups a subnet's due hosts up to this). */
export const MAX_SCAN_TARGETS = 256;
/** Open ports reported per host; a host answering on more (a tarpit) is cut here and flagged `truncated`. */
export const MAX_PORTS_PER_HOST = 1_000;
/** Longest a port scan may run before the probe kills nmap. */
export const MAX_SCAN_TIMEOUT_MS = 6 * 3600_000;

export const portScanJob = z.object({
  type: z.literal('job'),
  kind: z.literal('port_scan'),
  jobId,
  subnetId,
  /** Addresses of the subnet to scan; the probe refuses the job if any is outside its assigned subnets. */
  targets: z.array(ipText).min(1).max(MAX_SCAN_TARGETS),
  /** nmap arguments, already checked against the allow-list by the server; the probe checks them again. */
  args: z.array(z.string().max(100)).max(32),
  timeoutMs: z.number().int().min(1000).max(MAX_SCAN_TIMEOUT_MS),
});
export type PortScanJob = z.infer<typeof portScanJob>;

export const openPort = z.object({
  port: z.number().int().min(1).max(65_535),
  protocol: z.enum(['tcp', 'udp']),
  state: z.enum(['open', 'open|filtered']),
  service: z.string().max(64).nullable(),
  product: z.string().max(128).nullable(),
  version: z.string().max(128).nullable(),
});
export type OpenPort = z.infer<typeof openPort>;

export const scannedHost = z.object({
  ip: ipText,
  ports: z.array(openPort).max(MAX_PORTS_PER_HOST),
  /** Some port answered (open or closed). False: nothing did (the host is likely down), so missing ports are not closed. */
  responsive: z.boolean(),
  truncated: z.boolean().optional(),
});
export type ScannedHost = z.infer<typeof scannedHost>;

export const portScanItem = z.object({
  kind: z.literal('port_scan'),
  subnetId,
  /** When the scan started (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  jobId: jobId.optional(),
  hosts: z.array(scannedHost).max(MAX_SCAN_TARGETS),
  /** The ports nmap scanned per protocol, as its scaninfo lists them ("1,3-4,…"): a stored port outside them is not closed. */
  scannedPorts: z.object({ tcp: z.string().max(20_000).optional(), udp: z.string().max(20_000).optional() }).optional(),
});
export type PortScanItem = z.infer<typeof portScanItem>;

/** Rows the server writes for one port-scan result: a host counts once, plus one per open port beyond the first. */
export function portScanSamples(item: PortScanItem): number {
  return item.hosts.reduce((n, h) => n + Math.max(1, h.ports.length), 0);
}
