/**
 * The subnet view's address map (issue 15) in Debian's Chromium against the real Node host on loopback. A RawProbe
 * reports sweeps over a real WebSocket (no packet is sent anywhere), so the /24 holds up, down and previously used
 * hosts; reserved and unknown ones are host records. Checked: the table/map toggle (remembered), the 16 × 16 grid's
 * states as colours and as text (legend with counts, each cell's name), roving-tabindex keyboard navigation, Enter and
 * click opening the host's drawer, a free address's offer (Reserve creates the host at that address), a /16 as 256 /24
 * tiles with their counts that zoom in and out (trail, Back), IPv6 as the used /64s and /120s, a viewer's offer; axe in
 * light and dark, and screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../schema/protocol.js';
import { launchChromium, logIn } from '../support/browser.js';
import { sendResults } from '../support/port-rig.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { waitFor } from '../support/wait.js';

const CIDR = '198.18.252.0/24';
const [GW, WEB, GONE, OLD, HELD, PRINTER, FREE] = ['198.18.252.1', '198.18.252.5', '198.18.252.10', '198.18.252.40', '198.18.252.20', '198.18.252.30', '198.18.252.7'];
const WIDE = '198.19.0.0/16';
const [W_FIRST, W_UP, W_HELD, W_LAST] = ['198.19.0.7', '198.19.5.9', '198.19.5.10', '198.19.255.254'];
const V6 = 'fd00:15::/48';
const V6_HOSTS = ['fd00:15::1', 'fd00:15:0:7::10', 'fd00:15:0:7::1:11'];
const VIEWER = { username: 'mira', password: 'viewer password 1', role: 'viewer' };

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let page: Page;
let probe: RawProbe;
let heartbeat: ReturnType<typeof setInterval>;
const subnets: Record<string, number> = {};
const ids: Record<string, number> = {};
let batch = 0;

const sweep = (subnetId: number, at: number, up: string[]) => ({ kind: 'sweep', subnetId, at, durationMs: 5, complete: true, up: up.map((ip) => ({ ip, latencyMs: 0.5 })), down: [] });
async function report(...results: unknown[]) {
  const a = await sendResults(probe, `map-${++batch}`, results);
  expect(a.refused).toBeUndefined();
  expect(a.rejectedResults ?? []).toEqual([]);
}
async function host(ip: string, fields: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/hosts', { ip, ...fields });
  expect(res.status).toBe(201);
  ids[ip] = res.body.id;
}

async function pageAs(username?: string, password?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const p = await context.newPage();
  p.setDefaultTimeout(8000);
  await logIn(p, server.url, username ? { username, password, ready: `header .user a:has-text("${username}")` } : {});
  return p;
}
async function expectAccessible(name: string, p = page) {
  const found = await accessibilityReport(p);
  expect(found, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}
const text = async (selector: string, p = page) => ((await p.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const cell = (i: number) => `.map-grid [data-index="${i}"]`;
const focused = (p = page) => p.evaluate(() => document.activeElement?.getAttribute('data-index') ?? document.activeElement?.textContent ?? null);
const tabStops = (p = page) => p.$$eval('.map-grid [role="gridcell"]', (cs) => cs.filter((c) => c.getAttribute('tabindex') === '0').map((c) => c.getAttribute('data-index')));
const legend = (p = page) => p.$$eval('.map-legend li', (ls) => ls.map((l) => l.textContent!.replace(/\s+/g, ' ').trim()));

async function openMap(name: string, query = '') {
  await page.goto(`${server.url}/#/subnets/${subnets[name]}${query}`);
  await page.waitForSelector('.toolbar .view-toggle');
  if ((await page.getAttribute('.view-toggle [data-view="map"]', 'aria-pressed')) !== 'true') await page.click('.view-toggle [data-view="map"]');
  await page.waitForSelector('.address-map');
}

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0', DOWN_AFTER_FAILURES: '1', PREVIOUSLY_USED_DAYS: '0.01' });
  api = client(server.url, await server.login());
  const enrolled = (await api('POST', '/api/probes', { name: 'map-lab' })).body;
  probe = await RawProbe.connect(server.url, enrolled.token);
  await probe.next('welcome');
  probe.send({ type: 'hello', version: '0.4.0', protocol: PROTOCOL_VERSION, hostname: 'map-lab', kinds: ['sweep', 'port_scan'] });
  heartbeat = setInterval(() => probe.send({ type: 'ping' }), 2000);
  for (const [name, cidr] of [['lan', CIDR], ['wide', WIDE], ['v6', V6]]) {
    const res = await api('POST', '/api/subnets', { cidr, name, probeId: enrolled.id, sweepIntervalSeconds: 3600 });
    expect(res.status).toBe(201);
    subnets[name!] = res.body.id;
  }
  const now = Date.now();
  // OLD answered an hour ago (past PREVIOUSLY_USED_DAYS: 14.4 min here); GONE two minutes ago, then not: down
  await report(sweep(subnets.lan!, now - 3_600_000, [OLD]));
  await report(sweep(subnets.lan!, now - 120_000, [GW, WEB, GONE]));
  await report(sweep(subnets.lan!, now - 60_000, [GW, WEB]));
  await host(HELD, { reserved: true, reservedBy: 'ana' });
  await host(PRINTER, { hostname: 'printer' });
  for (const h of (await api('GET', `/api/hosts?subnetId=${subnets.lan}&limit=50`)).body.hosts) ids[h.ip] = h.id;
  await host(W_FIRST);
  await host(W_HELD, { reserved: true });
  await host(W_LAST);
  await report(sweep(subnets.wide!, now - 30_000, [W_UP]));
  for (const ip of V6_HOSTS) await host(ip);
  expect((await api('POST', '/api/users', VIEWER)).status).toBe(201);
  browser = await launchChromium();
  page = await pageAs();
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  for (const c of contexts) await c.close();
  await browser?.close();
  probe?.close();
  await server?.close();
});

describe('the address map in Chromium', () => {
  it('a /24 as 16 × 16 cells: colours by state, the legend and every cell say it in words; the choice of map is remembered', async () => {
    await page.goto(`${server.url}/#/subnets/${subnets.lan}`);
    await page.waitForSelector(`tr[data-ip="${GW}"]`);
    expect(await page.getAttribute('.view-toggle [data-view="table"]', 'aria-pressed')).toBe('true');
    await page.click('.view-toggle [data-view="map"]');
    await page.waitForSelector('.address-map[data-kind="cells"]');
    expect(await page.locator('table.hosts').count()).toBe(0);
    expect(await page.locator('.map-grid [role="row"]').count()).toBe(16);
    expect(await page.locator('.map-grid [role="gridcell"]').count()).toBe(256);
    expect(await text('.map-trail')).toBe(CIDR);
    // 254 usable, 6 used
    expect(await legend()).toEqual(['up 2', 'down 1', 'unknown 1', 'reserved 1', 'previously used 1', 'free 248']);
    const states = await page.$$eval('.map-grid [role="gridcell"]', (cs) => cs.map((c) => c.className.replace('cell s-', '')));
    expect([0, 1, 5, 7, 10, 20, 30, 40, 255].map((i) => states[i])).toEqual(['none', 'up', 'up', 'free', 'down', 'reserved', 'unknown', 'previously-used', 'none']);
    // each state its own colour, the legend's swatch the cells' colour
    const colours = await page.evaluate(() => {
      const of = (sel: string) => getComputedStyle(document.querySelector(sel)!).backgroundColor;
      const cells = Object.fromEntries(['up', 'down', 'unknown', 'reserved', 'previously-used', 'free'].map((s) => [s, of(`.map-grid .s-${s}`)]));
      const swatches = Object.fromEntries(['up', 'down', 'unknown', 'reserved', 'previously-used', 'free'].map((s) => [s, of(`.map-legend .s-${s}`)]));
      return { cells, swatches };
    });
    expect(new Set(Object.values(colours.cells)).size).toBe(6);
    expect(colours.swatches).toEqual(colours.cells);
    // the words: each cell's name
    expect(await page.getAttribute(cell(1), 'aria-label')).toBe(`${GW}: up`);
    expect(await page.getAttribute(cell(30), 'aria-label')).toBe(`${PRINTER}: unknown, printer`);
    expect(await page.getAttribute(cell(0), 'aria-label')).toBe('198.18.252.0: not usable (network address)');
    expect(await text(`${cell(7)}`)).toContain('7');
    // pointing at a cell says it under the grid
    await page.hover(cell(30));
    await waitFor('the pointed-at cell in words', async () => (await text('[data-detail]')) === `${PRINTER}: unknown, printer · Enter opens the host`, 3000);
    await expectAccessible('the address map of a /24');
    await screenshots(page, 'address-map-24');
    // remembered: the next visit opens on the map
    await page.reload();
    await page.waitForSelector('.address-map[data-kind="cells"]');
    expect(await page.getAttribute('.view-toggle [data-view="map"]', 'aria-pressed')).toBe('true');
  });

  it('keyboard: one tab stop; arrows, Home/End and Ctrl+Home/End move it; Enter on a host opens its drawer', async () => {
    await openMap('lan');
    expect(await tabStops()).toEqual(['0']);
    await page.click(cell(1));
    // a click on a host opens it too; close again and go on with the keys
    await page.waitForSelector('.drawer h2');
    expect(page.url()).toContain(`host=${ids[GW]}`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.drawer'));
    await page.focus(cell(1));
    expect(await tabStops()).toEqual(['1']);
    const press = async (key: string) => (await page.keyboard.press(key), focused());
    expect(await press('ArrowRight')).toBe('2');
    expect(await press('ArrowDown')).toBe('18');
    expect(await press('End')).toBe('31');
    expect(await press('Home')).toBe('16');
    expect(await press('ArrowUp')).toBe('0');
    expect(await press('ArrowLeft')).toBe('0');
    expect(await press('Control+End')).toBe('255');
    // the grid takes its keys: ↓ on the last row neither moves nor scrolls the page
    const y = await page.evaluate(() => scrollY);
    expect(await press('ArrowDown')).toBe('255');
    expect(await page.evaluate(() => scrollY)).toBe(y);
    expect(await press('Control+Home')).toBe('0');
    expect(await tabStops()).toEqual(['0']);
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('5');
    expect(await text('[data-detail]')).toBe(`${WEB}: up · Enter opens the host`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.drawer h2');
    expect(page.url()).toContain(`host=${ids[WEB]}`);
    await waitFor('the drawer shows the host', async () => (await text('.drawer .drawer-ip')).includes(WEB), 5000);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.drawer'));
  });

  it('a free address offers Reserve (a host at exactly that address, then its drawer) and the verified Next free', async () => {
    await openMap('lan');
    await page.click(cell(7));
    await page.waitForSelector(`.map-offer[data-offer="${FREE}"]`);
    expect(await text('.map-offer #map-offer-title')).toBe(`${FREE} is free.`);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(`Reserve ${FREE}`);
    await expectAccessible('the free address offer');
    // Escape closes it and gives the focus back to the cell
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.map-offer'));
    expect(await focused()).toBe('7');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.map-offer');
    await page.click(`.map-offer button:has-text("Reserve ${FREE}")`);
    await page.waitForSelector('.drawer h2');
    await waitFor('the drawer of the new host', async () => (await text('.drawer .drawer-ip')).includes(FREE), 5000);
    const created = (await api('GET', `/api/hosts?q=${FREE}`)).body.hosts.find((h: { ip: string }) => h.ip === FREE);
    expect(created).toMatchObject({ ip: FREE, reserved: true });
    expect(page.url()).toContain(`host=${created.id}`);
    await waitFor('the cell turns reserved', async () => (await page.getAttribute(cell(7), 'class')) === 'cell s-reserved', 5000);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.drawer'));
    // Next free from the offer opens the allocation form
    await page.click(cell(8));
    await page.click('.map-offer button:has-text("Next free")');
    await page.waitForSelector('section.allocate form');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('alloc-count');
    await page.click('section.allocate button:has-text("Close")');
  });

  it('a /16 as 256 /24 tiles with their counts, zooming into one and back out (trail, Back)', async () => {
    await openMap('wide');
    await page.waitForSelector('.address-map[data-kind="tiles"]');
    expect(await page.locator('.map-grid .tile').count()).toBe(256);
    expect(await text('.map-trail')).toBe(WIDE);
    expect(await legend()).toEqual(['up 1', 'down 0', 'unknown 2', 'reserved 1', 'previously used 0', 'free 65,530']);
    const tile = (i: number) => `.map-grid .tile[data-index="${i}"]`;
    expect(await page.getAttribute(tile(5), 'aria-label')).toBe('198.19.5.0/24: 2 used: 1 up, 1 reserved; 254 free');
    expect(await page.getAttribute(tile(0), 'aria-label')).toBe('198.19.0.0/24: 1 used: 1 unknown; 254 free');
    expect(await page.getAttribute(tile(1), 'aria-label')).toBe('198.19.1.0/24: 0 used; 256 free');
    expect(await page.getAttribute(tile(1), 'class')).toBe('tile empty');
    expect([await page.getAttribute(tile(5), 'data-label'), await page.getAttribute(tile(5), 'data-used')]).toEqual(['5', '2']);
    // the bar: the up and the reserved share in their colours, nothing on an empty tile
    expect(await page.getAttribute(tile(5), 'style')).toMatch(/var\(--up\).*var\(--accent\)/);
    expect(await page.getAttribute(tile(1), 'style')).toBeNull();
    await expectAccessible('the /16 tiles');
    await screenshots(page, 'address-map-16');
    // keyboard: to tile 5, Enter zooms in
    await page.focus(tile(0));
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    expect(await text('[data-detail]')).toBe('198.19.5.0/24: 2 used: 1 up, 1 reserved; 254 free · Enter zooms in');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.address-map[data-block="198.19.5.0/24"][data-kind="cells"]');
    // the focus is on the new grid's first cell, so the keys go on
    await waitFor('the focus on the first cell', async () => (await focused()) === '0', 3000);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cell'))).toBe(true);
    expect(decodeURIComponent(page.url())).toContain('zoom=198.19.5.0/24');
    expect(await page.$$eval('.map-trail li', (ls) => ls.map((l) => l.textContent!.trim()))).toEqual([WIDE, '198.19.5.0/24']);
    expect(await page.getAttribute(cell(9), 'class')).toBe('cell s-up');
    expect(await page.getAttribute(cell(10), 'class')).toBe('cell s-reserved');
    expect(await page.getAttribute(cell(0), 'class')).toBe('cell s-free'); // inside the /16: no network address here
    expect(await legend()).toEqual(['up 1', 'down 0', 'unknown 0', 'reserved 1', 'previously used 0', 'free 254']);
    // the trail zooms out; Back zooms in again and Back once more out
    await page.click(`.map-trail button:has-text("${WIDE}")`);
    await page.waitForSelector('.address-map[data-kind="tiles"]');
    await page.goBack();
    await page.waitForSelector('.address-map[data-block="198.19.5.0/24"]');
    await page.goBack();
    await page.waitForSelector('.address-map[data-kind="tiles"]');
    // a click zooms too; the last /24 holds the broadcast address
    await page.click(tile(255));
    await page.waitForSelector('.address-map[data-block="198.19.255.0/24"]');
    expect(await page.getAttribute(cell(254), 'class')).toBe('cell s-unknown');
    expect(await page.getAttribute(cell(255), 'aria-label')).toBe('198.19.255.255: not usable (broadcast address)');
    // a zoomed map's link opens the map even where the table was the last choice
    await page.click('.view-toggle [data-view="table"]');
    await page.waitForSelector('table.hosts');
    expect(page.url()).not.toContain('zoom=');
    await page.goto(`${server.url}/#/subnets/${subnets.wide}?zoom=198.19.5.0/24`);
    await page.waitForSelector('.address-map[data-block="198.19.5.0/24"]');
    await page.click('.view-toggle [data-view="map"]');
  });

  it('IPv6: the used /64s, then the /120s inside one, then its cells', async () => {
    await openMap('v6');
    await page.waitForSelector('.address-map[data-kind="list"]');
    expect(await text('table.map-list caption')).toBe(`Used /64s of ${V6} (2)`);
    expect(await page.$$eval('table.map-list tbody tr', (rs) => rs.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())))).toEqual([
      ['fd00:15::/64', '1', '', '', '1', '', '', '2^64'],
      ['fd00:15:0:7::/64', '2', '', '', '2', '', '', '2^64'],
    ]);
    await expectAccessible('the IPv6 list');
    await page.click('table.map-list button:has-text("fd00:15:0:7::/64")');
    await page.waitForSelector('.address-map[data-block="fd00:15:0:7::/64"]');
    expect(await page.$$eval('table.map-list tbody button', (bs) => bs.map((b) => b.textContent))).toEqual(['fd00:15:0:7::/120', 'fd00:15:0:7::1:0/120']);
    await page.click('table.map-list button:has-text("fd00:15:0:7::1:0/120")');
    await page.waitForSelector('.address-map[data-kind="cells"]');
    expect(await page.locator('.map-grid [role="gridcell"]').count()).toBe(256);
    expect(await page.getAttribute(cell(0x11), 'aria-label')).toBe('fd00:15:0:7::1:11: unknown');
    expect(await text(cell(0x11))).toBe('11');
    expect(await page.$$eval('.map-trail li', (ls) => ls.map((l) => l.textContent!.trim()))).toEqual([V6, 'fd00:15:0:7::/64', 'fd00:15:0:7::1:0/120']);
  });

  it('a viewer sees the map and the drawer, and is told a free address is for editors to reserve', async () => {
    const viewer = await pageAs(VIEWER.username, VIEWER.password);
    await viewer.goto(`${server.url}/#/subnets/${subnets.lan}`);
    await viewer.waitForSelector('.view-toggle');
    expect(await viewer.locator('button.next-free').count()).toBe(0);
    await viewer.click('.view-toggle [data-view="map"]');
    await viewer.click(cell(9));
    await viewer.waitForSelector('.map-offer');
    expect(await text('.map-offer', viewer)).toContain('Only editors and admins can reserve it.');
    expect(await viewer.locator('.map-offer button:has-text("Reserve")').count()).toBe(0);
    await viewer.click(cell(5));
    await viewer.waitForSelector('.drawer h2');
    await expectAccessible('the map as a viewer', viewer);
  });
});
