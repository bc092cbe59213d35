/**
 * NetBox's CSV exports of IPAM → Prefixes and IPAM → IP Addresses: "All data" (its import field names: `prefix`,
 * `dns_name`, `assigned_object_type`) or "Current view" (its column titles: "IP Address", "DNS Name"); both are aliases.
 */
import type { FieldSpec, HostRecord, ImportFormat, SubnetRecord } from './formats.js';
import { addressOf, blockOf, headerScore, hostRecord, notesOf, opt, subnetRecord, tagsOf, vlanOf, type Cells } from './fields.js';

const PREFIX_FIELDS: readonly FieldSpec[] = [
  { field: 'prefix', label: 'Prefix', aliases: ['prefix'], required: true },
  { field: 'site', label: 'Site (group)', aliases: ['site', 'scope'] },
  { field: 'vlan', label: 'VLAN', aliases: ['vlan'] },
  { field: 'description', label: 'Description (name)', aliases: ['description'] },
  { field: 'tenant', label: 'Tenant (notes)', aliases: ['tenant'] },
  { field: 'comments', label: 'Comments (notes)', aliases: ['comments'] },
];
const PREFIX_SIGNATURE = ['status', 'vrf', 'role', 'tags', 'is pool', 'mark utilized', 'scope type', 'scope id', 'children', 'utilization', 'depth', 'tenant group', 'id'];

export const netboxPrefixes: ImportFormat<'netbox-prefixes'> = {
  id: 'netbox-prefixes',
  label: 'NetBox prefixes',
  target: 'subnets',
  fields: PREFIX_FIELDS,
  detect: (headers) => headerScore(headers, PREFIX_FIELDS, PREFIX_SIGNATURE),
  record(cells: Cells): SubnetRecord {
    return subnetRecord({
      cidr: blockOf(cells.prefix, undefined, 'prefix'),
      name: opt(cells.description),
      groupName: opt(cells.site),
      vlan: vlanOf(cells.vlan),
      notes: notesOf(cells.comments, [['tenant', cells.tenant]]),
    });
  },
};

const ADDRESS_FIELDS: readonly FieldSpec[] = [
  { field: 'address', label: 'Address', aliases: ['address', 'ip address'], required: true },
  { field: 'status', label: 'Status (reserved)', aliases: ['status'] },
  { field: 'dns_name', label: 'DNS name (hostname)', aliases: ['dns name'] },
  { field: 'description', label: 'Description', aliases: ['description'] },
  { field: 'tags', label: 'Tags', aliases: ['tags'] },
  { field: 'tenant', label: 'Tenant (notes)', aliases: ['tenant'] },
  { field: 'comments', label: 'Comments (notes)', aliases: ['comments'] },
];
const ADDRESS_SIGNATURE = ['vrf', 'role', 'assigned object type', 'assigned object id', 'assigned', 'is primary', 'is oob', 'nat inside', 'nat outside', 'device', 'virtual machine', 'interface', 'tenant group', 'id'];

export const netboxIpAddresses: ImportFormat<'netbox-ip-addresses'> = {
  id: 'netbox-ip-addresses',
  label: 'NetBox IP addresses',
  target: 'hosts',
  fields: ADDRESS_FIELDS,
  detect: (headers) => headerScore(headers, ADDRESS_FIELDS, ADDRESS_SIGNATURE),
  record(cells: Cells): HostRecord {
    const { ip, hint } = addressOf(cells.address);
    return hostRecord({
      ip: ip.text,
      subnetHint: hint,
      hostname: opt(cells.dns_name),
      description: opt(cells.description),
      tags: tagsOf(cells.tags),
      notes: notesOf(cells.comments, [['tenant', cells.tenant]]),
      reserved: opt(cells.status)?.toLowerCase() === 'reserved' || undefined,
    });
  },
};
