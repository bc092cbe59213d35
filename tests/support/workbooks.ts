/**
 * Import files as the tests need them: .xlsx workbooks built with write-excel-file and read back into rows with
 * read-excel-file's universal `readSheet`, as the import page does in the browser before it POSTs the rows; and CSV
 * texts as phpIPAM and NetBox export them. Addresses are the caller's (test blocks only).
 */
import { readSheet } from 'read-excel-file/universal';
import writeXlsxFile, { type SheetData } from 'write-excel-file/universal';

/** A cell as the import API takes it (worker/import/sheet.ts). */
export type Cell = string | number | boolean | null;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A one-sheet .xlsx file from rows as write-excel-file takes them (values, or cell objects with a style or a span). */
export function workbook(data: SheetData, sheet = 'Sheet1'): Promise<Blob> {
  return writeXlsxFile(data, { sheet }).toBlob();
}

/**
 * The rows of a workbook's first sheet as the browser sends them: `readSheet` with its defaults (text trimmed, which
 * also drops a BOM), a date as JSON would carry it. `trim: false` keeps cells as stored, so the server's own trimming
 * and BOM handling are what a test sees.
 */
export async function readRows(file: Blob | ArrayBuffer, opts: { trim?: boolean } = {}): Promise<Cell[][]> {
  const data = await readSheet(file instanceof Blob ? file : new Blob([file]), opts.trim === false ? { trim: false } : {});
  return data.map((row) => row.map((v) => (v instanceof Date ? v.toISOString() : (v as Cell))));
}

/** A workbook straight to the rows the browser would send. */
export async function sheetRows(data: SheetData, opts: { trim?: boolean } = {}): Promise<Cell[][]> {
  return readRows(await workbook(data), opts);
}

export interface ListHost {
  ip: string;
  hostname?: string;
  description?: string;
  tags?: string;
  notes?: string;
}

/** The plain list from the live-dashboard paper: an `ip` header and a few optional columns. */
export function plainList(hosts: readonly ListHost[]): SheetData {
  return [['ip', 'hostname', 'description', 'tags', 'notes'], ...hosts.map((h) => [h.ip, h.hostname ?? null, h.description ?? null, h.tags ?? null, h.notes ?? null])];
}

/** The title a messy sheet carries in row 1, merged over its five columns. */
export const MESSY_TITLE = 'Lab inventory — keep up to date!';

/**
 * A sheet as admins really keep one, lines as Excel numbers them:
 * 1. a bold title merged across the columns; 2. the header, with a BOM before the first cell's text ("IP Address") and
 * "Name" merged over two cells (the second one has no header: it becomes "column 3", unmapped); 3.. the hosts: the
 * reserved flag as the text "1" or the number 0, a description that is a number (2024 → "2024") and one stored as text
 * ("0042"); the last row's address is bad (`bad`, default 198.18.240.300).
 */
export function messySheet(ips: readonly string[], bad = '198.18.240.300'): SheetData {
  const header = [{ value: '\uFEFFIP Address' }, { value: 'Name', columnSpan: 2 }, null, { value: 'Description' }, { value: 'Reserved' }];
  const rows: SheetData = [[{ value: MESSY_TITLE, columnSpan: 5, fontWeight: 'bold' }, null, null, null, null], header];
  ips.forEach((ip, i) => {
    const description = i % 2 === 0 ? { value: 2024 + i, type: Number } : { value: `00${42 + i}`, type: String };
    const reserved = i % 2 === 0 ? { value: '1', type: String } : { value: 0, type: Number };
    rows.push([ip, `host-${i + 1}`, `left-over ${i + 1}`, description, reserved]);
  });
  rows.push([bad, 'broken', null, 'typo', null]);
  return rows;
}

/** The 1-based line of data row `i` (0-based) of messySheet, and of its bad last row. */
export const messyLine = (i: number) => 3 + i;

const quoted = (v: string | number | null | undefined) => `"${String(v ?? '').replaceAll('"', '""')}"`;
const csv = (header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]) =>
  [header, ...rows].map((r) => r.map(quoted).join(',')).join('\r\n') + '\r\n';

