import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';
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
  type Cell,
} from '../support/workbooks.js';

let t: TestApp;
let probeId: number;
beforeAll(async () => {
  t = await makeTestApp();
  await t.call('POST', '/api/subnets', { cidr: '198.18.240.0/24', name: 'lab' });
  await t.call('POST', '/api/subnets', { cidr: 'fd00:240::/64', name: 'lab v6' });
  probeId = (await t.call('POST', '/api/probes', { name: 'edge-probe' })).body.id;
});
afterAll(() => t.close());

const preview = (body: unknown) => t.call('POST', '/api/import/preview', body);
const commit = (body: unknown) => t.call('POST', '/api/import/commit', body);

async function hostAt(ip: string) {
  const found = (await t.call('GET', `/api/hosts?q=${encodeURIComponent(ip)}`)).body.hosts.find((h: any) => h.ip === ip);
  if (!found) throw new Error(`no host ${ip}`);
  return found;
}
async function subnetOf(cidr: string) {
  const found = (await t.call('GET', '/api/subnets')).body.subnets.find((s: any) => s.cidr === cidr);
  if (!found) throw new Error(`no subnet ${cidr}`);
  return found;
}

describe('import preview', () => {
  it('maps a plain list by its headers, counts what it would write and writes nothing', async () => {
    const rows = await sheetRows(plainList([
      { ip: '198.18.240.1', hostname: 'gw', description: 'router', tags: 'core;lab' },
      { ip: '198.18.240.2', hostname: 'ns', notes: 'resolver' },
      { ip: 'fd00:240::7', hostname: 'v6-box' },
    ]));
    const before = await tableCounts(t.client);
    const res = await preview({ format: 'auto', rows });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'spreadsheet', target: 'hosts', headerRow: 1, total: 3, create: 3, update: 0, createSubnets: 0, watch: 0, errors: [], errorCount: 0 });
    expect(res.body.columns).toEqual([
      { index: 0, header: 'ip', field: 'ip' },
      { index: 1, header: 'hostname', field: 'hostname' },
      { index: 2, header: 'description', field: 'description' },
      { index: 3, header: 'tags', field: 'tags' },
      { index: 4, header: 'notes', field: 'notes' },
    ]);
    expect(res.body.fields.map((f: any) => f.field)).toEqual(expect.arrayContaining(['ip', 'hostname', 'description', 'tags', 'notes', 'reserved', 'mac']));
    expect(res.body.sample.map((s: any) => [s.line, s.action, s.ip])).toEqual([[2, 'create', '198.18.240.1'], [3, 'create', '198.18.240.2'], [4, 'create', 'fd00:240::7']]);
    expect(res.body.sample[0]).toMatchObject({ hostname: 'gw', description: 'router', tags: ['core', 'lab'] });
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('finds the header under a merged title, leaves a merged header cell unmapped, reads numbers stored as text and names the bad last row', async () => {
    const data = messySheet(['198.18.240.21', '198.18.240.22', 'fd00:240::21']);
    const browser = await sheetRows(data);
    const raw = await sheetRows(data, { trim: false });
    expect(raw[1]![0]).toBe('\uFEFFIP Address'); // the browser's trimming drops the BOM; untrimmed, the server must
    expect(browser[1]![0]).toBe('IP Address');
    for (const rows of [browser, raw]) {
      const res = await preview({ format: 'auto', rows });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ format: 'spreadsheet', headerRow: 2, total: 4, create: 3, update: 0, errorCount: 1 });
      expect(res.body.columns).toEqual([
        { index: 0, header: 'IP Address', field: 'ip' },
        { index: 1, header: 'Name', field: 'hostname' },
        { index: 2, header: 'column 3', field: null },
        { index: 3, header: 'Description', field: 'description' },
        { index: 4, header: 'Reserved', field: 'reserved' },
      ]);
      expect(res.body.errors).toEqual([{ line: messyLine(3), message: expect.stringContaining('198.18.240.300') }]);
      expect(res.body.sample.map((s: any) => [s.line, s.ip, s.hostname, s.description, s.reserved])).toEqual([
        [3, '198.18.240.21', 'host-1', '2024', true],
        [4, '198.18.240.22', 'host-2', '0043', false],
        [5, 'fd00:240::21', 'host-3', '2026', true],
      ]);
    }
  });

  it('lists every bad row with its line and reason', async () => {
    const csv = [
      'ip,hostname,reserved,mac',
      '198.18.240.50,fine,,',
      'nope,,,',
      '198.19.99.1,outside,,',
      '198.18.240.50,again,,',
      '198.18.240.51,,maybe,',
      '198.18.240.52,,,zz:zz:zz',
      '',
      '198.18.240.53,ok,yes,00:1b:63:84:45:e6',
    ].join('\n');
    const res = await preview({ format: 'spreadsheet', csv });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 7, create: 2, errorCount: 5 });
    expect(res.body.errors.map((e: any) => e.line)).toEqual([3, 4, 5, 6, 7]);
    const [notAnAddress, outside, twice, flag, mac] = res.body.errors.map((e: any) => e.message);
    expect(notAnAddress).toMatch(/"nope" is not an IPv4 or IPv6 address/);
    expect(outside).toMatch(/198\.19\.99\.1 is not inside any subnet/);
    expect(twice).toMatch(/198\.18\.240\.50 appears twice.*line 2/);
    expect(flag).toMatch(/reserved.*"maybe"/);
    expect(mac).toMatch(/"zz:zz:zz" is not a MAC/);

    const before = await tableCounts(t.client);
    const refused = await commit({ format: 'spreadsheet', csv });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'import_invalid']);
    expect(refused.body.error.details.rows).toEqual(res.body.errors);
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it.each<[string, unknown, number, string]>([
    ['both rows and csv', { format: 'auto', rows: [['ip'], ['198.18.240.9']], csv: 'ip\n198.18.240.9\n' }, 400, ''],
    ['neither rows nor csv', { format: 'auto' }, 400, ''],
    ['an unknown format', { format: 'excel97', csv: 'ip\n198.18.240.9\n' }, 400, ''],
    ['a mapping to a field the format lacks', { format: 'spreadsheet', csv: 'ip,x\n198.18.240.9,1\n', mapping: { '1': 'colour' } }, 400, 'import_unknown_field'],
    ['a mapping key that is not a column', { format: 'spreadsheet', csv: 'ip\n198.18.240.9\n', mapping: { first: 'ip' } }, 400, ''],
    ['a watch list without a name', { format: 'spreadsheet', csv: 'ip\n198.18.244.9\n', outside: 'watch', watch: { name: ' ', probeId: null } }, 400, ''],
    ['a header only', { format: 'spreadsheet', csv: 'ip,hostname\n' }, 400, ''],
    ['no address column', { format: 'spreadsheet', csv: 'hostname\nprinter\n' }, 400, 'import_no_address_column'],
    ['an unreadable CSV', { format: 'auto', csv: 'ip\n"198.18.240.9\n' }, 400, ''],
  ])('refuses %s with 400', async (_, body, status, code) => {
    const before = await tableCounts(t.client);
    for (const res of [await preview(body), await commit(body)]) {
      expect(res.status).toBe(status);
      if (code) expect(res.body.error.code).toBe(code);
    }
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('refuses more than 50,000 data rows (413) and a body over 8 MiB (413), writing nothing', async () => {
    const before = await tableCounts(t.client);
    const rows: Cell[][] = [['ip']];
    for (let i = 0; i < 50_001; i++) rows.push([`198.18.240.${i % 250}`]);
    const many = await commit({ format: 'spreadsheet', rows });
    expect([many.status, many.body.error.code]).toEqual([413, 'import_too_large']);
    const manyCsv = await preview({ format: 'spreadsheet', csv: rows.map((r) => r[0]).join('\n') });
    expect([manyCsv.status, manyCsv.body.error.code]).toEqual([413, 'import_too_large']);

    const huge = JSON.stringify({ format: 'spreadsheet', csv: `ip,notes\n198.18.240.9,${'x'.repeat(8 * 1024 * 1024)}\n` });
    const res = await t.app.request('/api/import/commit', { method: 'POST', headers: { cookie: t.cookie, origin: 'http://localhost', 'content-type': 'application/json' }, body: huge });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('body_too_large');
    expect(await tableCounts(t.client)).toEqual(before);
  }, 60_000);

  it('is for editors: a viewer may not preview or commit', async () => {
    await t.call('POST', '/api/users', { username: 'vic', password: 'viewer-password-1', role: 'viewer' });
    const login = await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vic', password: 'viewer-password-1' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    for (const path of ['/api/import/preview', '/api/import/commit']) {
      expect((await t.call('POST', path, { format: 'auto', csv: 'ip\n198.18.240.9\n' }, { cookie, origin: 'http://localhost' })).status).toBe(403);
    }
  });
});

