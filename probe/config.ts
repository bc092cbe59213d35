import { parseArgs } from 'node:util';
import { z } from 'zod';
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
});

/** The runners' options from the environment alone (the Node host's built-in probe, and suites that run an agent in-process). */
export function runnerConfig(env: NodeJS.ProcessEnv): RunnerConfig {
  const parsed = runnerSchema.safeParse(runnerInput(env));
  if (!parsed.success) throw new Error(`probe configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
