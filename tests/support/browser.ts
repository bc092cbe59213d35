import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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

/**
 * A new 1280×900 context logged in as `username` (admin's password by default), added to `contexts` for the suite to
 * close. The login gets 20 s (it derives a PBKDF2 key on 2 shared cores: once more than 8 s while another suite ran),
 * each later step 8 s.
 */
export async function pageAs(browser: Browser, url: string, contexts: BrowserContext[], username = 'admin', password = ADMIN_PASSWORD): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const p = await context.newPage();
  p.setDefaultTimeout(20_000);
  await logIn(p, url, { username, password, ready: `header .user a:has-text("${username}")` });
  p.setDefaultTimeout(8000);
  return p;
}
