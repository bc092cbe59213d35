/**
 * readTemplateSet on its own: which template records compile (learn) and which are recognised as an unchanged
 * resend of the stored template (refresh, nothing compiled), per NetFlow v9 and IPFIX.
 */
import { describe, expect, it } from 'vitest';
import { u16 } from './bytes.js';
import { buildIpfix, buildV9, type SetDef, type TemplateDef, VARIABLE } from './test-packets.js';
import { MAX_KEPT_RECORD, readTemplateSet, type Template, type TemplateSink } from './templates.js';

const A: TemplateDef = { id: 300, fields: [{ id: 8, length: 4 }, { id: 12, length: 4 }, { id: 1, length: 4 }, { id: 2, length: 4 }] };
const B: TemplateDef = { id: 300, fields: [{ id: 12, length: 4 }, { id: 8, length: 4 }, { id: 2, length: 2 }, { id: 1, length: 4 }] };
const OPT: TemplateDef = { id: 300, scopeCount: 1, fields: [{ id: 1, length: 4 }, { id: 34, length: 4 }] };
const VAR: TemplateDef = { id: 310, fields: [{ id: 8, length: 4 }, { id: 12, length: 4 }, { id: 1, length: 4 }, { id: 82, length: VARIABLE }] };
/** A record longer than MAX_KEPT_RECORD: src, dst, then enough skipped fields. */
const LONG: TemplateDef = { id: 320, fields: [{ id: 8, length: 4 }, { id: 12, length: 4 }, ...Array.from({ length: MAX_KEPT_RECORD / 4 }, () => ({ id: 5, length: 1 }))] };

type Version = 9 | 10;
interface Sent {
  templates: TemplateDef[];
  options?: boolean;
}
interface Case {
  name: string;
  versions?: Version[];
  sends: Sent[];
  /** Per send, per record: 'learn' (compiled) or 'refresh' (recognised unchanged). */
  want: string[][];
}

const CASES: Case[] = [
  { name: 'an unchanged resend is only refreshed', sends: [{ templates: [A] }, { templates: [A] }, { templates: [A] }], want: [['learn'], ['refresh'], ['refresh']] },
  { name: 'a changed layout under the same id compiles again', sends: [{ templates: [A] }, { templates: [B] }, { templates: [B] }, { templates: [A] }], want: [['learn'], ['learn'], ['refresh'], ['learn']] },
  { name: 'several templates in one set, one of them changed', sends: [{ templates: [A, { ...A, id: 301 }] }, { templates: [A, { ...B, id: 301 }] }], want: [['learn', 'learn'], ['refresh', 'learn']] },
  { name: 'an options template resent unchanged is refreshed', sends: [{ templates: [OPT], options: true }, { templates: [OPT], options: true }], want: [['learn'], ['refresh']] },
  { name: 'an options template differing in its last byte only compiles (a record not a multiple of 4 bytes)', sends: [{ templates: [OPT], options: true }, { templates: [{ ...OPT, fields: [OPT.fields[0]!, { id: 34, length: 2 }] }], options: true }, { templates: [{ ...OPT, fields: [OPT.fields[0]!, { id: 34, length: 2 }] }], options: true }], want: [['learn'], ['learn'], ['refresh']] },
  { name: 'an options template replacing a template of the same id compiles', sends: [{ templates: [A] }, { templates: [OPT], options: true }, { templates: [A] }], want: [['learn'], ['learn'], ['learn']] },
  { name: 'IPFIX: a variable-length template resent unchanged is refreshed', versions: [10], sends: [{ templates: [VAR] }, { templates: [VAR] }], want: [['learn'], ['refresh']] },
  { name: 'a record longer than MAX_KEPT_RECORD keeps no copy: compiled every time', sends: [{ templates: [LONG] }, { templates: [LONG] }], want: [['learn'], ['learn']] },
];

/** The template set's body [start, end) in a packet holding just that set. */
function templateSet(v: Version, sent: Sent): { b: Uint8Array; start: number; end: number } {
  const set: SetDef = { kind: 'templates', templates: sent.templates, options: sent.options };
  const b = v === 9 ? buildV9({ sysUptime: 1, unixSecs: 1 }, [set]) : buildIpfix({ exportSecs: 1 }, [set]);
  const at = v === 9 ? 20 : 16;
  return { b, start: at + 4, end: at + u16(b, at + 2) };
}

describe('readTemplateSet: unchanged resends', () => {
  const runs = CASES.flatMap((c) => (c.versions ?? [9, 10]).map((v) => [`${v === 9 ? 'v9' : 'IPFIX'}: ${c.name}`, v, c] as const));
  it.each(runs)('%s', (_, v, c) => {
    const stored = new Map<number, Template>();
    const compiled: Template[] = [];
    let calls: string[] = [];
    const sink: TemplateSink = {
      known: (id) => stored.get(id),
      refresh(t, nowMs) {
        t.refreshedMs = nowMs;
        calls.push('refresh');
      },
      learn(t) {
        stored.set(t.id, t);
        compiled.push(t);
        calls.push('learn');
      },
      withdraw: () => calls.push('withdraw'),
      bad: () => calls.push('bad'),
    };
    const got = c.sends.map((sent, i) => {
      calls = [];
      const { b, start, end } = templateSet(v, sent);
      readTemplateSet(b, start, end, v === 10, sent.options ?? false, 1000 * (i + 1), sink);
      return calls;
    });
    expect(got).toEqual(c.want);
    // a refresh restarts the stored template's lifetime: each id's template carries the last send's time
    const last = new Map<number, number>();
    c.sends.forEach((s, i) => s.templates.forEach((t) => last.set(t.id, 1000 * (i + 1))));
    for (const [id, t] of stored) expect(t.refreshedMs).toBe(last.get(id));
    // at most MAX_KEPT_RECORD bytes kept per template
    for (const t of compiled) expect(t.record === null ? t.recordLength > MAX_KEPT_RECORD : t.record.byteLength <= MAX_KEPT_RECORD).toBe(true);
  });
});