describe('import commit', () => {
  it('writes all or nothing: a bad last row writes nothing, the same sheet without it writes every host', async () => {
    const ips = ['198.18.240.31', '198.18.240.32', 'fd00:240::31'];
    const rows = await sheetRows(messySheet(ips));
    const before = await tableCounts(t.client);
    const refused = await commit({ format: 'auto', rows });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'import_invalid']);
    expect(refused.body.error.details.rows).toEqual([{ line: messyLine(3), message: expect.stringContaining('198.18.240.300') }]);
    expect(await tableCounts(t.client)).toEqual(before);

    const done = await commit({ format: 'auto', rows: rows.slice(0, -1) });
    expect([done.status, done.body]).toEqual([200, { created: 3, updated: 0, createdSubnets: 0, watch: 0 }]);
    expect(await hostAt('198.18.240.31')).toMatchObject({ hostname: 'host-1', hostnameSource: 'import', description: '2024', reserved: true });
    expect(await hostAt('198.18.240.32')).toMatchObject({ hostname: 'host-2', description: '0043', reserved: false });
    expect(await hostAt('fd00:240::31')).toMatchObject({ hostname: 'host-3', reserved: true });
  });

  it('follows an edited mapping: a column given a field, one left out keeps the stored value', async () => {
    const rows = (await sheetRows(messySheet(['198.18.240.31', '198.18.240.32', 'fd00:240::31']))).slice(0, -1);
    const mapping = { '2': 'notes', '3': null };
    const res = await preview({ format: 'auto', rows, mapping });
    expect(res.body).toMatchObject({ create: 0, update: 3, errorCount: 0 });
    expect(res.body.columns.map((c: any) => [c.header, c.field])).toEqual([['IP Address', 'ip'], ['Name', 'hostname'], ['column 3', 'notes'], ['Description', null], ['Reserved', 'reserved']]);
    expect(res.body.sample[0]).toMatchObject({ action: 'update', notes: 'left-over 1' });
    expect((await commit({ format: 'auto', rows, mapping })).body).toEqual({ created: 0, updated: 3, createdSubnets: 0, watch: 0 });
    expect(await hostAt('198.18.240.31')).toMatchObject({ notes: 'left-over 1', description: '2024' });
  });

  it('updates existing hosts and keeps what a row leaves empty', async () => {
    const made = await t.call('POST', '/api/hosts', { ip: '198.18.240.60', hostname: 'keep-me', description: 'old', tags: ['a'], notes: 'kept' });
    expect(made.status).toBe(201);
    const csv = 'ip,hostname,description,tags,notes\n198.18.240.60,,new,,\n198.18.240.61,fresh,,,\n';
    const res = await preview({ format: 'auto', csv });
    expect(res.body).toMatchObject({ create: 1, update: 1 });
    expect(res.body.sample.map((s: any) => [s.ip, s.action])).toEqual([['198.18.240.60', 'update'], ['198.18.240.61', 'create']]);
    expect((await commit({ format: 'auto', csv })).body).toEqual({ created: 1, updated: 1, createdSubnets: 0, watch: 0 });
    expect(await hostAt('198.18.240.60')).toMatchObject({ id: made.body.id, hostname: 'keep-me', description: 'new', tags: ['a'], notes: 'kept' });
  });

  it('imports addresses outside every subnet as a watch list: /32 and /128 subnets under one group, on the chosen probe', async () => {
    const rows = await sheetRows(plainList([
      { ip: '198.18.244.1', hostname: 'upstream-gw' },
      { ip: '198.18.244.2' },
      { ip: 'fd00:244::53', hostname: 'dns6' },
      { ip: '198.18.240.70', hostname: 'inside' },
    ]));
    const refused = await preview({ format: 'auto', rows });
    expect(refused.body.errors.map((e: any) => e.line)).toEqual([2, 3, 4]);
    expect(refused.body.errors[0].message).toMatch(/198\.18\.244\.1 is not inside any subnet/);

    const body = { format: 'auto', rows, outside: 'watch', watch: { name: 'Upstream', probeId } };
    const res = await preview(body);
    expect(res.body).toMatchObject({ create: 1, update: 0, createSubnets: 3, watch: 3, errorCount: 0 });
    expect(res.body.sample.map((s: any) => [s.ip, s.action])).toEqual([['198.18.244.1', 'watch'], ['198.18.244.2', 'watch'], ['fd00:244::53', 'watch'], ['198.18.240.70', 'create']]);
    expect((await commit(body)).body).toEqual({ created: 1, updated: 0, createdSubnets: 3, watch: 3 });

    for (const [cidr, name] of [['198.18.244.1/32', 'upstream-gw'], ['198.18.244.2/32', '198.18.244.2'], ['fd00:244::53/128', 'dns6']] as const) {
      const subnet = await subnetOf(cidr);
      expect(subnet).toMatchObject({ name, groupName: 'Upstream', probeId });
      const hosts = (await t.call('GET', `/api/subnets/${subnet.id}/hosts`)).body;
      expect(JSON.stringify(hosts)).toContain(`"${cidr.split('/')[0]}"`);
    }
    expect((await hostAt('198.18.244.1')).hostname).toBe('upstream-gw');

    const unassigned = await commit({ format: 'spreadsheet', csv: 'ip\n198.18.244.3\n', outside: 'watch', watch: { name: 'Upstream', probeId: null } });
    expect(unassigned.body).toEqual({ created: 0, updated: 0, createdSubnets: 1, watch: 1 });
    expect(await subnetOf('198.18.244.3/32')).toMatchObject({ groupName: 'Upstream', probeId: null });
  });
});

