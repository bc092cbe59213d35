/**
 * The sets of a v9 export packet (flowsets 0 template, 1 options template, ≥256 data; RFC 3954 §5) or an IPFIX
 * message (sets 2, 3, ≥256; RFC 7011 §3.3). Data for a template not known yet is held for it; a template
 * arriving releases what was held for it, decoded into the same call's output.
 */
import { u16 } from './bytes.js';
import type { DecoderOptions } from './decoder.js';
import type { Domain, Exporter, PacketTime } from './exporter.js';
import { decodeRecords, type Scratch } from './records.js';
import { readTemplateSet, type Template, type TemplateSink } from './templates.js';
import type { FlowRecord } from './types.js';

/** The decoder's per-packet context (one object, reused): the exporter, the packet's domain and clock, the output. */
export class SetContext {
  ex!: Exporter;
  d!: Domain;
  time!: PacketTime;
  out: FlowRecord[] = [];

  constructor(
    readonly opts: DecoderOptions,
    readonly scratch: Scratch,
  ) {}
}

export interface SetsResult {
  /** Data records decoded (flows and options records). */
  records: number;
  /** False when some data could not be counted (held for its template, or unreadable). */
  complete: boolean;
}

function sink(c: SetContext): TemplateSink {
  const { ex, d } = c;
  return {
    learn(t: Template) {
      if (!ex.learn(d, t)) return ex.drop('bad_template');
      for (const h of ex.release(d, t.id, c.time.arrivalMs, c.opts.pendingMaxAgeMs)) {
        decodeRecords(h.bytes, 0, h.bytes.length, t, ex, d, h.time, c.scratch, c.out);
      }
    },
    withdraw(id: number, options: boolean) {
      if (id < 256) ex.forgetAll(d, options);
      else ex.forget(d, id);
    },
    bad() {
      ex.drop('bad_template');
    },
  };
}

/** Walks the sets in [start, end). A set whose length is impossible ends the packet: nothing after it can be framed. */
export function decodeSets(b: Uint8Array, start: number, end: number, ipfix: boolean, c: SetContext): SetsResult {
  const templateSet = ipfix ? 2 : 0;
  const optionsSet = ipfix ? 3 : 1;
  let records = 0;
  let complete = true;
  let p = start;
  while (end - p >= 4) {
    const id = u16(b, p);
    const length = u16(b, p + 2);
    if (length < 4) {
      c.ex.drop('bad_length');
      return { records, complete: false };
    }
    if (length > end - p) {
      c.ex.drop('truncated');
      return { records, complete: false };
    }
    const body = p + 4;
    const setEnd = p + length;
    if (id >= 256) {
      const t = c.ex.template(c.d, id, c.time.arrivalMs, c.opts.templateLifetimeMs);
      if (t) records += decodeRecords(b, body, setEnd, t, c.ex, c.d, c.time, c.scratch, c.out);
      else {
        if (setEnd > body) c.ex.hold(c.d, id, b, body, setEnd, c.time, c.opts);
        complete = false;
      }
    } else if (id === templateSet || id === optionsSet) {
      readTemplateSet(b, body, setEnd, ipfix, id === optionsSet, c.time.arrivalMs, sink(c));
    } else {
      c.ex.drop('bad_set');
    }
    p = setEnd;
  }
  return { records, complete };
}
