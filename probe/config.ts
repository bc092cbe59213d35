import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_NMAP_ABOVE } from './sweep/sweeper.js';

/** nmap port scans at once (each already scans many ports in parallel). */
export const DEFAULT_PORT_SCAN_CONCURRENCY = 2;

const schema = z.object({
  serverUrl: z.url({ protocol: /^(https?|wss?)$/, error: 'SERVER_URL / --server must be an http(s) or ws(s) URL of the control plane' }),
  token: z.string().min(10, 'PROBE_TOKEN / --token is required (enrol a probe in the UI or with POST /api/probes)'),
  stateDir: z.string().min(1),
  heartbeatMs: z.coerce.number().min(200).max(300_000),
  reconnectMaxMs: z.coerce.number().int().min(500).max(600_000),
  pingWorkers: z.coerce.number().int().min(1).max(1024),
  engine: z.enum(['auto', 'ping', 'nmap']),
  nmapAbove: z.coerce.number().int().min(0),
  portScan: z.object({
    nmapBin: z.string().min(1),
    /** nmap port scans running at once. */
    concurrency: z.coerce.number().int().min(1).max(32),
  }),
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
    pingWorkers: env.PING_WORKERS ?? 64,
    engine: env.SWEEP_ENGINE ?? 'auto',
    nmapAbove: env.NMAP_ABOVE ?? DEFAULT_NMAP_ABOVE,
    portScan: { nmapBin: env.NMAP_BIN || 'nmap', concurrency: env.PORT_SCAN_CONCURRENCY ?? DEFAULT_PORT_SCAN_CONCURRENCY },
  });
  if (!parsed.success) throw new Error(`probe configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
