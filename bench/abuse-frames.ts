/**
 * Probe results frames for the abuse bench: the largest the server accepts under its per-frame bound
 * (schema/protocol.ts), and frames over it. Pure: they take the subnet and the known hosts as plain values.
 */
import { formatIp } from '../schema/ip/cidr.js';
import * as protocol from '../schema/protocol.js';

// read through the namespace, so the bench also type-checks against a protocol without the bound
const bounds = protocol as unknown as { MAX_FRAME_SAMPLES?: number; MAX_RESULTS_PER_FRAME?: number; MAX_FRAME_LENGTH?: number };
export const FRAME_SAMPLES = bounds.MAX_FRAME_SAMPLES ?? null;
export const SWEEPS_PER_FRAME = bounds.MAX_RESULTS_PER_FRAME ?? 64;
export const FRAME_LENGTH = bounds.MAX_FRAME_LENGTH ?? null;

/** The known hosts of the bench's /16: its first `count` usable addresses, in order. */
export function knownHosts(first: bigint, count: number): string[] {
  return Array.from({ length: count }, (_, i) => formatIp(first + 1n + BigInt(i), 4));
}

/** Sweeps answer in frames 0, 1, 4, 5, …: hosts go up, stay, go silent twice (down), come back: events in half the frames. */
export const answers = (frame: number) => frame % 4 < 2;

/**
 * The largest frame the bound allows: as many complete sweeps as a frame may carry, each over a range of the
 * /16 holding its share of `hosts` (the bound's worth), all answering or all silent. Every sample is a
 * host written, a sample row and an hourly roll-up row; every other frame also makes an event per host.
 * Without a bound: the frame the issue saw hold the server 11.8 s before the bound, 64 complete sweeps of the whole /16.
 */
export function maximalFrame(subnetId: number, hosts: string[], frame: number, at: number, batch = 'max'): string {
  if (FRAME_SAMPLES === null) return wholeSubnetFrame(subnetId, `${batch}-${frame}`, SWEEPS_PER_FRAME, at);
  const mine = hosts.slice(0, FRAME_SAMPLES);
  const sweeps = [];
  for (let s = 0, from = 0; s < SWEEPS_PER_FRAME; s++) {
    const to = Math.round(((s + 1) * mine.length) / SWEEPS_PER_FRAME);
    const part = mine.slice(from, to);
    from = to;
    if (!part.length) continue;
    const up = answers(frame) ? part.map((ip, i) => ({ ip, latencyMs: 0.2 + ((i * 7 + frame) % 50) / 10 })) : [];
    sweeps.push({ subnetId, at: at + s, durationMs: 900, complete: true, range: [part[0]!, part.at(-1)!], up, down: [] });
  }
  return JSON.stringify({ type: 'results', batchId: `${batch}-${frame}`, sweeps });
}

/** `count` complete sweeps of the whole subnet in which nobody answered: every known host is a sample in each. */
export function wholeSubnetFrame(subnetId: number, batchId: string, count: number, at: number): string {
  const sweeps = Array.from({ length: count }, (_, s) => ({ subnetId, at: at + s, durationMs: 900, complete: true, up: [], down: [] }));
  return JSON.stringify({ type: 'results', batchId, sweeps });
}

/** One incomplete sweep listing one answer more than the bound allows. */
export function overListedFrame(subnetId: number, hosts: string[], batchId: string, at: number): string {
  const up = hosts.slice(0, (FRAME_SAMPLES ?? 1000) + 1).map((ip) => ({ ip, latencyMs: 1 }));
  return JSON.stringify({ type: 'results', batchId, sweeps: [{ subnetId, at, durationMs: 900, complete: false, up, down: [] }] });
}

/** A small frame for warming the ingest path up: one complete sweep over the last ten known hosts, all answering. */
export function warmUpFrame(subnetId: number, hosts: string[], batchId: string, at: number): string {
  const part = hosts.slice(-10);
  const up = part.map((ip) => ({ ip, latencyMs: 1 }));
  return JSON.stringify({ type: 'results', batchId, sweeps: [{ subnetId, at, durationMs: 900, complete: true, range: [part[0]!, part.at(-1)!], up, down: [] }] });
}
