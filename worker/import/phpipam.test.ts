import { describe, expect, it } from 'vitest';
import { phpipamAddresses, phpipamSubnets } from './phpipam.js';

const fails = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

// header lines as phpIPAM writes them: its database columns (the contract's CSV) and its XLS export's titles
const ADDRESS_COLUMNS = 'section,ip_addr,subnet,hostname,description,mac,owner,device,note,tag,is_gateway,port'.split(',');
const ADDRESS_TITLES = ['Section', 'IP Address', 'Hostname', 'Description', 'VRF', 'Subnet', 'MAC', 'Owner', 'Device', 'Note', 'Tag', 'Gateway'];
const SUBNET_COLUMNS = 'section,subnet,mask,description,vlan,vrf'.split(',');
const SUBNET_TITLES = ['Section', 'Subnet', 'Description', 'VLAN', 'VLAN Domain', 'VRF', 'Master Subnet', 'Requests', 'Host check', 'Discover', 'Customer'];

describe('phpIPAM subnets', () => {
  it.each<[Record<string, string>, object]>([
    [{ section: 'Customers', subnet: '198.18.4.0', mask: '24', description: 'office', vlan: '100' }, { cidr: '198.18.4.0/24', name: 'office', groupName: 'Customers', vlan: 100 }],
    [{ subnet: '198.18.6.0/23', vlan: 'NA' }, { cidr: '198.18.6.0/23' }],
    [{ subnet: '198.18.8.0', mask: '255.255.255.128', gateway: '198.18.8.1' }, { cidr: '198.18.8.0/25', gateway: '198.18.8.1' }],
    [{ subnet: 'fd00:30::', mask: '64', description: 'v6' }, { cidr: 'fd00:30::/64', name: 'v6' }],
  ])('%j → %j', (cells, record) => {
    expect(phpipamSubnets.record(cells)).toEqual(record);
  });

  it.each([
    [{ subnet: '198.18.4.0' }, /has no prefix length/],
    [{ subnet: '198.18.4.1', mask: '24' }, /did you mean 198\.18\.4\.0\/24/],
    [{ subnet: 'Servers (folder)' }, '"Servers (folder)" is a phpIPAM folder, not a subnet: leave the row out'],
    [{ subnet: '198.18.4.0/24', vlan: '5000' }, /not a VLAN id/],
  ])('refuses %j', (cells, message) => {
    expect(fails(() => phpipamSubnets.record(cells))).toMatch(message);
  });

  it('recognises its export headers, not the addresses export', () => {
    expect(phpipamSubnets.detect(SUBNET_COLUMNS)).toBe(6);
    expect(phpipamSubnets.detect(SUBNET_TITLES)).toBe(11);
    expect(phpipamSubnets.detect(ADDRESS_COLUMNS)).toBeLessThan(phpipamAddresses.detect(ADDRESS_COLUMNS));
  });
});

describe('phpIPAM addresses', () => {
  it.each<[Record<string, string>, object]>([
    [
      { section: 'Customers', ip_addr: '198.18.4.10', subnet: '198.18.4.0/24', hostname: 'web1', description: 'front', mac: '00:1B:63:84:45:E6', owner: 'alice', device: 'sw-core', note: 'rack 4', tag: 'Used', is_gateway: '0', port: 'Gi0/1' },
      { ip: '198.18.4.10', subnetHint: '198.18.4.0/24', hostname: 'web1', description: 'front', mac: '00:1b:63:84:45:e6', notes: 'rack 4\nowner: alice\ndevice: sw-core', tags: ['Used'] },
    ],
    [{ ip_addr: '198.18.4.1', tag: 'Reserved', is_gateway: '1' }, { ip: '198.18.4.1', reserved: true, gateway: true }],
    [{ ip_addr: '198.18.4.2', is_gateway: 'Yes', owner: 'bob' }, { ip: '198.18.4.2', gateway: true, notes: 'owner: bob' }],
    [{ ip_addr: '198.18.4.3', subnet: 'Servers [folder]' }, { ip: '198.18.4.3' }],
  ])('%j → %j', (cells, record) => {
    expect(phpipamAddresses.record(cells)).toEqual(record);
  });

  it.each([
    [{ ip_addr: '' }, 'the address is empty'],
    [{ ip_addr: '198.18.4.2', is_gateway: 'sometimes' }, /is_gateway must be yes or no/],
    [{ ip_addr: '198.18.4.2', mac: '01:00:5e:00:00:fb' }, /not a device's MAC/],
  ])('refuses %j', (cells, message) => {
    expect(fails(() => phpipamAddresses.record(cells))).toMatch(message);
  });

  it('recognises both header spellings', () => {
    expect(phpipamAddresses.detect(ADDRESS_COLUMNS)).toBe(12);
    expect(phpipamAddresses.detect(ADDRESS_TITLES)).toBe(12);
    expect(phpipamAddresses.detect(SUBNET_COLUMNS)).toBe(0);
  });
});
