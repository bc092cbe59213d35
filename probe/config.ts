import { parseArgs } from 'node:util';
import { z } from 'zod';
import { canonicalIp, parseCidr } from '../schema/ip/cidr.js';
import { parseServers } from './identity/dns-client.js';
import { DEFAULT_PTR_CONCURRENCY } from './identity/names.js';
import { DEFAULT_NMAP_ABOVE } from './sweep/sweeper.js';

/** nmap port scans at once (each already scans many ports in parallel). */
export const DEFAULT_PORT_SCAN_CONCURRENCY = 2;

/** An on/off variable: 1/0, true/false, on/off, yes/no; unset or empty → `fallback`. */
const onOff = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const t = (v ?? '').trim().toLowerCase();
      if (t === '') return fallback;
      if (['1', 'true', 'on', 'yes'].includes(t)) return true;
      if (['0', 'false', 'off', 'no'].includes(t)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be 1 or 0 (or true/false, on/off), got "${v}"` });
      return z.NEVER;
    });

/** DNS_SERVER: a comma list of host[:port] ([v6]:port); unset → null, the system's resolvers. */
const dnsServers = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v?.trim()) return null;
    try {
      return parseServers(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `DNS_SERVER: ${(e as Error).message}` });
      return z.NEVER;
    }
  });

const MIB = 1024 * 1024;

/** A whole number variable within bounds, with its name in the message. */
const bounded = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be ${min} to ${max}`)
    .max(max, `${name} must be ${min} to ${max}`);

/** NETFLOW_SAMPLING: "addr=rate,addr=rate" (an exporter's address and the 1-in-N rate that wins over what it says). */
export function parseSampling(text: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (!entry) continue;
    const eq = entry.lastIndexOf('=');
    const address = eq > 0 ? canonicalIp(entry.slice(0, eq).replace(/^\[(.*)\]$/, '$1')) : null;
    const rate = eq > 0 ? entry.slice(eq + 1).trim() : '';
    if (!address) throw new Error(`"${entry}" is not address=rate (an exporter's IPv4 or IPv6 address, e.g. 198.18.0.1=100)`);
    if (!/^\d+$/.test(rate) || Number(rate) < 1 || Number(rate) > 16_777_216) throw new Error(`"${entry}": the rate must be a whole number 1 to 16777216`);
    if (rates.has(address)) throw new Error(`${address} is given twice`);
    rates.set(address, Number(rate));
  }
  return rates;
}

const sampling = z
  .string()
  .optional()
  .transform((v, ctx) => {
    try {
      return parseSampling(v ?? '') as ReadonlyMap<string, number>;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `NETFLOW_SAMPLING: ${(e as Error).message}` });
      return z.NEVER;
    }
  });

/** NETFLOW_EXPORTERS: a comma list of CIDRs (or single addresses) allowed to export to the collector; empty: any. */
export function parseExporters(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (!entry) continue;
    const single = canonicalIp(entry);
    const cidr = single ? `${single}/${single.includes(':') ? 128 : 32}` : entry;
    try {
      out.push(parseCidr(cidr).cidr);
    } catch {
      throw new Error(`"${entry}" is not an address or a CIDR (e.g. 198.18.0.0/15, fd00::/8)`);
    }
  }
  return out;
}

