import { describe, expect, it } from 'vitest';
import { addressCount, formatIp, parseCidr, usableRange } from '../../schema/ip/cidr.js';
import { calculate, IpcalcError, kindOf, MAX_PAGE_SIZE, parseBlock, reverseZone, splitBlock, supernet } from './ipcalc.js';

const pick = (input: string, keys: string[]) => {
  const r = calculate(input) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, r[k]]));
};
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof IpcalcError ? [e.code, e.message] : ['not an IpcalcError', String(e)];
  }
  return ['no error', ''];
};

describe('calculate: the block and its edges', () => {
  const KEYS = ['family', 'cidr', 'network', 'prefix', 'netmask', 'wildcard', 'broadcast', 'firstUsable', 'lastUsable', 'addresses', 'usable'];
  it.each([
    ['198.18.0.0/24', [4, '198.18.0.0/24', '198.18.0.0', 24, '255.255.255.0', '0.0.0.255', '198.18.0.255', '198.18.0.1', '198.18.0.254', '256', '254']],
    ['198.18.7.77/22', [4, '198.18.4.0/22', '198.18.4.0', 22, '255.255.252.0', '0.0.3.255', '198.18.7.255', '198.18.4.1', '198.18.7.254', '1024', '1022']],
    ['198.18.0.0/255.255.255.128', [4, '198.18.0.0/25', '198.18.0.0', 25, '255.255.255.128', '0.0.0.127', '198.18.0.127', '198.18.0.1', '198.18.0.126', '128', '126']],
    ['0.0.0.0/0', [4, '0.0.0.0/0', '0.0.0.0', 0, '0.0.0.0', '255.255.255.255', '255.255.255.255', '0.0.0.1', '255.255.255.254', '4294967296', '4294967294']],
    ['198.18.0.6/30', [4, '198.18.0.4/30', '198.18.0.4', 30, '255.255.255.252', '0.0.0.3', '198.18.0.7', '198.18.0.5', '198.18.0.6', '4', '2']],
    // RFC 3021: a /31 is two hosts, no network or broadcast address
    ['198.18.0.9/31', [4, '198.18.0.8/31', '198.18.0.8', 31, '255.255.255.254', '0.0.0.1', null, '198.18.0.8', '198.18.0.9', '2', '2']],
    ['198.18.0.9/32', [4, '198.18.0.9/32', '198.18.0.9', 32, '255.255.255.255', '0.0.0.0', null, '198.18.0.9', '198.18.0.9', '1', '1']],
    [' 198.18.0.9 ', [4, '198.18.0.9/32', '198.18.0.9', 32, '255.255.255.255', '0.0.0.0', null, '198.18.0.9', '198.18.0.9', '1', '1']],
    ['::/0', [6, '::/0', '::', 0, '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', (2n ** 128n).toString(), (2n ** 128n).toString()]],
    ['FD00:18::7/64', [6, 'fd00:18::/64', 'fd00:18::', 64, 'ffff:ffff:ffff:ffff::', '::ffff:ffff:ffff:ffff', null, 'fd00:18::', 'fd00:18::ffff:ffff:ffff:ffff', '18446744073709551616', '18446744073709551616']],
    // RFC 6164: a /127 point-to-point link is both addresses
    ['2001:db8::1/127', [6, '2001:db8::/127', '2001:db8::', 127, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', '::1', null, '2001:db8::', '2001:db8::1', '2', '2']],
    ['2001:db8::1/128', [6, '2001:db8::1/128', '2001:db8::1', 128, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::', null, '2001:db8::1', '2001:db8::1', '1', '1']],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', [6, '2001:db8::1/128', '2001:db8::1', 128, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::', null, '2001:db8::1', '2001:db8::1', '1', '1']],
  ])('%s', (input, expected) => {
    expect(Object.values(pick(input, KEYS))).toEqual(expected);
  });

  it.each(['198.18.0.0/24', '198.18.0.0/31', '198.18.0.1/32', '0.0.0.0/0', 'fd00::/64', 'fd00::/127', 'fd00::1/128', '::/0'])(
    '%s: the same usable range and size as the server’s subnet math (schema/ip)',
    (cidr) => {
      const server = parseCidr(cidr);
      const r = calculate(cidr);
      const { first, last } = usableRange(server);
      expect([r.firstUsable, r.lastUsable, r.addresses]).toEqual([formatIp(first, server.family), formatIp(last, server.family), addressCount(server).toString()]);
    },
  );
});

describe('calculate: what kind of range, its reverse zone, the bits', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.31.0.0/16', 'private'],
    ['192.168.0.0/16', 'private'],
    ['100.64.0.0/10', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['169.254.10.0/24', 'link-local'],
    ['192.0.2.0/24', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.0/15', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.0.0.0/8', 'reserved'],
    ['240.0.0.0/4', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', 'global'],
    ['0.0.0.0/0', 'mixed'],
    ['198.0.0.0/8', 'mixed'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:198.18.0.1', 'ipv4-mapped'],
    ['fe80::1', 'link-local'],
    ['fd00::/8', 'ula'],
    ['fc00::/7', 'ula'],
    ['ff02::1', 'multicast'],
    ['2001:db8:5::/48', 'documentation'],
    ['3fff:1::/32', 'documentation'],
    ['2001:2::/48', 'benchmarking'],
    ['2606:4700::/32', 'global'],
    ['2000::/3', 'global'],
    ['4000::/2', 'reserved'],
    ['::/0', 'mixed'],
  ])('%s is %s', (input, kind) => {
    expect(calculate(input).kind).toBe(kind);
    expect(kindOf(parseBlock(input))).toBe(kind);
  });

  it.each([
    ['0.0.0.0/0', 'in-addr.arpa'],
    ['198.0.0.0/7', 'in-addr.arpa'],
    ['198.18.0.0/15', '198.in-addr.arpa'],
    ['198.18.0.0/16', '18.198.in-addr.arpa'],
    ['198.18.4.0/22', '18.198.in-addr.arpa'],
    ['198.18.4.0/24', '4.18.198.in-addr.arpa'],
    ['198.18.4.128/25', '4.18.198.in-addr.arpa'],
    ['198.18.4.9', '9.4.18.198.in-addr.arpa'],
    ['::/0', 'ip6.arpa'],
    ['2001:db8::/32', '8.b.d.0.1.0.0.2.ip6.arpa'],
    ['2001:db8:1200::/39', '1.8.b.d.0.1.0.0.2.ip6.arpa'],
    ['2001:db8:1200::/40', '2.1.8.b.d.0.1.0.0.2.ip6.arpa'],
    ['fd00:18::/64', '0.0.0.0.0.0.0.0.8.1.0.0.0.0.d.f.ip6.arpa'],
    ['::1', `1.${'0.'.repeat(31)}ip6.arpa`],
  ])('%s: reverse zone %s', (input, zone) => {
    expect(reverseZone(parseBlock(input))).toBe(zone);
    expect(calculate(input).reverseZone).toBe(zone);
  });

  it('shows IPv4 in binary, the address typed beside its network; IPv6 has none', () => {
    expect(calculate('198.18.7.77/22').binary).toEqual({
      address: '11000110.00010010.00000111.01001101',
      netmask: '11111111.11111111.11111100.00000000',
      network: '11000110.00010010.00000100.00000000',
    });
    expect(calculate('fd00::/64').binary).toBeNull();
  });

  it.each([
    ['::ffff:198.18.0.1', { ipv4: '198.18.0.1', kind: 'benchmarking' }, '::ffff:c612:1/128'],
    ['::ffff:c612:1', { ipv4: '198.18.0.1', kind: 'benchmarking' }, '::ffff:c612:1/128'],
    ['::ffff:10.0.0.0/104', { ipv4: '10.0.0.0/8', kind: 'private' }, '::ffff:a00:0/104'],
    ['::ffff:0:0/96', { ipv4: '0.0.0.0/0', kind: 'mixed' }, '::ffff:0:0/96'],
    ['::ffff:0:0/95', null, '::fffe:0:0/95'],
    ['198.18.0.1', null, '198.18.0.1/32'],
    ['64:ff9b::198.18.0.1', null, '64:ff9b::c612:1/128'],
  ])('%s: mapped %j', (input, mapped, cidr) => {
    const r = calculate(input);
    expect([r.mapped, r.cidr]).toEqual([mapped, cidr]);
  });
});

describe('calculate: refusals', () => {
  it.each([
    ['', 'invalid_cidr'],
    ['   ', 'invalid_cidr'],
    ['198.18.0.0/33', 'invalid_cidr'],
    ['198.18.0.0/-1', 'invalid_cidr'],
    ['198.18.0.0/', 'invalid_cidr'],
    ['198.18.0.0/24/1', 'invalid_cidr'],
    ['198.18.0.0/255.0.255.0', 'invalid_cidr'],
    ['198.18/16', 'invalid_cidr'],
    ['0x7f.0.0.1', 'invalid_cidr'],
    ['198.18.0.256', 'invalid_cidr'],
    ['fd00::/129', 'invalid_cidr'],
    ['fd00::/ffff::', 'invalid_cidr'],
    ['fe80::1%eth0', 'invalid_cidr'],
    ['fd00:::1', 'invalid_cidr'],
    ['example.com', 'invalid_cidr'],
    [`${'1'.repeat(200)}`, 'invalid_cidr'],
  ])('%j is %s', (input, code) => {
    expect(codeOf(() => calculate(input))[0]).toBe(code);
  });
});

describe('split', () => {
  it('a /48 into /64s, paged: 65,536 of them, each page in address order', () => {
    const b = parseBlock('2001:db8:7::/48');
    const first = splitBlock(b, { splitPrefix: 64 });
    expect(first).toMatchObject({ prefix: 64, total: '65536', page: 1, pageSize: 256 });
    expect(first.subnets.length).toBe(256);
    expect(first.subnets.slice(0, 3)).toEqual(['2001:db8:7::/64', '2001:db8:7:1::/64', '2001:db8:7:2::/64']);
    expect(first.subnets.at(-1)).toBe('2001:db8:7:ff::/64');
    expect(splitBlock(b, { splitPrefix: 64, page: 2 }).subnets[0]).toBe('2001:db8:7:100::/64');
    const last = splitBlock(b, { splitPrefix: 64, page: 64, pageSize: MAX_PAGE_SIZE });
    expect([last.subnets.length, last.subnets.at(-1)]).toEqual([1024, '2001:db8:7:ffff::/64']);
    expect(splitBlock(b, { splitPrefix: 64, page: 65, pageSize: MAX_PAGE_SIZE }).subnets).toEqual([]);
    expect(calculate('2001:db8:7::/48', { splitCount: 65536, page: 256 }).split).toMatchObject({ prefix: 64, total: '65536', subnets: expect.arrayContaining(['2001:db8:7:ffff::/64']) });
  });

  it.each([
    ['198.18.0.0/24', { splitCount: 4 }, { prefix: 26, total: '4', subnets: ['198.18.0.0/26', '198.18.0.64/26', '198.18.0.128/26', '198.18.0.192/26'] }],
    ['198.18.0.0/24', { splitCount: 1 }, { prefix: 24, total: '1', subnets: ['198.18.0.0/24'] }],
    ['198.18.0.0/30', { splitPrefix: 32 }, { prefix: 32, total: '4', subnets: ['198.18.0.0/32', '198.18.0.1/32', '198.18.0.2/32', '198.18.0.3/32'] }],
    ['0.0.0.0/0', { splitPrefix: 2 }, { prefix: 2, total: '4', subnets: ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'] }],
    ['0.0.0.0/0', { splitPrefix: 32, page: 16777216, pageSize: 256 }, { prefix: 32, total: '4294967296', subnets: expect.arrayContaining(['255.255.255.255/32']) }],
    ['::/0', { splitPrefix: 128, page: 1, pageSize: 2 }, { prefix: 128, total: (2n ** 128n).toString(), subnets: ['::/128', '::1/128'] }],
    ['2001:db8::/127', { splitPrefix: 128 }, { prefix: 128, total: '2', subnets: ['2001:db8::/128', '2001:db8::1/128'] }],
  ])('%s %j', (input, opts, expected) => {
    expect(calculate(input, opts).split).toMatchObject(expected);
  });

  it.each([
    ['198.18.0.0/24', { splitPrefix: 23 }, /shorter than the block's \/24/],
    ['198.18.0.0/24', { splitPrefix: 33 }, /past \/32/],
    ['fd00::/64', { splitPrefix: 129 }, /past \/128/],
    ['198.18.0.0/24', { splitCount: 3 }, /power of two/],
    ['198.18.0.0/24', { splitCount: 0 }, /power of two/],
    ['198.18.0.0/24', { splitCount: 512 }, /past \/32/],
    ['198.18.0.0/24', { splitCount: 2, splitPrefix: 25 }, /not both/],
    ['198.18.0.0/24', { splitPrefix: 25, pageSize: MAX_PAGE_SIZE + 1 }, /pageSize/],
    ['198.18.0.0/24', { splitPrefix: 25, page: 0 }, /page/],
  ])('%s %j is invalid_split', (input, opts, message) => {
    const [code, text] = codeOf(() => calculate(input, opts));
    expect(code).toBe('invalid_split');
    expect(text).toMatch(message);
  });
});

describe('managed subnets', () => {
  const managed = [
    { id: 3, cidr: 'fd00:18::/64', name: 'v6 lab' },
    { id: 1, cidr: '198.18.0.0/24', name: 'lab' },
    { id: 2, cidr: '198.18.4.0/22', name: 'wide' },
    { id: 4, cidr: '198.18.1.0/26', name: 'small' },
    { id: 5, cidr: '198.19.0.0/16', name: 'elsewhere' },
  ];
  it.each([
    // the relation is the managed subnet's to the block asked about
    ['198.18.0.0/24', [[1, 'equal']]],
    ['198.18.0.9', [[1, 'contains']]],
    ['198.18.0.0/21', [[1, 'within'], [4, 'within'], [2, 'within']]],
    ['198.18.5.0/24', [[2, 'contains']]],
    ['198.18.2.0/24', []],
    ['fd00:18::/48', [[3, 'within']]],
    ['fd00:18::1', [[3, 'contains']]],
    ['::ffff:198.18.0.1', []],
  ])('%s: %j', (input, expected) => {
    expect(calculate(input, { managed }).managed.map((m) => [m.id, m.relation])).toEqual(expected);
  });
  it('names each with its cidr and name', () => {
    expect(calculate('198.18.0.1', { managed }).managed).toEqual([{ id: 1, cidr: '198.18.0.0/24', name: 'lab', relation: 'contains' }]);
  });
});

describe('supernet', () => {
  it.each([
    [['198.18.0.0/24', '198.18.1.0/24'], '198.18.0.0/23', ['198.18.0.0/24', '198.18.1.0/24']],
    [['198.18.1.0/24', '198.18.0.0/24', '198.18.0.0/25', '198.18.1.0/24'], '198.18.0.0/23', ['198.18.0.0/24', '198.18.1.0/24']],
    [['198.18.0.1', '198.18.3.7', '198.18.1.0/25'], '198.18.0.0/22', ['198.18.0.1/32', '198.18.1.0/25', '198.18.3.7/32']],
    [['198.18.0.9'], '198.18.0.9/32', ['198.18.0.9/32']],
    [['198.18.0.9/24'], '198.18.0.0/24', ['198.18.0.0/24']],
    [['0.0.0.0', '255.255.255.255'], '0.0.0.0/0', ['0.0.0.0/32', '255.255.255.255/32']],
    [['127.255.255.255', '128.0.0.0'], '0.0.0.0/0', ['127.255.255.255/32', '128.0.0.0/32']],
    [['fd00:18::/64', 'fd00:18:0:1::/64', 'fd00:18:0:3::1'], 'fd00:18::/62', ['fd00:18::/64', 'fd00:18:0:1::/64', 'fd00:18:0:3::1/128']],
    [['2001:db8::', '2001:db8::1'], '2001:db8::/127', ['2001:db8::/128', '2001:db8::1/128']],
    [['::', 'ffff::'], '::/0', ['::/128', 'ffff::/128']],
  ])('%j → %s', (list, expected, covers) => {
    expect(supernet(list)).toEqual({ supernet: expected, covers });
  });

  it.each([
    [[], 'invalid_cidr'],
    [['198.18.0.0/24', 'nope'], 'invalid_cidr'],
    [['198.18.0.0/24', 'fd00::/64'], 'mixed_families'],
    [['198.18.0.1', '::ffff:198.18.0.2'], 'mixed_families'],
  ])('%j is %s', (list, code) => {
    expect(codeOf(() => supernet(list))[0]).toBe(code);
  });
});
