import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECK_PORTS as SCHEMA_PORTS } from '../../schema/kinds/address-check.js';
import { allocationSteps, buildAllocateRequest, checkLine, DEFAULT_CHECK_PORTS, EMPTY_FORM, localInput, localMoment, newAllocationId, refusalOf, resultLines } from './allocate.js';

const NOW = new Date(2026, 11, 1, 9, 0).getTime();
const ID = '0b8f3c5e-8a7d-4c1e-9f4b-2d6e1a3c5b7f';
const build = (changes: Partial<typeof EMPTY_FORM>, verify?: boolean) => buildAllocateRequest({ ...EMPTY_FORM, ...changes }, { now: NOW, allocationId: ID, verify });

describe('buildAllocateRequest', () => {
  it('the defaults: one address, verified, nothing else sent', () => {
    expect(build({})).toEqual({ body: { count: 1, verify: true, allocationId: ID } });
  });

  it('every field: trimmed, tags split and deduplicated, the expiry as ISO from local time', () => {
    const r = build({ count: ' 3 ', hostname: ' printer-7 ', description: 'the new printer', tags: 'print, floor-2,, print', reservedBy: ' ana ', reservedNote: 'ticket 42', until: '2026-12-31T18:00' });
    expect(r).toEqual({
      body: { count: 3, verify: true, allocationId: ID, hostname: 'printer-7', description: 'the new printer', tags: ['print', 'floor-2'], reservedBy: 'ana', reservedNote: 'ticket 42', reservedUntil: new Date(2026, 11, 31, 18, 0).toISOString() },
    });
  });

  it('verify off by the checkbox, or by the "without verifying" retry', () => {
    expect(build({ verify: false })).toMatchObject({ body: { verify: false } });
    expect(build({}, false)).toMatchObject({ body: { verify: false } });
  });

  it.each([
    [{ count: '0' }, 'count', 'Count: a whole number from 1 to 64.'],
    [{ count: '65' }, 'count', 'Count: a whole number from 1 to 64.'],
    [{ count: '1.5' }, 'count', 'Count: a whole number from 1 to 64.'],
    [{ count: '' }, 'count', 'Count: a whole number from 1 to 64.'],
    [{ count: '-1' }, 'count', 'Count: a whole number from 1 to 64.'],
    [{ until: 'tomorrow' }, 'until', 'Expiry: a date and time, e.g. 2026-12-31 18:00.'],
    [{ until: '2026-02-30T10:00' }, 'until', 'Expiry: a date and time, e.g. 2026-12-31 18:00.'],
    [{ until: '2026-12-01T09:00' }, 'until', 'Expiry: a moment in the future.'],
    [{ until: '2025-12-01T10:00' }, 'until', 'Expiry: a moment in the future.'],
  ])('%j is refused at %s', (changes, field, error) => {
    expect(build(changes)).toEqual({ field, error });
  });
});

describe('local times for the expiry input', () => {
  it.each([
    ['2026-12-31T18:00', new Date(2026, 11, 31, 18, 0).getTime()],
    ['2026-12-31T18:00:30', new Date(2026, 11, 31, 18, 0, 30).getTime()],
    ['2026-13-01T00:00', null],
    ['2026-12-31 18:00', null],
    ['', null],
  ])('localMoment(%j)', (text, ms) => {
    expect(localMoment(text)).toBe(ms);
  });
  it('localInput is its inverse to the minute; none is empty', () => {
    const t = new Date(2026, 6, 4, 7, 5).getTime();
    expect(localInput(t)).toBe('2026-07-04T07:05');
    expect(localInput(new Date(t).toISOString())).toBe('2026-07-04T07:05');
    expect(localMoment(localInput(t))).toBe(t);
    expect(localInput(null as unknown as number)).toBe('');
    expect(localInput('not a time')).toBe('');
  });
});