export interface PhpipamSubnet {
  section: string;
  /** "198.18.241.0" with `mask`, or "198.18.241.0/24" */
  subnet: string;
  /** A length ("24") or dotted ("255.255.255.0"); empty when `subnet` carries /len. */
  mask?: string;
  description?: string;
  vlan?: string | number;
}

/** phpIPAM's subnets export as CSV: every cell quoted, CRLF, the database's column names, VRF and the flags beside. */
export function phpipamSubnetsCsv(rows: readonly PhpipamSubnet[]): string {
  return csv(
    ['section', 'subnet', 'mask', 'description', 'vlan', 'vrf', 'masterSubnet', 'allowRequests', 'pingSubnet', 'discoverSubnet'],
    rows.map((r) => [r.section, r.subnet, r.mask ?? '', r.description ?? '', r.vlan ?? 'NA', '', '/', 0, 1, 0]),
  );
}

export interface PhpipamAddress {
  section: string;
  ip_addr: string;
  /** The block as phpIPAM writes it: "198.18.241.0/24". */
  subnet: string;
  hostname?: string;
  description?: string;
  mac?: string;
  owner?: string;
  device?: string;
  note?: string;
  /** phpIPAM's address types: Offline, Used, Reserved, DHCP. */
  tag?: string;
  is_gateway?: 0 | 1;
}

/** phpIPAM's addresses export as CSV (the import template's column order, then state and port). */
export function phpipamAddressesCsv(rows: readonly PhpipamAddress[]): string {
  return csv(
    ['section', 'ip_addr', 'subnet', 'hostname', 'description', 'mac', 'owner', 'device', 'note', 'tag', 'is_gateway', 'vrf', 'state', 'port'],
    rows.map((r) => [r.section, r.ip_addr, r.subnet, r.hostname, r.description, r.mac, r.owner, r.device, r.note, r.tag ?? 'Used', r.is_gateway ?? 0, '', 2, '']),
  );
}

export interface NetboxPrefix {
  prefix: string;
  status?: string;
  site?: string;
  /** "Servers (100)" as NetBox shows a VLAN. */
  vlan?: string;
  tenant?: string;
  description?: string;
  /** "core,lab" */
  tags?: string;
}

/** NetBox's IPAM → Prefixes → Export → All data (CSV): import field names, quoted only where needed. */
export function netboxPrefixesCsv(rows: readonly NetboxPrefix[]): string {
  const cells = (r: NetboxPrefix) => [r.prefix, r.status ?? 'Active', r.site ?? '', r.vlan ?? '', r.tenant ?? '', '', 'false', r.description ?? '', r.tags ?? '', '1'];
  const cell = (v: string) => (/[",\r\n]/.test(v) ? quoted(v) : v);
  return [['prefix', 'status', 'site', 'vlan', 'tenant', 'role', 'is_pool', 'description', 'tags', 'id'], ...rows.map(cells)].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export interface NetboxAddress {
  /** With its length, as NetBox keeps it: "198.18.242.10/24". */
  address: string;
  status?: string;
  dns_name?: string;
  description?: string;
  tags?: string;
  tenant?: string;
}

/** NetBox's IPAM → IP Addresses → Export → All data (CSV). */
export function netboxIpAddressesCsv(rows: readonly NetboxAddress[]): string {
  const cells = (r: NetboxAddress, i: number) => [r.address, '', r.tenant ?? '', r.status ?? 'Active', '', 'dcim.interface', String(100 + i), r.dns_name ?? '', r.description ?? '', r.tags ?? '', String(i + 1)];
  const cell = (v: string) => (/[",\r\n]/.test(v) ? quoted(v) : v);
  return (
    [['address', 'vrf', 'tenant', 'status', 'role', 'assigned_object_type', 'assigned_object_id', 'dns_name', 'description', 'tags', 'id'], ...rows.map(cells)]
      .map((r) => r.map(cell).join(','))
      .join('\n') + '\n'
  );
}
