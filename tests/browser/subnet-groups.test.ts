/** The subnets page lists subnets under their group (phpIPAM section, NetBox site, watch list), with VLAN and gateway. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport } from '../support/ui.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;

const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0' });
  const api = client(server.url, await server.login());
  await api('POST', '/api/subnets', { cidr: '198.18.20.0/24', name: 'office', groupName: 'Site 10', vlan: 20, gateway: '198.18.20.1' });
  await api('POST', '/api/subnets', { cidr: '198.18.21.0/24', name: 'lab' });
  await api('POST', '/api/subnets', { cidr: '198.18.22.7/32', name: 'upstream dns', groupName: 'Watch list' });
  await api('POST', '/api/subnets', { cidr: '198.18.23.0/24', name: 'voice', groupName: 'Site 9' });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(8000);
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('subnet groups, in Chromium', () => {
  it('lists each group under its heading, ungrouped last, and adds a subnet to a group offered from the existing ones', async () => {
    await page.goto(`${server.url}/#/subnets`);
    await page.waitForSelector('table.subnets tbody[data-group]');
    const groups = await page.$$eval('table.subnets tbody', (bodies) =>
      bodies.map((b) => [b.getAttribute('data-group'), [...b.querySelectorAll('tr[data-subnet]')].map((r) => r.getAttribute('data-subnet'))]),
    );
    expect(groups).toEqual([
      ['Site 9', ['198.18.23.0/24']],
      ['Site 10', ['198.18.20.0/24']],
      ['Watch list', ['198.18.22.7/32']],
      ['Ungrouped', ['198.18.21.0/24']],
    ]);
    expect(await text('tbody[data-group="Site 10"] tr.group-heading th')).toBe('Site 10 · 1 subnet');
    expect(await text('tr[data-subnet="198.18.20.0/24"] td:nth-child(2)')).toBe('officeVLAN 20 · gw 198.18.20.1');
    expect(await page.$$eval('#subnet-group-names option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['Site 9', 'Site 10', 'Watch list']);

    await page.fill('#cidr', '198.18.24.0/24');
    await page.fill('#subnet-group', 'Site 9');
    await page.click('button:has-text("Add subnet")');
    await page.waitForSelector('tbody[data-group="Site 9"] tr[data-subnet="198.18.24.0/24"]');
    expect(await text('tbody[data-group="Site 9"] tr.group-heading th')).toBe('Site 9 · 2 subnets');
    expect(await accessibilityReport(page)).toEqual({ light: [], dark: [] });
  });
});
