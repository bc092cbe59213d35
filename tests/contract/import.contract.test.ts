/**
 * Imports and the .xlsx export on both hosts (Node with libSQL, the Worker in workerd with D1): the same workbook rows
 * (as the browser reads them with read-excel-file) and the same phpIPAM and NetBox CSVs give the same preview, write
 * the same records or nothing at all, and the export opens as a workbook. Addresses: 198.18.240.0/22, watch list
 * 198.18.244.x.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';
import {
  messyLine,
  messySheet,
  netboxIpAddressesCsv,
  netboxPrefixesCsv,
  phpipamAddressesCsv,
  phpipamSubnetsCsv,
  plainList,
  readRows,
  sheetRows,
  XLSX_TYPE,
} from '../support/workbooks.js';

describe.each(HOSTS)('imports on the %s host', (host) => {
  let server: Target;
  let cookie: string;
  let api: ReturnType<typeof client>;
  let probeId: number;

  const preview = (body: unknown) => api('POST', '/api/import/preview', body);
  const commit = (body: unknown) => api('POST', '/api/import/commit', body);
  const subnets = async () => (await api('GET', '/api/subnets')).body.subnets as any[];
  const subnetOf = async (cidr: string) => (await subnets()).find((s) => s.cidr === cidr);
  const hostAt = async (ip: string) => (await api('GET', `/api/hosts?q=${encodeURIComponent(ip)}`)).body.hosts.find((h: any) => h.ip === ip);
  const hostTotal = async () => (await api('GET', '/api/hosts?limit=1')).body.total as number;

  beforeAll(async () => {
    server = await startTarget(host);
    cookie = await login(server.url);
    api = client(server.url, cookie);
    probeId = (await api('POST', '/api/probes', { name: 'c-import-watch' })).body.id;
    expect((await api('POST', '/api/subnets', { cidr: '198.18.240.0/24', name: 'c-import lab' })).status).toBe(201);
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  it("lists the formats the import page offers, each with what it imports and the fields it fills", async () => {
    const res = await api('GET', '/api/import/formats');
    expect(res.status).toBe(200);
    expect(res.body.formats.map((f: any) => [f.id, f.target])).toEqual([
      ['spreadsheet', 'hosts'], ['phpipam-subnets', 'subnets'], ['phpipam-addresses', 'hosts'], ['netbox-prefixes', 'subnets'], ['netbox-ip-addresses', 'hosts'],
    ]);
    const sheet = res.body.formats[0];
    expect(sheet.label).toBe('Spreadsheet of hosts');
    expect(sheet.fields.filter((f: any) => f.required).map((f: any) => f.field)).toEqual(['ip']);
    expect(sheet.fields.map((f: any) => f.field)).toEqual(expect.arrayContaining(['ip', 'hostname', 'description', 'tags', 'notes', 'reserved']));
  });

  it('previews workbook rows (merged title and header cells, BOM, numbers as text, a bad last row) and writes nothing', async () => {
    const rows = await sheetRows(messySheet(['198.18.240.11', '198.18.240.12']), { trim: false });
    const before = await hostTotal();
    const res = await preview({ format: 'auto', rows });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'spreadsheet', target: 'hosts', headerRow: 2, total: 3, create: 2, update: 0, createSubnets: 0, watch: 0, errorCount: 1 });
    expect(res.body.columns.map((c: any) => [c.header, c.field])).toEqual([['IP Address', 'ip'], ['Name', 'hostname'], ['column 3', null], ['Description', 'description'], ['Reserved', 'reserved']]);
    expect(res.body.errors).toEqual([{ line: messyLine(2), message: expect.stringContaining('198.18.240.300') }]);
    expect(res.body.sample.map((s: any) => [s.line, s.action, s.ip, s.description, s.reserved])).toEqual([[3, 'create', '198.18.240.11', '2024', true], [4, 'create', '198.18.240.12', '0043', false]]);
    expect(await hostTotal()).toBe(before);
  });

  it('commits all or nothing: the bad last row writes nothing, without it every host is written', async () => {
    const rows = await sheetRows(messySheet(['198.18.240.11', '198.18.240.12']));
    const [hostsBefore, subnetsBefore] = [await hostTotal(), (await subnets()).length];
    const refused = await commit({ format: 'auto', rows });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'import_invalid']);
    expect(refused.body.error.details.rows).toEqual([{ line: messyLine(2), message: expect.stringContaining('198.18.240.300') }]);
    expect([await hostTotal(), (await subnets()).length]).toEqual([hostsBefore, subnetsBefore]);

    expect((await commit({ format: 'auto', rows: rows.slice(0, -1) })).body).toEqual({ created: 2, updated: 0, createdSubnets: 0, watch: 0 });
    expect(await hostAt('198.18.240.11')).toMatchObject({ hostname: 'host-1', description: '2024', reserved: true });
    expect(await hostAt('198.18.240.12')).toMatchObject({ hostname: 'host-2', description: '0043', reserved: false });
    // the same rows again update the same hosts
    expect((await commit({ format: 'auto', rows: rows.slice(0, -1) })).body).toEqual({ created: 0, updated: 2, createdSubnets: 0, watch: 0 });
  });

  it('imports addresses outside every subnet as a watch list of single-address subnets on the chosen probe', async () => {
    const rows = await sheetRows(plainList([{ ip: '198.18.244.1', hostname: 'c-upstream' }, { ip: '198.18.244.2' }, { ip: '198.18.240.20', hostname: 'c-inside' }]));
    expect((await preview({ format: 'auto', rows })).body.errors.map((e: any) => e.line)).toEqual([2, 3]);
    const body = { format: 'auto', rows, outside: 'watch', watch: { name: 'c-watch', probeId } };
    expect((await preview(body)).body).toMatchObject({ create: 1, createSubnets: 2, watch: 2, errorCount: 0 });
    expect((await commit(body)).body).toEqual({ created: 1, updated: 0, createdSubnets: 2, watch: 2 });
    expect(await subnetOf('198.18.244.1/32')).toMatchObject({ name: 'c-upstream', groupName: 'c-watch', probeId });
    expect(await subnetOf('198.18.244.2/32')).toMatchObject({ name: '198.18.244.2', groupName: 'c-watch', probeId });
    expect((await hostAt('198.18.244.1')).hostname).toBe('c-upstream');
  });

  it('imports phpIPAM subnets then addresses: section, VLAN, the gateway, a MAC with its device row, Reserved', async () => {
    const subnetsCsv = phpipamSubnetsCsv([
      { section: 'c-DC', subnet: '198.18.241.0', mask: '26', description: 'c-servers', vlan: 110 },
      { section: 'c-Office', subnet: '198.18.241.64/26', description: 'c-office' },
    ]);
    expect((await preview({ format: 'auto', csv: subnetsCsv })).body).toMatchObject({ format: 'phpipam-subnets', target: 'subnets', create: 2, errorCount: 0 });
    expect((await commit({ format: 'auto', csv: subnetsCsv })).body).toMatchObject({ createdSubnets: 2 });
    expect(await subnetOf('198.18.241.0/26')).toMatchObject({ name: 'c-servers', groupName: 'c-DC', vlan: 110 });
    expect(await subnetOf('198.18.241.64/26')).toMatchObject({ name: 'c-office', groupName: 'c-Office', vlan: null });

    const addressesCsv = phpipamAddressesCsv([
      { section: 'c-DC', ip_addr: '198.18.241.1', subnet: '198.18.241.0/26', hostname: 'c-gw', is_gateway: 1 },
      { section: 'c-DC', ip_addr: '198.18.241.10', subnet: '198.18.241.0/26', hostname: 'c-db', mac: '00:0C:29:AB:CD:10', owner: 'alice', note: 'rack 3', tag: 'Reserved' },
      { section: 'c-Office', ip_addr: '198.18.241.70', subnet: '198.18.241.64/26', tag: 'DHCP' },
    ]);
    expect((await preview({ format: 'auto', csv: addressesCsv })).body).toMatchObject({ format: 'phpipam-addresses', create: 3, errorCount: 0 });
    expect((await commit({ format: 'auto', csv: addressesCsv })).body).toEqual({ created: 3, updated: 0, createdSubnets: 0, watch: 0 });
    expect((await subnetOf('198.18.241.0/26')).gateway).toBe('198.18.241.1');
    const db = await hostAt('198.18.241.10');
    expect(db).toMatchObject({ hostname: 'c-db', reserved: true, mac: '00:0c:29:ab:cd:10' });
    expect(db.notes.split('\n')).toEqual(['rack 3', 'owner: alice']);
    expect((await api('GET', `/api/hosts/${db.id}/devices`)).body.devices.map((d: any) => d.mac)).toEqual(['00:0c:29:ab:cd:10']);
    expect((await hostAt('198.18.241.70')).tags).toEqual(['DHCP']);
  });

  it('imports NetBox prefixes then IP addresses: site, "name (vid)", dns_name, reserved status, tags', async () => {
    const prefixes = netboxPrefixesCsv([{ prefix: '198.18.241.128/25', site: 'c-Berlin', vlan: 'c-servers (310)', description: 'c-berlin' }]);
    expect((await preview({ format: 'auto', csv: prefixes })).body).toMatchObject({ format: 'netbox-prefixes', create: 1, errorCount: 0 });
    expect((await commit({ format: 'auto', csv: prefixes })).body).toMatchObject({ createdSubnets: 1 });
    expect(await subnetOf('198.18.241.128/25')).toMatchObject({ name: 'c-berlin', groupName: 'c-Berlin', vlan: 310 });

    const addresses = netboxIpAddressesCsv([
      { address: '198.18.241.130/25', dns_name: 'c-web.example.test', tags: 'web,prod' },
      { address: '198.18.241.131/25', status: 'Reserved' },
    ]);
    expect((await preview({ format: 'auto', csv: addresses })).body).toMatchObject({ format: 'netbox-ip-addresses', create: 2, errorCount: 0 });
    expect((await commit({ format: 'auto', csv: addresses })).body).toEqual({ created: 2, updated: 0, createdSubnets: 0, watch: 0 });
    expect(await hostAt('198.18.241.130')).toMatchObject({ hostname: 'c-web.example.test', tags: ['web', 'prod'], reserved: false });
    expect((await hostAt('198.18.241.131')).reserved).toBe(true);
  });

  it('audits each commit with its format and counts', async () => {
    const entries = (await api('GET', '/api/audit?action=import.commit&limit=50')).body.entries;
    expect(entries.map((e: any) => e.details.format).sort()).toEqual(['netbox-ip-addresses', 'netbox-prefixes', 'phpipam-addresses', 'phpipam-subnets', 'spreadsheet', 'spreadsheet', 'spreadsheet']);
    expect(entries.find((e: any) => e.details.format === 'phpipam-addresses').details).toMatchObject({ created: 3, updated: 0 });
  });

  it('exports hosts and subnets as workbooks that open, hold the CSV export’s rows and import again as updates only', async () => {
    // past 160 kB of sheet XML, where write-excel-file's own zip wants a Web Worker (none in workerd)
    expect((await api('POST', '/api/subnets', { cidr: '198.18.242.0/23', name: 'c-bulk' })).status).toBe(201);
    const bulk = ['ip,hostname,description,notes'];
    for (let i = 1; i <= 500; i++) bulk.push(`198.18.${242 + (i >> 8)}.${i & 255},c-bulk-${i},rack ${i % 40},${`bulk host ${i} — a note long enough to fill the sheet `.repeat(2)}`);
    expect((await commit({ format: 'spreadsheet', csv: bulk.join('\n') })).body).toMatchObject({ created: 500 });

    for (const [file, csvPath] of [['hosts.xlsx', '/api/export/hosts.csv'], ['subnets.xlsx', '/api/export/subnets.csv']] as const) {
      const res = await fetch(`${server.url}/api/export/${file}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${file}"`);
      const rows = await readRows(await res.arrayBuffer(), { trim: false });
      const csv = parse((await api('GET', csvPath)).body as string, { relax_column_count: true }) as string[][];
      expect(rows.map((r) => r.map((v) => (v === null ? '' : String(v))))).toEqual(csv);
    }

    const total = await hostTotal();
    const rows = await readRows(await (await fetch(`${server.url}/api/export/hosts.xlsx`, { headers: { cookie } })).arrayBuffer());
    expect(rows.length).toBe(total + 1);
    expect(rows.find((r) => r[0] === '198.18.243.244')).toEqual(['198.18.243.244', 'c-bulk-500', 'rack 20', null, `bulk host 500 — a note long enough to fill the sheet bulk host 500 — a note long enough to fill the sheet`, 'false', null, null, 'unknown', null]);
    const p = await preview({ format: 'auto', rows });
    expect(p.body).toMatchObject({ format: 'spreadsheet', total, create: 0, update: total, createSubnets: 0, watch: 0, errorCount: 0 });
  }, 120_000);
});
