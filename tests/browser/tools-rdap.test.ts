/**
 * The RDAP section of the Tools page (#/tools/rdap) in Chromium, against the local fake registry: a lookup by
 * form and by URL, the summary, the raw JSON behind its toggle, an error said with its hint, and axe in both themes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { startRdapServer, type RdapServer } from '../support/rdap-server.js';
import { startTestServer } from '../support/server.js';
import { accessibilityReport, screenshots } from '../support/ui.js';

let rdap: RdapServer;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;

const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  rdap = await startRdapServer();
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0', RDAP_BOOTSTRAP_URL: rdap.bootstrapUrl, RDAP_TIMEOUT_MS: '500', RDAP_ALLOW_PRIVATE: '1' });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(8000);
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rdap?.close();
});

describe('RDAP lookup, in Chromium', () => {
  it('looks an address up from the form: the summary, the source, the raw JSON on request; the query lands in the URL', async () => {
    await page.goto(`${server.url}/#/tools/rdap`);
    await page.fill('#rdap-input', '198.51.100.7');
    await page.click('button:has-text("Look up")');
    await page.waitForSelector('[data-rdap-answer]');
    expect(await text('[data-status]')).toBe('IP network 198.51.100.7: Example Networks Pty Ltd');
    const summary = await text('[data-summary]');
    for (const part of ['EXAMPLE-DOC-NET', '198.51.100.0 – 198.51.100.255', '198.51.100.0/24', 'AU', 'abuse@example.net', '2010-02-04']) expect(summary).toContain(part);
    expect(await page.getAttribute('[data-abuse] a[href^="mailto:"]', 'href')).toBe('mailto:abuse@example.net');
    expect(await text('[data-source]')).toContain(`${rdap.url}/registry-a/ip/198.51.100.7`);
    expect(await page.isVisible('.rdap-raw')).toBe(false);
    await page.click('[data-raw] summary');
    expect(await text('.rdap-raw')).toContain('"objectClassName": "ip network"');
    expect(page.url()).toContain('#/tools/rdap?q=198.51.100.7');
  });

  it('a TLD without RDAP service is said, with the hint', async () => {
    await page.fill('#rdap-input', 'www.example.test');
    await page.click('button:has-text("Look up")');
    await page.waitForSelector('[data-status][data-code="no_rdap_service"]');
    expect(await text('[data-status]')).toContain('no RDAP service for the top-level domain .test');
    expect(await page.$('[data-rdap-answer]')).toBeNull();
  });

  it('opens by URL, passes axe in light and dark, and fits a phone', async () => {
    await page.goto(`${server.url}/#/tools/rdap?q=AS64496`);
    // the first lookup is stored before the reload asks again (a reload while it was under way raced it: CI saw "fetched now")
    await page.waitForSelector('[data-rdap-answer]');
    expect(await text('[data-source]')).toContain('fetched now');
    await page.reload();
    await page.waitForSelector('[data-rdap-answer]');
    expect(await page.inputValue('#rdap-input')).toBe('AS64496');
    expect(await text('[data-summary]')).toContain('Example Transit, Inc.');
    expect(await text('[data-source]')).toContain('cached');
    await page.click('[data-raw] summary');
    expect(await accessibilityReport(page)).toEqual({ light: [], dark: [] });
    await screenshots(page, 'tools-rdap');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/tools/rdap?q=2001:db8::1`);
    // the Node host carries the offline ASN data: none for documentation space
    await page.waitForSelector('[data-offline] [data-asn-answer]');
    expect(await text('[data-offline] [data-asn]')).toContain('none');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
