import { describe, expect, it } from 'vitest';
import { parseIp } from '../../schema/ip/cidr.js';
import { addressOf, blockOf, flagOf, headerScore, hostRecord, isAddress, macOf, maskLength, networkOf, notesOf, subnetRecord, tagsOf, vlanOf } from './fields.js';

const fails = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('addressOf', () => {
  it.each([
    ['198.18.0.7', '198.18.0.7', undefined],
    ['198.18.1.5/24', '198.18.1.5', '198.18.1.0/24'],
    ['FD00::0001', 'fd00::1', undefined],
    ['fd00:20::5/64', 'fd00:20::5', 'fd00:20::/64'],
    ['198.18.0.7/32', '198.18.0.7', '198.18.0.7/32'],
  ])('%j → %j in %j', (text, ip, hint) => {
    const got = addressOf(text);
    expect([got.ip.text, got.hint]).toEqual([ip, hint]);
  });

  it.each([
    ['', /empty/],
    ['198.18.0', /not an IPv4 or IPv6 address/],
    ['printer', /not an IPv4/],
    ['198.18.0.1/33', /prefix length of 0 to 32/],
    ['fd00::1%eth0', /not an IPv4/],
  ])('refuses %j', (text, message) => {
    expect(fails(() => addressOf(text))).toMatch(message);
  });

  it('tells addresses from other cells', () => {
    expect(['198.18.0.1', 'fd00::1', '198.18.0.1/24', 'nas', '24', ''].map(isAddress)).toEqual([true, true, true, false, false, false]);
  });
});

describe('networkOf', () => {
  it.each([
    ['198.18.1.77', 24, '198.18.1.0/24'],
    ['198.18.1.77', 32, '198.18.1.77/32'],
    ['198.18.1.77', 0, '0.0.0.0/0'],
    ['fd00:1:2:3::9', 48, 'fd00:1:2::/48'],
  ])('%s/%i → %s', (ip, prefix, cidr) => {
    expect(networkOf(parseIp(ip), prefix)).toBe(cidr);
  });
});

describe('maskLength and blockOf', () => {
  it.each([
    ['24', 4, 24],
    ['255.255.255.0', 4, 24],
    ['255.255.255.252', 4, 30],
    ['0.0.0.0', 4, 0],
    ['255.255.255.255', 4, 32],
    ['64', 6, 64],
  ] as const)('mask %j (IPv%i) → /%i', (mask, family, len) => {
    expect(maskLength(mask, family)).toBe(len);
  });

  it.each([
    ['255.0.255.0', 4, /not a contiguous netmask/],
    ['33', 4, /0 to 32/],
    ['255.255.255.0', 6, /0 to 128/],
    ['wide', 4, /neither a prefix length nor a netmask/],
  ] as const)('refuses mask %j', (mask, family, message) => {
    expect(fails(() => maskLength(mask, family))).toMatch(message);
  });

  it.each([
    ['198.18.2.0/24', undefined, '198.18.2.0/24'],
    ['198.18.2.0/24', '16', '198.18.2.0/24'], // the block's own length wins
    ['198.18.2.0', '24', '198.18.2.0/24'],
    ['198.18.2.0', '255.255.254.0', '198.18.2.0/23'],
    ['fd00:20::', '64', 'fd00:20::/64'],
  ])('%j with mask %j → %j', (network, mask, cidr) => {
    expect(blockOf(network, mask)).toBe(cidr);
  });

  it.each([
    ['198.18.2.0', undefined, /no prefix length/],
    ['198.18.2.1/24', undefined, /did you mean 198\.18\.2\.0\/24/],
    ['', '24', /empty/],
    ['lab', '24', /not an IPv4/],
  ])('refuses %j with mask %j', (network, mask, message) => {
    expect(fails(() => blockOf(network, mask))).toMatch(message);
  });
});

