/**
 * A Prometheus token from the Tokens page, in Chromium against the real Node host: the scope "Metrics only" fixes the
 * role at viewer, the token shown once reads /metrics and is refused the API, and the list says what it is for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../schema/log.js';
import { startServer, type RunningServer } from '../../worker/node/server.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium, logIn } from '../support/browser.js';
import { accessibilityReport, screenshots } from '../support/ui.js';

let server: RunningServer;
let browser: Browser;
let dir: string;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eipam-metrics-ui-'));
  server = await startServer({ HOST: '127.0.0.1', PORT: 0, DATA_DIR: dir, LOCAL_PROBE: false, ADMIN_PASSWORD }, { ...jsonLogger(), info() {} }, {});
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await logIn(page, server.url);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a metrics token from the Tokens page', () => {
  it('is a viewer that reads /metrics only', async () => {
    await page.click('nav >> text=Tokens');
    await page.waitForSelector('form[aria-label="Create an API token"]');
    await page.selectOption('#token-scope', 'metrics');
    expect(await page.$$eval('#token-role option', (os) => os.map((o) => o.textContent))).toEqual(['viewer']);
    expect(await page.isDisabled('#token-role')).toBe(true);
    await page.fill('#token-name', 'prometheus');
    await page.click('button:has-text("Create token")');
    const token = (await page.textContent('[data-token]'))!.trim();
    expect(await page.textContent('[aria-label="New API token"]')).toContain(`${server.url}/metrics`);
    const auth = { authorization: `Bearer ${token}` };
    const metrics = await fetch(`${server.url}/metrics`, { headers: auth });
    expect([metrics.status, metrics.headers.get('content-type')]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
    await metrics.text();
    expect((await fetch(`${server.url}/api/subnets`, { headers: auth })).status).toBe(403);
    await page.click('button:has-text("I have saved it")');
    await page.waitForSelector('tr[data-token-name=prometheus] .badge:has-text("metrics only")');
    // the form is back to the whole API, every role offered again
    expect(await page.isDisabled('#token-role')).toBe(false);
    const report = await accessibilityReport(page);
    expect(report, 'axe found serious or critical problems on the Tokens page').toEqual({ light: [], dark: [] });
    await screenshots(page, 'tokens-metrics');
  });
});
