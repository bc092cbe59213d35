import { describe, expect, it } from 'vitest';
import type { AddressCheckOutcome } from '../../schema/kinds/address-check.js';
import {
  allocationAnswer,
  claimSize,
  claimTtlMs,
  discoveredHost,
  expiryAction,
  isTaken,
  MAX_ROUNDS,
  neverHandedOut,
  orderCandidates,
  probeJobTimeoutMs,
  sortRound,
  type Candidate,
  type ExpiringReservation,
} from './allocation-plan.js';

const free = (ip: string): Candidate => ({ ip, ipKey: ip, previouslyUsed: null });
const used = (ip: string, hostId: number): Candidate => ({ ip, ipKey: ip, previouslyUsed: { hostId, lastSeenAt: '2026-11-01T00:00:00.000Z', hostname: `old-${hostId}`, mac: null } });
const ips = (cs: readonly { ip: string }[]) => cs.map((c) => c.ip);
const clean = (ip: string): AddressCheckOutcome => ({ ip, alive: false, signs: [] });
const alive = (ip: string, ...checks: ('icmp' | 'tcp' | 'neighbour' | 'ptr')[]): AddressCheckOutcome => ({ ip, alive: true, signs: checks.map((check) => ({ check, detail: check })) });

describe('neverHandedOut: the gateway, and the IPv6 Subnet-Router anycast address', () => {
  it.each([
    ['198.18.248.0/24', null, []],
    ['198.18.248.0/24', '198.18.248.1', ['198.18.248.1']],
    ['fd00:248::/120', null, ['fd00:248::']],
    ['fd00:248::/64', 'FD00:248::0:1', ['fd00:248::1', 'fd00:248::']],
    ['fd00:248::/127', null, []], // a point-to-point link uses both (RFC 6164)
    ['fd00:248::1/128', null, []],
    ['198.18.248.0/24', 'not an address', []],
  ])('%s gateway %s → %j', (cidr, gateway, want) => expect(neverHandedOut(cidr, gateway)).toEqual(want));
});

describe('orderCandidates', () => {
  it.each([
    ['never used first, previously used last', [free('a'), free('b')], [used('c', 1)], [], 5, ['a', 'b', 'c']],
    ['the limit cuts from the end (previously used go first)', [free('a'), free('b')], [used('c', 1)], [], 2, ['a', 'b']],
    ['excluded ones (claimed, tried, the gateway) are left out', [free('a'), free('b')], [used('c', 1), used('d', 2)], ['a', 'c'], 5, ['b', 'd']],
    ['only previously used left', [], [used('c', 1), used('d', 2)], [], 1, ['c']],
    ['nothing left', [free('a')], [], ['a'], 3, []],
    ['an address in both lists once', [free('a')], [used('a', 1)], [], 3, ['a']],
  ])('%s', (_name, f, r, exclude, limit, want) => {
    expect(ips(orderCandidates(f, r, new Set(exclude), limit))).toEqual(want);
  });
});

describe('claimSize: count plus a margin, within one job', () => {
  it.each([
    [1, true, 3],
    [2, true, 4],
    [8, true, 10],
    [20, true, 25],
    [60, true, 64],
    [64, true, 64],
    [5, false, 5],
    [0, true, 0],
  ])('need %i (verify %s) claims %i', (need, verify, want) => {
    expect(claimSize(need, verify)).toBe(want);
  });
});

describe('time limits', () => {
  it.each([
    [10_000, 8_000],
    [60_000, 15_000],
    [1_500, 1_000],
    [500, 1_000],
  ])('the server waits %i ms: the probe gets %i ms', (wait, probe) => {
    expect(probeJobTimeoutMs(wait)).toBe(probe);
  });
  it('claims outlast every round of a request', () => {
    expect(claimTtlMs(10_000)).toBeGreaterThan(MAX_ROUNDS * 10_000);
  });
});

describe('isTaken: any sign at all', () => {
  it.each([
    ['no sign', clean('a'), false],
    ['an echo reply', alive('a', 'icmp'), true],
    ['a TCP answer only (drops ICMP)', alive('a', 'tcp'), true],
    ['a neighbour entry only', alive('a', 'neighbour'), true],
    ['a PTR name only (silent)', alive('a', 'ptr'), true],
    ['signs without the alive flag still count', { ip: 'a', alive: false, signs: [{ check: 'ptr' as const, detail: 'PTR x' }] }, true],
    ['the alive flag without signs counts', { ip: 'a', alive: true, signs: [] }, true],
  ])('%s', (_name, o, want) => {
    expect(isTaken(o)).toBe(want);
  });
});

describe('discoveredHost: the record from the signs', () => {
  it.each([
    ['icmp: up, its round trip', { ...alive('198.18.248.5', 'icmp'), rttMs: 0.4 }, { status: 'up', seen: true, latencyMs: 0.4, ptrName: null, mac: null }],
    ['tcp: up', alive('198.18.248.5', 'tcp'), { status: 'up', seen: true, latencyMs: null }],
    ['neighbour with a MAC: up, the MAC normalised', { ...alive('198.18.248.5', 'neighbour'), mac: '02-00-5E-10-00-01' }, { status: 'up', mac: '02:00:5e:10:00:01' }],
    ['PTR only: unknown (nothing answered), the name canonical', { ...alive('198.18.248.5', 'ptr'), ptrName: 'Printer.Lab.Example.' }, { status: 'unknown', seen: false, ptrName: 'printer.lab.example', latencyMs: null }],
    ['a PTR answer that is no hostname is dropped', { ...alive('198.18.248.5', 'ptr'), ptrName: 'not a name!' }, { ptrName: null }],
    ['a multicast or zero MAC is not a host’s', { ...alive('198.18.248.5', 'neighbour'), mac: '00:00:00:00:00:00' }, { mac: null }],
    ['an IPv6 address canonical', alive('FD00:248::0005', 'icmp'), { ip: 'fd00:248::5' }],
  ])('%s', (_name, o, want) => {
    expect(discoveredHost(o as AddressCheckOutcome)).toMatchObject(want);
  });
});

