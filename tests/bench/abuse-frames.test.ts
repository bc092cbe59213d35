// The abuse bench's frames sit exactly at the protocol's bounds (bench/abuse-frames.ts); if a bound moves, the
// bench would measure something else without saying so.
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../schema/ip/cidr.js';
import { decodeFrame, MAX_FRAME_LENGTH, MAX_FRAME_SAMPLES, MAX_RESULTS_PER_FRAME, probeMessage } from '../../schema/protocol.js';
import { listedEntries } from '../../worker/domain/sweep-checks.js';
import { knownHosts, maximalFrame, overListedFrame, warmUpFrame, wholeSubnetFrame } from '../../bench/abuse-frames.js';

const hosts = knownHosts(parseCidr('198.19.0.0/16').first, 65_000);
const at = Date.UTC(2026, 10, 26, 12);

function results(raw: string) {
  const d = decodeFrame(probeMessage, raw);
  if (!d.ok || d.message.type !== 'results') throw new Error(d.ok ? d.message.type : d.error);
  return d.message;
}

const sweepsOf = (m: ReturnType<typeof results>) => m.results.flatMap((r) => (r.kind === 'sweep' ? [r] : []));

describe('abuse bench frames', () => {
  it.each([0, 1, 2, 3])('maximal frame %i: the most sweeps, ranges holding MAX_FRAME_SAMPLES known hosts, within the length', (frame) => {
    const raw = maximalFrame(7, hosts, frame, at);
    const msg = results(raw);
    expect(raw.length).toBeLessThanOrEqual(MAX_FRAME_LENGTH);
    expect(sweepsOf(msg)).toHaveLength(MAX_RESULTS_PER_FRAME);
    expect(sweepsOf(msg).every((s) => s.complete && s.range)).toBe(true);
    const covered = sweepsOf(msg).map((s) => hosts.indexOf(s.range![1]) - hosts.indexOf(s.range![0]) + 1);
    expect(covered.reduce((a, b) => a + b, 0)).toBe(MAX_FRAME_SAMPLES);
    expect(listedEntries(sweepsOf(msg))).toBe(frame % 4 < 2 ? MAX_FRAME_SAMPLES : 0);
  });

  it('ranges are consecutive and disjoint', () => {
    const sweeps = sweepsOf(results(maximalFrame(7, hosts, 0, at)));
    for (let i = 1; i < sweeps.length; i++) expect(hosts.indexOf(sweeps[i]!.range![0])).toBe(hosts.indexOf(sweeps[i - 1]!.range![1]) + 1);
  });

  it.each([
    ['64 whole-subnet sweeps: refused by the schema', () => wholeSubnetFrame(7, 'x', 64, at), false],
    ['1 whole-subnet sweep: parses (the server refuses it for its samples)', () => wholeSubnetFrame(7, 'x', 1, at), true],
    ['one answer over the bound: parses (refused for its samples)', () => overListedFrame(7, hosts, 'x', at), true],
    ['warm-up: parses', () => warmUpFrame(7, hosts, 'x', at), true],
  ])('%s', (_, make, parses) => {
    expect(decodeFrame(probeMessage, make()).ok).toBe(parses);
  });

  it('the over-listed frame lists one address more than the bound', () => {
    expect(listedEntries(sweepsOf(results(overListedFrame(7, hosts, 'x', at))))).toBe(MAX_FRAME_SAMPLES + 1);
  });
});
