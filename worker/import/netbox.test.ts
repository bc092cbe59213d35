import { describe, expect, it } from 'vitest';
import { netboxIpAddresses, netboxPrefixes } from './netbox.js';

const fails = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

// header lines as NetBox writes them: "All data (CSV)" (its import field names) and "Current view" (column titles)
const PREFIX_FIELDS = 'prefix,status,site,vlan,vrf,tenant,role,description,tags'.split(',');
const PREFIX_FIELDS_V42 = 'prefix,vrf,tenant,vlan,status,role,scope_type,scope_id,is_pool,mark_utilized,description,comments,tags'.split(',');
const PREFIX_VIEW = ['ID', 'Prefix', 'Status', 'Children', 'VRF', 'Utilization', 'Tenant', 'Site', 'VLAN', 'Role', 'Description'];
const ADDRESS_FIELDS = 'address,vrf,tenant,status,role,dns_name,description,tags,assigned_object_type,assigned_object_id'.split(',');
const ADDRESS_VIEW = ['ID', 'IP Address', 'VRF', 'Status', 'Role', 'Tenant', 'Assigned', 'DNS Name', 'Description'];

describe('NetBox prefixes', () => {
  it.each<[Record<string, string>, object]>([
    [{ prefix: '198.18.10.0/24', status: 'active', site: 'Berlin', vlan: 'Servers (100)', description: 'servers', tenant: 'ACME' }, { cidr: '198.18.10.0/24', name: 'servers', groupName: 'Berlin', vlan: 100, notes: 'tenant: ACME' }],
    [{ prefix: '198.18.11.0/24', vlan: '42', comments: 'moved' }, { cidr: '198.18.11.0/24', vlan: 42, notes: 'moved' }],
    [{ prefix: 'fd00:40::/48' }, { cidr: 'fd00:40::/48' }],
  ])('%j → %j', (cells, record) => {
    expect(netboxPrefixes.record(cells)).toEqual(record);
  });

  it.each([
    [{ prefix: '198.18.10.0' }, /has no prefix length/],
    [{ prefix: '198.18.10.5/24' }, /host bits set/],
    [{ prefix: '198.18.10.0/24', vlan: 'Servers' }, /not a VLAN id/],
  ])('refuses %j', (cells, message) => {
    expect(fails(() => netboxPrefixes.record(cells))).toMatch(message);
  });

  it('recognises its export headers', () => {
    expect(netboxPrefixes.detect(PREFIX_FIELDS)).toBe(9);
    expect(netboxPrefixes.detect(PREFIX_FIELDS_V42)).toBeGreaterThan(5);
    expect(netboxPrefixes.detect(PREFIX_VIEW)).toBeGreaterThan(5);
    expect(netboxPrefixes.detect(ADDRESS_FIELDS)).toBe(0);
  });
});

describe('NetBox IP addresses', () => {
  it.each<[Record<string, string>, object]>([
    [
      { address: '198.18.10.5/24', status: 'active', dns_name: 'web1.example.net', description: 'front', tags: 'web,prod', tenant: 'ACME' },
      { ip: '198.18.10.5', subnetHint: '198.18.10.0/24', hostname: 'web1.example.net', description: 'front', tags: ['web', 'prod'], notes: 'tenant: ACME' },
    ],
    [{ address: '198.18.10.6/24', status: 'Reserved' }, { ip: '198.18.10.6', subnetHint: '198.18.10.0/24', reserved: true }],
    [{ address: 'fd00:40::9/64', status: 'dhcp' }, { ip: 'fd00:40::9', subnetHint: 'fd00:40::/64' }],
    [{ address: '198.18.10.7' }, { ip: '198.18.10.7' }],
  ])('%j → %j', (cells, record) => {
    expect(netboxIpAddresses.record(cells)).toEqual(record);
  });

  it('refuses a bad address', () => {
    expect(fails(() => netboxIpAddresses.record({ address: '198.18.10.5/40' }))).toMatch(/prefix length of 0 to 32/);
  });

  it('recognises its export headers', () => {
    expect(netboxIpAddresses.detect(ADDRESS_FIELDS)).toBe(10);
    expect(netboxIpAddresses.detect(ADDRESS_VIEW)).toBe(9);
    expect(netboxIpAddresses.detect(PREFIX_FIELDS)).toBe(0);
  });
});
