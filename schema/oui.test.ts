import { describe, expect, it } from 'vitest';
import { formatAssignment, lookupOui, matchAssignment, type OuiTable } from './oui.js';

const TABLE: OuiTable = {
  '001B63': 'Apple, Inc.\n1 Infinite Loop',
  '70B3D5': 'IEEE Registration Authority\n445 Hoes Lane',
  '70B3D5042': 'Coveloz Technologies Inc.\n232 Herzberg Road',
  '100648': 'IEEE Registration Authority\n445 Hoes Lane',
  '1006480': 'FLEXTRONICS TECHNOLOGIES (INDIA) PVT LTD\nPlot 3',
  '00005E': 'ICANN, IANA Department\nLos Angeles',
  '02608C': '3COM\nSanta Clara',
};

describe('lookupOui', () => {
  it.each<[string, Partial<ReturnType<typeof lookupOui>> | null]>([
    // MA-L, whole MAC in every notation
    ['00:1B:63:84:45:E6', { mac: '00:1b:63:84:45:e6', prefix: '00:1B:63', registry: 'MA-L', vendor: 'Apple, Inc.', locallyAdministered: false, multicast: false }],
    ['00-1b-63-84-45-e6', { mac: '00:1b:63:84:45:e6', registry: 'MA-L' }],
    ['001b.6384.45e6', { mac: '00:1b:63:84:45:e6', registry: 'MA-L' }],
    ['001B638445E6', { mac: '00:1b:63:84:45:e6', vendor: 'Apple, Inc.' }],
    // a prefix: no MAC; the same assignment
    ['00:1b:63', { mac: null, searchPrefix: '00:1b:63', prefix: '00:1B:63', registry: 'MA-L', vendor: 'Apple, Inc.' }],
    // MA-M (28 bits) wins over the IEEE's own MA-L block
    ['10:06:48:01:23:45', { prefix: '10:06:48:0', registry: 'MA-M', vendor: 'FLEXTRONICS TECHNOLOGIES (INDIA) PVT LTD' }],
    ['10:06:48:f1:23:45', { prefix: '10:06:48', registry: 'MA-L', vendor: 'IEEE Registration Authority' }],
    // MA-S (36 bits); a prefix one digit short of it matches the MA-L
    ['70:b3:d5:04:2a:bc', { prefix: '70:B3:D5:04:2', registry: 'MA-S', vendor: 'Coveloz Technologies Inc.' }],
    ['70b3d5042', { mac: null, prefix: '70:B3:D5:04:2', registry: 'MA-S' }],
    ['70b3d504', { prefix: '70:B3:D5', registry: 'MA-L', vendor: 'IEEE Registration Authority' }],
    // locally administered: never a vendor, even where an old MA-L matches the bits (02:60:8C, 3COM)
    ['02:60:8c:12:34:56', { prefix: null, registry: null, vendor: null, locallyAdministered: true, multicast: false }],
    ['da:a1:19:00:00:01', { vendor: null, locallyAdministered: true }],
    // group addresses: looked up with the group bit cleared (01:00:5E is the IANA's 00:00:5E)
    ['01:00:5e:00:00:fb', { prefix: '00:00:5E', registry: 'MA-L', vendor: 'ICANN, IANA Department', multicast: true, locallyAdministered: false }],
    ['33:33:00:00:00:01', { vendor: null, multicast: true, locallyAdministered: true }],
    ['ff:ff:ff:ff:ff:ff', { vendor: null, multicast: true, locallyAdministered: true }],
    // unknown assignment; too short for an assignment but long enough for the flags
    ['00:99:99:00:00:01', { prefix: null, registry: null, vendor: null, locallyAdministered: false }],
    ['00:1b', { mac: null, searchPrefix: '00:1b', prefix: null, vendor: null, multicast: false }],
    // not a MAC, or shorter than the first octet
    ['0', null],
    ['zz:zz', null],
    ['00:1b:63:84:45:e6:77', null],
    ['', null],
    ['198.18.7.10', null], // an address, not Cisco's 4-digit groups
    ['00:1b-63', null],
  ])('%j', (query, expected) => {
    const got = lookupOui(query, TABLE);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toMatchObject(expected);
  });
});

describe('matchAssignment / formatAssignment', () => {
  it.each<[string, string]>([
    ['001b63', '00:1B:63'],
    ['1006480', '10:06:48:0'],
    ['70b3d5042', '70:B3:D5:04:2'],
  ])('%s → %s', (hex, text) => expect(formatAssignment(hex)).toBe(text));

  it('an entry with an empty name is the match, with no vendor (the shorter one is not tried)', () => {
    expect(matchAssignment('70B3D5999', { '70B3D5': 'IEEE', '70B3D5999': ' \nx' })).toEqual({ prefix: '70:B3:D5:99:9', registry: 'MA-S', vendor: null });
  });
});