/** A comma list of CIDRs (or single addresses) in a variable named `name`; empty: none given. */
const cidrList = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parseExporters(v ?? '');
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${name}: ${(e as Error).message}` });
        return z.NEVER;
      }
    });
const exporters = cidrList('NETFLOW_EXPORTERS');

/** A range of TCP/UDP ports, both ends included. */
export interface PortRange {
  from: number;
  to: number;
}

/** TRAFFIC_PORTS: a comma list of ports and ranges ("5201-5210,5301") an iperf3 listener may use. */
export function parsePortRanges(text: string): PortRange[] {
  const out: PortRange[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (!entry) continue;
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(entry);
    const from = Number(m?.[1]);
    const to = Number(m?.[2] ?? m?.[1]);
    if (!m || from < 1 || to > 65_535 || from > to) throw new Error(`"${entry}" is not a port or a range of ports (1-65535, e.g. 5201-5210)`);
    out.push({ from, to });
  }
  if (!out.length) throw new Error('give at least one port (e.g. 5201-5210)');
  return out;
}

const portRanges = z
  .string()
  .transform((v, ctx) => {
    try {
      return parsePortRanges(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `TRAFFIC_PORTS: ${(e as Error).message}` });
      return z.NEVER;
    }
  });

/** The NetFlow/IPFIX collector (probe/netflow/collector.ts). */
const netflowSchema = z.object({
  enabled: onOff('NETFLOW_ENABLED', true),
  bindHost: z
    .string()
    .transform((v, ctx) => {
      const ip = canonicalIp(v.trim().replace(/^\[(.*)\]$/, '$1'));
      if (ip) return ip;
      ctx.addIssue({ code: 'custom', message: `NETFLOW_BIND_HOST must be an address of this machine, 0.0.0.0 or ::, got "${v}"` });
      return z.NEVER;
    }),
  bindPort: bounded('NETFLOW_BIND_PORT', 0, 65_535),
  templateLifetimeMs: bounded('NETFLOW_TEMPLATE_TTL_SECONDS', 10, 86_400).transform((s) => s * 1000),
  samplingOverrides: sampling,
  /** Exporters allowed (CIDRs); empty: any sender. Datagrams from others are dropped before decoding. */
  allowedExporters: exporters,
  top: bounded('NETFLOW_TOP', 1, 100),
  recvBufferBytes: bounded('NETFLOW_RECV_BUFFER', 65_536, 1024 * MIB),
  logFile: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : null)),
  logMaxBytes: bounded('NETFLOW_LOG_MAX_BYTES', 65_536, 1024 * 1024 * MIB),
  logFiles: bounded('NETFLOW_LOG_FILES', 1, 100),
  flushGraceMs: z.number().int().min(0),
});
export type NetflowConfig = z.infer<typeof netflowSchema>;

/** How the probe works (the runners' options): read from the environment by the probe and by the Node host's built-in probe alike. */
const runnerSchema = z.object({
  pingWorkers: z.coerce.number().int().min(1).max(1024),
  engine: z.enum(['auto', 'ping', 'nmap']),
  nmapAbove: z.coerce.number().int().min(0),
  /** MACs and vendors of the hosts on attached segments, from the sweep's own answers and the neighbour table. */
  macCollection: onOff('MAC_COLLECTION', true),
  /** PTR names of alive hosts after each sweep. */
  names: z.object({
    enabled: onOff('PTR_LOOKUP', true),
    dnsServers,
    concurrency: z.coerce.number().int().min(1, 'PTR_CONCURRENCY must be 1 to 256').max(256, 'PTR_CONCURRENCY must be 1 to 256'),
  }),
  portScan: z.object({
    nmapBin: z.string().min(1),
    /** nmap port scans running at once. */
    concurrency: z.coerce.number().int().min(1).max(32),
  }),
  traceroute: z.object({ bin: z.string().min(1) }),
  netflow: netflowSchema,
  /** Operations (ping, mtr, traceroute to any target an admin names). */
  operations: z.object({
    /** Targets this probe may be sent to (CIDRs); empty: any. Outside them the probe refuses, whatever the server says. */
    allowedTargets: cidrList('ALLOWED_TARGETS'),
    /** Runs at once; more wait in the probe's queue (reported `queued`). */
    concurrency: bounded('OPERATION_CONCURRENCY', 1, 16),
    /** Runs waiting at most; one more is refused (`probe_busy`). */
    queueMax: bounded('OPERATION_QUEUE_MAX', 1, 256),
    pingBin: z.string().min(1),
    mtrBin: z.string().min(1),
  }),
  /** Traffic tests (iperf3): offered only when the binary is found; their targets are bounded by ALLOWED_TARGETS too. */
  traffic: z.object({
    iperf3Bin: z.string().min(1),
    /** Ports an iperf3 listener may take on this probe; a server job on another port is refused (`port_not_allowed`). */
    ports: portRanges,
  }),
});
export type RunnerConfig = z.infer<typeof runnerSchema>;

const schema = runnerSchema.extend({
  serverUrl: z.url({ protocol: /^(https?|wss?)$/, error: 'SERVER_URL / --server must be an http(s) or ws(s) URL of the control plane' }),
  token: z.string().min(10, 'PROBE_TOKEN / --token is required (enrol a probe in the UI or with POST /api/probes)'),
  stateDir: z.string().min(1),
  heartbeatMs: z.coerce.number().min(200).max(300_000),
  reconnectMaxMs: z.coerce.number().int().min(500).max(600_000),
});
export type ProbeConfig = z.infer<typeof schema>;

/** Flags win over environment variables. */
export function probeConfig(argv: string[], env: NodeJS.ProcessEnv): ProbeConfig {
  const { values } = parseArgs({
    args: argv,
    options: { server: { type: 'string' }, token: { type: 'string' }, 'state-dir': { type: 'string' } },
    strict: true,
  });
  const parsed = schema.safeParse({
    serverUrl: values.server ?? env.SERVER_URL,
    token: values.token ?? env.PROBE_TOKEN,
    stateDir: values['state-dir'] ?? env.STATE_DIR ?? './probe-state',
    heartbeatMs: Number(env.HEARTBEAT_SECONDS ?? 15) * 1000,
    reconnectMaxMs: env.RECONNECT_MAX_MS ?? 30_000,
    ...runnerInput(env),
  });
  if (!parsed.success) throw new Error(`probe configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

