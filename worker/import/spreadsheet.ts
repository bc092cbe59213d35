/**
 * A list of hosts as admins keep them in a spreadsheet (and as the hosts export writes them): a column of addresses,
 * found by its header or else by its cells (mapping.ts), and optional columns for the host's fields.
 */
import type { FieldSpec, HostRecord, ImportFormat } from './formats.js';
import { addressOf, flagOf, headerScore, hostRecord, macOf, opt, tagsOf, type Cells } from './fields.js';

const FIELDS: readonly FieldSpec[] = [
  { field: 'ip', label: 'Address', aliases: ['ip', 'ip address', 'address', 'ipaddress', 'ip addr', 'ipv4', 'ipv4 address', 'ipv6', 'ipv6 address'], required: true },
  { field: 'hostname', label: 'Hostname', aliases: ['hostname', 'host name', 'host', 'name', 'dns name', 'fqdn'] },
  { field: 'description', label: 'Description', aliases: ['description', 'desc', 'comment', 'comments'] },
  { field: 'tags', label: 'Tags', aliases: ['tags', 'tag', 'labels'] },
  { field: 'notes', label: 'Notes', aliases: ['notes', 'note'] },
  { field: 'reserved', label: 'Reserved', aliases: ['reserved'] },
  { field: 'reserved_by', label: 'Reserved by', aliases: ['reserved by', 'reserved for'] },
  { field: 'reserved_note', label: 'Reservation note', aliases: ['reserved note', 'reservation note'] },
  { field: 'mac', label: 'MAC', aliases: ['mac', 'mac address', 'macaddress', 'hardware address'] },
];

export const spreadsheet: ImportFormat<'spreadsheet'> = {
  id: 'spreadsheet',
  label: 'Spreadsheet of hosts',
  target: 'hosts',
  fields: FIELDS,
  // the address column may be found by its cells, so any known header counts
  detect: (headers) => headerScore(headers, FIELDS, [], false),
  record(cells: Cells): HostRecord {
    const { ip, hint } = addressOf(cells.ip);
    return hostRecord({
      ip: ip.text,
      subnetHint: hint,
      hostname: opt(cells.hostname),
      description: opt(cells.description),
      tags: tagsOf(cells.tags),
      notes: opt(cells.notes),
      reserved: flagOf(cells.reserved, 'reserved'),
      reservedBy: opt(cells.reserved_by),
      reservedNote: opt(cells.reserved_note),
      mac: macOf(cells.mac),
    });
  },
};
