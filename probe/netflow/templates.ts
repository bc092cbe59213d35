/**
 * Template and options template records (RFC 3954 §5.2/§6.1, RFC 7011 §3.4), compiled once when learned into the
 * offsets of the fields the decoder reads, so a data record is a handful of direct reads.
 *
 * Nothing is allocated from a count the packet claims before that count is checked against the bytes present:
 * a template claiming 65,535 fields in a 100-byte set is rejected first; the per-template arrays have a constant
 * size (one slot per meaning) or, for variable-length templates, one slot per step actually read.
 */
import { allZero, u16 } from './bytes.js';
import { BYTES_PREFERENCE, END_PREFERENCE, M, MEANINGS, meaningOf, PACKETS_PREFERENCE, START_PREFERENCE } from './fields.js';

/** IPFIX field length announcing a variable-length field (RFC 7011 §7). */
export const VARIABLE = 65535;
/** No record longer than a UDP datagram can carry can ever be decoded. */
const MAX_RECORD = 65535;
/** Template records up to this long are kept (as words), so an unchanged resend is recognised without compiling (about the size of off + len). */
export const MAX_KEPT_RECORD = 512;

export interface Template {
  readonly id: number;
  readonly options: boolean;
  /** Bytes per record when every field has a fixed length; 0 when one is variable. */
  readonly fixedLength: number;
  /** The fewest bytes a record takes (a variable-length field counts its 1-byte length); at least 1. */
  readonly minLength: number;
  /** Fixed-length templates: each meaning's offset in a record (−1: absent) and its length. */
  readonly off: Int32Array;
  readonly len: Int32Array;
  /** Variable-length templates: the record's steps, each VARIABLE or a fixed run of `stepLen` bytes with a meaning (−1: skipped). */
  readonly stepLen: Int32Array | null;
  readonly stepMeaning: Int8Array | null;
  /** Address pairs present: 4, 6, both (10), or none (0: not a flow record; options-like). */
  readonly family: 0 | 4 | 6 | 10;
  /** Which meaning gives the octets, packets, start and end (−1: none). */
  readonly bytesM: number;
  readonly packetsM: number;
  readonly startM: number;
  readonly endM: number;
  /** The records carry a sampling interval / the exporter's init time. */
  readonly sampling: boolean;
  readonly sysInit: boolean;
  /** Memory units it holds, for the per-exporter budget: 1 + steps. */
  readonly cost: number;
  /**
   * The template record it was compiled from (header included) as big-endian 32-bit words, the last one zero-padded,
   * for comparing a resend 4 bytes at a time; null when longer than MAX_KEPT_RECORD.
   */
  readonly record: Int32Array | null;
  /** That record's length in bytes. */
  readonly recordLength: number;
  refreshedMs: number;
}

export interface TemplateSink {
  /** The template stored under `id` in this scope, if any. */
  known(id: number): Template | undefined;
  /** An unchanged resend of a stored template: only its lifetime restarts. */
  refresh(t: Template, nowMs: number): void;
  learn(t: Template): void;
  /** IPFIX withdrawal: one id, or 2 (all templates) / 3 (all options templates). */
  withdraw(id: number, options: boolean): void;
  /** One malformed template record. */
  bad(): void;
}

/** Whether the record at `p` is byte for byte the one the stored template `t` was compiled from (same set kind). */
function sameRecord(b: Uint8Array, p: number, end: number, options: boolean, t: Template | undefined): boolean {
  if (!t || !t.record || t.options !== options || t.recordLength > end - p) return false;
  const w = t.record;
  const whole = t.recordLength >> 2;
  let q = p;
  for (let i = 0; i < whole; i++, q += 4) if (((b[q]! << 24) | (b[q + 1]! << 16) | (b[q + 2]! << 8) | b[q + 3]!) !== w[i]) return false;
  for (let k = 0; q < p + t.recordLength; k++, q++) if (b[q] !== ((w[whole]! >>> (24 - 8 * k)) & 255)) return false;
  return true;
}

/** The record [start, end) as sameRecord compares it. */
function kept(b: Uint8Array, start: number, end: number): { record: Int32Array | null; recordLength: number } {
  const n = end - start;
  if (n > MAX_KEPT_RECORD) return { record: null, recordLength: n };
  const record = new Int32Array((n + 3) >> 2);
  for (let i = 0; i < n; i++) record[i >> 2]! |= b[start + i]! << (24 - 8 * (i & 3));
  return { record, recordLength: n };
}

function firstPresent(present: Uint8Array, order: readonly number[]): number {
  for (const m of order) if (present[m]) return m;
  return -1;
}

/**
 * Compiles the `count` field specifiers at `start`; null when they overrun `end` or describe no decodable record.
 * `next` is where the record ends (−1: overran, the rest of the set cannot be read).
 */