const runnerInput = (env: NodeJS.ProcessEnv) => ({
  pingWorkers: env.PING_WORKERS ?? 64,
  engine: env.SWEEP_ENGINE ?? 'auto',
  nmapAbove: env.NMAP_ABOVE ?? DEFAULT_NMAP_ABOVE,
  macCollection: env.MAC_COLLECTION,
  names: { enabled: env.PTR_LOOKUP, dnsServers: env.DNS_SERVER, concurrency: env.PTR_CONCURRENCY || DEFAULT_PTR_CONCURRENCY },
  portScan: { nmapBin: env.NMAP_BIN || 'nmap', concurrency: env.PORT_SCAN_CONCURRENCY ?? DEFAULT_PORT_SCAN_CONCURRENCY },
  traceroute: { bin: env.TRACEROUTE_BIN || 'traceroute' },
  netflow: {
    enabled: env.NETFLOW_ENABLED,
    bindHost: env.NETFLOW_BIND_HOST || '0.0.0.0',
    bindPort: env.NETFLOW_BIND_PORT || 2055,
    templateLifetimeMs: env.NETFLOW_TEMPLATE_TTL_SECONDS || 1800,
    samplingOverrides: env.NETFLOW_SAMPLING,
    allowedExporters: env.NETFLOW_EXPORTERS,
    top: env.NETFLOW_TOP || 100,
    recvBufferBytes: env.NETFLOW_RECV_BUFFER || 16 * MIB,
    logFile: env.NETFLOW_LOG_FILE,
    logMaxBytes: env.NETFLOW_LOG_MAX_BYTES || 100 * MIB,
    logFiles: env.NETFLOW_LOG_FILES || 5,
    flushGraceMs: 5_000,
  },
  operations: {
    allowedTargets: env.ALLOWED_TARGETS,
    concurrency: env.OPERATION_CONCURRENCY || 2,
    queueMax: env.OPERATION_QUEUE_MAX || 32,
    pingBin: env.PING_BIN || 'ping',
    mtrBin: env.MTR_BIN || 'mtr',
  },
  traffic: { iperf3Bin: env.IPERF3_BIN || 'iperf3', ports: env.TRAFFIC_PORTS || '5201-5210' },
});

/** The runners' options from the environment alone (the Node host's built-in probe, and suites that run an agent in-process). */
export function runnerConfig(env: NodeJS.ProcessEnv): RunnerConfig {
  const parsed = runnerSchema.safeParse(runnerInput(env));
  if (!parsed.success) throw new Error(`probe configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
