/**
 * A real probe agent running operations against the real Node host, to loopback only: real ping through the whole
 * path, the probe's own slots and queue (queued, then run; one past the queue refused as probe_busy), its allow-list
 * refusing before the tool runs, a tool gone missing named with its package, and a name that does not resolve.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeAgent } from '../../probe/agent.js';
import { runnerConfig } from '../../probe/config.js';
import { silentLogger } from '../../schema/log.js';
import { LiveClient } from '../support/live.js';
import { startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let agent: ProbeAgent;
let live: LiveClient;
let probeId: number;
const dir = mkdtempSync(join(tmpdir(), 'eipam-ops-'));
const pingRan = join(dir, 'ping.ran');
const mtrBin = join(dir, 'mtr');

const finished = async (opId: string) => {
  for (;;) {
    const op = (await api('GET', `/api/operations/${opId}`)).body;
    if (op.finished) return op;
    await live.next('operation', (d) => d.operationId === opId, 20_000);
  }
};
const run = async (body: Record<string, unknown>) => {
  const res = await api('POST', '/api/operations', { probes: [probeId], ...body });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

beforeAll(async () => {
  server = await startTestServer({ OPERATIONS_PER_MINUTE: '100' });
  const cookie = await server.login();
  api = client(server.url, cookie);
  const p = (await api('POST', '/api/probes', { name: 'ops-agent', site: 'here' })).body;
  probeId = p.id;
  // ping is the real one, behind a wrapper that leaves a mark: a refused target must not even start it
  const pingBin = join(dir, 'ping');
  writeFileSync(pingBin, `#!/bin/sh\ntouch '${pingRan}'\nexec ping "$@"\n`);
  chmodSync(pingBin, 0o755);
  // present when the probe starts (so it offers mtr), gone when the job comes
  writeFileSync(mtrBin, '#!/bin/sh\nexit 0\n');
  chmodSync(mtrBin, 0o755);
  const env = { ...process.env, ALLOWED_TARGETS: '127.0.0.0/8', OPERATION_CONCURRENCY: '1', OPERATION_QUEUE_MAX: '1', PING_BIN: pingBin, MTR_BIN: mtrBin };
  agent = new ProbeAgent({ ...runnerConfig(env), serverUrl: server.url, token: p.token, stateDir: join(dir, 'state'), heartbeatMs: 15_000, reconnectMaxMs: 1000, log: silentLogger });
  live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });
  await agent.start();
  for (let i = 0; i < 100; i++) {
    const me = (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === probeId);
    if (me.connected && me.kinds?.includes('op-ping')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);
afterAll(async () => {
  await agent.stop();
  live.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('operations on a real probe', () => {
  it('announces the tools it has', async () => {
    const me = (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === probeId);
    expect(me.kinds).toEqual(expect.arrayContaining(['op-ping', 'op-mtr', 'op-traceroute']));
  });

  it('a real ping to loopback: every reply, loss 0, min ≤ avg ≤ max', async () => {
    const op = await finished(await run({ kind: 'ping', target: '127.0.0.1', count: 3, intervalMs: 200 }));
    const [r] = op.runs;
    expect(r).toMatchObject({ state: 'done', address: '127.0.0.1', result: { tool: 'ping', sent: 3, received: 3, loss: 0 } });
    expect(r.result.replies.map((x: any) => x.seq)).toEqual([1, 2, 3]);
    expect(r.result.minMs).toBeLessThanOrEqual(r.result.avgMs);
    expect(r.result.avgMs).toBeLessThanOrEqual(r.result.maxMs);
  });

  it('one slot and a queue of one: the second waits (queued), the third is refused probe_busy; both that ran finish', async () => {
    const [a, b, c] = [await run({ kind: 'ping', target: '127.0.0.1', count: 3, intervalMs: 500 }), await run({ kind: 'ping', target: '127.0.0.2', count: 1 }), await run({ kind: 'ping', target: '127.0.0.3', count: 1 })];
    const refused = await finished(c);
    expect(refused.runs[0]).toMatchObject({ state: 'failed', code: 'probe_busy' });
    expect(await live.next('operation', (d) => d.operationId === b && d.state === 'queued', 10_000)).toMatchObject({ probeId });
    expect((await finished(a)).runs[0]).toMatchObject({ state: 'done', result: { received: 3 } });
    const second = (await finished(b)).runs[0];
    expect(second).toMatchObject({ state: 'done', address: '127.0.0.2', result: { received: 1 } });
    expect(Date.parse(second.startedAt)).toBeGreaterThanOrEqual(Date.parse((await api('GET', `/api/operations/${a}`)).body.runs[0].finishedAt) - 1000);
  });

  it('a target outside ALLOWED_TARGETS is refused by the probe before ping starts', async () => {
    rmSync(pingRan, { force: true });
    const op = await finished(await run({ kind: 'ping', target: '198.18.9.9', count: 1 }));
    expect(op.runs[0]).toMatchObject({ state: 'failed', code: 'target_not_allowed', startedAt: null });
    expect(op.runs[0].error).toContain('ALLOWED_TARGETS');
    expect(existsSync(pingRan)).toBe(false);
  });

  it('a tool that has gone: failed tool_missing, naming the package', async () => {
    rmSync(mtrBin);
    const op = await finished(await run({ kind: 'mtr', target: '127.0.0.1', count: 1 }));
    expect(op.runs[0]).toMatchObject({ state: 'failed', code: 'tool_missing' });
    expect(op.runs[0].error).toContain('apt-get install mtr-tiny');
  });

  it('a name the probe cannot resolve: failed resolve_failed (its resolver is a silent loopback port here)', async () => {
    const op = await finished(await run({ kind: 'ping', target: 'nowhere.example', family: 4, count: 1 }));
    expect(op.runs[0]).toMatchObject({ state: 'failed', code: 'resolve_failed', address: null });
  }, 20_000);
});