describe('sortRound', () => {
  const claimed = [free('198.18.248.1'), free('198.18.248.2'), free('198.18.248.3'), used('198.18.248.9', 7)];
  it.each([
    ['all clean, need 1: the first picked, the rest surplus', [clean('198.18.248.1'), clean('198.18.248.2'), clean('198.18.248.3'), clean('198.18.248.9')], 1, { picked: ['198.18.248.1'], skipped: [], unchecked: [], surplus: ['198.18.248.2', '198.18.248.3', '198.18.248.9'] }],
    ['alive ones skipped, the next clean picked', [alive('198.18.248.1', 'tcp'), alive('198.18.248.2', 'ptr'), clean('198.18.248.3'), clean('198.18.248.9')], 2, { picked: ['198.18.248.3', '198.18.248.9'], skipped: ['198.18.248.1', '198.18.248.2'], unchecked: [], surplus: [] }],
    ['an address the answer left out is unchecked, never picked', [clean('198.18.248.2'), clean('198.18.248.3')], 3, { picked: ['198.18.248.2', '198.18.248.3'], skipped: [], unchecked: ['198.18.248.1', '198.18.248.9'], surplus: [] }],
    ['outcomes matched by canonical address', [clean('198.18.248.1'), { ...clean('198.18.248.2'), ip: ' 198.18.248.2 ' }], 2, { picked: ['198.18.248.1', '198.18.248.2'], unchecked: ['198.18.248.3', '198.18.248.9'] }],
    ['not verified (null): every one clean', null, 2, { picked: ['198.18.248.1', '198.18.248.2'], skipped: [], unchecked: [], surplus: ['198.18.248.3', '198.18.248.9'] }],
  ])('%s', (_name, outcomes, need, want) => {
    const r = sortRound(claimed, outcomes, need);
    const view = { picked: ips(r.picked), skipped: r.skipped.map((s) => s.candidate.ip), unchecked: ips(r.unchecked), surplus: ips(r.surplus) };
    expect(view).toMatchObject(want);
  });
});

describe('allocationAnswer', () => {
  it('lists the picked in order with host id, hint and check; skipped as given', () => {
    const picked = [free('198.18.248.3'), used('198.18.248.9', 7)];
    // ICMP could not be sent there: the answer says so, the address is still the check's to clear
    const checks = new Map([['198.18.248.3', { at: '2026-11-26T12:00:00.000Z', signs: [], skipped: ['icmp' as const] }]]);
    const answer = allocationAnswer({ allocationId: 'x', subnetId: 4, verified: true }, picked, new Map([['198.18.248.3', 11], ['198.18.248.9', 7]]), checks, [{ ip: '198.18.248.1', signs: [], hostId: 12 }]);
    expect(answer).toEqual({
      allocationId: 'x',
      subnetId: 4,
      verified: true,
      addresses: [
        { ip: '198.18.248.3', hostId: 11, previouslyUsed: null, check: { at: '2026-11-26T12:00:00.000Z', signs: [], skipped: ['icmp'] } },
        { ip: '198.18.248.9', hostId: 7, previouslyUsed: used('198.18.248.9', 7).previouslyUsed, check: null },
      ],
      skipped: [{ ip: '198.18.248.1', signs: [], hostId: 12 }],
    });
  });
});

describe('expiryAction', () => {
  const base: ExpiringReservation = { createdAt: 1000, edited: false, reservedAt: 1000, firstSeenAt: null, lastSeenAt: null, mac: null, ptrName: null, notes: '' };
  it.each([
    ['made by the allocation, nothing learnt since: deleted', base, 'delete'],
    ['seen alive after it was reserved: kept', { ...base, firstSeenAt: 2000, lastSeenAt: 2000 }, null],
    ['seen at the very moment it was reserved: kept', { ...base, firstSeenAt: 1000, lastSeenAt: 1000 }, null],
    ['a record older than the reservation (previously used): cleared', { ...base, createdAt: 10, firstSeenAt: 20, lastSeenAt: 500 }, 'clear'],
    ['a MAC learnt: cleared, not deleted', { ...base, mac: '02:00:5e:10:00:01' }, 'clear'],
    ['a PTR name learnt: cleared', { ...base, ptrName: 'x.lab.example' }, 'clear'],
    ['notes written: cleared', { ...base, notes: 'keep' }, 'clear'],
    ['edited since (a description, tags, a name): cleared, the edits kept', { ...base, edited: true }, 'clear'],
    ['no reservation time: judged from the record’s creation, cleared', { ...base, reservedAt: null, createdAt: 1000 }, 'clear'],
    ['no reservation time, seen after creation: kept', { ...base, reservedAt: null, createdAt: 1000, lastSeenAt: 1500, firstSeenAt: 1500 }, null],
  ])('%s', (_name, r, want) => {
    expect(expiryAction(r)).toBe(want);
  });
});
