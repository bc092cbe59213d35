/**
 * Data records of one data set, read through their compiled template: flow records become FlowRecords (sampling
 * applied, times in UTC ms); options records (and address-less data records) update the domain's sampling rate and
 * init time. The hot path: no allocation but the FlowRecord and its address strings.
 */
import { Ipv4Names, ipv6Text } from './addresses.js';
import { allZero, u16, u32, uint } from './bytes.js';
import { HAS_PORTS, M, MEANINGS } from './fields.js';
import { type Domain, type Exporter, MAX_RATE, type PacketTime } from './exporter.js';
import { type Template, VARIABLE } from './templates.js';
import type { FlowRecord } from './types.js';

const NTP_EPOCH_S = 2_208_988_800; // 1900-01-01 to 1970-01-01
const TWO32 = 4294967296;

/** Per-decoder working state: the offsets of a variable-length record, the IPv4 texts. */
export interface Scratch {
  off: Int32Array;
  len: Int32Array;
  names: Ipv4Names;
}

export function newScratch(): Scratch {
  return { off: new Int32Array(MEANINGS), len: new Int32Array(MEANINGS), names: new Ipv4Names() };
}

/** NTP timestamp (RFC 7011 §6.1.9/§6.1.10) → ms; seconds with the top bit clear are read as era 1 (after 2036). */
function ntpMs(b: Uint8Array, o: number): number {
  const s = u32(b, o);
  if (s === 0) return NaN;
  const seconds = s < 0x80000000 ? s + TWO32 : s;
  return (seconds - NTP_EPOCH_S) * 1000 + Math.round(u32(b, o + 4) / 4294967.296);
}

/**
 * A flow time field → UTC ms (NaN: absent or zero). Uptime-relative values count back from the export time by the
 * signed 32-bit distance to the uptime at export, so a flow that started before the exporter's uptime wrapped (a
 * value just below 2^32 with a small uptime) is a few ms old, not 49 days in the future.
 */
function timeOf(m: number, b: Uint8Array, o: number, l: number, time: PacketTime, initMs: number): number {
  switch (m) {
    case M.START_MS:
    case M.END_MS: {
      const v = uint(b, o, l);
      return v > 0 ? v : NaN;
    }
    case M.START_S:
    case M.END_S: {
      const v = u32(b, o);
      return v > 0 ? v * 1000 : NaN;
    }
    case M.START_US:
    case M.END_US:
    case M.START_NS:
    case M.END_NS:
      return ntpMs(b, o);
    case M.START_DELTA_US:
    case M.END_DELTA_US:
      return time.exportMs - Math.floor(uint(b, o, l) / 1000);
    case M.FIRST_UPTIME:
    case M.LAST_UPTIME: {
      const v = uint(b, o, l);
      if (time.hasUptime) return time.exportMs - ((time.uptimeMs - v) | 0);
      if (Number.isNaN(initMs)) return NaN;
      const up = time.exportMs - initMs;
      return up < 0 ? initMs + v : time.exportMs - (((up % TWO32) - v) | 0);
    }
    default:
      return NaN;
  }
}

/** The sampling rate an options (or flow) record states: 0 when it states none. */
function statedRate(b: Uint8Array, base: number, off: Int32Array, len: Int32Array): number {
  let rate = 0;
  const pi = off[M.PACKET_INTERVAL]!;
  if (pi >= 0) {
    const interval = uint(b, base + pi, len[M.PACKET_INTERVAL]!);
    const ps = off[M.PACKET_SPACE]!;
    if (interval > 0) rate = (interval + (ps >= 0 ? uint(b, base + ps, len[M.PACKET_SPACE]!) : 0)) / interval;
  }
  if (rate === 0) {
    const si = off[M.SAMPLING_INTERVAL]!;
    if (si >= 0) rate = uint(b, base + si, len[M.SAMPLING_INTERVAL]!);
  }
  if (rate === 0) {
    const ri = off[M.SAMPLER_RANDOM_INTERVAL]!;
    if (ri >= 0) rate = uint(b, base + ri, len[M.SAMPLER_RANDOM_INTERVAL]!);
  }
  return rate > 0 ? Math.min(Math.max(rate, 1), MAX_RATE) : 0;
}

function optionsRecord(b: Uint8Array, base: number, off: Int32Array, len: Int32Array, t: Template, d: Domain): void {
  if (t.sampling) {
    const rate = statedRate(b, base, off, len);
    if (rate > 0) d.rate = rate;
  }
  if (t.sysInit) {
    const init = uint(b, base + off[M.SYS_INIT_MS]!, len[M.SYS_INIT_MS]!);
    if (init > 0) d.sysInitMs = init;
  }
}

function scaled(v: number, rate: number): number {
  return Math.min(rate === 1 ? v : Math.round(v * rate), Number.MAX_SAFE_INTEGER);
}

