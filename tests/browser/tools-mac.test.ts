import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;
let subnetId: number;
let ws: RawProbe;

const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0' });
  const api = client(server.url, await server.login());
  const probe = (await api('POST', '/api/probes', { name: 'oui' })).body;
  subnetId = (await api('POST', '/api/subnets', { cidr: '198.18.0.0/24', name: 'lab', probeId: probe.id })).body.id;
  ws = await RawProbe.connect(server.url, probe.token);
  await ws.next('assignment');
  const up = [{ ip: '198.18.0.7', latencyMs: 0.3, mac: '00:0c:29:00:00:07', vendor: 'VMware, Inc.' }];
  ws.send({ type: 'results', batchId: 'mac-1', results: [{ kind: 'sweep', subnetId, at: Date.now() - 30_000, durationMs: 2, complete: false, up, down: [] }] });
  await ws.next('ack');
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(8000);
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  ws?.close();
  await browser?.close();
  await server?.close();
});

describe('the MAC vendor and offline ASN lookups, in Chromium', () => {
  it('answers a prefix with its vendor and links the host; an address with its offline ASN', async () => {
    await page.goto(`${server.url}/#/tools/mac`);
    await page.type('#mac-input', '00-0C-29');
    await page.waitForSelector('[data-oui-answer]');
    expect(await text('[data-vendor]')).toBe('VMware, Inc.');
    expect(await text('[data-prefix]')).toBe('00:0C:29');
    expect(await page.getAttribute('[data-oui-hosts] a', 'href')).toMatch(new RegExp(`^#/subnets/${subnetId}\\?host=\\d+$`));
    await page.fill('#mac-input', 'da:a1:19:00:00:01');
    await page.waitForFunction(() => document.querySelector('[data-flags]')?.textContent?.includes('locally administered'));
    await page.fill('#mac-input', 'zz');
    await page.waitForSelector('#mac-answer .error');
    await page.type('#asn-input', '2001:db8::1');
    await page.waitForSelector('[data-asn-answer]', { timeout: 20_000 });
    expect(await text('[data-asn]')).toContain('none');
  }, 40_000);

  it('passes axe in light and dark, and fits a phone', async () => {
    await page.goto(`${server.url}/#/tools/mac?mac=${encodeURIComponent('70:b3:d5:00:10:07')}&ip=${encodeURIComponent('198.18.0.7')}`);
    await page.reload();
    await page.waitForSelector('[data-oui-answer]');
    await page.waitForSelector('[data-asn-answer]', { timeout: 20_000 });
    expect(await page.inputValue('#mac-input')).toBe('70:b3:d5:00:10:07');
    expect(await text('[data-vendor]')).toBe('SOREDI touch systems GmbH');
    expect(await accessibilityReport(page)).toEqual({ light: [], dark: [] });
    await screenshots(page, 'tools-mac');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }, 40_000);
});
