/**
 * The abuse bench's probe cases: a raw probe (tests/support/server.ts) sends the largest results frames the
 * server accepts, at once and one at a time, and frames over the bound, which must be refused whole.
 */
import type { ServerMessage } from '../schema/protocol.js';
import { RawProbe } from '../tests/support/server.js';
import { n, sleep, type Case } from './abuse-cases.js';
import { FRAME_SAMPLES, maximalFrame, overListedFrame, SWEEPS_PER_FRAME, warmUpFrame, wholeSubnetFrame } from './abuse-frames.js';
import { count, type Api } from './abuse-http.js';

export const PROBE_CIDR = '198.19.0.0/16';
const FRAMES = 20;

export interface ProbeSetup {
  probeToken: string;
  subnetId: number;
  hosts: string[];
}

async function until(done: () => boolean, timeoutMs: number, what: string) {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

const replyKind = (m: ServerMessage) => (m.type === 'error' ? `error ${m.code}` : m.type === 'ack' && m.refused ? `refused ${m.refused.code}` : 'stored');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Connects, collects the replies to results frames (acks and errors) in order, and warms the ingest path with one small frame. */
async function connect(api: Api, setup: ProbeSetup, warmBatch: string) {
  const probe = await RawProbe.connect(api.url, setup.probeToken);
  await probe.next('assignment', 30_000);
  const got: ServerMessage[] = [];
  probe.ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as ServerMessage;
    if (m.type === 'ack' || m.type === 'error') got.push(m);
  });
  probe.send(warmUpFrame(setup.subnetId, setup.hosts, warmBatch, Date.now() - 120_000));
  await until(() => got.length === 1, 60_000, 'the warm-up ack');
  got.length = 0;
  return { probe, got };
}

/**
 * The largest frame the server accepts, FRAMES times with new batch ids: all sent at once (as a probe draining
 * its spool, or a hostile one, may) or each after the previous one's ack.
 */
export function maximalFrames(setup: ProbeSetup, mode: 'at once' | 'one at a time'): Case {
  const batch = mode === 'at once' ? 'max' : 'seq';
  return {
    name: mode === 'at once' ? '3a: maximal probe frames, sent at once' : '3a′: maximal probe frames, one at a time',
    why:
      mode === 'at once'
        ? "the hub handles a probe's frames in order on one promise chain, and with the synchronous libSQL driver every `await` in the ingest resolves without going back to the event loop: frames that are queued together run back to back in one turn, so the loop is held for all of them (compare 3a′)"
        : 'one maximal frame holds the loop from parsing (zod) through planning (planIngest) to its atomic `db.batch` (hosts, samples, events, roll-up), which the synchronous libSQL driver runs in SQLite on the main thread; send → ack in the outcome column is about one frame',
    prepare: async (api) => {
      const { probe, got } = await connect(api, setup, `${batch}-warm`);
      // minutes apart, and apart from the other mode's frames (a sweep's `at` is part of its samples' key)
      const start = Date.now() - (mode === 'at once' ? 2 * FRAMES + 10 : FRAMES + 5) * 60_000;
      const frames = Array.from({ length: FRAMES }, (_, i) => maximalFrame(setup.subnetId, setup.hosts, i, start + i * 60_000, batch));
      return async () => {
        const acked: number[] = [];
        if (mode === 'at once') {
          const t0 = performance.now();
          frames.forEach((f) => probe.send(f));
          await until(() => got.length >= FRAMES, 600_000, 'the acks');
          acked.push(performance.now() - t0);
        } else {
          for (const f of frames) {
            const before = got.length;
            const t0 = performance.now();
            probe.send(f);
            await until(() => got.length > before, 600_000, 'an ack');
            acked.push(performance.now() - t0);
          }
        }
        probe.close();
        const kb = Math.max(...frames.map((f) => f.length)) / 1024;
        const shape =
          FRAME_SAMPLES === null
            ? `${SWEEPS_PER_FRAME} complete sweeps of the ${PROBE_CIDR} (no bound in the protocol)`
            : `${SWEEPS_PER_FRAME} complete sweeps over ranges holding ${n(FRAME_SAMPLES)} known hosts, answering in half the frames`;
        const timing = mode === 'at once' ? `last ack ${(acked[0]! / 1000).toFixed(2)} s after the first frame` : `send → ack p50 ${median(acked).toFixed(0)} ms, max ${Math.max(...acked).toFixed(0)} ms`;
        return `${FRAMES} frames ${mode} (${shape}; ≤ ${kb.toFixed(0)} KiB each): ${count(got.map(replyKind))}; ${timing}`;
      };
    },
  };
}

/** Frames over the bound, one at a time, five of each kind: each must be refused whole. */
export function overBoundFrames(setup: ProbeSetup): Case {
  return {
    name: '3b: probe frames over the bound',
    prepare: async (api) => {
      const { probe, got } = await connect(api, setup, 'over-warm');
      const at = Date.now() - 60_000;
      const kinds: [string, (i: number) => string][] = [
        ['64 complete sweeps of the /16 (4.2 M samples, the frame the issue saw hold the server 11.8 s)', (i) => wholeSubnetFrame(setup.subnetId, `over64-${i}`, 64, at + i * 100)],
        [`1 complete sweep of the /16 (${n(setup.hosts.length)} samples)`, (i) => wholeSubnetFrame(setup.subnetId, `over1-${i}`, 1, at + i * 100)],
        [`${n((FRAME_SAMPLES ?? 1000) + 1)} listed answers`, (i) => overListedFrame(setup.subnetId, setup.hosts, `overlist-${i}`, at + i * 100)],
      ];
      const frames = kinds.flatMap(([, make]) => Array.from({ length: 5 }, (_, i) => make(i)));
      return async () => {
        for (const f of frames) {
          const before = got.length;
          probe.send(f);
          await until(() => got.length > before, 600_000, 'a reply');
        }
        probe.close();
        return kinds.map(([label], k) => `5× ${label}: ${count(got.slice(k * 5, k * 5 + 5).map(replyKind))}`).join('; ');
      };
    },
  };
}
