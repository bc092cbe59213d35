import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from './app.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless and quiet on a machine with no internet. Fails loudly when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`browser tests need Debian's chromium at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Logs in through the login page (admin by default) and waits until `ready` is on the page (the dashboard's cards). */
export async function logIn(page: Page, url: string, opts: { username?: string; password?: string; ready?: string } = {}): Promise<void> {
  await page.goto(url);
  await page.fill('#username', opts.username ?? 'admin');
  await page.fill('#password', opts.password ?? ADMIN_PASSWORD);
  await page.click('button:has-text("Log in")');
  await page.waitForSelector(opts.ready ?? '.cards');
}