function compile(
  b: Uint8Array,
  recordStart: number,
  start: number,
  end: number,
  ipfix: boolean,
  id: number,
  options: boolean,
  count: number,
  scopeCount: number,
  nowMs: number,
): { template: Template | null; next: number } {
  const off = new Int32Array(MEANINGS).fill(-1);
  const len = new Int32Array(MEANINGS);
  const present = new Uint8Array(MEANINGS);
  let q = start;
  let fixed = 0;
  let min = 0;
  let variable = false;
  let steps = 0;
  let skipRun = false;
  for (let i = 0; i < count; i++) {
    if (end - q < 4) return { template: null, next: -1 };
    const type = u16(b, q);
    const flen = u16(b, q + 2);
    q += 4;
    let enterprise = false;
    if (ipfix && type & 0x8000) {
      // the Private Enterprise Number follows; enterprise fields are skipped by their length
      if (end - q < 4) return { template: null, next: -1 };
      q += 4;
      enterprise = true;
    }
    if (ipfix && flen === VARIABLE) {
      variable = true;
      min += 1;
      steps++;
      skipRun = false;
      continue;
    }
    const m = enterprise || i < scopeCount ? -1 : meaningOf(type, flen);
    if (m >= 0 && !present[m]) {
      present[m] = 1;
      if (!variable) {
        off[m] = fixed;
        len[m] = flen;
      }
      steps++;
      skipRun = false;
    } else if (!skipRun) {
      steps++;
      skipRun = true;
    }
    fixed += flen;
    min += flen;
  }
  const next = q;
  if (id < 256 || min === 0 || min > MAX_RECORD || (!variable && fixed > MAX_RECORD)) return { template: null, next };

  let stepLen: Int32Array | null = null;
  let stepMeaning: Int8Array | null = null;
  if (variable) {
    // second walk over the same, already checked specifiers: the steps of a record
    stepLen = new Int32Array(steps);
    stepMeaning = new Int8Array(steps);
    const seen = new Uint8Array(MEANINGS);
    let s = -1;
    skipRun = false;
    q = start;
    for (let i = 0; i < count; i++) {
      const type = u16(b, q);
      const flen = u16(b, q + 2);
      q += 4;
      const enterprise = (type & 0x8000) !== 0;
      if (enterprise) q += 4;
      if (flen === VARIABLE) {
        stepLen[++s] = VARIABLE;
        stepMeaning[s] = -1;
        skipRun = false;
        continue;
      }
      const m = enterprise || i < scopeCount ? -1 : meaningOf(type, flen);
      if (m >= 0 && !seen[m]) {
        seen[m] = 1;
        stepLen[++s] = flen;
        stepMeaning[s] = m;
        skipRun = false;
      } else if (skipRun) stepLen[s]! += flen;
      else {
        stepLen[++s] = flen;
        stepMeaning[s] = -1;
        skipRun = true;
      }
    }
  }

  const v4 = present[M.SRC4] && present[M.DST4];
  const v6 = present[M.SRC6] && present[M.DST6];
  return {
    next,
    template: {
      id,
      options,
      fixedLength: variable ? 0 : fixed,
      minLength: min,
      off,
      len,
      stepLen,
      stepMeaning,
      family: options ? 0 : v4 && v6 ? 10 : v4 ? 4 : v6 ? 6 : 0,
      bytesM: firstPresent(present, BYTES_PREFERENCE),
      packetsM: firstPresent(present, PACKETS_PREFERENCE),
      startM: firstPresent(present, START_PREFERENCE),
      endM: firstPresent(present, END_PREFERENCE),
      sampling: !!(present[M.SAMPLING_INTERVAL] || present[M.SAMPLER_RANDOM_INTERVAL] || present[M.PACKET_INTERVAL]),
      sysInit: !!present[M.SYS_INIT_MS],
      cost: 1 + (variable ? steps : 0),
      ...kept(b, recordStart, next),
      refreshedMs: nowMs,
    },
  };
}

/**
 * Reads every template record of one template set (v9 flowset 0/1, IPFIX set 2/3) in [start, end).
 * A malformed record stops the set: its length is what tells where the next one begins.
 */
export function readTemplateSet(b: Uint8Array, start: number, end: number, ipfix: boolean, options: boolean, nowMs: number, sink: TemplateSink): void {
  let p = start;
  while (end - p >= 4) {
    const id = u16(b, p);
    const count = u16(b, p + 2);
    let header = 4;
    let fields = count;
    let scope = 0;
    if (ipfix && count === 0) {
      if (id >= 256 || id === (options ? 3 : 2)) sink.withdraw(id, options);
      else if (allZero(b, p, end)) return; // padding
      else sink.bad();
      p += 4;
      continue;
    }
    if (options) {
      if (end - p < 6) {
        if (!allZero(b, p, end)) sink.bad();
        return;
      }
      header = 6;
      if (ipfix) {
        scope = u16(b, p + 4);
        if (scope > count) return sink.bad();
      } else {
        // v9: scope and option lengths in bytes (4 per field specifier)
        const scopeBytes = count;
        const optionBytes = u16(b, p + 4);
        if (scopeBytes % 4 !== 0 || optionBytes % 4 !== 0) return sink.bad();
        scope = scopeBytes / 4;
        fields = (scopeBytes + optionBytes) / 4;
      }
    }
    if (fields === 0) {
      if (id === 0 && allZero(b, p, end)) return; // padding
      sink.bad();
      p += header;
      continue;
    }
    // the claim is checked before anything is allocated for it
    if (fields * 4 > end - p - header) return sink.bad();
    // the same bytes compile to the same template: exporters resend theirs unchanged every few packets
    const known = sink.known(id);
    if (sameRecord(b, p, end, options, known)) {
      sink.refresh(known!, nowMs);
      p += known!.recordLength;
      continue;
    }
    const { template, next } = compile(b, p, p + header, end, ipfix, id, options, fields, scope, nowMs);
    if (next < 0) return sink.bad();
    if (template) sink.learn(template);
    else sink.bad();
    p = next;
  }
}