function isZero(b: Uint8Array, o: number, n: number): boolean {
  return allZero(b, o, o + n);
}

function flowRecord(
  b: Uint8Array,
  base: number,
  off: Int32Array,
  len: Int32Array,
  t: Template,
  ex: Exporter,
  d: Domain,
  time: PacketTime,
  names: Ipv4Names,
  out: FlowRecord[],
): void {
  let v4 = t.family === 4;
  if (t.family === 10) v4 = !(isZero(b, base + off[M.SRC4]!, 4) && isZero(b, base + off[M.DST4]!, 4)) || (isZero(b, base + off[M.SRC6]!, 16) && isZero(b, base + off[M.DST6]!, 16));
  const src = v4 ? names.text(b, base + off[M.SRC4]!) : ipv6Text(b, base + off[M.SRC6]!);
  const dst = v4 ? names.text(b, base + off[M.DST4]!) : ipv6Text(b, base + off[M.DST6]!);

  const po = off[M.PROTOCOL]!;
  const protocol = po >= 0 ? b[base + po]! : 0;
  let srcPort = 0;
  let dstPort = 0;
  if (HAS_PORTS[protocol]) {
    const so = off[M.SRC_PORT]!;
    const dp = off[M.DST_PORT]!;
    if (so >= 0) srcPort = len[M.SRC_PORT] === 2 ? u16(b, base + so) : b[base + so]!;
    if (dp >= 0) dstPort = len[M.DST_PORT] === 2 ? u16(b, base + dp) : b[base + dp]!;
  }

  let rate = ex.override;
  if (rate === 0) {
    rate = t.sampling ? statedRate(b, base, off, len) : 0;
    if (rate === 0) rate = d.rate || 1;
  }
  ex.lastRate = Math.round(rate);
  const bm = t.bytesM;
  const pm = t.packetsM;
  const bytes = bm >= 0 ? scaled(uint(b, base + off[bm]!, len[bm]!), rate) : 0;
  const packets = pm >= 0 ? scaled(uint(b, base + off[pm]!, len[pm]!), rate) : 0;

  const init = t.sysInit ? uint(b, base + off[M.SYS_INIT_MS]!, len[M.SYS_INIT_MS]!) || d.sysInitMs : d.sysInitMs;
  let startMs = t.startM >= 0 ? timeOf(t.startM, b, base + off[t.startM]!, len[t.startM]!, time, init) : NaN;
  let endMs = t.endM >= 0 ? timeOf(t.endM, b, base + off[t.endM]!, len[t.endM]!, time, init) : NaN;
  if (Number.isNaN(endMs)) endMs = Number.isNaN(startMs) ? time.arrivalMs : startMs;
  if (Number.isNaN(startMs) || startMs > endMs) startMs = endMs;

  ex.flows++;
  out.push({ exporter: ex.address, family: v4 ? 4 : 6, src, dst, srcPort, dstPort, protocol, bytes, packets, startMs, endMs });
}

/**
 * Decodes the records of the data set [start, end) with template `t`; returns how many records it held.
 * What is left after the last whole record is padding; a variable-length record running past the end is
 * counted bad_record (unless the rest is all zero padding) and ends the set.
 */
export function decodeRecords(b: Uint8Array, start: number, end: number, t: Template, ex: Exporter, d: Domain, time: PacketTime, scratch: Scratch, out: FlowRecord[]): number {
  const flows = t.family !== 0;
  let n = 0;
  const fixed = t.fixedLength;
  if (fixed > 0) {
    const { off, len } = t;
    for (let p = start; end - p >= fixed; p += fixed) {
      if (flows) flowRecord(b, p, off, len, t, ex, d, time, scratch.names, out);
      else optionsRecord(b, p, off, len, t, d);
      n++;
    }
    return n;
  }
  const stepLen = t.stepLen!;
  const stepMeaning = t.stepMeaning!;
  const { off, len } = scratch;
  let p = start;
  while (end - p >= t.minLength) {
    off.fill(-1);
    let q = p;
    let ok = true;
    for (let s = 0; s < stepLen.length; s++) {
      let l = stepLen[s]!;
      if (l === VARIABLE) {
        if (q >= end) {
          ok = false;
          break;
        }
        l = b[q++]!;
        if (l === 255) {
          if (end - q < 2) {
            ok = false;
            break;
          }
          l = u16(b, q);
          q += 2;
        }
      }
      if (end - q < l) {
        ok = false;
        break;
      }
      const m = stepMeaning[s]!;
      if (m >= 0) {
        off[m] = q;
        len[m] = l;
      }
      q += l;
    }
    if (!ok) {
      if (!allZero(b, p, end)) ex.drop('bad_record');
      break;
    }
    if (flows) flowRecord(b, 0, off, len, t, ex, d, time, scratch.names, out);
    else optionsRecord(b, 0, off, len, t, d);
    n++;
    p = q;
  }
  return n;
}
