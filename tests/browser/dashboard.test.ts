/**
 * The dashboard in a real browser against the real Node host, with the real probe sweeping test hosts in
 * network namespaces (the scanner has no default route). Every page is checked with axe-core and
 * photographed in light, dark and phone layouts under tests/artifacts/.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNetPrerequisites, createTopology, type Topology } from '../net/netns.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { waitFor } from '../support/wait.js';

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const TEST_HOSTS = [{ v4: '198.18.0.10', v6: 'fd00:18::10' }, { v4: '198.18.0.11', v6: 'fd00:18::11' }, { v4: '198.18.0.12' }, { v4: '198.18.0.40' }];
const LIVE_V4 = ['198.18.0.1', '198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.0.40'];

let topo: Topology;
let dir: string;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let probeProc: ChildProcess | undefined;
let probeLog = '';

async function expectAccessible(name: string) {
  const report = await accessibilityReport(page);
  expect(report, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}

async function checkPage(name: string) {
  await expectAccessible(name);
  await screenshots(page, name);
}

/** Fills the Subnets page's add form for the lab probe, sweeping every 10 s, and submits it. */
async function addSubnet(cidr: string, name = '') {
  await page.fill('#cidr', cidr);
  await page.fill('#subnet-name', name);
  await page.selectOption('#subnet-probe', { label: 'lab-probe' });
  await page.selectOption('#subnet-interval', '10');
  await page.click('button:has-text("Add subnet")');
}

const pills = (status: string) => page.locator(`tr[data-ip] .pill.${status}`);

