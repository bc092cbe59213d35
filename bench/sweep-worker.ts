/**
 * Benchmark helper: sweeps one IPv4/IPv6 CIDR once with the probe's real Sweeper and prints one JSON line
 * `{"up": n, "ips": [...], "ms": n}` (ms = the sweep itself, without Node/tsx start-up).
 *
 * Run it only inside a test namespace (bench/sweep.ts starts it in the topology's scan namespace):
 *   tsx bench/sweep-worker.ts <cidr> [--engine auto|ping|nmap] [--nmap-above N] [--ping-workers N] [--ping-timeout-ms N]
 * Env fallbacks: SWEEP_ENGINE, NMAP_ABOVE, PING_WORKERS, PING_TIMEOUT_MS.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_NMAP_ABOVE, Sweeper, type SweepEngine } from '../probe/sweep/sweeper.js';

const ENGINES: readonly SweepEngine[] = ['auto', 'ping', 'nmap'];

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`sweep-worker: ${name} must be a non-negative integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      engine: { type: 'string' },
      'nmap-above': { type: 'string' },
      'ping-workers': { type: 'string' },
      'ping-timeout-ms': { type: 'string' },
    },
  });
  const cidr = positionals[0];
  if (!cidr || positionals.length !== 1) throw new Error('usage: tsx bench/sweep-worker.ts <cidr> [--engine auto|ping|nmap] [--nmap-above N]');
  const engine = (values.engine ?? process.env.SWEEP_ENGINE ?? 'auto') as SweepEngine;
  if (!ENGINES.includes(engine)) throw new Error(`sweep-worker: engine must be one of ${ENGINES.join(', ')}, got ${engine}`);

  const sweeper = new Sweeper({
    engine,
    pingWorkers: int('ping-workers', values['ping-workers'] ?? process.env.PING_WORKERS, 64),
    pingTimeoutMs: int('ping-timeout-ms', values['ping-timeout-ms'] ?? process.env.PING_TIMEOUT_MS, 1000),
    maxSweepAddresses: 65_536,
    nmapAbove: int('nmap-above', values['nmap-above'] ?? process.env.NMAP_ABOVE, DEFAULT_NMAP_ABOVE),
  });
  const started = performance.now();
  const result = await sweeper.sweep({ id: 1, cidr, intervalSeconds: 60, knownHosts: [] }, Date.now);
  const ms = Math.round(performance.now() - started);
  const ips = result.up.map((a) => a.ip);
  process.stdout.write(JSON.stringify({ up: ips.length, ips, ms }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`sweep-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
