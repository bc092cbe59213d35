/**
 * The Traffic page (issue 16) in Debian's Chromium against the real Node host on loopback. The probes are RawProbes
 * over real WebSockets that speak the protocol: hello with the traffic kinds and their addresses, then each traffic
 * job answered as a probe would (the listener started, the client started, the `traffic` result). No iperf3 runs
 * and nothing is sent on a network. Checked: the nav entry, a refusal by the form and one by the server at its field
 * (with the focus there), a TCP test started from the page and followed through its steps to its figures and
 * per-second chart, a UDP test with loss, the pair's history chart and table, a viewer's read-only page, a schedule
 * made with "Repeat" (its run started by the duty, shown as its last run and in the history; paused; removed); axe in
 * light and dark, and screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../schema/protocol.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium, pageAs } from '../support/browser.js';
import { sendResults } from '../support/port-rig.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { scheduledTrafficTests } from '../../worker/duties.js';

const KINDS = ['sweep', 'traffic-server', 'traffic-client'];
const VIEWER = { username: 'tess', password: 'viewer password 1', role: 'viewer' };

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let page: Page;
let heartbeat: ReturnType<typeof setInterval>;
const probes: Record<string, { id: number; raw: RawProbe | null }> = {};
let batch = 0;

type Job = { jobId: string; testId: string; kind: string; target?: string; bind?: string; protocol?: string; durationSeconds?: number; bandwidthBps?: number };

async function enrol(name: string, address: string) {
  const enrolled = (await api('POST', '/api/probes', { name })).body;
  const raw = await RawProbe.connect(server.url, enrolled.token);
  await raw.next('welcome');
  raw.send({ type: 'hello', version: '0.8.0', protocol: PROTOCOL_VERSION, hostname: name, kinds: KINDS, network: { gateways: [], interfaces: [{ name: 'eth0', mac: null, addresses: [address] }] } });
  raw.send({ type: 'ping' });
  await raw.next('pong');
  probes[name] = { id: enrolled.id, raw };
}

const raw = (name: string) => probes[name]!.raw!;
const nextJob = async (name: string) => (await raw(name).next('job', 8000)) as unknown as Job;
const status = (name: string, job: Job, state: string, extra: Record<string, unknown> = {}) => raw(name).send({ type: 'job_status', jobId: job.jobId, kind: job.kind, state, ...extra });
const result = (over: Record<string, unknown>) => ({
  protocol: 'tcp', sentBps: 49_600_000, receivedBps: 48_900_000, sentBytes: 18_600_000, receivedBytes: 18_337_500, seconds: 3, retransmits: 7,
  jitterMs: null, lostPackets: null, packets: null, lossPercent: null, cpuLocalPercent: 2.5, cpuRemotePercent: 1.5,
  intervals: [48e6, 50e6, 49e6], version: 'iperf 3.12', raw: '{}', ...over,
});
async function answer(job: Job, over: Record<string, unknown>) {
  const ack = await sendResults(raw('src'), `tt-${++batch}`, [{ kind: 'traffic', jobId: job.jobId, testId: job.testId, at: Date.now() - 3000, durationMs: 3050, address: job.target, result: result(over) }]);
  expect(ack.rejectedResults ?? []).toEqual([]);
}

const text = async (selector: string, p = page) => ((await p.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0' });
  api = client(server.url, await server.login());
  await enrol('src', '198.18.60.1/30');
  await enrol('dst', '198.18.60.2/30');
  await enrol('gone', '198.18.61.2/24');
  heartbeat = setInterval(() => Object.values(probes).forEach((p) => p.raw?.send({ type: 'ping' })), 2000);
  expect((await api('POST', '/api/users', VIEWER)).status).toBe(201);
  browser = await launchChromium();
  page = await pageAs(browser, server.url, contexts, 'admin', ADMIN_PASSWORD);
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  for (const c of contexts) await c.close();
  await browser?.close();
  for (const p of Object.values(probes)) p.raw?.close();
  await server?.close();
});

describe('traffic tests in Chromium', () => {
  it('the nav entry; a refusal by the form and one by the server, each at its field with the focus there', async () => {
    // a probe that announced the kinds and went away is listed (offline) and refused by the server
    raw('gone').close();
    probes.gone!.raw = null;
    await page.click('header nav a:has-text("Traffic")');
    await page.waitForSelector('form.traffic-form');
    expect(await page.getAttribute('header nav a[href="#/traffic"]', 'aria-current')).toBe('page');
    expect(await text('.traffic-history')).toContain('No traffic test has run yet.');
    expect(await page.inputValue('#tt-from')).toBe(String(probes.src!.id));
    expect(await page.inputValue('#tt-to')).toBe(String(probes.dst!.id));

    await page.fill('#tt-bandwidth', 'fast');
    await page.click('.op-submit button');
    await page.waitForSelector('#tt-bandwidth[aria-invalid="true"]');
    expect(await text('#tt-bandwidth-error')).toContain('like 50M');
    expect(await focusedId()).toBe('tt-bandwidth');

    await page.fill('#tt-bandwidth', '');
    await page.waitForFunction(() => document.querySelector('#tt-to option:checked') !== null);
    await page.selectOption('#tt-to', String(probes.gone!.id));
    await page.click('.op-submit button');
    await page.waitForSelector('#tt-to[aria-invalid="true"]');
    expect(await text('#tt-to-error')).toBe('probe gone is not connected');
    expect(await focusedId()).toBe('tt-to');
    expect(await page.getAttribute('#tt-bandwidth', 'aria-invalid')).toBeNull();
  });

  it('a TCP test from the page: the listener, the run with its elapsed seconds, then the figures and the per-second chart', async () => {
    await page.selectOption('#tt-to', String(probes.dst!.id));
    await page.fill('#tt-duration', '3');
    await page.fill('#tt-bandwidth', '50M');
    await page.click('.op-submit button');
    const listener = await nextJob('dst');
    const job = await nextJob('src');
    expect([listener.bind, job.target, job.durationSeconds, job.bandwidthBps]).toEqual(['198.18.60.2', '198.18.60.2', 3, 50_000_000]);
    await page.waitForSelector(`article.traffic-test[data-test="${job.testId}"]`);
    expect(page.url()).toContain(`test=${job.testId}`);
    expect(await page.getAttribute('[data-step="listener"]', 'data-step-state')).toBe('active');

    status('dst', listener, 'started');
    await page.waitForSelector('[data-step="listener"][data-step-state="done"]');
    status('src', job, 'started');
    await page.waitForSelector('[data-step="run"][data-step-state="active"]');
    await page.waitForFunction(() => /Running 3 s: [1-3] s elapsed/.test(document.querySelector('[data-progress]')?.textContent ?? ''), undefined, { timeout: 5000 });
    await screenshots(page, 'traffic-running');

    await answer(job, {});
    await page.waitForSelector('article.traffic-test[data-state="done"]');
    expect(await text('[data-progress]')).toBe('Done: 48.9 Mbit/s received, 49.6 Mbit/s sent');
    expect(await text('[data-stat="retransmits"] dd')).toBe('7');
    expect(await text('[data-stat="cpu-far-end"] dd')).toBe('1.5 %');
    expect(await page.getAttribute('.traffic-interval-chart svg', 'aria-label')).toBe('Throughput each second of src → dst: 3 seconds, scale 0 to 50.0 Mbit/s, lowest 48.0 Mbit/s, highest 50.0 Mbit/s');
    expect(await page.$$eval('.traffic-interval-chart rect.bar', (r) => r.length)).toBe(3);
    await page.click('.traffic-interval-chart summary');
    expect(await page.$$eval('.traffic-interval-chart tbody tr', (rows) => rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent).join(' ')))).toEqual(['1 48.0 Mbit/s', '2 50.0 Mbit/s', '3 49.0 Mbit/s']);

    // the history of the pair: one measured test on the chart, one row in the table
    await page.waitForSelector('.traffic-history-chart circle.dot');
    expect(await page.getAttribute('.traffic-history-chart svg', 'aria-label')).toBe('Received throughput of src → dst: 1 measured test, scale 0 to 50.0 Mbit/s');
    expect(await text('table.traffic-list tbody tr')).toContain('48.9 Mbit/s');
    status('dst', listener, 'done');
    status('src', job, 'done');
  });

  it('a UDP test with loss: jitter and loss in its figures, loss on the history chart', async () => {
    await page.check('#tt-protocol-udp');
    await page.fill('#tt-bandwidth', '60M');
    await page.click('.op-submit button');
    const listener = await nextJob('dst');
    const job = await nextJob('src');
    expect([job.protocol, job.bandwidthBps]).toEqual(['udp', 60_000_000]);
    status('dst', listener, 'started');
    status('src', job, 'started');
    await answer(job, { protocol: 'udp', sentBps: 60_000_000, receivedBps: 49_800_000, retransmits: null, jitterMs: 0.182, lostPackets: 880, packets: 5190, lossPercent: 16.96 });
    await page.waitForSelector(`article.traffic-test[data-test="${job.testId}"][data-state="done"]`);
    expect(await text('[data-stat="loss"] dd')).toBe('16.96 %');
    expect(await text('[data-stat="jitter"] dd')).toBe('0.182 ms');
    expect(await text('[data-stat="lost"] dd')).toBe('880 / 5190');
    await page.waitForFunction(() => document.querySelectorAll('.traffic-history-chart circle.dot').length === 2);
    expect(await page.getAttribute('.traffic-history-chart svg', 'aria-label')).toBe('Received throughput of src → dst: 2 measured tests, scale 0 to 50.0 Mbit/s; UDP loss 0 to 20 %');
    expect(await page.$$eval('.traffic-history-chart rect.loss', (r) => r.length)).toBe(1);
    expect(await page.$$eval('table.traffic-list tbody tr', (rows) => rows.map((r) => r.querySelector('td:nth-child(2)')!.textContent))).toEqual(['UDP', 'TCP']);
    const found = await accessibilityReport(page);
    expect(found, 'axe found serious or critical problems on the Traffic page').toEqual({ light: [], dark: [] });
    await page.evaluate(() => document.querySelector('.traffic-current')!.scrollIntoView());
    await screenshots(page, 'traffic-done');
  });

  it('a viewer sees the history and no form', async () => {
    const viewer = await pageAs(browser, server.url, contexts, VIEWER.username, VIEWER.password);
    await viewer.goto(`${server.url}/#/traffic`);
    await viewer.waitForSelector('.traffic-history-chart');
    expect(await viewer.$('form.traffic-form')).toBeNull();
    expect(await text('.traffic-page .notice', viewer)).toContain('Only editors and admins can start traffic tests');
    expect(await viewer.$$eval('table.traffic-list tbody tr', (r) => r.length)).toBe(2);
  });

  it('a schedule from the form: listed with its next run, its run by the duty shown as its last run and in the history; paused; removed', async () => {
    await page.check('#tt-protocol-tcp');
    await page.fill('#tt-bandwidth', '');
    await page.check('#tt-repeat');
    expect(await text('.op-submit button')).toBe('Schedule');
    await page.fill('#tt-every', '0');
    await page.click('.op-submit button');
    await page.waitForSelector('#tt-every[aria-invalid="true"]');
    expect(await text('#tt-every-error')).toBe('Hours between runs must be from 1 to 168.');
    expect(await focusedId()).toBe('tt-every');
    await page.fill('#tt-every', '6');
    await page.click('.op-submit button');
    const row = '.traffic-schedules tr[data-schedule]';
    await page.waitForSelector(row);
    expect(await text(`${row} td:nth-child(1)`)).toBe('src → dst');
    expect(await text(`${row} td:nth-child(2)`)).toBe('TCP · 3 s');
    expect(await text(`${row} td:nth-child(3)`)).toBe('every 6 hours');
    expect(await page.$(`${row} [data-next] time`)).not.toBeNull();
    expect(await text(`${row} [data-last]`)).toBe('not run yet');
    // a second of the same pair and way is refused at the target
    await page.click('.op-submit button');
    await page.waitForSelector('#tt-to[aria-invalid="true"]');
    expect(await text('#tt-to-error')).toContain('already has a TCP schedule');

    // the duty's run (the Node host's own timer may come first; either starts it once)
    await scheduledTrafficTests.run(server.deps);
    const listener = await nextJob('dst');
    const job = await nextJob('src');
    status('dst', listener, 'started');
    status('src', job, 'started');
    await answer(job, {});
    await page.waitForSelector(`${row} [data-last] a[href*="test=${job.testId}"]`);
    expect(await text(`${row} [data-last]`)).toContain('started a test');
    await page.waitForFunction(() => [...document.querySelectorAll('table.traffic-list tbody tr')].some((r) => /scheduled/.test(r.textContent ?? '')));
    const found = await accessibilityReport(page);
    expect(found, 'axe found serious or critical problems on the Traffic page with a schedule').toEqual({ light: [], dark: [] });
    await page.evaluate(() => document.querySelector('.traffic-schedules')!.scrollIntoView());
    await screenshots(page, 'traffic-schedule');

    await page.click(`${row} button:has-text("Pause")`);
    await page.waitForFunction((sel) => /paused/.test(document.querySelector(`${sel} [data-next]`)?.textContent ?? ''), row);
    await page.click(`${row} button:has-text("Remove…")`);
    await page.click(`${row} .confirm button.danger`);
    await page.waitForSelector('.traffic-schedules [data-empty]');
    expect((await api('GET', '/api/traffic-schedules')).body.schedules).toEqual([]);
  });
});