describe('phpIPAM and NetBox exports', () => {
  it('imports phpIPAM subnets (section → group, VLAN) then its addresses (gateway, MAC with its device row, Reserved, owner and device in the notes)', async () => {
    const subnetsCsv = phpipamSubnetsCsv([
      { section: 'Datacenter', subnet: '198.18.241.0', mask: '24', description: 'Servers', vlan: 100 },
      { section: 'Datacenter', subnet: '198.18.242.0/25', description: 'Storage' },
      { section: 'Office', subnet: '198.18.242.128', mask: '255.255.255.128', description: 'Office LAN', vlan: '20' },
    ]);
    const p = await preview({ format: 'auto', csv: subnetsCsv });
    expect(p.body).toMatchObject({ format: 'phpipam-subnets', target: 'subnets', headerRow: 1, total: 3, create: 3, createSubnets: 3, errorCount: 0 });
    expect(p.body.columns.filter((c: any) => c.field).map((c: any) => [c.header, c.field])).toEqual([['section', 'section'], ['subnet', 'subnet'], ['mask', 'mask'], ['description', 'description'], ['vlan', 'vlan']]);
    expect((await commit({ format: 'auto', csv: subnetsCsv })).body).toMatchObject({ createdSubnets: 3 });
    expect(await subnetOf('198.18.241.0/24')).toMatchObject({ name: 'Servers', groupName: 'Datacenter', vlan: 100, gateway: null });
    expect(await subnetOf('198.18.242.0/25')).toMatchObject({ name: 'Storage', groupName: 'Datacenter', vlan: null });
    expect(await subnetOf('198.18.242.128/25')).toMatchObject({ name: 'Office LAN', groupName: 'Office', vlan: 20 });

    const addressesCsv = phpipamAddressesCsv([
      { section: 'Datacenter', ip_addr: '198.18.241.1', subnet: '198.18.241.0/24', hostname: 'gw1', description: 'core router', is_gateway: 1 },
      { section: 'Datacenter', ip_addr: '198.18.241.10', subnet: '198.18.241.0/24', hostname: 'db1', mac: '00:0C:29:AB:CD:EF', owner: 'alice', device: 'sw-01', note: 'rack 3', tag: 'Reserved' },
      { section: 'Datacenter', ip_addr: '198.18.241.11', subnet: '198.18.241.0/24', tag: 'DHCP' },
      { section: 'Office', ip_addr: '198.18.242.129', subnet: '198.18.242.128/25', hostname: 'printer', mac: '00-1b-63-84-45-e6' },
    ]);
    const a = await preview({ format: 'auto', csv: addressesCsv });
    expect(a.body).toMatchObject({ format: 'phpipam-addresses', target: 'hosts', total: 4, create: 4, errorCount: 0 });
    expect((await commit({ format: 'auto', csv: addressesCsv })).body).toEqual({ created: 4, updated: 0, createdSubnets: 0, watch: 0 });

    expect((await subnetOf('198.18.241.0/24')).gateway).toBe('198.18.241.1');
    expect(await hostAt('198.18.241.1')).toMatchObject({ hostname: 'gw1', description: 'core router', tags: ['Used'] });
    const db = await hostAt('198.18.241.10');
    expect(db).toMatchObject({ hostname: 'db1', reserved: true, tags: [], mac: '00:0c:29:ab:cd:ef' });
    expect(db.notes.split('\n')).toEqual(['rack 3', 'owner: alice', 'device: sw-01']);
    expect((await hostAt('198.18.241.11')).tags).toEqual(['DHCP']);
    const at = new Date(t.clock.now()).toISOString();
    const devices = (await t.call('GET', `/api/hosts/${db.id}/devices`)).body.devices;
    expect(devices).toEqual([expect.objectContaining({ mac: '00:0c:29:ab:cd:ef', firstSeenAt: at, lastSeenAt: at })]);
    const printer = await hostAt('198.18.242.129');
    expect(printer.mac).toBe('00:1b:63:84:45:e6');
    expect((await t.call('GET', `/api/hosts/${printer.id}/devices`)).body.devices).toHaveLength(1);
  });

  it('refuses a phpIPAM subnet overlapping a stored one, and updates one with the same CIDR', async () => {
    const csv = phpipamSubnetsCsv([
      { section: 'Datacenter', subnet: '198.18.241.0/25', description: 'half of Servers' },
      { section: 'Datacenter', subnet: '198.18.241.0', mask: '255.255.255.0', description: 'Servers, renamed', vlan: 101 },
    ]);
    const res = await preview({ format: 'phpipam-subnets', csv });
    expect(res.body).toMatchObject({ create: 0, update: 1, errorCount: 1 });
    expect(res.body.errors).toEqual([{ line: 2, message: expect.stringMatching(/198\.18\.241\.0\/25 overlaps.*198\.18\.241\.0\/24/) }]);
    expect((await commit({ format: 'phpipam-subnets', csv })).status).toBe(422);
    expect((await commit({ format: 'phpipam-subnets', csv: phpipamSubnetsCsv([{ section: 'DC', subnet: '198.18.241.0/24', description: 'Servers, renamed', vlan: 101 }]) })).status).toBe(200);
    expect(await subnetOf('198.18.241.0/24')).toMatchObject({ name: 'Servers, renamed', groupName: 'DC', vlan: 101, gateway: '198.18.241.1' });
  });

  it('imports NetBox prefixes (site → group, "name (vid)" → VLAN) then its IP addresses (dns_name, status reserved, tags)', async () => {
    const prefixes = netboxPrefixesCsv([
      { prefix: '198.18.243.0/24', site: 'Berlin', vlan: 'Servers (300)', tenant: 'Acme', description: 'Berlin servers', tags: 'core,dc' },
      { prefix: 'fd00:243::/64', site: 'Berlin', description: 'Berlin v6' },
    ]);
    const p = await preview({ format: 'auto', csv: prefixes });
    expect(p.body).toMatchObject({ format: 'netbox-prefixes', target: 'subnets', create: 2, errorCount: 0 });
    expect((await commit({ format: 'auto', csv: prefixes })).body).toMatchObject({ createdSubnets: 2 });
    expect(await subnetOf('198.18.243.0/24')).toMatchObject({ name: 'Berlin servers', groupName: 'Berlin', vlan: 300 });
    expect(await subnetOf('fd00:243::/64')).toMatchObject({ name: 'Berlin v6', groupName: 'Berlin', vlan: null });

    const addresses = netboxIpAddressesCsv([
      { address: '198.18.243.10/24', dns_name: 'web1.example.test', tags: 'web,prod', description: 'front' },
      { address: '198.18.243.11/24', status: 'Reserved' },
      { address: 'fd00:243::10/64', dns_name: 'v6.example.test' },
    ]);
    const a = await preview({ format: 'auto', csv: addresses });
    expect(a.body).toMatchObject({ format: 'netbox-ip-addresses', target: 'hosts', create: 3, errorCount: 0 });
    expect((await commit({ format: 'auto', csv: addresses })).body).toEqual({ created: 3, updated: 0, createdSubnets: 0, watch: 0 });
    expect(await hostAt('198.18.243.10')).toMatchObject({ hostname: 'web1.example.test', description: 'front', tags: ['web', 'prod'], reserved: false });
    expect(await hostAt('198.18.243.11')).toMatchObject({ reserved: true });
    expect((await hostAt('fd00:243::10')).hostname).toBe('v6.example.test');
  });

  it('names a NetBox address whose length puts it outside the subnet it lands in', async () => {
    const res = await preview({ format: 'netbox-ip-addresses', csv: netboxIpAddressesCsv([{ address: '198.18.243.300/24' }, { address: '198.18.243.12/33' }]) });
    expect(res.body.errors.map((e: any) => e.line)).toEqual([2, 3]);
  });

  it('audits each commit with its format and counts, not its rows', async () => {
    const entries = (await t.call('GET', '/api/audit?action=import.commit&limit=50')).body.entries;
    const phpipam = entries.find((e: any) => e.details?.format === 'phpipam-addresses');
    expect(phpipam).toMatchObject({ actor: 'admin', action: 'import.commit', details: expect.objectContaining({ format: 'phpipam-addresses', created: 4, updated: 0, createdSubnets: 0, watch: 0 }) });
    expect(entries.find((e: any) => e.details?.watch === 3)?.details).toMatchObject({ format: 'spreadsheet', created: 1, createdSubnets: 3 });
    for (const e of entries) expect(JSON.stringify(e.details).length).toBeLessThan(1000);
    // a refused commit is not an import
    expect(entries.every((e: any) => e.details?.created + e.details?.updated + e.details?.createdSubnets > 0)).toBe(true);
  });
});

