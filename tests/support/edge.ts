import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD } from './app.js';
import { waitFor } from './wait.js';

const WRANGLER = join(process.cwd(), 'node_modules/.bin/wrangler');
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

export interface EdgeServer {
  url: string;
  /** wrangler's --persist-to folder (local D1 lives below it). */
  stateDir: string;
  process: ChildProcess;
  log(): string;
  /** Runs the cron handler once (what Cloudflare does every minute). */
  cron(): Promise<void>;
  close(): Promise<void>;
}

/** A port nothing listens on now, on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** What `wrangler dev` builds the Worker from and serves (its assets are web/), beside its config. */
const SOURCES = ['wrangler.toml', 'package.json', 'tsconfig.json', 'worker', 'schema', 'web', 'probe'];

/**
 * Copies the Worker's sources from `root` into `dir` (node_modules linked) and returns the copy's wrangler.toml.
 * `wrangler dev` rebuilds and restarts on any change to its sources or assets, which drops every probe socket
 * (1006, no webSocketClose: the objects forget them while the database still says connected), so a server a suite
 * starts runs from a copy, not from a working tree others are editing.
 */
export function snapshotSources(root: string, dir: string): string {
  for (const entry of SOURCES) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, 'wrangler.toml');
}

/** Applies schema/migrations to the local D1 kept in `stateDir` (wrangler's --persist-to); `config`: whose migrations (default: the working directory's). */
export function migrateLocalD1(stateDir: string, config?: string): void {
  const migrate = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', stateDir, ...(config ? ['--config', config] : [])], { env: quiet, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`wrangler d1 migrations apply failed: ${migrate.stderr}${migrate.stdout}`);
}

/**
 * The Worker in workerd through `wrangler dev`, with a fresh local D1 migrated from schema/migrations
 * (`migrate: false` leaves it empty, as a deploy that skipped the migrations would).
 * `spawnIn` lets the caller run it inside a network namespace (ip netns exec …). It runs a copy of `root`'s sources
 * (default: the working directory) taken now, so edits made meanwhile do not restart it.
 */
export async function startEdgeServer(
  vars: Record<string, string> = {},
  opts: { ip?: string; reachAt?: string; migrate?: boolean; root?: string; spawnIn?: (argv: string[], env: NodeJS.ProcessEnv) => ChildProcess } = {},
): Promise<EdgeServer> {
  const state = mkdtempSync(join(tmpdir(), 'eipam-edge-'));
  const config = snapshotSources(opts.root ?? process.cwd(), join(state, 'src'));
  if (opts.migrate !== false) migrateLocalD1(state, config);
  const port = opts.spawnIn ? 8787 : await freePort();
  const argv = [WRANGLER, 'dev', '--config', config, '--port', String(port), '--ip', opts.ip ?? '127.0.0.1', '--persist-to', state, '--show-interactive-dev-session=false', '--test-scheduled'];
  for (const [k, v] of Object.entries({ ADMIN_PASSWORD, ...vars })) argv.push('--var', `${k}:${v}`);
  const child = opts.spawnIn ? opts.spawnIn(argv, quiet) : spawn(argv[0]!, argv.slice(1), { env: quiet, stdio: 'pipe', detached: true });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://${opts.reachAt ?? '127.0.0.1'}:${port}`;
  try {
    // without migrations any answer will do: the Worker is up, its database is not
    await waitFor('wrangler dev', async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok || opts.migrate === false, 60_000, 500);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${output.slice(-3000)}`);
  }
  return {
    url,
    stateDir: state,
    process: child,
    log: () => output,
    async cron() {
      const res = await fetch(`${url}/__scheduled?cron=*+*+*+*+*`);
      if (!res.ok) throw new Error(`scheduled handler answered ${res.status}`);
    },
    async close() {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((r) => child.once('exit', r));
        try {
          process.kill(opts.spawnIn ? child.pid : -child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
