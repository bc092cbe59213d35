import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { migrateLocalD1, startEdgeServer, type EdgeServer } from '../support/edge.js';
import { login } from '../support/targets.js';

const WRANGLER = join(process.cwd(), 'node_modules/.bin/wrangler');
const HOUR = 3_600_000;

/** A statement on the local D1 behind a running `wrangler dev`, as an operator would run it. */
function d1(edge: EdgeServer, sql: string): Record<string, unknown>[] {
  const res = spawnSync(WRANGLER, ['d1', 'execute', 'DB', '--local', '--persist-to', edge.stateDir, '--json', '--command', sql], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`wrangler d1 execute failed: ${res.stderr}${res.stdout}`);
  return (JSON.parse(res.stdout) as { results: Record<string, unknown>[] }[])[0]!.results;
}

/** fetch, once more if the idle keep-alive socket was closed under it (wrangler dev drops idle ones after a few seconds). */
async function fetchAgain(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, init);
  }
}

describe('the Workers host started before its D1 is migrated', () => {
  let edge: EdgeServer;
  beforeAll(async () => {
    edge = await startEdgeServer({}, { migrate: false });
  }, 90_000);
  afterAll(() => edge?.close());

  it('answers 503 not_ready, then works on the next request once the database is migrated', async () => {
    const first = await fetch(`${edge.url}/api/summary`);
    const firstBody = await first.text();
    expect(first.ok).toBe(false);
    migrateLocalD1(edge.stateDir);
    // the same isolate: the failed admin check is not remembered
    const res = await fetchAgain(`${edge.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect(first.status).toBe(503);
    expect(JSON.parse(firstBody).error.code).toBe('not_ready');
    expect(edge.log()).toMatch(/startup check failed/);
  }, 60_000);
});

describe('the Workers cron', () => {
  let edge: EdgeServer;
  beforeAll(async () => {
    edge = await startEdgeServer();
    await login(edge.url); // the admin check has run: the cron below only prunes
  }, 90_000);
  afterAll(() => edge?.close());

  it('runs each duty on its own period: offline probes every minute, pruning not in the middle of the hour', async () => {
    // wrangler dev schedules its test cron for "now": step out of the first minute of an hour, when pruning is due
    const intoHour = Date.now() % HOUR;
    if (intoHour < 65_000) await new Promise((r) => setTimeout(r, 65_000 - intoHour));
    d1(edge, 'INSERT INTO host_samples (host_id, at, up, latency_ms) VALUES (1, 0, 1, NULL)');
    d1(edge, "INSERT INTO probes (name, token_hash, connected, last_seen_at, created_at) VALUES ('silent', 'h', 1, 0, 0)");
    await fetchAgain(`${edge.url}/health`); // a live socket for the cron request after the wrangler commands' idle time
    await edge.cron();
    expect(d1(edge, "SELECT connected FROM probes WHERE name = 'silent'")[0]!.connected).toBe(0);
    expect(d1(edge, 'SELECT count(*) AS n FROM host_samples')[0]!.n).toBe(1); // a year-old sample: pruning did not run
  }, 150_000);
});