describe('flagOf, tagsOf, macOf, vlanOf, notesOf', () => {
  it.each([
    ['yes', true],
    ['TRUE', true],
    ['1', true],
    ['x', true],
    ['No', false],
    ['0', false],
    ['', undefined],
    [undefined, undefined],
  ])('flag %j → %j', (text, flag) => {
    expect(flagOf(text, 'reserved')).toBe(flag);
  });

  it('refuses a flag that is neither', () => {
    expect(fails(() => flagOf('maybe', 'reserved'))).toBe('reserved must be yes or no (true/false, 1/0), not "maybe"');
  });

  it.each([
    ['office;print', ['office', 'print']],
    ['office, print , office', ['office', 'print']],
    [';', []],
    ['', undefined],
  ])('tags %j → %j', (text, tags) => {
    expect(tagsOf(text)).toEqual(tags);
  });

  it.each([
    ['00:0C:29:AB:CD:EF', '00:0c:29:ab:cd:ef'],
    ['00-0c-29-ab-cd-ef', '00:0c:29:ab:cd:ef'],
    ['000c.29ab.cdef', '00:0c:29:ab:cd:ef'],
    ['', undefined],
  ])('mac %j → %j', (text, mac) => {
    expect(macOf(text)).toBe(mac);
  });

  it.each([
    ['00:0c:29', /not a MAC/],
    ['01:00:5e:00:00:01', /not a device's MAC/],
    ['00:00:00:00:00:00', /not a device's MAC/],
  ])('refuses mac %j', (text, message) => {
    expect(fails(() => macOf(text))).toMatch(message);
  });

  it.each([
    ['100', 100],
    ['Servers (100)', 100],
    ['NA', undefined],
    ['', undefined],
    ['0', undefined],
    ['4094', 4094],
  ])('vlan %j → %j', (text, vlan) => {
    expect(vlanOf(text)).toBe(vlan);
  });

  it.each(['4095', 'servers', '-1'])('refuses vlan %j', (text) => {
    expect(fails(() => vlanOf(text))).toMatch(/not a VLAN id from 1 to 4094/);
  });

  it.each<[string | undefined, [string, string | undefined][], string | undefined]>([
    ['rack 4', [['owner', 'bob'], ['device', 'sw1']], 'rack 4\nowner: bob\ndevice: sw1'],
    [undefined, [['owner', 'bob'], ['device', '']], 'owner: bob'],
    ['', [['owner', undefined]], undefined],
  ])('notes %j with %j', (note, extra, notes) => {
    expect(notesOf(note, extra)).toBe(notes);
  });
});

describe('headerScore', () => {
  const fields = [
    { field: 'ip', label: 'Address', aliases: ['ip'], required: true },
    { field: 'hostname', label: 'Hostname', aliases: ['hostname', 'host name'] },
  ];
  it.each<[string[], number]>([
    [['IP', 'Host Name'], 2],
    [['ip', 'hostname', 'port'], 3],
    [['hostname'], 0], // the address column is missing
    [['ip', ''], 1],
  ])('%j → %i', (headers, score) => {
    expect(headerScore(headers, fields, ['port'])).toBe(score);
  });

  it('counts known headers without the required one when asked', () => {
    expect(headerScore(['hostname'], fields, [], false)).toBe(1);
  });
});

describe('hostRecord and subnetRecord', () => {
  it('checks host fields with the API rules and drops what the row leaves out', () => {
    expect(hostRecord({ ip: '198.18.0.1', hostname: ' nas ', tags: ['a'], description: undefined })).toEqual({ ip: '198.18.0.1', hostname: 'nas', tags: ['a'] });
    expect(fails(() => hostRecord({ ip: '198.18.0.1', hostname: 'a\u0000b' }))).toMatch(/^hostname: control characters/);
    expect(fails(() => hostRecord({ ip: '198.18.0.1', tags: ['x'.repeat(41)] }))).toMatch(/^tags\.0: /);
  });

  it('checks subnet fields, and that the gateway lies inside', () => {
    expect(subnetRecord({ cidr: '198.18.2.0/24', name: 'lab', groupName: ' Site A ', gateway: '198.18.2.1' })).toEqual({ cidr: '198.18.2.0/24', name: 'lab', groupName: 'Site A', gateway: '198.18.2.1' });
    expect(fails(() => subnetRecord({ cidr: '198.18.2.0/24', gateway: '198.18.3.1' }))).toBe('gateway 198.18.3.1 is not inside 198.18.2.0/24');
    expect(fails(() => subnetRecord({ cidr: '198.18.2.0/24', name: 'x'.repeat(201) }))).toMatch(/^name: /);
  });
});
