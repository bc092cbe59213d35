/**
 * The Import page (issue 15) in Debian's Chromium against the real Node host on loopback. Workbooks are built here
 * with write-excel-file and chosen in the page's file picker, so the vendored read-excel-file reads them in the
 * browser (under the page's CSP) and the rows go to /api/import/preview and /commit. Checked: a workbook with a
 * merged title row and bad rows (the mapping, the counts, each bad row's line), fixed by the mapping and then by a
 * corrected file, committed (the hosts in the subnet view); phpIPAM's subnets and addresses CSVs (detected); a watch
 * list for addresses outside every subnet (name and probe); a commit refused after the preview (422: the rows,
 * nothing written); a workbook larger than fflate inflates without a worker; a viewer's page (no nav entry, the
 * exports); axe in light and dark, and screenshots.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { messyLine, messySheet, phpipamAddressesCsv, phpipamSubnetsCsv, workbook, XLSX_TYPE } from '../support/workbooks.js';

const LAB = '198.18.240.0/24';
const PHP = '198.18.241.0/24';
const GONE = '198.18.242.0/24';
const VIEWER = { username: 'vic', password: 'viewer password 1', role: 'viewer' };

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let page: Page;
let labId: number;
let probeId: number;

const text = async (selector: string, p = page) => ((await p.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const texts = (selector: string, p = page) => p.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));

async function expectAccessible(p: Page, name: string) {
  const found = await accessibilityReport(p);
  expect(found, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}

const xlsx = async (data: Parameters<typeof workbook>[0]) => Buffer.from(await (await workbook(data)).arrayBuffer());

const previews = async () => Number(await page.getAttribute('.import-page', 'data-previews'));

/** Does `action` and waits until a preview has answered after it and none is under way. */
async function afterPreview(action: () => Promise<unknown>) {
  const before = await previews();
  await action();
  await page.waitForFunction((n) => {
    const section = document.querySelector('.import-page');
    return Number(section?.getAttribute('data-previews')) > n && !section?.hasAttribute('data-busy');
  }, before);
}

/** Opens the page afresh (unless `fresh: false`), chooses the file and waits for its preview (or, with `error`, not). */
async function choose(name: string, mimeType: string, buffer: Buffer, { fresh = true, error = false } = {}) {
  if (fresh) {
    await page.goto(`${server.url}/#/import`);
    await page.reload(); // a fresh page: nothing kept from the last import
    await page.waitForSelector('#import-file');
  }
  const pick = () => page.setInputFiles('#import-file', { name, mimeType, buffer });
  if (error) return pick();
  await afterPreview(pick);
  expect(await text('.import-status')).toMatch(new RegExp(`^${name.replace(/[().]/g, '\\$&')}: (the first sheet, \\d+ rows?|a CSV file)$`));
}

const counts = () => page.$$eval('.import-counts li', (lis) => Object.fromEntries(lis.map((li) => [li.getAttribute('data-count'), li.textContent])));
const badLines = () => page.$$eval('#import-errors-heading ~ * tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-line'))));
const mapping = () => page.$$eval('table.import-columns tbody tr', (trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, (tr.querySelector('select') as HTMLSelectElement).value]));

const labHosts = async (): Promise<any[]> => (await api('GET', `/api/hosts?subnetId=${labId}`)).body.hosts;

async function remapColumn(index: number, field: string) {
  await afterPreview(() => page.selectOption(`#import-col-${index}`, field));
}

async function commit() {
  await page.click('.import-commit button');
  await page.waitForSelector('.import-result, .import-failure');
}

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0' });
  api = client(server.url, await server.login());
  const lab = await api('POST', '/api/subnets', { cidr: LAB, name: 'import lab', sweepIntervalSeconds: 3600 });
  expect(lab.status).toBe(201);
  labId = lab.body.id;
  expect((await api('POST', '/api/hosts', { ip: '198.18.240.12', hostname: 'old-name', description: 'old', notes: 'rack 3' })).status).toBe(201);
  probeId = (await api('POST', '/api/probes', { name: 'edge-probe', site: 'dc' })).body.id;
  expect((await api('POST', '/api/users', VIEWER)).status).toBe(201);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  page = await context.newPage();
  page.setDefaultTimeout(8000);
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
});