describe('the xlsx export, imported again', () => {
  it('gives back every host as an update that changes nothing', async () => {
    await t.call('POST', '/api/hosts', { ip: '198.18.240.90', hostname: '=cmd|calc', description: '+1 555', tags: ['@SUM(A1)', 'ok'], notes: "'plain quote", reserved: true, reservedBy: '-bob' });
    const before = (await t.call('GET', '/api/hosts?limit=500')).body.hosts;
    const res = await t.app.request('/api/export/hosts.xlsx', { headers: { cookie: t.cookie } });
    expect(res.status).toBe(200);
    const rows = await readRows(await res.arrayBuffer());
    const p = await preview({ format: 'auto', rows });
    expect(p.body).toMatchObject({ format: 'spreadsheet', headerRow: 1, total: before.length, create: 0, update: before.length, createSubnets: 0, watch: 0, errors: [] });
    expect(p.body.columns.map((c: any) => c.field)).toEqual(['ip', 'hostname', 'description', 'tags', 'notes', 'reserved', 'reserved_by', 'reserved_note', null, null]);
    expect((await commit({ format: 'auto', rows })).body).toEqual({ created: 0, updated: before.length, createdSubnets: 0, watch: 0 });
    const after = (await t.call('GET', '/api/hosts?limit=500')).body.hosts;
    const fields = (h: any) => [h.ip, h.hostname, h.description, h.tags, h.notes, h.reserved, h.reservedBy, h.reservedNote];
    expect(after.map(fields)).toEqual(before.map(fields));
    expect(fields(after.find((h: any) => h.ip === '198.18.240.90'))).toEqual(['198.18.240.90', '=cmd|calc', '+1 555', ['@SUM(A1)', 'ok'], "'plain quote", true, '-bob', null]);
  });

  it('gives back every subnet as an update when its columns are mapped to phpIPAM subnet fields', async () => {
    const count = (await t.call('GET', '/api/subnets')).body.subnets.length;
    const res = await t.app.request('/api/export/subnets.xlsx', { headers: { cookie: t.cookie } });
    const rows = await readRows(await res.arrayBuffer());
    expect(rows[0]).toEqual(['cidr', 'name', 'notes', 'probe_id', 'sweep_interval_seconds', 'group', 'vlan', 'gateway']);
    // group, vlan and gateway are found by their names; the rest mapped by hand
    const p = await preview({ format: 'phpipam-subnets', rows, headerRow: 1, mapping: { '0': 'subnet', '1': 'description', '5': 'section' } });
    expect(p.body.columns.map((c: any) => c.field)).toEqual(['subnet', 'description', null, null, null, 'section', 'vlan', 'gateway']);
    expect(p.body).toMatchObject({ target: 'subnets', total: count, create: 0, update: count, errorCount: 0 });
  });
});
