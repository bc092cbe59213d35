/**
 * NetFlow v5: a 24-byte header and up to `count` 48-byte IPv4 records (Cisco's NetFlow Export Datagram Format).
 * The header's flow_sequence counts flows; its sampling_interval holds the mode in the top 2 bits and the
 * interval in the low 14.
 */
import type { Ipv4Names } from './addresses.js';
import { u16, u32 } from './bytes.js';
import { HAS_PORTS } from './fields.js';
import { domainKey, type Exporter, V5 } from './exporter.js';
import type { FlowRecord } from './types.js';

export const V5_HEADER = 24;
export const V5_RECORD = 48;

export function decodeV5(b: Uint8Array, length: number, ex: Exporter, arrivalMs: number, names: Ipv4Names, out: FlowRecord[]): void {
  if (length < V5_HEADER) return ex.drop('truncated');
  const count = u16(b, 2);
  if (V5_HEADER + count * V5_RECORD > length) return ex.drop('truncated');
  const d = ex.domain(domainKey(V5, 0, u16(b, 20)), arrivalMs);
  if (!d) return ex.drop('bad_template');
  const uptime = u32(b, 4);
  const secs = u32(b, 8);
  const exportMs = secs > 0 ? secs * 1000 + Math.floor(u32(b, 12) / 1e6) : arrivalMs;
  const seq = u32(b, 16);
  const gap = d.sequence.check(seq);
  if (gap >= 0) {
    ex.sequenceGaps += gap;
    d.sequence.advance(seq, count, true);
  }
  const interval = u16(b, 22) & 0x3fff;
  const rate = ex.override || (interval > 1 ? interval : 1);
  ex.lastRate = rate;
  for (let i = 0, p = V5_HEADER; i < count; i++, p += V5_RECORD) {
    const protocol = b[p + 38]!;
    const ports = HAS_PORTS[protocol] === 1;
    // FIRST/LAST are sysUptime ms: the signed 32-bit distance back from the uptime at export handles its wrap
    const endMs = exportMs - ((uptime - u32(b, p + 28)) | 0);
    const startMs = Math.min(exportMs - ((uptime - u32(b, p + 24)) | 0), endMs);
    out.push({
      exporter: ex.address,
      family: 4,
      src: names.text(b, p),
      dst: names.text(b, p + 4),
      srcPort: ports ? u16(b, p + 32) : 0,
      dstPort: ports ? u16(b, p + 34) : 0,
      protocol,
      bytes: rate === 1 ? u32(b, p + 20) : Math.min(u32(b, p + 20) * rate, Number.MAX_SAFE_INTEGER),
      packets: rate === 1 ? u32(b, p + 16) : Math.min(u32(b, p + 16) * rate, Number.MAX_SAFE_INTEGER),
      startMs,
      endMs,
    });
  }
  ex.flows += count;
}
