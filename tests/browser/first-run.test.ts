/**
 * The first five minutes of a new user, in a real browser against the real Node host with its local
 * probe: log in, add a subnet, see which hosts are alive. The probe sweeps loopback only (127.0.0.0/29).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../schema/log.js';
import { startServer, type RunningServer } from '../../worker/node/server.js';
import { launchChromium } from '../support/browser.js';

let server: RunningServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eipam-first-run-'));
  const quiet = { ...jsonLogger(), info() {} };
  server = await startServer({ HOST: '127.0.0.1', PORT: 0, DATA_DIR: dir, LOCAL_PROBE: true }, quiet, {});
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('first run', () => {
  it('logs in with the printed password, adds a subnet and sees the live hosts with latency', async () => {
    expect(server.generatedAdminPassword).toMatch(/^\S{12,}$/);
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('button:has-text("Log in")');
    await page.waitForSelector('text=wrong username or password');
    await page.fill('input[name=password]', server.generatedAdminPassword!);
    await page.click('button:has-text("Log in")');
    await page.click('nav >> text=Subnets');
    await page.waitForSelector('text=Add subnet');

    await page.fill('input[name=cidr]', '127.0.0.3/29');
    await page.click('text=Add subnet');
    await page.waitForSelector('#cidr-error:has-text("did you mean 127.0.0.0/29")');
    await page.fill('input[name=cidr]', '127.0.0.0/29');
    // the message goes as soon as the field is edited
    await page.waitForSelector('#cidr-error:empty', { state: 'attached' });
    expect(await page.getAttribute('#cidr', 'aria-invalid')).toBeNull();
    await page.fill('input[name=name]', 'loopback');
    await page.selectOption('#subnet-interval', '10');
    await page.click('text=Add subnet');
    await page.click('tr[data-subnet="127.0.0.0/29"] a');

    // the local probe sweeps within seconds; the view refreshes by itself
    await page.waitForFunction(() => document.querySelectorAll('.pill.up').length === 6, null, { timeout: 30_000 });
    const rows = await page.$$eval('tr[data-ip]', (trs) => trs.map((tr) => [tr.getAttribute('data-ip'), tr.children[2]!.textContent]));
    expect(rows.map((r) => r[0])).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6']);
    for (const [, latency] of rows) expect(latency).toMatch(/^\d+\.\d\d ms$/);
    await page.screenshot({ path: 'tests/artifacts/first-run.png' });
  }, 60_000);
});
