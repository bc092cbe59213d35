/**
 * IPFIX (RFC 7011 §3.1): a 16-byte header whose length frames the message, then sets. Templates are scoped by the
 * exporter's address and UDP port and the observation domain (§8.4); the sequence number counts data records.
 */
import { u16, u32 } from './bytes.js';
import { domainKey, IPFIX } from './exporter.js';
import { decodeSets, type SetContext } from './sets.js';

export const IPFIX_HEADER = 16;

export function decodeIpfix(b: Uint8Array, length: number, port: number, arrivalMs: number, c: SetContext): void {
  const { ex } = c;
  if (length < IPFIX_HEADER) return ex.drop('truncated');
  const messageLength = u16(b, 2);
  if (messageLength < IPFIX_HEADER) return ex.drop('bad_length');
  if (messageLength > length) return ex.drop('truncated');
  const d = ex.domain(domainKey(IPFIX, port, u32(b, 12)), arrivalMs);
  if (!d) return ex.drop('bad_template');
  const secs = u32(b, 4);
  const seq = u32(b, 8);
  const gap = d.sequence.check(seq);
  c.d = d;
  c.time = { exportMs: secs > 0 ? secs * 1000 : arrivalMs, uptimeMs: 0, hasUptime: false, arrivalMs };
  // the sequence number counts the data records before this message, so the next one is known only after decoding
  const { records, complete } = decodeSets(b, IPFIX_HEADER, messageLength, true, c);
  if (gap >= 0) {
    ex.sequenceGaps += gap;
    d.sequence.advance(seq, records, complete);
  }
}
