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

/** The decoder's per-packet context (one object, reused): the exporter, the packet's domain and clock, the output; the sink of its template sets. */
export class SetContext implements TemplateSink {
  ex!: Exporter;
  d!: Domain;
  time!: PacketTime;
  out: FlowRecord[] = [];

  constructor(
    readonly opts: DecoderOptions,
    readonly scratch: Scratch,
  ) {}

  known(id: number): Template | undefined {
    return this.d.templates.get(id);
  }

  refresh(t: Template, nowMs: number): void {
    t.refreshedMs = nowMs;
    // nothing is held for a stored template (data waits only while its template is missing); released all the same
    if (this.ex.held.length > 0) this.releaseFor(t);
  }

  learn(t: Template): void {
    if (!this.ex.learn(this.d, t)) return this.ex.drop('bad_template');
    this.releaseFor(t);
  }

  withdraw(id: number, options: boolean): void {
    if (id < 256) this.ex.forgetAll(this.d, options);
    else this.ex.forget(this.d, id);
  }

  bad(): void {
    this.ex.drop('bad_template');
  }

  private releaseFor(t: Template): void {
    const { ex, d } = this;
    for (const h of ex.release(d, t.id, this.time.arrivalMs, this.opts.pendingMaxAgeMs)) {
      decodeRecords(h.bytes, 0, h.bytes.length, t, ex, d, h.time, this.scratch, this.out);
    }
  }
}

export interface SetsResult {
  /** Data records decoded (flows and options records). */
  records: number;
  /** False when some data could not be counted (held for its template, or unreadable). */
  complete: boolean;
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
      readTemplateSet(b, body, setEnd, ipfix, id === optionsSet, c.time.arrivalMs, c);
    } else {
      c.ex.drop('bad_set');
    }
    p = setEnd;
  }
  return { records, complete };
}
