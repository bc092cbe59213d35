import { describe, expect, it } from 'vitest';
import { subnetFacts, subnetGroups } from './subnet-groups.js';

const s = (cidr: string, groupName = '', extra = {}) => ({ cidr, groupName, ...extra });

describe('subnetGroups', () => {
  it.each([
    ['no groups: one list without a heading', [s('a'), s('b')], [[null, ['a', 'b']]]],
    ['groups by name, numeric-aware and case-blind, the ungrouped last', [s('a'), s('b', 'site 10'), s('c', 'Site 9'), s('d', 'site 10')], [['Site 9', ['c']], ['site 10', ['b', 'd']], ['Ungrouped', ['a']]]],
    ['only grouped ones', [s('a', 'watch'), s('b', 'watch')], [['watch', ['a', 'b']]]],
    ['a missing groupName counts as none', [{ cidr: 'a' }, s('b', 'x')], [['x', ['b']], ['Ungrouped', ['a']]]],
    ['empty list', [], [[null, []]]],
  ])('%s', (_, subnets, want) => {
    expect(subnetGroups(subnets as any).map((g) => [g.name, g.subnets.map((x: any) => x.cidr)])).toEqual(want);
  });
});

describe('subnetFacts', () => {
  it.each([
    [{ vlan: 120, gateway: '198.18.7.1' }, 'VLAN 120 · gw 198.18.7.1'],
    [{ vlan: null, gateway: '198.18.7.1' }, 'gw 198.18.7.1'],
    [{ vlan: 5, gateway: null }, 'VLAN 5'],
    [{ vlan: null, gateway: null }, ''],
  ])('%j → %s', (subnet, want) => expect(subnetFacts(subnet)).toBe(want));
});
