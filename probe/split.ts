import { formatIp, parseIp, usableRange, type Cidr } from '../schema/ip/cidr.js';
import { MAX_FRAME_SAMPLES, type SweepResult } from '../schema/protocol.js';

/**
 * Splits one sweep into parts the server accepts: each part, sent as its own batch, makes the server write at
 * most `maxSamples` samples. A complete sweep of a big block becomes complete parts over consecutive address
 * ranges of at most `maxSamples` addresses (every address in a part's range was probed, so a known host inside it
 * that did not answer was silent, whatever the probe knows of the hosts). An incomplete sweep is cut into parts of
 * at most `maxSamples` listed addresses.
 */
export function splitSweep(sweep: SweepResult, cidr: Cidr, maxSamples = MAX_FRAME_SAMPLES): SweepResult[] {
  return sweep.complete ? splitByRange(sweep, cidr, maxSamples) : splitByEntries(sweep, maxSamples);
}

function splitByRange(sweep: SweepResult, cidr: Cidr, max: number): SweepResult[] {
  let { first, last } = usableRange(cidr);
  if (sweep.range) [first, last] = sweep.range.map((t) => parseIp(t).value) as [bigint, bigint];
  if (last - first + 1n <= BigInt(max)) return [sweep];
  const answers = sweep.up.map((u) => ({ ...u, value: parseIp(u.ip).value })).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const parts: SweepResult[] = [];
  let i = 0;
  for (let lo = first; lo <= last; lo += BigInt(max)) {
    const hi = lo + BigInt(max) - 1n < last ? lo + BigInt(max) - 1n : last;
    while (i < answers.length && answers[i]!.value < lo) i++;
    const up: SweepResult['up'] = [];
    let previous = -1n;
    for (; i < answers.length && answers[i]!.value <= hi; i++) {
      const { value, ...answer } = answers[i]!;
      if (value !== previous) up.push(answer); // an address listed twice goes once (with its MAC, if any)
      previous = value;
    }
    parts.push({ ...sweep, up, down: [], range: [formatIp(lo, cidr.family), formatIp(hi, cidr.family)] });
  }
  return parts;
}

function splitByEntries(sweep: SweepResult, max: number): SweepResult[] {
  if (sweep.up.length + sweep.down.length <= max) return [sweep];
  const parts: SweepResult[] = [];
  for (let i = 0; i < sweep.up.length; i += max) parts.push({ ...sweep, up: sweep.up.slice(i, i + max), down: [] });
  // the last part of answers takes silent addresses up to the limit, the rest get parts of their own
  const last = parts.at(-1);
  let d = 0;
  if (last && last.up.length < max) last.down = sweep.down.slice(0, (d = max - last.up.length));
  for (; d < sweep.down.length; d += max) parts.push({ ...sweep, up: [], down: sweep.down.slice(d, d + max) });
  return parts;
}
