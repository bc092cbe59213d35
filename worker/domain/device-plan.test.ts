import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../schema/ip/cidr.js';
import type { SweepResult } from '../../schema/protocol.js';
import { identityOf, macSightings, planDevices, type MacSighting, type StoredIdentity } from './device-plan.js';

const A = '00:0c:29:aa:aa:aa';
const B = '00:50:56:bb:bb:bb';
const R = '02:11:22:33:44:55'; // locally administered
const T0 = 1_000_000;
const T1 = 2_000_000;
const T2 = 3_000_000;
const T3 = 4_000_000;
const id = (mac: string, vendor: string | null = mac === A ? 'VMware' : mac === B ? 'VMware B' : null) => identityOf(mac, vendor);
const seen = (at: number, mac: string | null): MacSighting => ({ at, mac, vendor: mac ? id(mac).vendor : null });
const stored = (mac: string | null, lastSeenAt: number | null = T0): StoredIdentity => ({ current: mac ? id(mac) : null, lastSeenAt });
const plan1 = (sightings: MacSighting[], s: StoredIdentity | undefined, room = 1000) => planDevices(new Map([['x', sightings]]), () => s, room);
const rows = (p: ReturnType<typeof planDevices>) => p.devices.map((d) => `${d.mac.slice(-2)} ${d.firstSeenAt / 1e6 - 1}-${d.lastSeenAt / 1e6 - 1}${d.current ? ' current' : ''}`);
const changes = (p: ReturnType<typeof planDevices>) => p.changes.map((c) => `${c.from?.mac.slice(-2) ?? '-'}>${c.to.mac.slice(-2)}@${c.at / 1e6 - 1}`);

describe('identityOf', () => {
  it.each([
    [A, 'VMware', { mac: A, vendor: 'VMware', random: false }],
    [A, undefined, { mac: A, vendor: null, random: false }],
    [R, 'Guess Inc', { mac: R, vendor: null, random: true }],
  ])('%s / %s', (mac, vendor, want) => expect(identityOf(mac, vendor)).toEqual(want));
});

describe('planDevices', () => {
  it.each<[string, MacSighting[], StoredIdentity | undefined, string[], string[], string | null]>([
    ['a new host with a MAC: one device row, a first-MAC change', [seen(T1, A)], undefined, ['aa 1-1 current'], ['->aa@1'], A],
    ['a known host gets its first MAC', [seen(T1, A)], stored(null), ['aa 1-1 current'], ['->aa@1'], A],
    ['the same MAC again: nothing', [seen(T1, A), seen(T2, A)], stored(A), [], [], null],
    ['an answer without a MAC keeps the stored one', [seen(T1, null), seen(T2, A)], stored(A), [], [], null],
    ['a different MAC: the old row closes at the previous answer, the new opens', [seen(T1, B)], stored(A, T0), ['aa 0-0', 'bb 1-1 current'], ['aa>bb@1'], B],
    ['a MAC-less answer before the change moves the old row\'s last seen', [seen(T1, null), seen(T2, B)], stored(A, T0), ['aa 1-1', 'bb 2-2 current'], ['aa>bb@2'], B],
    ['back and forth in one batch: two changes, rows merged', [seen(T1, B), seen(T2, A)], stored(A, T0), ['aa 0-2 current', 'bb 1-1'], ['aa>bb@1', 'bb>aa@2'], A],
    ['two changes in a row', [seen(T1, B), seen(T2, B), seen(T3, R)], stored(A, T0), ['aa 0-0', 'bb 1-2', '55 3-3 current'], ['aa>bb@1', 'bb>55@3'], R],
  ])('%s', (_name, sightings, s, wantRows, wantChanges, mac) => {
    const p = plan1(sightings, s);
    expect(rows(p)).toEqual(wantRows);
    expect(changes(p)).toEqual(wantChanges);
    expect(p.hosts.map((h) => h.identity.mac)).toEqual(mac ? [mac] : []);
    expect(p.deferred).toEqual([]);
  });

  it('a randomised MAC is recorded as such, without a vendor', () => {
    const p = plan1([{ at: T1, mac: R, vendor: 'Made Up' }], stored(A));
    expect(p.hosts[0]!.identity).toEqual({ mac: R, vendor: null, random: true });
    expect(p.changes[0]).toMatchObject({ from: { mac: A, vendor: 'VMware', random: false }, to: { mac: R, vendor: null, random: true } });
  });

  it('without room: changes of known hosts first, a host that does not fit is deferred whole', () => {
    const sightings = new Map<string, MacSighting[]>([
      ['new', [seen(T1, A)]],
      ['changed', [seen(T1, B)]],
      ['also-new', [seen(T1, B)]],
    ]);
    const s = (ip: string) => (ip === 'changed' ? stored(A) : undefined);
    const p = planDevices(sightings, s, 3);
    expect(p.hosts.map((h) => h.ip)).toEqual(['changed', 'new']);
    expect(p.devices).toHaveLength(3);
    expect(p.deferred).toEqual(['also-new']);
    expect(planDevices(sightings, s, 1).deferred).toEqual(['changed', 'also-new']);
  });
});

describe('macSightings', () => {
  const cidr = parseCidr('198.18.0.0/24');
  const sweep = (at: number, up: SweepResult['up'], range?: [string, string]): SweepResult => ({ subnetId: 1, at, durationMs: 1, complete: true, up, down: [], ...(range ? { range } : {}) });

  it('keeps addresses that carried a MAC, in time order, with their MAC-less answers', () => {
    const got = macSightings(cidr, [
      sweep(T2, [{ ip: '198.18.0.5', latencyMs: 1 }, { ip: '198.18.0.6', latencyMs: 1 }]),
      sweep(T1, [{ ip: '198.18.0.5', latencyMs: 1, mac: A, vendor: 'VMware' }, { ip: '198.18.0.7', latencyMs: 1 }]),
    ]);
    expect([...got]).toEqual([['198.18.0.5', [{ at: T1, mac: A, vendor: 'VMware' }, { at: T2, mac: null, vendor: null }]]]);
  });

  it('ignores what planIngest ignores, and MACs no host has', () => {
    const got = macSightings(cidr, [
      sweep(T1, [
        { ip: '198.18.0.0', latencyMs: 1, mac: A }, // network address
        { ip: '198.18.1.9', latencyMs: 1, mac: A }, // outside the subnet
        { ip: '198.18.0.9', latencyMs: 1, mac: A }, // outside the range
        { ip: '198.18.0.3', latencyMs: 1, mac: '01:00:5e:00:00:01' }, // multicast
        { ip: '198.18.0.4', latencyMs: 1, mac: '00:00:00:00:00:00' },
        { ip: '198.18.0.2', latencyMs: 1, mac: R, vendor: null },
      ], ['198.18.0.1', '198.18.0.8']),
    ]);
    expect([...got.keys()]).toEqual(['198.18.0.2']);
  });
});
