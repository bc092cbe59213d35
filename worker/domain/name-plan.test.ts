import { describe, expect, it } from 'vitest';
import type { NameLookup } from '../../schema/kinds/names.js';
import { planName, type NamedHost } from './name-plan.js';

const T0 = 1_000;
const T1 = 2_000;
const host = (hostname: string | null, hostnameSource: NamedHost['hostnameSource'], ptrCheckedAt: number | null = T0): NamedHost => ({ hostname, hostnameSource, ptrCheckedAt });
const fwd = { addresses: ['198.18.0.5'], matches: true };
const found = (name: string | null, over: Partial<NameLookup> = {}): NameLookup => ({ ip: '198.18.0.5', name, ttlSeconds: 300, forward: name ? fwd : null, ...over });
const show = (w: ReturnType<typeof planName>) => (w === null ? 'stale' : w.kind === 'checked' ? 'checked' : `${w.ptrName} | ${w.hostname} (${w.hostnameSource})${w.renamed ? ' renamed' : ''}`);

describe('planName', () => {
  it.each<[string, NamedHost, NameLookup, number, string]>([
    ['no name yet: the PTR name becomes the hostname', host(null, null, null), found('NAS.Lab.Example.'), T1, 'nas.lab.example | nas.lab.example (ptr) renamed'],
    ['a name from an earlier lookup follows', host('old.lab', 'ptr'), found('new.lab'), T1, 'new.lab | new.lab (ptr) renamed'],
    ['a probe-given name (before 0.4) follows too', host('old.lab', 'probe'), found('new.lab'), T1, 'new.lab | new.lab (ptr) renamed'],
    ['the same name again: nothing renamed', host('nas.lab', 'ptr'), found('nas.lab'), T1, 'nas.lab | nas.lab (ptr)'],
    ['a manual name always wins; the PTR name is kept beside it', host('my-nas', 'manual'), found('nas.lab'), T1, 'nas.lab | my-nas (manual)'],
    ['an imported name is kept', host('imported', 'import'), found('nas.lab'), T1, 'nas.lab | imported (import)'],
    ['a name without a source counts as typed in', host('legacy', null), found('nas.lab'), T1, 'nas.lab | legacy (null)'],
    ['no PTR record: a PTR-given name goes', host('nas.lab', 'ptr'), found(null), T1, 'null | null (null) renamed'],
    ['no PTR record: a manual name stays', host('my-nas', 'manual'), found(null), T1, 'null | my-nas (manual)'],
    ['a failed lookup changes nothing but the time', host('nas.lab', 'ptr'), found(null, { error: 'SERVFAIL' }), T1, 'checked'],
    ['a PTR name that is not a hostname (a control character) is a failed lookup', host('nas.lab', 'ptr'), found('evil\u0007.lab'), T1, 'checked'],
    ['nor one with a bidi override or a space', host(null, null, null), found('gro.\u202elab test'), T1, 'checked'],
    ['a lookup older than the stored one is stale', host('nas.lab', 'ptr', T1), found('other'), T0, 'stale'],
    ['a lookup at the stored time is applied again', host('nas.lab', 'ptr', T1), found('nas.lab'), T1, 'nas.lab | nas.lab (ptr)'],
  ])('%s', (_name, h, lookup, at, want) => expect(show(planName(h, lookup, at))).toBe(want));

  it('keeps the forward check of a name, and none without one', () => {
    expect(planName(host(null, null), found('x.lab', { forward: { addresses: ['198.18.0.9'], matches: false } }), T1)).toMatchObject({ ptrForward: { addresses: ['198.18.0.9'], matches: false } });
    expect(planName(host(null, null), found(null, { forward: fwd }), T1)).toMatchObject({ ptrForward: null });
  });
});
