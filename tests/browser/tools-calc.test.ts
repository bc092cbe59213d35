import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;
let lab: number;
/** Requests to /api/tools/* the page made: the calculator answers in the browser. */
const toolRequests: string[] = [];

const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0' });
  const api = client(server.url, await server.login());
  lab = (await api('POST', '/api/subnets', { cidr: '198.18.0.0/24', name: 'lab' })).body.id;
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(8000);
  page.on('request', (r) => new URL(r.url()).pathname.startsWith('/api/tools/') && toolRequests.push(r.url()));
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the IP calculator, in Chromium', () => {
  it('answers as you type, with the managed subnet holding the address linked', async () => {
    await page.click('header nav >> text=Tools');
    await page.waitForSelector('#ipcalc-input');
    expect(await page.getAttribute('nav[aria-label="Tools"] a[href="#/tools/calc"]', 'aria-current')).toBe('page');
    await page.type('#ipcalc-input', '198.18.0.77/22');
    await page.waitForFunction(() => document.querySelector('[data-answer]')?.textContent?.includes('198.18.0.0/22'));
    expect(await text('[data-answer]')).toBe('198.18.0.0/22: 1,022 usable, benchmarking');
    expect(await text('[data-result]')).toContain('Broadcast198.18.3.255');
    expect(await page.getAttribute(`[data-managed] a[href="#/subnets/${lab}"]`, 'href')).toBe(`#/subnets/${lab}`);
    expect(await text('[data-managed]')).toBe('lab 198.18.0.0/24 lies inside it');
    await page.fill('#ipcalc-input', '198.18.0.0/33');
    await page.waitForSelector('#ipcalc-input[aria-invalid="true"]');
    expect(await text('[data-answer]')).toContain('not a prefix length');
    // the URL keeps what was typed, so the answer can be shared
    await page.fill('#ipcalc-input', 'fd00:18::/48');
    await page.waitForFunction(() => location.hash.includes('q=fd00'));
    expect(toolRequests).toEqual([]);
  });

  it('splits a /48 into /64s a page at a time, and says why a split is refused', async () => {
    await page.fill('#split-size', '64');
    await page.waitForSelector('[data-split-summary]');
    expect(await text('[data-split-summary]')).toBe('65,536 (2^16) × /64, page 1 of 256');
    expect(await page.locator('.split-list li').count()).toBe(256);
    await page.click('button:has-text("Next page")');
    await page.waitForFunction(() => document.querySelector('[data-split-summary]')?.textContent?.includes('page 2 of'));
    expect(await text('.split-list li:first-child')).toBe('fd00:18:0:100::/64');
    await page.fill('#split-size', '40');
    expect(await text('[data-split-error]')).toContain("shorter than the block's /48");
  });

  it('finds the smallest supernet of a list', async () => {
    await page.fill('#supernet-list', '198.18.0.0/24\n198.18.3.7, 198.18.1.0/25');
    expect(await text('[data-supernet]')).toBe('198.18.0.0/22 covers 3 blocks');
    await page.fill('#supernet-list', '198.18.0.0/24 fd00::1');
    expect(await text('[data-supernet]')).toContain('mixes IPv4 and IPv6');
  });

  it('passes axe in light and dark, and fits a phone', async () => {
    await page.goto(`${server.url}/#/tools/calc?q=${encodeURIComponent('198.18.7.77/22')}`);
    await page.reload();
    await page.waitForSelector('[data-result]');
    expect(await page.inputValue('#ipcalc-input')).toBe('198.18.7.77/22');
    expect(await accessibilityReport(page)).toEqual({ light: [], dark: [] });
    await screenshots(page, 'tools-calc');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.fill('#ipcalc-input', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/126');
    await page.waitForSelector('[data-result]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
