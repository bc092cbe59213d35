/**
 * The import routes' wiring on a real libSQL file: a preview that writes nothing, commits of a phpIPAM addresses file
 * (MAC and device row with its vendor, gateway, reserved tag), a watch list, a NetBox prefixes file updating a subnet,
 * a 422 that writes nothing, and the batch's guard against a subnet stored between plan and write (409).
 * The full suites are tests/api/import.test.ts and tests/contract/import.contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeTools } from '../../worker/node/tools.js';
import { AppError } from '../../worker/errors.js';
import { ImportPlanner } from '../../worker/import/plan.js';
import { writeAll } from '../../worker/services/host-writes.js';
import { importStatements } from '../../worker/services/import-write.js';
import { storedSubnets } from '../../worker/services/import-read.js';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';

let t: TestApp;
const count = async (sql: string) => Number((await t.client.execute(sql)).rows[0]!.n);

beforeAll(async () => {
  t = await makeTestApp();
  t.deps.tools = nodeTools;
  expect((await t.call('POST', '/api/subnets', { cidr: '198.18.240.0/24', name: 'office' })).status).toBe(201);
  expect((await t.call('POST', '/api/hosts', { ip: '198.18.240.9', hostname: 'old', description: 'kept' })).status).toBe(201);
});
afterAll(() => t.close());

const PHPIPAM = [
  ['section', 'ip_addr', 'subnet', 'hostname', 'description', 'mac', 'owner', 'device', 'note', 'tag', 'is_gateway', 'port'],
  ['Office', '198.18.240.1', '198.18.240.0/24', 'gw', 'router', '', '', '', '', 'Used', 1, ''],
  ['Office', '198.18.240.9', '198.18.240.0/24', 'nas', '', '00:1B:63:84:45:E6', 'alice', 'sw-1', '', '', 0, 'Gi0/9'],
  ['Office', '198.18.240.10', '198.18.240.0/24', 'spare', '', 'AA-BB-CC-00-00-01', '', '', '', 'Reserved', 0, ''],
];

describe('POST /api/import/preview and /commit', () => {
  it('previews without writing, then commits the same file', async () => {
    const before = await tableCounts(t.client);
    const preview = await t.call('POST', '/api/import/preview', { format: 'auto', rows: PHPIPAM });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ format: 'phpipam-addresses', target: 'hosts', headerRow: 1, total: 3, create: 2, update: 1, createSubnets: 0, watch: 0, errors: [], errorCount: 0 });
    expect(preview.body.columns[1]).toEqual({ index: 1, header: 'ip_addr', field: 'ip_addr' });
    expect(preview.body.sample.map((s: any) => [s.line, s.action, s.ip])).toEqual([
      [2, 'create', '198.18.240.1'],
      [3, 'update', '198.18.240.9'],
      [4, 'create', '198.18.240.10'],
    ]);
    expect(await tableCounts(t.client)).toEqual(before);

    const commit = await t.call('POST', '/api/import/commit', { format: 'auto', rows: PHPIPAM });
    expect([commit.status, commit.body]).toEqual([200, { created: 2, updated: 1, createdSubnets: 0, watch: 0 }]);
    const hosts = (await t.call('GET', '/api/hosts?limit=50')).body;
    const byIp = Object.fromEntries(hosts.hosts.map((h: any) => [h.ip, h]));
    expect(byIp['198.18.240.9']).toMatchObject({ hostname: 'nas', hostnameSource: 'import', description: 'kept', notes: 'owner: alice\ndevice: sw-1', mac: '00:1b:63:84:45:e6', vendor: 'Apple, Inc.' });
    expect(byIp['198.18.240.10']).toMatchObject({ reserved: true, tags: [], mac: 'aa:bb:cc:00:00:01', vendor: null, macRandom: true });
    expect(byIp['198.18.240.1']).toMatchObject({ hostname: 'gw', tags: ['Used'] });
    const devices = (await t.client.execute('SELECT h.ip, d.mac, d.vendor, d.mac_random, d.hostname, d.first_seen_at FROM host_devices d JOIN hosts h ON h.id = d.host_id ORDER BY h.ip_key')).rows;
    expect(devices.map((d) => [d.ip, d.mac, d.vendor, d.mac_random, d.hostname, d.first_seen_at])).toEqual([
      ['198.18.240.9', '00:1b:63:84:45:e6', 'Apple, Inc.', 0, 'nas', t.clock.now()],
      ['198.18.240.10', 'aa:bb:cc:00:00:01', null, 1, 'spare', t.clock.now()],
    ]);
    expect((await t.client.execute("SELECT gateway FROM subnets WHERE cidr = '198.18.240.0/24'")).rows[0]!.gateway).toBe('198.18.240.1');
    const audit = (await t.call('GET', '/api/audit?action=import.commit')).body.entries;
    expect(audit[0]).toMatchObject({ action: 'import.commit', targetType: 'import', details: { format: 'phpipam-addresses', rows: 3, created: 2, updated: 1, createdSubnets: 0, watch: 0 } });
  });

  it('imports addresses outside every subnet as a watch list', async () => {
    const csv = 'ip,hostname\n198.18.244.1,upstream-dns\n198.18.244.2,\n198.18.240.20,inside\n';
    const res = await t.call('POST', '/api/import/commit', { format: 'spreadsheet', csv, outside: 'watch', watch: { name: 'Upstreams', probeId: null } });
    expect([res.status, res.body]).toEqual([200, { created: 1, updated: 0, createdSubnets: 2, watch: 2 }]);
    const rows = (await t.client.execute("SELECT s.cidr, s.name, s.group_name, s.probe_id, h.ip FROM subnets s JOIN hosts h ON h.subnet_id = s.id WHERE s.group_name = 'Upstreams' ORDER BY s.cidr")).rows;
    expect(rows.map((r) => [r.cidr, r.name, r.probe_id, r.ip])).toEqual([
      ['198.18.244.1/32', 'upstream-dns', null, '198.18.244.1'],
      ['198.18.244.2/32', '198.18.244.2', null, '198.18.244.2'],
    ]);
  });

  it('updates a subnet with the same CIDR from a NetBox prefixes file and creates the new one', async () => {
    const csv = 'prefix,status,site,vlan,vrf,tenant,role,description,tags\n198.18.240.0/24,active,Berlin,Office (120),,,,office lan,\n198.18.241.0/24,active,Berlin,,,,,lab,\n';
    const res = await t.call('POST', '/api/import/commit', { format: 'auto', csv });
    expect([res.status, res.body]).toEqual([200, { created: 1, updated: 1, createdSubnets: 1, watch: 0 }]);
    const rows = (await t.client.execute("SELECT cidr, name, group_name, vlan, gateway FROM subnets WHERE cidr LIKE '198.18.24_.0/24' ORDER BY cidr")).rows;
    expect(rows.map((r) => [r.cidr, r.name, r.group_name, r.vlan, r.gateway])).toEqual([
      ['198.18.240.0/24', 'office lan', 'Berlin', 120, '198.18.240.1'],
      ['198.18.241.0/24', 'lab', 'Berlin', null, null],
    ]);
  });

  it('refuses a file with bad rows with 422 and every line, writing nothing', async () => {
    const before = await tableCounts(t.client);
    const rows = [['Office LAN', null], ['IP', 'Hostname'], ['198.18.240.30', 'fine'], ['198.18.250.1', 'outside'], ['198.18.240.30', 'again'], [], ['nope', 'bad']];
    const res = await t.call('POST', '/api/import/commit', { format: 'auto', rows });
    expect([res.status, res.body.error.code]).toEqual([422, 'import_invalid']);
    expect(res.body.error.details.rows).toEqual([
      { line: 4, message: '198.18.250.1 is not inside any subnet; add the subnet first, or import it as a watch list' },
      { line: 5, message: '198.18.240.30 appears twice in the file (line 3)' },
      { line: 7, message: '"nope" is not an IPv4 or IPv6 address' },
    ]);
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it.each([
    [{ format: 'xlsx', csv: 'ip\n198.18.240.40\n' }, 'invalid_request'],
    [{ format: 'auto', csv: 'ip\n198.18.240.40\n', rows: [['ip']] }, 'invalid_request'],
    [{ format: 'auto', csv: 'name,owner\nnas,bob\n' }, 'import_no_address_column'],
    [{ format: 'auto', csv: 'ip\n198.18.240.40\n', outside: 'watch' }, 'import_watch_name'],
    [{ format: 'auto', csv: 'ip\n' }, 'import_empty'],
    [{ format: 'auto', rows: [['ip'], ['198.18.240.40', { cell: 'object' }]] }, 'invalid_request'],
    [{ format: 'auto', rows: [['ip'], Array(65).fill('x')] }, 'invalid_request'],
    [{ format: 'auto', rows: [['ip'], ['x'.repeat(10_001)]] }, 'invalid_request'],
  ])('answers 400 for a bad request %j', async (body, code) => {
    const res = await t.call('POST', '/api/import/preview', body);
    expect([res.status, res.body.error.code]).toEqual([400, code]);
  });

  it('bounds a CSV as it bounds rows: at most 64 columns (empty ones at a line\'s end do not count) and 10,000 characters a cell; a watch list\'s name without control characters', async () => {
    const before = await tableCounts(t.client);
    const wide = await t.call('POST', '/api/import/preview', { format: 'auto', csv: `x${','.repeat(500_000)}\n198.18.240.1\n` });
    expect(wide.status).toBe(200); // all of those cells are empty: the line is one cell wide
    const tooWide = await t.call('POST', '/api/import/preview', { format: 'auto', csv: `ip\n${'a,'.repeat(70)}b\n` });
    expect([tooWide.status, tooWide.body.error.code, tooWide.body.error.message]).toEqual([400, 'import_too_wide', 'line 2 has 71 cells; an import reads at most 64 columns']);
    const long = await t.call('POST', '/api/import/preview', { format: 'auto', csv: `ip,notes\n198.18.240.1,${'n'.repeat(10_001)}\n` });
    expect([long.status, long.body.error.code]).toEqual([400, 'import_cell_too_long']);
    const named = await t.call('POST', '/api/import/commit', { format: 'auto', csv: 'ip\n198.18.244.9\n', outside: 'watch', watch: { name: 'upstream\u0007', probeId: null } });
    expect([named.status, named.body.error.code]).toEqual([400, 'invalid_request']);
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('documents the three routes for editors in /openapi.json', async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    const roles = [doc.paths['/api/import/formats'].get, doc.paths['/api/import/preview'].post, doc.paths['/api/import/commit'].post].map((op) => op['x-required-role']);
    expect(roles).toEqual(['editor', 'editor', 'editor']);
    expect(doc.components.schemas.ImportRequest.properties.format.enum).toEqual(['auto', 'spreadsheet', 'phpipam-subnets', 'phpipam-addresses', 'netbox-prefixes', 'netbox-ip-addresses']);
  });

  it('writes nothing and answers 409 when a subnet was stored between the plan and the write', async () => {
    const planner = new ImportPlanner({ target: 'hosts', subnets: await storedSubnets(t.deps), hosts: new Map(), outside: 'watch', watch: { name: 'late', probeId: null }, defaultProbeId: null });
    planner.add(2, { ip: '198.18.243.7' });
    const plan = planner.finish();
    expect(plan.subnets.create.map((s) => s.cidr.cidr)).toEqual(['198.18.243.7/32']);
    expect((await t.call('POST', '/api/subnets', { cidr: '198.18.243.0/24' })).status).toBe(201); // meanwhile
    const before = await tableCounts(t.client);
    const conflict = new AppError(409, 'import_conflict', 'meanwhile');
    await expect(writeAll(t.deps, await importStatements(plan, t.clock.now(), () => null), conflict)).rejects.toBe(conflict);
    expect(await tableCounts(t.client)).toEqual(before);
    expect(await count("SELECT count(*) AS n FROM subnets WHERE cidr = '198.18.243.7/32'")).toBe(0);
  });

  it('writes nothing and answers 409 when a host or subnet it updates was deleted between the plan and the write', async () => {
    const subnet = (await t.call('POST', '/api/subnets', { cidr: '198.18.242.0/24' })).body;
    const host = (await t.call('POST', '/api/hosts', { ip: '198.18.242.9' })).body;
    const other = (await t.call('POST', '/api/hosts', { ip: '198.18.242.10', description: 'kept' })).body;
    for (const target of ['host', 'subnet'] as const) {
      const subnets = await storedSubnets(t.deps);
      const planner = target === 'host'
        ? new ImportPlanner({ target: 'hosts', subnets, hosts: new Map([['198.18.242.9', { id: host.id, mac: null }], ['198.18.242.10', { id: other.id, mac: null }]]), outside: 'refuse', watch: undefined, defaultProbeId: null })
        : new ImportPlanner({ target: 'subnets', subnets, hosts: new Map(), outside: 'refuse', watch: undefined, defaultProbeId: null });
      if (target === 'host') {
        planner.add(2, { ip: '198.18.242.9', description: 'changed' });
        planner.add(3, { ip: '198.18.242.10', description: 'changed' });
      } else planner.add(2, { cidr: '198.18.242.0/24', name: 'renamed' });
      const plan = planner.finish();
      expect(plan.errors).toEqual([]);
      // meanwhile
      expect((await t.call('DELETE', target === 'host' ? `/api/hosts/${host.id}` : `/api/subnets/${subnet.id}`)).status).toBe(204);
      const before = await tableCounts(t.client);
      const conflict = new AppError(409, 'import_conflict', 'meanwhile');
      await expect(writeAll(t.deps, await importStatements(plan, t.clock.now(), () => null), conflict)).rejects.toBe(conflict);
      expect(await tableCounts(t.client)).toEqual(before);
      if (target === 'host') expect((await t.call('GET', `/api/hosts/${other.id}`)).body.description).toBe('kept');
    }
  });
});
