/**
 * Users, roles, API tokens, the audit log and one's own password, in a real browser against the real Node
 * host on loopback (no probe: nothing is swept). Each new page is checked with axe-core in light and dark
 * and photographed under tests/artifacts/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../schema/log.js';
import { startServer, type RunningServer } from '../../worker/node/server.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { accessibilityReport, screenshots } from '../support/ui.js';

const VIEWER = { username: 'vera', password: 'viewer password 1' };
const EDITOR = { username: 'eddie', password: 'editor password 1' };
const NEW_ADMIN_PASSWORD = 'a brand new admin password';

let server: RunningServer;
let browser: Browser;
let dir: string;
let admin: BrowserContext;
let page: Page;
const contexts: BrowserContext[] = [];

async function checkPage(p: Page, name: string) {
  const report = await accessibilityReport(p);
  expect(report, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
  await screenshots(p, name);
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const p = await context.newPage();
  await p.goto(server.url);
  return p;
}

/** Fills the login form and waits for the header to name the user. */
async function logIn(p: Page, username: string, password: string) {
  await p.fill('#username', username);
  await p.fill('#password', password);
  await p.click('button:has-text("Log in")');
  await p.waitForSelector(`header .user a:has-text("${username}")`);
}

async function loginFails(p: Page, username: string, password: string) {
  await p.fill('#username', username);
  await p.fill('#password', password);
  await p.click('button:has-text("Log in")');
  await p.waitForSelector('#login-error:has-text("wrong username or password")');
}

