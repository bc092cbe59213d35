/**
 * The web UI on the Workers host (`wrangler dev`: static assets, the API in the Worker, the live feed in
 * its Durable Object) in Debian's Chromium. The probe is a RawProbe that only sends protocol frames over
 * loopback: no scanner runs and no packet leaves the machine.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { startEdgeServer, type EdgeServer } from '../support/edge.js';
import { RawProbe } from '../support/server.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';

const CIDR = '198.18.50.0/24';
const UP_A = '198.18.50.10';
const UP_B = '198.18.50.11';
/** Below the UI's 30 s safety-net poll (web/lib/use-data.js): an update within this came through the live feed. */
const LIVE_TIMEOUT = 15_000;

let edge: EdgeServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let api: ReturnType<typeof client>;
let probe: RawProbe | undefined;
let probeId: number;
let subnetId: number;
let batch = 0;
let sweptAt = Date.now() - 60_000;

const pill = (ip: string, status: string) => `tr[data-ip="${ip}"] .pill.${status}`;

/** One complete sweep of the subnet, as the probe agent would report it; resolves with the server's ack. */
async function sendSweep(up: string[]) {
  sweptAt += 1000;
  const batchId = `edge-ui-${++batch}`;
  probe!.send({
    type: 'results',
    batchId,
    sweeps: [{ subnetId, at: sweptAt, durationMs: 5, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1.25 })), down: [] }],
  });
  const ack = await probe!.next('ack', 10_000);
  expect(ack).toEqual({ type: 'ack', batchId, duplicate: false, rejectedSubnets: [] });
}

/** Waits for a selector that only a live update can bring; on failure, says what the page and the Worker saw. */
async function waitLive(selector: string) {
  await page.waitForSelector(selector, { timeout: LIVE_TIMEOUT }).catch(async (e) => {
    const seen = await liveHostEvents().catch(() => 'n/a');
    const tbody = await page.innerHTML('tbody').catch(() => 'n/a');
    throw new Error(`${(e as Error).message}\nlive hosts events: ${JSON.stringify(seen)}\ntable: ${tbody}\nwrangler log:\n${edge?.log().slice(-3000)}`);
  });
}

/** The `hosts` events the page's EventSource has received so far (recorded by the init script). */
const liveHostEvents = (): Promise<{ subnetIds: number[]; changes: { ip: string; from: string; to: string }[] }[]> =>
  page.evaluate(() => (window as any).__liveHosts);

beforeAll(async () => {
  edge = await startEdgeServer({ DOWN_AFTER_FAILURES: '2' });
  api = client(edge.url, await login(edge.url));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // record what arrives on the live feed, so the test can tell a pushed update from the UI's safety-net poll
  await context.addInitScript(() => {
    const seen: unknown[] = ((window as any).__liveHosts = []);
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        this.addEventListener('hosts', (e) => seen.push(JSON.parse((e as MessageEvent).data)));
      }
    };
  });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  probe?.close();
  await browser?.close();
  await edge?.close();
}, 30_000);

