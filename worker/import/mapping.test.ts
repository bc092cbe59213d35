import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { cellsOf, layoutOf, type LayoutRequest } from './mapping.js';
import { textRow, type Cell } from './sheet.js';

const sheet = (...rows: Cell[][]) => rows.map((r, i) => textRow(r, i + 1)).filter((r) => r !== null);
const layout = (rows: Cell[][], req: Partial<LayoutRequest> = {}) => layoutOf(sheet(...rows), { format: 'auto', ...req });
const fields = (rows: Cell[][], req: Partial<LayoutRequest> = {}) => layout(rows, req).columns.map((c) => c.field);
const refusal = (rows: Cell[][], req: Partial<LayoutRequest> = {}) => {
  try {
    layout(rows, req);
  } catch (e) {
    if (e instanceof AppError) return [e.status, e.code, e.message];
    throw e;
  }
  throw new Error('expected a refusal');
};
const csvHeader = (line: string) => line.split(',');

describe('format detection (auto)', () => {
  it.each([
    ['section,ip_addr,subnet,hostname,description,mac,owner,device,note,tag,is_gateway,port', 'phpipam-addresses'],
    ['Section,IP Address,Hostname,Description,VRF,Subnet,MAC,Owner,Device,Note,Tag,Gateway', 'phpipam-addresses'],
    ['section,subnet,mask,description,vlan,vrf', 'phpipam-subnets'],
    ['Section,Subnet,Description,VLAN,VLAN Domain,VRF,Master Subnet,Requests,Host check,Discover,Customer', 'phpipam-subnets'],
    ['prefix,status,site,vlan,vrf,tenant,role,description,tags', 'netbox-prefixes'],
    ['ID,Prefix,Status,Children,VRF,Utilization,Tenant,Site,VLAN,Role,Description', 'netbox-prefixes'],
    ['address,vrf,tenant,status,role,dns_name,description,tags,assigned_object_type,assigned_object_id', 'netbox-ip-addresses'],
    ['ID,IP Address,VRF,Status,Role,Tenant,Assigned,DNS Name,Description', 'netbox-ip-addresses'],
    ['ip,hostname,description,tags,notes,reserved,reserved_by,reserved_note,status,last_seen_at', 'spreadsheet'],
    ['IP,Name,Owner', 'spreadsheet'],
    ['Address', 'spreadsheet'], // as good a fit as NetBox's: the first listed wins
  ])('%s → %s', (header, format) => {
    expect(layout([csvHeader(header), ['198.18.0.0/24']]).format.id).toBe(format);
  });
});