const navLinks = (p: Page) => p.$$eval('nav[aria-label=Main] a', (as) => as.map((a) => a.textContent));
/** A request from the page itself, with its cookie, as a script in it would send. */
const pageFetch = (p: Page, method: string, path: string, body?: unknown) =>
  p.evaluate(
    async ([m, u, b]) => {
      const res = await fetch(u as string, { method: m as string, headers: { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    [method, path, body] as const,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eipam-admin-'));
  const quiet = { ...jsonLogger(), info() {} };
  server = await startServer({ HOST: '127.0.0.1', PORT: 0, DATA_DIR: dir, LOCAL_PROBE: false, ADMIN_PASSWORD }, quiet, {});
  browser = await launchChromium();
  admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await admin.newPage();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('users, roles, tokens and the audit log in Chromium', () => {
  it('the admin logs in: the header names them and their role, with Users, Tokens, Webhooks and Audit in the menu', async () => {
    await page.goto(server.url);
    await logIn(page, 'admin', ADMIN_PASSWORD);
    expect(await page.textContent('header [data-role]')).toBe('admin');
    expect(await navLinks(page)).toEqual(['Dashboard', 'Subnets', 'Import', 'Flows', 'Operations', 'Traffic', 'VMs', 'Tools', 'Alerts', 'Maintenance', 'Probes', 'Tokens', 'Users', 'Webhooks', 'Audit', 'API']);
    // something for the viewer to look at later: a subnet and one host in it
    await page.click('nav >> text=Subnets');
    await page.fill('#cidr', '198.18.0.0/29');
    await page.click('button:has-text("Add subnet")');
    await page.waitForSelector('tr[data-subnet="198.18.0.0/29"]');
    expect((await pageFetch(page, 'POST', '/api/hosts', { ip: '198.18.0.2', hostname: 'printer' })).status).toBe(201);
  });

  it('creates a viewer and an editor; the server explains a refusal next to its field; the last admin stays an admin', async () => {
    await page.click('nav >> text=Users');
    await page.waitForSelector('tr[data-user=admin]');
    await page.fill('#add-username', VIEWER.username);
    await page.fill('#add-password', 'short');
    await page.click('button:has-text("Add user")');
    await page.waitForSelector('#add-password-error:has-text("at least 10 characters")');
    expect(await page.getAttribute('#add-password', 'aria-invalid')).toBe('true');
    await page.fill('#add-password', VIEWER.password);
    await page.waitForSelector('#add-password-error:empty', { state: 'attached' });
    await page.click('button:has-text("Add user")');
    await page.waitForSelector(`tr[data-user=${VIEWER.username}]`);

    await page.fill('#add-username', VIEWER.username);
    await page.fill('#add-password', EDITOR.password);
    await page.click('button:has-text("Add user")');
    await page.waitForSelector(`#add-username-error:has-text('a user named "${VIEWER.username}" exists')`);
    expect(await page.getAttribute('#add-username', 'aria-invalid')).toBe('true');
    await page.fill('#add-username', EDITOR.username);
    await page.selectOption('#add-role', 'editor');
    await page.click('button:has-text("Add user")');
    await page.waitForSelector(`tr[data-user=${EDITOR.username}]`);
    const rows = await page.$$eval('tr[data-user]', (trs) => trs.map((tr) => [tr.getAttribute('data-user'), (tr.querySelector('select') as HTMLSelectElement).value]));
    expect(rows).toEqual([['admin', 'admin'], [EDITOR.username, 'editor'], [VIEWER.username, 'viewer']]);

    // demoting the only admin is refused, said plainly, and the select goes back
    await page.selectOption('tr[data-user=admin] select', 'viewer');
    await page.waitForSelector('tr[data-user=admin] [role=alert]:has-text("last active admin")');
    expect(await page.$eval('tr[data-user=admin] select', (s) => (s as HTMLSelectElement).value)).toBe('admin');
    expect(await page.getAttribute('tr[data-user=admin] select', 'aria-invalid')).toBe('true');
    await checkPage(page, 'users');
  });

  it('creates an API token, shows it once with a copy button, and revokes another after asking', async () => {
    await page.click('nav >> text=Tokens');
    await page.waitForSelector('form[aria-label="Create an API token"]');
    // a token is at most its owner's role: a viewer's token can only be a viewer's
    await page.selectOption('#token-owner', { label: `${VIEWER.username} (viewer)` });
    expect(await page.$$eval('#token-role option', (os) => os.map((o) => o.textContent))).toEqual(['viewer']);
    await page.selectOption('#token-owner', { label: 'admin (admin)' });
    expect(await page.$$eval('#token-role option', (os) => os.map((o) => o.textContent))).toEqual(['viewer', 'editor', 'admin']);

    await page.fill('#token-name', 'ci');
    await page.selectOption('#token-role', 'editor');
    await page.fill('#token-expires', '2099-12-31');
    await page.click('button:has-text("Create token")');
    const token = (await page.textContent('[data-token]'))!.trim();
    expect(token).toMatch(/^eipa_/);
    await page.getByRole('button', { name: 'Copy the token' }).click();
    await page.waitForSelector('[aria-label="New API token"] [role=status]:has-text("Copied")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ username: 'admin', role: 'editor', via: 'token' });
    await checkPage(page, 'tokens-created');
    await page.click('button:has-text("I have saved it")');
    expect(await page.locator('[data-token]').count()).toBe(0);
    const ci = page.locator('tr[data-token-name=ci]');
    expect(await ci.locator('td').allTextContents()).toEqual(expect.arrayContaining(['ci', 'editor', '2099-12-31 23:59']));
    expect(await page.content()).not.toContain(token);

    await page.selectOption('#token-owner', { label: `${VIEWER.username} (viewer)` });
    await page.fill('#token-name', 'temporary');
    await page.click('button:has-text("Create token")');
    await page.click('button:has-text("I have saved it")');
    await page.waitForSelector(`tr[data-token-name=temporary] td:has-text("${VIEWER.username}")`);
    await page.click('tr[data-token-name=temporary] button:has-text("Revoke…")');
    // focus goes to the safe answer
    await page.waitForFunction(() => document.activeElement?.textContent === 'Keep');
    await page.click('tr[data-token-name=temporary] button:text-is("Revoke")');
    await page.waitForSelector('tr[data-token-name=temporary]', { state: 'detached' });
    await checkPage(page, 'tokens');
  });

  it('the audit log lists the changes newest first, filters by action family in the URL and pages back', async () => {
    await page.click('nav >> text=Audit');
    await page.waitForSelector('tr[data-action="token.revoke"]');
    const actions = await page.$$eval('tr[data-action]', (trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(actions.slice(0, 3)).toEqual(['token.revoke', 'token.create', 'token.create']);
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'subnet.create', 'host.create', 'auth.login']));
    expect(await page.textContent(`tr[data-action="user.create"]:has-text("${EDITOR.username}") td.details`)).toBe(`username=${EDITOR.username} password=(hidden) role=editor`);
    await checkPage(page, 'audit');

    await page.selectOption('select[name=action]', 'user.*');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('tr[data-action]')];
      return rows.length > 0 && rows.every((tr) => tr.getAttribute('data-action')!.startsWith('user.'));
    });
    expect(new URL(page.url()).hash).toBe('#/audit?action=user.*');
    expect(await page.locator('tr[data-action="user.create"]').count()).toBe(2);
    expect(await page.locator('tr[data-action="token.create"]').count()).toBe(0);
    // the filter is in the URL: a reload (or a shared link) shows the same
    await page.reload();
    await page.waitForSelector('tr[data-action="user.create"]');
    expect(await page.$eval('select[name=action]', (s) => (s as HTMLSelectElement).value)).toBe('user.*');
    await page.fill('input[name=until]', '2000-01-01');
    await page.waitForSelector('text=No entry matches these filters.');
    expect(new URL(page.url()).hash).toBe('#/audit?action=user.*&until=2000-01-01');

    // more than a page of entries: "Older" goes on from the last one shown
    const editorId = (await pageFetch(page, 'GET', '/api/users')).body.users.find((u: { username: string }) => u.username === EDITOR.username).id;
    for (let i = 0; i < 50; i++) expect((await pageFetch(page, 'PATCH', `/api/users/${editorId}`, { role: 'editor' })).status).toBe(200);
    await page.goto(`${server.url}/#/audit`);
    await page.waitForSelector('tr[data-action]');
    expect(await page.locator('tr[data-action]').count()).toBe(50);
    const firstPage = await page.$$eval('tr[data-action] time', (ts) => ts.map((t) => t.getAttribute('datetime')));
    expect(new Set(await page.$$eval('tr[data-action]', (trs) => trs.map((tr) => tr.getAttribute('data-action'))))).toEqual(new Set(['user.update']));
    await page.click('button:has-text("Older")');
    await page.waitForSelector('tr[data-action="user.create"]');
    expect(new URL(page.url()).hash).toMatch(/^#\/audit\?before=\d+$/);
    const older = await page.$$eval('tr[data-action]', (trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(older).toEqual(['token.revoke', 'token.create', 'token.create', 'user.create', 'user.create', 'host.create', 'subnet.create', 'auth.login']);
    expect(await page.locator('button:has-text("Older")').count()).toBe(0);
    expect(firstPage.at(-1)! >= (await page.$eval('tr[data-action] time', (t) => t.getAttribute('datetime')))!).toBe(true);
    await page.click('button:has-text("Newest")');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-action]').length === 50);
    expect(await page.locator('button:has-text("Newest")').count()).toBe(0);
  }, 60_000);

  it('a viewer sees no change controls anywhere, and the server refuses a change sent anyway', async () => {
    await page.click('button:has-text("Log out")');
    await page.waitForSelector('text=You have logged out.');
    await logIn(page, VIEWER.username, VIEWER.password);
    expect(await page.textContent('header [data-role]')).toBe('viewer');
    expect(await navLinks(page)).toEqual(['Dashboard', 'Subnets', 'Flows', 'Operations', 'Traffic', 'VMs', 'Tools', 'Alerts', 'Maintenance', 'Probes', 'Tokens', 'API']);

    await page.click('nav >> text=Subnets');
    await page.waitForSelector('tr[data-subnet="198.18.0.0/29"]');
    expect(await page.locator('form[aria-label="Add a subnet"]').count()).toBe(0);
    expect(await page.locator('button.scan-now').count()).toBe(0);
    expect(await page.locator('tr[data-subnet] select').count()).toBe(0);
    await checkPage(page, 'subnets-viewer');

    await page.click('tr[data-subnet="198.18.0.0/29"] a');
    await page.waitForSelector('tr[data-ip="198.18.0.2"]');
    expect(await page.locator('button.scan-now').count()).toBe(0);
    await page.click('button.run:has-text("198.18.0.3")');
    await page.waitForSelector('tr[data-free="198.18.0.3"]');
    expect(await page.locator('tr.free button').count()).toBe(0);
    await page.click('tr[data-ip="198.18.0.2"] a');
    await page.waitForSelector('.drawer dl.details');
    expect(await page.textContent('.drawer dl.details')).toContain('printer');
    expect(await page.locator('.drawer form, .drawer input, .drawer textarea').count()).toBe(0);
    await page.keyboard.press('Escape');

    await page.click('nav >> text=Probes');
    await page.waitForSelector('h1:has-text("Probes")');
    expect(await page.locator('form[aria-label="Enrol a probe"]').count()).toBe(0);
    await page.goto(`${server.url}/#/users`);
    await page.waitForSelector('text=Only an admin can open this page');
    await page.click('nav >> text=Tokens');
    await page.waitForSelector('#token-role');
    expect(await page.$$eval('#token-role option', (os) => os.map((o) => o.textContent))).toEqual(['viewer']);
    expect(await page.locator('#token-owner').count()).toBe(0);

    const refused = await pageFetch(page, 'POST', '/api/subnets', { cidr: '198.18.1.0/29' });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await pageFetch(page, 'POST', '/api/subnets/1/scan')).status).toBe(403);
  }, 60_000);

  it('the admin disables the editor: the editor\'s session ends and their login fails, until enabled again', async () => {
    const editor = await newPage();
    await logIn(editor, EDITOR.username, EDITOR.password);
    expect(await navLinks(editor)).toEqual(['Dashboard', 'Subnets', 'Import', 'Flows', 'Operations', 'Traffic', 'VMs', 'Tools', 'Alerts', 'Maintenance', 'Probes', 'Tokens', 'API']);
    await editor.click('nav >> text=Subnets');
    await editor.waitForSelector('form[aria-label="Add a subnet"]');
    expect(await editor.locator('button.scan-now').count()).toBe(1);

    await page.click('button:has-text("Log out")');
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.click('nav >> text=Users');
    const row = `tr[data-user=${EDITOR.username}]`;
    await page.click(`${row} button:has-text("Disable…")`);
    await page.waitForSelector(`${row} :text("Their sessions and API tokens stop working")`);
    await page.click(`${row} button:text-is("Disable")`);
    await page.waitForSelector(`${row} .badge:has-text("disabled")`);
    await page.waitForFunction((name) => document.activeElement?.textContent === `Enable… ${name}`, EDITOR.username);

    await editor.reload();
    await editor.waitForSelector('form[aria-labelledby=login-title]');
    await loginFails(editor, EDITOR.username, EDITOR.password);
    expect(await editor.inputValue('#username')).toBe(EDITOR.username); // what was typed stays for the next try

    await page.click(`${row} button:has-text("Enable…")`);
    await page.click(`${row} button:text-is("Enable")`);
    await page.waitForSelector(`${row} td:text-is("active")`);
    await logIn(editor, EDITOR.username, EDITOR.password);

    // an admin's reset: the viewer logs in with the new password only
    const viewerRow = `tr[data-user=${VIEWER.username}]`;
    await page.click(`${viewerRow} button:has-text("Reset password…")`);
    await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'password');
    await page.keyboard.type('short');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${viewerRow} [role=alert]:has-text("at least 10 characters")`);
    await page.fill(`${viewerRow} input[type=password]`, 'reset by the admin');
    await page.click(`${viewerRow} button:has-text("Set password")`);
    await page.waitForSelector(`${viewerRow} [role=status]:has-text("New password set")`);
    const viewer = await newPage();
    await loginFails(viewer, VIEWER.username, VIEWER.password);
    await logIn(viewer, VIEWER.username, 'reset by the admin');
  }, 60_000);

  it('changes its own password: the wrong current one or a mismatch is refused in place, then the login page asks again', async () => {
    await page.click('header .user a');
    await page.waitForSelector('form[aria-labelledby=password-title]');
    expect(await page.textContent('.account .facts')).toContain('admin');
    await checkPage(page, 'account');

    await page.fill('#current-password', 'not my password');
    await page.fill('#new-password', NEW_ADMIN_PASSWORD);
    await page.fill('#confirm-password', NEW_ADMIN_PASSWORD);
    await page.click('button:has-text("Change password")');
    await page.waitForSelector('#current-password-error:has-text("the current password is wrong")');
    expect(await page.getAttribute('#current-password', 'aria-invalid')).toBe('true');

    await page.fill('#current-password', ADMIN_PASSWORD);
    await page.fill('#confirm-password', `${NEW_ADMIN_PASSWORD}!`);
    await page.click('button:has-text("Change password")');
    await page.waitForSelector('#confirm-password-error:has-text("does not match")');
    expect(await page.getAttribute('#current-password', 'aria-invalid')).toBeNull();

    await page.fill('#confirm-password', NEW_ADMIN_PASSWORD);
    await page.click('button:has-text("Change password")');
    await page.waitForSelector('.login .notice:has-text("Password changed; log in again")');
    expect(await page.inputValue('#username')).toBe('admin');
    await checkPage(page, 'login-password-changed');
    await loginFails(page, 'admin', ADMIN_PASSWORD);
    await logIn(page, 'admin', NEW_ADMIN_PASSWORD);
    const audit = await pageFetch(page, 'GET', '/api/audit?action=user.change_own_password');
    expect(audit.body.entries).toHaveLength(1);
  }, 60_000);
});