beforeAll(async () => {
  assertNetPrerequisites();
  dir = mkdtempSync(join(tmpdir(), 'eipam-ui-'));
  topo = await createTopology({ hosts: TEST_HOSTS });
  base = `http://${topo.cpAddr}:8787`;
  topo.spawnIn(topo.ns.cp, [TSX, 'worker/node/main.ts'], {
    env: { ...process.env, HOST: '0.0.0.0', PORT: '8787', DATA_DIR: join(dir, 'server'), ADMIN_PASSWORD, LOCAL_PROBE: '0', HEARTBEAT_SECONDS: '1', DOWN_AFTER_FAILURES: '2' },
    stdio: 'ignore',
  });
  await waitFor('control plane health', async () => (await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) })).ok, 30_000);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await topo?.destroy(); // kills the control plane and the probe with it
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard, live, in Chromium', () => {
  it('logs in (a wrong password is refused)', async () => {
    await page.goto(base);
    await page.waitForSelector('form[aria-labelledby=login-title]');
    await checkPage('login');
    await page.fill('#password', 'not the password');
    await page.click('button:has-text("Log in")');
    await page.waitForSelector('#login-error:has-text("wrong username or password")');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button:has-text("Log in")');
    await page.waitForSelector('.cards');
    expect(await page.textContent('.live')).toBe('live');
  });

  it('enrols a probe, shows its token once with ready commands, and sees it connect', async () => {
    await page.click('nav >> text=Probes');
    await page.fill('#probe-name', 'lab-probe');
    await page.fill('#probe-site', 'netns');
    await page.click('button:has-text("Enrol probe")');
    const token = (await page.textContent('[data-token]'))!.trim();
    expect(token).toMatch(/^eipp_/);
    expect(await page.textContent('.copy-block:has-text("Run with Node") pre')).toContain(`--token ${token}`);
    expect(await page.textContent('.copy-block:has-text("container") pre')).toContain(`PROBE_TOKEN=${token}`);
    await checkPage('probes-enrolled');

    probeProc = topo.spawnIn(topo.ns.scan, [TSX, 'probe/main.ts', '--server', `http://${topo.cpAddrFromScan}:8787`, '--token', token, '--state-dir', join(dir, 'probe')], {
      env: { ...process.env, HEARTBEAT_SECONDS: '1', RECONNECT_MAX_MS: '2000', PING_WORKERS: '64' },
      stdio: 'pipe',
    });
    probeProc.stdout!.on('data', (d) => (probeLog += d));
    probeProc.stderr!.on('data', (d) => (probeLog += d));
    // the row turns connected through the live feed, with no reload
    await page.waitForSelector('tr[data-probe=lab-probe] .dot.on', { timeout: 30_000 }).catch((e) => {
      throw new Error(`${e.message}\nprobe log:\n${probeLog}`);
    });
    await page.click('button:has-text("I have saved it")');
    expect(await page.locator('[data-token]').count()).toBe(0);
    await checkPage('probes');
  }, 60_000);

  it('adds a /24: the server explains a bad CIDR next to the field, then the sweep shows live hosts and collapsed unused ranges', async () => {
    await page.click('nav >> text=Subnets');
    await page.fill('#cidr', '198.18.0.7/24');
    await page.click('button:has-text("Add subnet")');
    await page.waitForSelector('#cidr-error:has-text("did you mean 198.18.0.0/24")');
    expect(await page.getAttribute('#cidr', 'aria-invalid')).toBe('true');
    await addSubnet('198.18.0.0/24', 'lab');
    await page.waitForSelector('tr[data-subnet="198.18.0.0/24"]');
    await page.waitForSelector('tr[data-subnet="198.18.0.0/24"] .util:has-text("5 / 254")', { timeout: 30_000 });
    await checkPage('subnets');

    await page.click('tr[data-subnet="198.18.0.0/24"] a');
    await waitFor('five hosts up', async () => (await pills('up').count()) === LIVE_V4.length, 30_000);
    expect(await page.$$eval('tr[data-ip]', (trs) => trs.map((tr) => tr.getAttribute('data-ip')))).toEqual(LIVE_V4);
    for (const cell of await page.$$eval('tr[data-ip] td:nth-child(3)', (tds) => tds.map((td) => td.textContent))) expect(cell).toMatch(/^\d+\.\d\d ms$/);
    const runs = await page.$$eval('tr.unused', (trs) => trs.map((tr) => tr.textContent!.replace(/^\s*[▸▾]\s*/, '').trim()));
    expect(runs).toEqual([
      '198.18.0.2 – 198.18.0.9 (8 unused)',
      '198.18.0.13 – 198.18.0.39 (27 unused)',
      '198.18.0.41 – 198.18.0.254 (214 unused)',
    ]);
    await page.click('button.run:has-text("198.18.0.13")');
    await page.waitForSelector('tr[data-free="198.18.0.13"]');
    expect(await page.locator('tr.free').count()).toBe(27);
    expect(await page.getAttribute('button.run:has-text("198.18.0.13")', 'aria-expanded')).toBe('true');
    await page.click('button.run:has-text("198.18.0.13")');
    expect(await page.locator('tr.free').count()).toBe(0);
    await checkPage('subnet');
  }, 90_000);

  it('a host that goes down turns red on the open page without a reload', async () => {
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await topo.setHostUp(1, false); // 198.18.0.11
    await page.waitForSelector('tr[data-ip="198.18.0.11"] .pill.down', { timeout: 45_000 }).catch(async (e) => {
      const state = await page.evaluate(() => Promise.all([fetch('/api/hosts?q=198.18.0.11').then((r) => r.json()), fetch('/api/subnets').then((r) => r.json())]));
      throw new Error(`${e.message}\nserver state: ${JSON.stringify(state)}\nrow: ${await page.innerHTML('tbody')}`);
    });
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(await page.getAttribute('tr[data-ip="198.18.0.11"] .pill', 'title')).toMatch(/^down (just now|\d+ s ago)$/);
  }, 60_000);

  it('the drawer (its URL shareable) shows the change, uptime and latency history', async () => {
    await page.click('tr[data-ip="198.18.0.11"] td:nth-child(4)');
    await page.waitForSelector('.drawer .changes li');
    expect(page.url()).toMatch(/#\/subnets\/\d+\?host=\d+$/);
    expect(await page.textContent('.drawer .changes li')).toMatch(/down\s+from up/);
    expect(await page.textContent('.drawer .facts')).toMatch(/Uptime 24 h\d+\.\d\d %/);
    expect(await page.locator('.drawer svg[role=img]').count()).toBe(1);
    await checkPage('drawer');
  });

  it('edits the hostname in place and it persists after a reload', async () => {
    await page.fill('#edit-hostname', 'web-11');
    await page.press('#edit-hostname', 'Enter');
    await page.waitForSelector('#edit-hostname-note:has-text("Saved")');
    await page.reload();
    await page.waitForSelector('.drawer h2:has-text("web-11")');
    expect(await page.inputValue('#edit-hostname')).toBe('web-11');
    await page.waitForSelector('tr[data-ip="198.18.0.11"] td:has-text("web-11")');
  });

  it('keyboard: Esc closes the drawer, j/k move through rows, Enter opens one', async () => {
    await page.keyboard.press('Escape');
    await waitFor('drawer closed', async () => (await page.locator('.drawer').count()) === 0, 5000);
    expect(page.url()).not.toContain('host=');
    // focus returns to the host's row, so the keyboard user is where they were
    await waitFor('focus back on the row', async () => (await page.evaluate(() => document.activeElement?.textContent)) === '198.18.0.11', 2000);
    await page.keyboard.press('j'); // 198.18.0.1
    await page.keyboard.press('j'); // the run .2 – .9
    await page.keyboard.press('j'); // 198.18.0.10
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    expect(await page.getAttribute('tr[aria-current=true]', 'data-ip')).toBe('198.18.0.10');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.drawer h2:has-text("198.18.0.10")');
    await page.keyboard.press('Escape');
  });

  it('scan now: the button stays disabled while the sweep runs, then reports the end', async () => {
    // record every state the button and its status line go through (a /24 sweep can take under a second)
    await page.evaluate(() => {
      const seen: string[] = ((window as any).__scan = []);
      const button = document.querySelector('button.scan-now')!;
      const status = document.querySelector('.scan-state')!;
      new MutationObserver(() => seen.push(`${(button as HTMLButtonElement).disabled ? 'disabled' : 'enabled'}:${status.textContent}`)).observe(status.parentElement!, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    });
    await page.click('button.scan-now');
    await page.waitForSelector('.scan-state:has-text("Sweep finished")', { timeout: 30_000 });
    expect(await page.isDisabled('button.scan-now')).toBe(false);
    const seen: string[] = await page.evaluate(() => (window as any).__scan);
    expect(seen[0]).toMatch(/^disabled:(queued|started)/);
    expect(seen.filter((s) => s.startsWith('enabled'))).toEqual(['enabled:Sweep finished']);
    expect(seen.some((s) => /^disabled:.*\d+ \/ 254$/.test(s) || s === 'disabled:started')).toBe(true);
  }, 40_000);

  it('the dashboard counts, lists recent changes, filters and finds by hostname', async () => {
    await page.click('nav >> text=Dashboard');
    await page.waitForSelector('.card.down strong:has-text("1")');
    expect(await page.textContent('.card.up strong')).toBe('4');
    expect(await page.textContent('.changes')).toContain('198.18.0.11');
    await page.fill('input[name=q]', 'web-11');
    await waitFor('search result', async () => (await page.$$eval('.hosts-found tr[data-ip]', (t) => t.map((r) => r.getAttribute('data-ip')))).join() === '198.18.0.11', 5000);
    await page.fill('input[name=q]', '');
    await page.selectOption('select[name=status]', 'up');
    await waitFor('status filter', async () => (await page.locator('.hosts-found tr[data-ip]').count()) === 4, 5000);
    expect(page.url()).toContain('status=up');
    await checkPage('dashboard');
    await page.click('button:has-text("High contrast")');
    expect(await page.getAttribute('html', 'data-contrast')).toBe('high');
    await expectAccessible('dashboard (high contrast)');
    await page.screenshot({ path: join(process.cwd(), 'tests/artifacts/dashboard-high-contrast.png') });
    await page.click('button:has-text("High contrast")');
  });

  it('an IPv6 /64 shows its hosts and collapsed unused ranges', async () => {
    await page.click('nav >> text=Subnets');
    await addSubnet('fd00:18::/64');
    await page.click('tr[data-subnet="fd00:18::/64"] a');
    await page.waitForSelector('tr[data-ip="fd00:18::10"] .pill.up', { timeout: 40_000 });
    const runs = await page.$$eval('tr.unused', (trs) => trs.map((tr) => tr.textContent!.trim()));
    expect(runs.at(-1)).toMatch(/^▸ fd00:18::\w+ – fd00:18::ffff:ffff:ffff:ffff \([\d,]+ unused\)$/);
  }, 60_000);

  it('reserves a free address from an expanded run', async () => {
    await page.click('nav >> text=Subnets');
    await page.click('tr[data-subnet="198.18.0.0/24"] a');
    await page.click('button.run:has-text("198.18.0.41")');
    await page.click('tr[data-free="198.18.0.41"] button:has-text("Reserve")');
    await page.waitForSelector('.drawer .badge:has-text("reserved")');
    expect(page.url()).toMatch(/host=\d+$/);
    expect(await page.isChecked('.drawer input[name=reserved]')).toBe(true);
    await page.waitForSelector('tr[data-ip="198.18.0.41"] .badge:has-text("reserved")');
    expect(await page.locator('tr[data-free="198.18.0.41"]').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('when the session ends, the next request lands on the login page with the reason; logging in returns there', async () => {
    await context.clearCookies();
    // the next request (this navigation, or a live reload that may come first) is refused: the login page says why
    await page.evaluate(() => (location.hash = '#/probes'));
    await page.waitForSelector('.notice:has-text("Your session has ended")', { timeout: 10_000 }).catch(async (e) => {
      throw new Error(`${e.message}\nurl ${page.url()}\npage: ${(await page.textContent('body'))?.slice(0, 500)}`);
    });
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button:has-text("Log in")');
    await page.waitForSelector('h1:has-text("Probes")');
  }, 30_000);
});
