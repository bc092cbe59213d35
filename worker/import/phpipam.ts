/**
 * phpIPAM's exports (Administration → Import/Export, or its API's columns): the subnets list and the addresses list.
 * Headers come either as its database columns (`ip_addr`, `is_gateway`) or as its export's titles ("IP Address",
 * "Gateway"); both are aliases.
 */
import type { FieldSpec, HostRecord, ImportFormat, SubnetRecord } from './formats.js';
import { addressOf, blockOf, flagOf, headerScore, hostRecord, macOf, notesOf, opt, subnetRecord, vlanOf, type Cells } from './fields.js';

const SUBNET_FIELDS: readonly FieldSpec[] = [
  { field: 'section', label: 'Section (group)', aliases: ['section'] },
  { field: 'subnet', label: 'Subnet', aliases: ['subnet', 'network'], required: true },
  { field: 'mask', label: 'Mask', aliases: ['mask', 'netmask', 'subnet mask'] },
  { field: 'description', label: 'Description (name)', aliases: ['description'] },
  { field: 'vlan', label: 'VLAN', aliases: ['vlan', 'vlan number', 'vlan id'] },
  { field: 'gateway', label: 'Gateway', aliases: ['gateway'] },
];
const SUBNET_SIGNATURE = ['vlan domain', 'vrf', 'master subnet', 'requests', 'host check', 'discover', 'customer', 'is folder', 'allow requests', 'ping subnet', 'discover subnet', 'show name', 'nameservers', 'scan agent'];

export const phpipamSubnets: ImportFormat<'phpipam-subnets'> = {
  id: 'phpipam-subnets',
  label: 'phpIPAM subnets',
  target: 'subnets',
  fields: SUBNET_FIELDS,
  detect: (headers) => headerScore(headers, SUBNET_FIELDS, SUBNET_SIGNATURE),
  record(cells: Cells): SubnetRecord {
    if (/\((folder)\)$|\[folder\]$/i.test(cells.subnet ?? '')) throw new Error(`"${cells.subnet}" is a phpIPAM folder, not a subnet: leave the row out`);
    return subnetRecord({
      cidr: blockOf(cells.subnet, cells.mask),
      name: opt(cells.description),
      groupName: opt(cells.section),
      vlan: vlanOf(cells.vlan),
      gateway: opt(cells.gateway),
    });
  },
};

const ADDRESS_FIELDS: readonly FieldSpec[] = [
  { field: 'ip_addr', label: 'Address', aliases: ['ip addr', 'ip address', 'ip', 'address'], required: true },
  { field: 'subnet', label: 'Subnet', aliases: ['subnet'] },
  { field: 'hostname', label: 'Hostname', aliases: ['hostname', 'host name', 'dns name'] },
  { field: 'description', label: 'Description', aliases: ['description'] },
  { field: 'mac', label: 'MAC', aliases: ['mac', 'mac address'] },
  { field: 'owner', label: 'Owner (notes)', aliases: ['owner'] },
  { field: 'device', label: 'Device (notes)', aliases: ['device'] },
  { field: 'note', label: 'Note', aliases: ['note', 'notes'] },
  { field: 'tag', label: 'Tag (Reserved or a tag)', aliases: ['tag'] },
  { field: 'is_gateway', label: 'Gateway', aliases: ['is gateway', 'gateway'] },
];
const ADDRESS_SIGNATURE = ['section', 'port', 'vrf', 'state', 'last seen', 'exclude ping', 'ptr ignore', 'firewall address object', 'custom fields'];

/** phpIPAM's "subnet" cell is the block as ip/mask; anything else (a folder's name) gives no hint. */
function hintOf(text: string | undefined): string | undefined {
  try {
    return opt(text)?.includes('/') ? blockOf(text, undefined) : undefined;
  } catch {
    return undefined;
  }
}

export const phpipamAddresses: ImportFormat<'phpipam-addresses'> = {
  id: 'phpipam-addresses',
  label: 'phpIPAM addresses',
  target: 'hosts',
  fields: ADDRESS_FIELDS,
  detect: (headers) => headerScore(headers, ADDRESS_FIELDS, ADDRESS_SIGNATURE),
  record(cells: Cells): HostRecord {
    const { ip, hint } = addressOf(cells.ip_addr);
    const tag = opt(cells.tag);
    const reserved = tag?.toLowerCase() === 'reserved';
    return hostRecord({
      ip: ip.text,
      subnetHint: hint ?? hintOf(cells.subnet),
      hostname: opt(cells.hostname),
      description: opt(cells.description),
      mac: macOf(cells.mac),
      notes: notesOf(cells.note, [['owner', cells.owner], ['device', cells.device]]),
      reserved: reserved || undefined,
      tags: tag && !reserved ? [tag] : undefined,
      gateway: flagOf(cells.is_gateway, 'is_gateway') || undefined,
    });
  },
};