describe('the web UI on the Workers host, in Chromium', () => {
  it('logs in; the header shows the live feed (SSE through the Durable Object) connected', async () => {
    await page.goto(edge!.url);
    await page.waitForSelector('form[aria-labelledby=login-title]');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button:has-text("Log in")');
    await page.waitForSelector('.cards');
    await page.waitForSelector('.live:has-text("live")', { timeout: LIVE_TIMEOUT });
    expect(await page.textContent('.live')).toBe('live');
  });

  it('a probe enrolled through the API connects; the Subnets page adds a /24 assigned to it and opens it', async () => {
    const enrolled = await api('POST', '/api/probes', { name: 'edge-raw' });
    expect(enrolled.status).toBe(201);
    probeId = enrolled.body.id;
    probe = await RawProbe.connect(edge!.url, enrolled.body.token);
    expect(await probe.next('welcome')).toMatchObject({ probeId, name: 'edge-raw' });
    expect((await probe.next('assignment')).subnets).toEqual([]);

    await page.click('nav >> text=Subnets');
    await page.waitForSelector(`#subnet-probe option:has-text("edge-raw")`, { state: 'attached' });
    await page.fill('#cidr', CIDR);
    await page.selectOption('#subnet-probe', { label: 'edge-raw' });
    await page.click('button:has-text("Add subnet")');
    await page.waitForSelector(`tr[data-subnet="${CIDR}"]`);
    // the probe's Durable Object pushes the new assignment
    const assigned = (await probe.next('assignment', 10_000)).subnets;
    expect(assigned.map((s) => s.cidr)).toEqual([CIDR]);
    subnetId = assigned[0]!.id;

    await page.click(`a:has-text("${CIDR}")`);
    await page.waitForSelector(`h1:has-text("${CIDR}")`);
    expect(page.url()).toMatch(new RegExp(`#/subnets/${subnetId}$`));
    expect(await page.locator('tr[data-ip]').count()).toBe(0);
    expect(await page.$$eval('tr.unused', (trs) => trs.map((tr) => tr.textContent!.replace(/^\s*[▸▾]\s*/, '').trim()))).toEqual([
      '198.18.50.1 – 198.18.50.254 (254 unused)',
    ]);
  }, 60_000);

  it('results from the probe show up on the open page without a reload, gaps collapsed', async () => {
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await sendSweep([UP_A, UP_B]);
    await waitLive(pill(UP_A, 'up'));
    await waitLive(pill(UP_B, 'up'));
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(await page.$$eval('tr[data-ip]', (trs) => trs.map((tr) => tr.getAttribute('data-ip')))).toEqual([UP_A, UP_B]);
    expect(await page.$$eval('tr[data-ip] td:nth-child(3)', (tds) => tds.map((td) => td.textContent))).toEqual(['1.25 ms', '1.25 ms']);
    const runs = await page.$$eval('tr.unused', (trs) => trs.map((tr) => tr.textContent!.replace(/^\s*[▸▾]\s*/, '').trim()));
    expect(runs).toEqual(['198.18.50.1 – 198.18.50.9 (9 unused)', '198.18.50.12 – 198.18.50.254 (243 unused)']);
    expect(await page.textContent('.summary')).toMatch(/^\s*2\s+up of\s+2\s+used/);
    // the page heard it on the live feed, from the Durable Object
    const events = await liveHostEvents();
    expect(events.flatMap((e) => e.changes.map((c) => `${c.ip} ${c.from}>${c.to}`))).toEqual([`${UP_A} unknown>up`, `${UP_B} unknown>up`]);
  }, 30_000);

  it(`a host silent for DOWN_AFTER_FAILURES (2) sweeps turns down live; its drawer lists the change`, async () => {
    const before = (await liveHostEvents()).length;
    await sendSweep([UP_A]);
    // one missed sweep is not enough: the feed reports the sweep with no change, the host stays up
    await waitFor('the live event of the first missed sweep', async () => (await liveHostEvents()).length > before, LIVE_TIMEOUT);
    expect((await liveHostEvents()).slice(before)).toEqual([{ subnetIds: [subnetId], changes: [] }]);
    expect((await api('GET', `/api/hosts?q=${UP_B}`)).body.hosts.map((h: { status: string }) => h.status)).toEqual(['up']);
    await page.waitForTimeout(1000); // the page's debounced reload (250 ms) has landed
    expect(await page.locator(pill(UP_B, 'up')).count()).toBe(1);
    await sendSweep([UP_A]);
    await waitLive(pill(UP_B, 'down'));
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(await page.locator(pill(UP_A, 'up')).count()).toBe(1);
    expect((await liveHostEvents()).flatMap((e) => e.changes.map((c) => `${c.ip} ${c.from}>${c.to}`))).toEqual([
      `${UP_A} unknown>up`,
      `${UP_B} unknown>up`,
      `${UP_B} up>down`,
    ]);

    await page.click(`tr[data-ip="${UP_B}"] td:nth-child(4)`);
    await page.waitForSelector('.drawer .changes li');
    expect(page.url()).toMatch(new RegExp(`#/subnets/${subnetId}\\?host=\\d+$`));
    expect(await page.textContent('.drawer h2')).toBe(UP_B);
    // newest first; each entry is "<pill> from <status>" and a <time> (laid out apart by the list's flex gap)
    const changes = await page.$$eval('.drawer .changes li', (lis) =>
      lis.map((li) => {
        const time = li.querySelector('time');
        const rest = li.cloneNode(true) as HTMLElement;
        rest.querySelector('time')?.remove();
        return { text: rest.textContent!.replace(/\s+/g, ' ').trim(), at: time?.getAttribute('datetime') };
      }),
    );
    expect(changes.map((c) => c.text)).toEqual(['down from up', 'up from unknown']);
    for (const c of changes) expect(c.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.textContent('.drawer .changes li .pill')).toBe('down');
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  }, 40_000);
});