describe('layoutOf', () => {
  it('maps the phpIPAM addresses columns and leaves the others unmapped', () => {
    const l = layout([csvHeader('section,ip_addr,subnet,hostname,description,mac,owner,device,note,tag,is_gateway,port')]);
    expect(l.headerRow).toBe(1);
    expect(l.columns.map((c) => c.field)).toEqual([null, 'ip_addr', 'subnet', 'hostname', 'description', 'mac', 'owner', 'device', 'note', 'tag', 'is_gateway', null]);
    expect(l.columns[0]).toEqual({ index: 0, header: 'section', field: null });
  });

  it('passes over a merged title row; a merged or empty header cell is an unmapped "column N"', () => {
    const l = layout([['Office LAN — addresses', null, null], ['IP', null, 'Hostname'], ['198.18.0.1', 'x', 'nas']]);
    expect(l.headerRow).toBe(2);
    expect(l.columns).toEqual([
      { index: 0, header: 'IP', field: 'ip' },
      { index: 1, header: 'column 2', field: null },
      { index: 2, header: 'Hostname', field: 'hostname' },
    ]);
  });

  it('counts the header line as the sheet shows it, empty rows included', () => {
    const rows: Cell[][] = [[null], ['Inventory'], [], ['ip', 'hostname'], ['198.18.0.1', 'a']];
    expect(layout(rows).headerRow).toBe(4);
  });

  it('reads a sheet without a header: every row is data, the address column found by its cells', () => {
    const l = layout([['nas', '198.18.0.1'], ['nfs', '198.18.0.2']]);
    expect([l.format.id, l.headerRow, l.columns.map((c) => [c.header, c.field])]).toEqual(['spreadsheet', 0, [['column 1', null], ['column 2', 'ip']]]);
  });

  it('finds the address column by its cells under a header no alias names', () => {
    const l = layout([['Name', 'Host IP', 'Where'], ['nas', '198.18.0.1', 'rack'], ['nfs', 'fd00::2', ''], ['printer', 'tbd', '']]);
    expect([l.headerRow, l.columns.map((c) => c.field)]).toEqual([1, ['hostname', 'ip', null]]);
  });

  it('takes a first row of unknown headers as the header when it holds no address', () => {
    const l = layout([['Adresse', 'Nom'], ['198.18.0.1', 'nas']]);
    expect([l.headerRow, l.columns.map((c) => [c.header, c.field])]).toEqual([1, [['Adresse', 'ip'], ['Nom', null]]]);
  });

  it('applies the request mapping over the headers', () => {
    const rows: Cell[][] = [['ip', 'hostname', 'Comment', 'tags'], ['198.18.0.1', 'a', 'b', 'c']];
    expect(fields(rows, { mapping: { '1': null, '2': 'hostname' } })).toEqual(['ip', null, 'hostname', 'tags']);
    // an override takes its field from the column the header gave it to
    expect(fields(rows, { mapping: { '3': 'hostname' } })).toEqual(['ip', null, 'description', 'hostname']);
    // a column beyond the sheet's cells can be named
    expect(fields(rows, { mapping: { '5': 'notes' } })).toEqual(['ip', 'hostname', 'description', 'tags', null, 'notes']);
  });

  it('takes the header row the request names', () => {
    const rows: Cell[][] = [['ip', 'hostname'], ['address', 'name'], ['198.18.0.1', 'a']];
    expect(layout(rows, { headerRow: 2 }).columns.map((c) => c.header)).toEqual(['address', 'name']);
    expect(layout([['198.18.0.1', 'a']], { headerRow: 0 }).headerRow).toBe(0);
  });

  it('keeps to the format the request names', () => {
    const l = layout([['ip', 'hostname'], ['198.18.0.1', 'a']], { format: 'phpipam-addresses' });
    expect([l.format.id, l.columns.map((c) => c.field)]).toEqual(['phpipam-addresses', ['ip_addr', 'hostname']]);
  });

  it.each<[string, Cell[][], Partial<LayoutRequest>, string, RegExp]>([
    ['an unknown format', [['ip']], { format: 'xlsx' }, 'import_unknown_format', /unknown format "xlsx"/],
    ['an unknown field', [['ip']], { mapping: { '0': 'colour' } }, 'import_unknown_field', /spreadsheet has no field "colour"/],
    ['two columns for one field', [['a', 'b']], { mapping: { '0': 'ip', '1': 'ip' } }, 'import_bad_mapping', /columns 0 and 1 both map to ip/],
    ['a column index out of range', [['ip']], { mapping: { '64': 'ip' } }, 'import_bad_mapping', /0 to 63/],
    ['a header line without cells', [['ip'], [], ['198.18.0.1']], { headerRow: 2 }, 'import_bad_header_row', /line 2 is empty/],
    ['no address column in a list', [['name', 'owner'], ['nas', 'bob']], {}, 'import_no_address_column', /no column holds the address/],
    ['no prefix column for NetBox', [['site', 'vlan'], ['x', '1']], { format: 'netbox-prefixes' }, 'import_no_address_column', /no column holds the prefix \(NetBox prefixes\)/],
    ['the address column mapped away', [['ip'], ['198.18.0.1']], { mapping: { '0': null } }, 'import_no_address_column', /no column holds the address/],
    ['an empty sheet', [], {}, 'import_empty', /no rows/],
  ])('refuses %s with 400', (_what, rows, req, code, message) => {
    const [status, gotCode, gotMessage] = refusal(rows, req);
    expect([status, gotCode]).toEqual([400, code]);
    expect(gotMessage).toMatch(message);
  });
});

describe('cellsOf', () => {
  it('keys the mapped, filled cells by field', () => {
    const columns = [
      { index: 0, header: 'ip', field: 'ip' },
      { index: 1, header: 'column 2', field: null },
      { index: 2, header: 'hostname', field: 'hostname' },
      { index: 3, header: 'notes', field: 'notes' },
    ];
    expect(cellsOf({ line: 2, cells: ['198.18.0.1', 'x', '', 'n'] }, columns)).toEqual({ ip: '198.18.0.1', notes: 'n' });
  });
});
