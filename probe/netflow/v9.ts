/** NetFlow v9 (RFC 3954 §5.1): a 20-byte header, then flowsets; the sequence number counts export packets per source id. */
import { u32 } from './bytes.js';
import { domainKey, V9 } from './exporter.js';
import { decodeSets, type SetContext } from './sets.js';

export const V9_HEADER = 20;

/** The packet's domain is its exporter's source id. */
export function decodeV9(b: Uint8Array, length: number, arrivalMs: number, c: SetContext): void {
  const { ex } = c;
  if (length < V9_HEADER) return ex.drop('truncated');
  const d = ex.domain(domainKey(V9, 0, u32(b, 16)), arrivalMs);
  if (!d) return ex.drop('bad_template');
  const secs = u32(b, 8);
  const seq = u32(b, 12);
  const gap = d.sequence.check(seq);
  if (gap >= 0) {
    ex.sequenceGaps += gap;
    d.sequence.advance(seq, 1, true);
  }
  c.d = d;
  c.time = { exportMs: secs > 0 ? secs * 1000 : arrivalMs, uptimeMs: u32(b, 4), hasUptime: true, arrivalMs };
  decodeSets(b, V9_HEADER, length, false, c);
}