describe('import in Chromium', () => {
  it('a messy workbook with a bad last row: the mapping, the counts and the bad row by its line; the mapping changed, the fixed file chosen again (its column choices kept), committed into the subnet view', async () => {
    await page.click('header nav a:has-text("Import")');
    await page.waitForSelector('#import-file');
    expect(await page.getAttribute('header nav a[href="#/import"]', 'aria-current')).toBe('page');
    await page.waitForSelector('#import-format option[value="netbox-ip-addresses"]', { state: 'attached' }); // the server's list (GET /api/import/formats)
    expect(await page.$$eval('#import-format option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['auto', 'spreadsheet', 'phpipam-subnets', 'phpipam-addresses', 'netbox-prefixes', 'netbox-ip-addresses']);

    // a merged title row, a BOM before the first header, "Name" merged over two cells, numbers stored as text, a bad last row
    const ips = ['198.18.240.10', '198.18.240.11'];
    await choose('lab inventory.xlsx', XLSX_TYPE, await xlsx(messySheet(ips)));
    expect(await text('.import-status')).toBe('lab inventory.xlsx: the first sheet, 5 rows');
    expect(await text('#import-format-hint')).toBe('Detected: Spreadsheet of hosts');
    expect(await mapping()).toEqual([['IP Address', 'ip'], ['Name', 'hostname'], ['column 3', ''], ['Description', 'description'], ['Reserved', 'reserved']]);
    expect(await counts()).toEqual({ create: '2 hosts to create' });
    expect(await text('#import-errors-heading')).toBe('1 bad row');
    expect(await badLines()).toEqual([messyLine(2)]);
    expect(await text(`#import-errors-heading ~ * tr[data-line="${messyLine(2)}"] td:nth-child(2)`)).toContain('198.18.240.300');
    expect(await page.getAttribute('.import-commit button', 'aria-disabled')).toBe('true');
    expect(await text('#import-commit-why')).toBe('Fix the 1 bad row first, in the file or the mapping: an import writes every row or none.');
    await expectAccessible(page, 'a preview with a bad row');
    await screenshots(page, 'import-preview-bad-row');

    // the merged cell's second column holds notes: map it; the preview follows
    await remapColumn(2, 'notes');
    expect(await mapping()).toEqual([['IP Address', 'ip'], ['Name', 'hostname'], ['column 3', 'notes'], ['Description', 'description'], ['Reserved', 'reserved']]);
    await page.click('.import-summary details summary');
    expect(await texts('.import-sample thead th')).toEqual(['Line', 'Action', 'ip', 'hostname', 'description', 'reserved', 'notes']);
    expect(await texts('.import-sample tbody tr')).toEqual(['3create198.18.240.10host-12024yesleft-over 1', '4create198.18.240.11host-20043noleft-over 2']);
    // taking a field another column has moves it
    await remapColumn(3, 'hostname');
    expect((await mapping()).map(([, f]) => f)).toEqual(['ip', '', 'notes', 'hostname', 'reserved']);
    await remapColumn(1, 'hostname');
    await remapColumn(3, 'description');
    // a click on Import while a row is bad asks nothing of the server
    await page.click('.import-commit button', { force: true });
    expect(await page.$('.import-result, .import-failure')).toBeNull();
    expect((await labHosts()).map((h) => h.ip)).toEqual(['198.18.240.12']);

    // the file fixed (its last row now the existing host's address) and chosen again: the same headers, the same choices
    await choose('lab inventory (fixed).xlsx', XLSX_TYPE, await xlsx(messySheet(ips, '198.18.240.12')), { fresh: false });
    expect(await page.$('[data-kept]')).not.toBeNull();
    expect((await mapping()).map(([, f]) => f)).toEqual(['ip', 'hostname', 'notes', 'description', 'reserved']);
    expect(await page.$('#import-errors-heading')).toBeNull();
    expect(await counts()).toEqual({ create: '2 hosts to create', update: '1 host to update' });
    expect(await page.getAttribute('.import-commit button', 'aria-disabled')).toBeNull();
    await commit();
    expect(await text('[data-result]')).toBe('Imported: 2 hosts created, 1 host updated.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('import-result-heading');
    await expectAccessible(page, 'the import result');
    await screenshots(page, 'import-done');

    await page.goto(`${server.url}/#/subnets/${labId}`);
    await page.waitForSelector('tr[data-ip="198.18.240.12"]');
    for (const [ip, name] of [['198.18.240.10', 'host-1'], ['198.18.240.11', 'host-2'], ['198.18.240.12', 'broken']]) expect(await text(`tr[data-ip="${ip}"]`)).toContain(name);
    // the existing host took the file's values and kept what the file leaves empty (its notes)
    expect((await labHosts()).map((h) => [h.ip, h.hostname, h.description, h.notes, h.reserved])).toEqual([
      ['198.18.240.10', 'host-1', '2024', 'left-over 1', true],
      ['198.18.240.11', 'host-2', '0043', 'left-over 2', false],
      ['198.18.240.12', 'broken', 'typo', 'rack 3', false],
    ]);
  });

  it("phpIPAM's subnets and addresses CSV exports, detected from their headers", async () => {
    await choose('subnets.csv', 'text/csv', Buffer.from(phpipamSubnetsCsv([{ section: 'Lab', subnet: PHP.split('/')[0]!, mask: '24', description: 'phpIPAM lab', vlan: 41 }])));
    expect(await text('#import-format-hint')).toBe('Detected: phpIPAM subnets');
    expect(await counts()).toEqual({ create: '1 subnet to create' });
    expect(await page.$('.import-outside')).toBeNull(); // subnets have no "outside"
    await commit();
    expect(await text('[data-result]')).toBe('Imported: 1 subnet created.');

    const addresses = phpipamAddressesCsv([
      { section: 'Lab', ip_addr: '198.18.241.1', subnet: PHP, hostname: 'gw-41', description: 'core router', mac: '00:0c:29:41:00:01', owner: 'netops', is_gateway: 1 },
      { section: 'Lab', ip_addr: '198.18.241.20', subnet: PHP, hostname: 'printer', description: '2nd floor', owner: 'facilities', device: 'HP M404', note: 'toner low', tag: 'Reserved' },
    ]);
    await choose('addresses.csv', 'text/csv', Buffer.from(addresses));
    expect(await text('#import-format-hint')).toBe('Detected: phpIPAM addresses');
    expect(await counts()).toEqual({ create: '2 hosts to create' });
    expect(Object.fromEntries(await mapping())).toMatchObject({ ip_addr: 'ip_addr', hostname: 'hostname', mac: 'mac', owner: 'owner', tag: 'tag', is_gateway: 'is_gateway', port: '' });
    await commit();
    expect(await text('[data-result]')).toBe('Imported: 2 hosts created.');
    const php = (await api('GET', '/api/subnets')).body.subnets.find((s: any) => s.cidr === PHP);
    expect(php).toMatchObject({ name: 'phpIPAM lab', groupName: 'Lab', vlan: 41, gateway: '198.18.241.1' });
    await page.goto(`${server.url}/#/subnets/${php.id}`);
    await page.waitForSelector('tr[data-ip="198.18.241.20"]');
    expect(await text('tr[data-ip="198.18.241.1"]')).toContain('gw-41');
    expect(await text('tr[data-ip="198.18.241.20"]')).toContain('printer');
    const printer = (await api('GET', `/api/hosts?subnetId=${php.id}`)).body.hosts.find((h: any) => h.ip === '198.18.241.20');
    expect(printer).toMatchObject({ reserved: true, notes: expect.stringContaining('owner: facilities') });
  });

  it('addresses outside every subnet: refused row by row, or a watch list with a name and a probe', async () => {
    const csv = ['ip,hostname', '198.18.244.1,upstream-dns', '198.18.244.2,', '198.18.240.30,inside', ''].join('\n');
    await choose('upstream.csv', 'text/csv', Buffer.from(csv));
    expect(await badLines()).toEqual([2, 3]);
    expect(await text('#import-errors-heading ~ * tr[data-line="2"] td:nth-child(2)')).toContain('is not inside any subnet');
    expect(await page.isChecked('#import-outside-refuse')).toBe(true);

    await afterPreview(() => page.check('#import-outside-watch'));
    expect(await page.inputValue('#import-watch-name')).toBe('upstream');
    expect(await page.$$eval('#import-watch-probe option', (os) => os.map((o) => o.textContent))).toEqual(['no probe', 'edge-probe · dc (offline)']);
    await afterPreview(() => page.selectOption('#import-watch-probe', String(probeId)));
    // no name, no preview: the field says why and Import waits
    await page.fill('#import-watch-name', '');
    await page.waitForSelector('#import-watch-error:has-text("Name the watch list")');
    expect(await page.getAttribute('.import-commit button', 'aria-disabled')).toBe('true');
    await afterPreview(() => page.fill('#import-watch-name', 'Upstream services'));
    expect(await page.$('#import-errors-heading')).toBeNull();
    expect(await counts()).toEqual({ create: '1 host to create', createSubnets: '2 new subnets', watch: '2 addresses on the watch list' });
    await expectAccessible(page, 'a watch-list preview');
    await screenshots(page, 'import-watch-list');
    await commit();
    expect(await text('[data-result]')).toBe('Imported: 1 host created, 2 addresses on the watch list, 2 new subnets.');

    const watched = (await api('GET', '/api/subnets')).body.subnets.filter((s: any) => s.groupName === 'Upstream services');
    expect(watched.map((s: any) => [s.cidr, s.name, s.probeId]).sort()).toEqual([['198.18.244.1/32', 'upstream-dns', probeId], ['198.18.244.2/32', '198.18.244.2', probeId]]);
    await page.goto(`${server.url}/#/subnets`);
    await page.waitForSelector('tbody[data-group="Upstream services"] tr[data-subnet="198.18.244.1/32"]');
  });

  it('a commit refused after the preview (the subnet deleted meanwhile): the rows it refused, nothing written', async () => {
    const gone = await api('POST', '/api/subnets', { cidr: GONE, name: 'short-lived', sweepIntervalSeconds: 3600 });
    expect(gone.status).toBe(201);
    const book = await xlsx([['ip', 'hostname'], ['198.18.242.5', 'a'], ['198.18.242.6', 'b']]);
    await choose('gone.xlsx', XLSX_TYPE, book);
    expect(await counts()).toEqual({ create: '2 hosts to create' });
    expect((await api('DELETE', `/api/subnets/${gone.body.id}`)).status).toBe(204);
    await commit();
    expect(await text('#import-failure-heading')).toBe('Nothing was imported');
    expect(await page.getAttribute('[data-failure]', 'data-failure')).toBe('rows');
    expect(await page.$$eval('#import-refused-heading ~ * tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-line'))))).toEqual([2, 3]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('import-failure-heading');
    await expectAccessible(page, 'a refused commit');
    // Preview again: the same rows are bad in the preview now
    await afterPreview(() => page.click('.import-failure button:has-text("Preview again")'));
    expect(await badLines()).toEqual([2, 3]);
    expect((await api('GET', '/api/hosts?q=198.18.242.')).body.total).toBe(0);
  });

  it('reads a workbook larger than fflate inflates on its own thread, under the page CSP (no blob: worker)', async () => {
    const rows = [['ip', 'notes'], ...Array.from({ length: 20_000 }, (_, i) => [`198.18.${240 + (i >> 10)}.${(i >> 2) & 255}`, randomBytes(24).toString('hex')])];
    const big = await xlsx(rows);
    expect(big.length).toBeGreaterThan(600_000);
    // as a string: the test runner rewrites import() in functions it compiles
    await page.evaluate(`window.__big = ${JSON.stringify(big.toString('base64'))}`);
    const read = await page.evaluate(`(async () => {
      const bytes = Uint8Array.from(atob(window.__big), (c) => c.charCodeAt(0));
      const { readWorkbook } = await import('/lib/workbook.js');
      const got = await readWorkbook(new File([bytes], 'big.xlsx'));
      return { rows: got.rows.length, last: got.rows[got.rows.length - 1] };
    })()`);
    expect(read).toEqual({ rows: 20_001, last: rows[20_000] });
    // a file that is no workbook is named with what is wrong
    await choose('notes.xlsx', XLSX_TYPE, Buffer.from('ip\n198.18.240.1\n'), { error: true });
    await page.waitForSelector('#import-file-error:has-text("could not be read as an .xlsx workbook")');
  });

  it("a viewer: no Import in the menu, the page says why and offers the exports, as the subnets page does", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const viewer = await context.newPage();
    viewer.setDefaultTimeout(8000);
    await logIn(viewer, server.url, { username: VIEWER.username, password: VIEWER.password, ready: `header .user a:has-text("${VIEWER.username}")` });
    expect(await viewer.$('header nav a[href="#/import"]')).toBeNull();
    await viewer.goto(`${server.url}/#/import`);
    await viewer.waitForSelector('.import-page .notice');
    expect(await text('.import-page .notice', viewer)).toBe('Only editors and admins can import; you are a viewer. The exports are open to you:');
    expect(await viewer.$('#import-file')).toBeNull();
    const links = await viewer.$$eval('.import-page .export-links a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(links).toEqual(['/api/export/hosts.csv', '/api/export/hosts.xlsx', '/api/export/subnets.csv', '/api/export/subnets.xlsx']);
    await expectAccessible(viewer, "a viewer's import page");
    await viewer.goto(`${server.url}/#/subnets`);
    await viewer.waitForSelector('table.subnets');
    expect(await viewer.$$eval('.export-links a', (as) => as.map((a) => a.getAttribute('href') ?? ''))).toEqual(links);
    expect(await viewer.$('a.import-link')).toBeNull();
    for (const href of links) {
      const res = await viewer.request.get(`${server.url}${href}`);
      expect(res.status(), href).toBe(200);
      if (href.endsWith('.xlsx')) expect((await res.body()).subarray(0, 2).toString()).toBe('PK');
    }
  });
});