describe('newAllocationId', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it('crypto.randomUUID where there is one, a v4 UUID from getRandomValues where not (plain http)', () => {
    expect(newAllocationId()).toMatch(UUID);
    const insecure = { getRandomValues: (a: Uint8Array) => crypto.getRandomValues(a) } as unknown as Crypto;
    const ids = new Set(Array.from({ length: 50 }, () => newAllocationId(insecure)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID);
    const zeros = { getRandomValues: (a: Uint8Array) => a } as unknown as Crypto;
    expect(newAllocationId(zeros)).toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe('checkLine: one checked address in words', () => {
  it('keeps the probe’s default ports', () => {
    expect(DEFAULT_CHECK_PORTS).toEqual([...SCHEMA_PORTS]);
  });
  it.each([
    [{ ip: '198.18.1.10', alive: true, signs: [{ check: 'tcp', detail: 'tcp/22 open' }] }, undefined, '198.18.1.10 — tcp/22 open: skipped', false],
    [{ ip: '198.18.1.12', alive: true, signs: [{ check: 'icmp', detail: 'echo reply 0.4 ms' }, { check: 'ptr', detail: 'PTR printer.lab.example' }] }, undefined, '198.18.1.12 — echo reply 0.4 ms, PTR printer.lab.example: skipped', false],
    [{ ip: '198.18.1.13', alive: true, signs: [] }, undefined, '198.18.1.13 — in use: skipped', false],
    [{ ip: '198.18.1.11', alive: false, signs: [] }, undefined, '198.18.1.11 — no answer to ICMP, ARP, TCP 22/23/53/…; no PTR: free', true],
    [{ ip: '198.18.1.11', alive: false, signs: [] }, [22, 80], '198.18.1.11 — no answer to ICMP, ARP, TCP 22/80; no PTR: free', true],
    [{ ip: '198.18.1.11', alive: false, signs: [], skipped: ['neighbour'] }, [22, 80, 443, 8080], "198.18.1.11 — no answer to ICMP, TCP 22/80/443/…; no PTR; not checked: ARP (not on the probe's segment): free", true],
    [{ ip: 'fd00::5', alive: false, signs: [], skipped: ['ptr'] }, undefined, 'fd00::5 — no answer to ICMP, NDP, TCP 22/23/53/…; not checked: PTR: free', true],
    [{ ip: '198.18.1.14', alive: false, signs: [], skipped: ['icmp'] }, [22], "198.18.1.14 — no answer to ARP, TCP 22; no PTR; not checked: ICMP (the probe's ping could not send): free", true],
  ])('%j', (check, ports, text, free) => {
    expect(checkLine(check, ports)).toEqual({ ip: check.ip, free, text });
  });
});

describe('allocationSteps: the live events of one allocation', () => {
  it('rounds of checking and checked, then done', () => {
    const steps = allocationSteps([
      { stage: 'checking', addresses: ['198.18.1.10', '198.18.1.11'] },
      { stage: 'checked', checks: [{ ip: '198.18.1.10', alive: true, signs: [{ check: 'tcp', detail: 'tcp/22 open' }] }, { ip: '198.18.1.11', alive: false, signs: [] }] },
      { stage: 'checking', addresses: ['198.18.1.12', '198.18.1.13', '198.18.1.14', '198.18.1.15', '198.18.1.16', '198.18.1.17'] },
      { stage: 'done', addresses: ['198.18.1.11'] },
    ]);
    expect(steps.map((s) => [s.kind, s.text])).toEqual([
      ['checking', "Checking 198.18.1.10, 198.18.1.11 from the subnet's probe…"],
      ['in-use', '198.18.1.10 — tcp/22 open: skipped'],
      ['free', '198.18.1.11 — no answer to ICMP, ARP, TCP 22/23/53/…; no PTR: free'],
      ['checking', "Checking 198.18.1.12, 198.18.1.13, 198.18.1.14, 198.18.1.15 and 2 more from the subnet's probe…"],
      ['done', 'Reserved 198.18.1.11'],
    ]);
    expect(new Set(steps.map((s) => s.key)).size).toBe(steps.length);
  });
  it('a failure says why; unknown stages are left out', () => {
    expect(allocationSteps([{ stage: 'failed', code: 'verify_timeout' }, { stage: 'later' }, { stage: 'failed', code: 'subnet_full' }, { stage: 'failed', code: 'internal' }]).map((s) => s.text)).toEqual([
      'Failed: the probe did not answer in time',
      'Failed: not enough free addresses; nothing was reserved',
      'Failed: internal',
    ]);
  });
});

describe('refusalOf', () => {
  const err = (code: string | undefined, status: number, message = '', details?: unknown) => Object.assign(new Error(message), { code, status, details });
  it.each([
    [err('subnet_full', 409, 'no free address'), 'No free address left in this subnet: nothing was reserved. (no free address)', false, null],
    [err('probe_offline', 503), "The subnet's probe is offline, so the addresses cannot be checked right now.", true, null],
    [err('no_probe', 409), 'This subnet has no probe to check the addresses.', true, null],
    [err('unsupported_by_probe', 409), "The subnet's probe cannot check addresses: upgrade the probe.", true, null],
    [err('verify_timeout', 503), 'The probe did not answer in time: nothing was reserved. Try again.', false, null],
    [err('verify_failed', 503), 'The probe could not check the addresses: nothing was reserved.', false, null],
    [err('bad_reserved_until', 400, 'not in the future'), 'Expiry: a moment in the future.', false, 'until'],
    [err('invalid_request', 400, 'reservedUntil: Invalid ISO datetime', { issues: [{ path: 'reservedUntil', message: 'Invalid' }] }), 'reservedUntil: Invalid ISO datetime', false, 'until'],
    [err('invalid_request', 400, 'hostname: too long', { issues: [{ path: 'hostname', message: 'too long' }] }), 'hostname: too long', false, 'hostname'],
    [err('forbidden', 403, 'nope'), 'Only editors and admins can reserve addresses.', false, null],
    [err(undefined, 500, ''), 'The server refused the allocation.', false, null],
  ])('%s', (e, message, unverified, field) => {
    expect(refusalOf(e)).toEqual({ message, code: e.code ?? null, unverified, field });
  });
});

describe('resultLines: the 201 answer', () => {
  it('reserved addresses with how they were checked and their past; skipped ones recorded', () => {
    const lines = resultLines({
      subnetId: 1,
      verified: true,
      addresses: [
        { ip: '198.18.1.11', hostId: 7, previouslyUsed: null, check: { at: 'x', signs: [] } },
        { ip: '198.18.1.40', hostId: 3, previouslyUsed: { hostId: 3, lastSeenAt: 'x', hostname: 'old-nas', mac: '00:11:32:aa:bb:cc' }, check: { at: 'x', signs: [] } },
        { ip: '198.18.1.41', hostId: 4, previouslyUsed: null, check: { at: 'x', signs: [], skipped: ['icmp', 'neighbour'] } },
      ],
      skipped: [{ ip: '198.18.1.10', signs: [{ check: 'tcp', detail: 'tcp/22 open' }], hostId: 9 }],
    });
    expect(lines.map((l) => [l.kind, l.hostId, l.text])).toEqual([
      ['reserved', 7, '198.18.1.11 reserved (checked: no sign of use)'],
      ['reserved', 3, '198.18.1.40 reserved (checked: no sign of use; previously used by old-nas (00:11:32:aa:bb:cc))'],
      ['reserved', 4, '198.18.1.41 reserved (checked: no sign of use; ICMP not checked)'],
      ['skipped', 9, '198.18.1.10 skipped: tcp/22 open (recorded as a discovered host)'],
    ]);
    expect(resultLines({ verified: false, addresses: [{ ip: '198.18.1.2', hostId: 1, previouslyUsed: null, check: null }], skipped: [] })[0]!.text).toBe('198.18.1.2 reserved (not verified)');
  });
});
