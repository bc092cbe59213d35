/**
 * Port scans in the UI, in Debian's Chromium against the real Node host on loopback. The probe is a RawProbe that
 * speaks the protocol (hello with its kinds, sweeps, port-scan results, job statuses): nothing is scanned for real.
 * Chips on the subnet view and the dashboard, the drawer's ports and history, the service filter, live removal of a
 * closed port, stale chips of a host that went down, "Scan ports" with progress for a host and a subnet, the 409 and
 * 429 answers, the subnets' port-scan settings and the probes' kinds; axe on each view, and the keyboard.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../schema/protocol.js';
import { launchChromium, logIn } from '../support/browser.js';
import { port, roundTrip, scanItem, scanned, sendResults, sweepItem } from '../support/port-rig.js';
import { client } from '../support/targets.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { waitFor } from '../support/wait.js';

const CIDR = '198.18.7.0/24';
const [WEB, DB, IDLE] = ['198.18.7.10', '198.18.7.11', '198.18.7.12'];

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let probe: RawProbe;
let oldProbe: RawProbe;
let heartbeat: ReturnType<typeof setInterval>;
let subnetId: number;
let emptySubnetId: number;
const hostIds: Record<string, number> = {};
let batch = 0;

const WEB_PORTS = ['22/tcp/ssh/OpenSSH/9.2p1', '80/tcp/http/nginx/1.25.3', '443/tcp/https/nginx/1.25.3', '8080/tcp/http-proxy', '53/udp/domain'].map((spec) => port(spec));

/** Sends results as the probe; every one must be accepted. */
async function report(...results: unknown[]) {
  const a = await sendResults(probe, `ui-${++batch}`, results);
  expect(a.refused).toBeUndefined();
  expect(a.rejectedResults ?? []).toEqual([]);
}

async function expectAccessible(name: string) {
  const report = await accessibilityReport(page);
  expect(report, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}

/** The chips of a row: the shown ones' texts, then "+N" when there are more. */
const rowChips = (row: string) =>
  page.$$eval(`${row} .ports .chip.port`, (els) => els.map((el) => (el.classList.contains('more') ? el.querySelector('[aria-hidden]')!.textContent : el.textContent)));

/** Presses Tab until `selector` has the focus: proof that the keyboard reaches it. */
async function tabTo(selector: string, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`);
}

const openSubnet = async (id = subnetId) => {
  await page.goto(`${server.url}/#/subnets/${id}`);
  await page.waitForSelector('table.hosts');
};

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0', DOWN_AFTER_FAILURES: '1', PORT_SCAN_COOLDOWN_SECONDS: '60' });
  api = client(server.url, await server.login());
  const enrolled = (await api('POST', '/api/probes', { name: 'raw-lab', site: 'loopback' })).body;
  probe = await RawProbe.connect(server.url, enrolled.token);
  await probe.next('welcome');
  probe.send({ type: 'hello', version: '0.3.0', protocol: PROTOCOL_VERSION, hostname: 'raw-lab', kinds: ['sweep', 'port_scan'], rawSockets: false });
  const old = (await api('POST', '/api/probes', { name: 'old-probe' })).body;
  oldProbe = await RawProbe.connect(server.url, old.token);
  await oldProbe.next('welcome');
  oldProbe.send({ type: 'hello', version: '0.2.1', protocol: PROTOCOL_VERSION, hostname: 'old' });
  heartbeat = setInterval(() => [probe, oldProbe].forEach((p) => p.send({ type: 'ping' })), 2000);

  const subnet = await api('POST', '/api/subnets', { cidr: CIDR, name: 'ports lab', probeId: enrolled.id, sweepIntervalSeconds: 3600 });
  expect(subnet.status).toBe(201);
  subnetId = subnet.body.id;
  emptySubnetId = (await api('POST', '/api/subnets', { cidr: '198.18.9.0/29', name: 'no probe' })).body.id;
  await report(sweepItem(subnetId, Date.now(), [WEB, DB, IDLE]));
  for (const h of (await api('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts) hostIds[h.ip] = h.id;
  await report(scanItem(subnetId, Date.now(), [scanned(WEB, WEB_PORTS), scanned(DB, ['22/tcp/ssh/OpenSSH/8.4p1']), scanned(IDLE, [])]));

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(8000); // fail with the selector named, inside the test's own timeout
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  await browser?.close();
  probe?.close();
  oldProbe?.close();
  await server?.close();
});

describe('port scans in Chromium', () => {
  it('the Probes page shows each probe’s version and the kinds it runs', async () => {
    await page.click('nav >> text=Probes');
    await page.waitForSelector('tr[data-probe=raw-lab] .dot.on');
    expect(await page.textContent('tr[data-probe=raw-lab] .probe-runs')).toBe('0.3.0 · sweep, port_scan');
    expect(await page.textContent('tr[data-probe=old-probe] .probe-runs')).toBe('0.2.1 · sweep only (old probe)');
    await expectAccessible('probes');
    await screenshots(page, 'ports-probes');
  });

  it('the subnet view shows port chips on each row: the first three, then "+N"', async () => {
    await openSubnet();
    await page.waitForSelector(`tr[data-ip="${WEB}"] .ports`);
    expect(await rowChips(`tr[data-ip="${WEB}"]`)).toEqual(['22/ssh', '80/http', '443/https', '+2']);
    expect(await page.getAttribute(`tr[data-ip="${WEB}"] .chip.more`, 'title')).toBe('8080/tcp http-proxy, 53/udp domain');
    expect(await page.textContent(`tr[data-ip="${WEB}"] .chip.more .sr-only`)).toBe('and 2 more: 8080/tcp http-proxy, 53/udp domain');
    expect(await rowChips(`tr[data-ip="${DB}"]`)).toEqual(['22/ssh']);
    expect(await page.locator(`tr[data-ip="${IDLE}"] .chip.port`).count()).toBe(0);
    expect(await page.locator('.ports.stale').count()).toBe(0);
    await expectAccessible('subnet view with ports');
    await screenshots(page, 'ports-subnet');
  });

  it('the drawer lists the open ports with product, version and when seen, and the history of changes', async () => {
    await page.click(`tr[data-ip="${WEB}"] a`);
    await page.waitForSelector('.drawer .port-table');
    const rows = await page.$$eval('.drawer .port-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent!.trim())));
    expect(rows).toEqual([
      ['22/tcp', 'ssh', 'OpenSSH', '9.2p1'],
      ['80/tcp', 'http', 'nginx', '1.25.3'],
      ['443/tcp', 'https', 'nginx', '1.25.3'],
      ['8080/tcp', 'http-proxy', '', ''],
      ['53/udp', 'domain', '', ''],
    ]);
    expect(await page.textContent('.drawer .port-table tbody tr td:nth-child(5)')).toMatch(/^(just now|\d+ s ago)$/);
    expect(await page.textContent('.drawer .host-ports .ports-head')).toMatch(/Scanned (just now|\d+ s ago)/);
    const history = await page.$$eval('.drawer .port-changes li .change', (els) => els.map((e) => e.textContent));
    expect(history.sort()).toEqual(['22/tcp ssh opened', '443/tcp https opened', '53/udp domain opened', '80/tcp http opened', '8080/tcp http-proxy opened']);
    // the state changes list keeps to state changes
    expect(await page.textContent('.drawer .changes')).not.toContain('opened');
    expect(await page.locator('.drawer .stale-note').count()).toBe(0);
    await expectAccessible('drawer with ports');
    await screenshots(page, 'ports-drawer');
    await page.keyboard.press('Escape');
  });

  it('the dashboard: chips on its host list, port changes in recent changes, and a filter by open service kept in the URL', async () => {
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector(`.hosts-found tr[data-ip="${WEB}"] .ports`);
    expect(await rowChips(`.hosts-found tr[data-ip="${WEB}"]`)).toEqual(['22/ssh', '80/http', '443/https', '+2']);
    expect(await rowChips(`.hosts-found tr[data-ip="${DB}"]`)).toEqual(['22/ssh']);
    expect(await page.textContent('.side-col .changes')).toContain('22/tcp ssh opened');
    const options = await page.$$eval('select[name=service] option', (os) => os.map((o) => o.textContent));
    expect(options).toEqual(['any', 'ssh (2)', 'domain (1)', 'http (1)', 'http-proxy (1)', 'https (1)']);
    // by keyboard: Tab to the filter, arrow to the first service
    await page.focus('input[name=q]');
    await tabTo('select[name=service]');
    await page.keyboard.press('ArrowDown');
    await waitFor('ssh hosts only', async () => (await page.$$eval('.hosts-found tr[data-ip]', (t) => t.map((r) => r.getAttribute('data-ip')))).join() === [WEB, DB].join(), 5000);
    expect(page.url()).toContain('service=ssh');
    await page.selectOption('select[name=service]', 'https');
    await waitFor('https hosts only', async () => (await page.$$eval('.hosts-found tr[data-ip]', (t) => t.map((r) => r.getAttribute('data-ip')))).join() === WEB, 5000);
    // the filter survives a reload (it lives in the URL)
    await page.reload();
    await page.waitForSelector('.hosts-found');
    expect(await page.inputValue('select[name=service]')).toBe('https');
    expect(await page.$$eval('.hosts-found tr[data-ip]', (t) => t.map((r) => r.getAttribute('data-ip')))).toEqual([WEB]);
    await expectAccessible('dashboard with ports');
    await screenshots(page, 'ports-dashboard');
    await page.selectOption('select[name=service]', '');
  });

  it('a later scan without a port: its chip goes away on the open page, and the drawer’s history says it closed', async () => {
    await openSubnet();
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.click(`tr[data-ip="${WEB}"] a`);
    await page.waitForSelector('.drawer .port-table');
    await report(scanItem(subnetId, Date.now(), [scanned(WEB, WEB_PORTS.filter((p) => p.port !== 80))]));
    await waitFor('the 80/http chip gone', async () => (await rowChips(`tr[data-ip="${WEB}"]`)).join() === '22/ssh,443/https,8080/http-proxy,+1', 10_000).catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify(await rowChips(`tr[data-ip="${WEB}"]`))}`);
    });
    await page.waitForSelector('.drawer .port-changes li[data-change=closed]');
    expect(await page.textContent('.drawer .port-changes li[data-change=closed] .change')).toBe('80/tcp http closed');
    expect(await page.locator('.drawer .port-table tr[data-port="80/tcp"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('Scan ports in the drawer, by keyboard: the probe gets the job, the button follows its progress, then a repeat is refused with the time to wait', async () => {
    await page.goto(`${server.url}/#/subnets/${subnetId}?host=${hostIds[DB]}`);
    await page.waitForSelector('.drawer .host-ports [data-scan-ports=host] button');
    await page.focus('#drawer-title');
    await tabTo('.drawer button.scan-ports');
    await page.keyboard.press('Enter');
    const job = await probe.next('job', 5000);
    expect(job).toMatchObject({ type: 'job', kind: 'port_scan', subnetId, targets: [DB] });
    const state = '.drawer [data-scan-ports=host] .scan-state';
    await page.waitForSelector(`${state}:has-text("queued")`);
    expect(await page.getAttribute('.drawer button.scan-ports', 'aria-disabled')).toBe('true');
    // disabled, it ignores another press (and keeps the focus)
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('scan-ports'))).toBe(true);
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'port_scan', state: 'started' });
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'port_scan', state: 'progress', done: 40, total: 100 });
    await page.waitForSelector(`${state}:has-text("40 %")`);
    expect(await page.getAttribute(`${state} progress`, 'value')).toBe('40');
    await expectAccessible('drawer with a port scan running');
    await report(scanItem(subnetId, Date.now(), [scanned(DB, ['22/tcp/ssh/OpenSSH/8.4p1', '3306/tcp/mysql/MySQL/8.0.36'])], { jobId: job.jobId }));
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'port_scan', state: 'done' });
    await page.waitForSelector(`${state}:has-text("Port scan finished")`);
    expect(await page.getAttribute('.drawer button.scan-ports', 'aria-disabled')).toBeNull();
    await page.waitForSelector('.drawer .port-table tr[data-port="3306/tcp"]');
    await waitFor('the row’s new chip', async () => (await rowChips(`tr[data-ip="${DB}"]`)).join() === '22/ssh,3306/mysql', 5000);

    // inside the cool-down: 429, and the message says how long to wait
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${state}.error:has-text("try again in")`);
    expect(await page.textContent(state)).toMatch(/^Ports were scanned moments ago; try again in ([1-5]\d|60|[1-9]) s\.$/);
    expect(await page.getAttribute('.drawer button.scan-ports', 'aria-disabled')).toBe('true');
    // the heartbeat's unread pongs would end the round trip at once: drop them, so a job frame in flight arrives first
    probe.received.splice(0, probe.received.length, ...probe.received.filter((m) => m.type !== 'pong'));
    await roundTrip(probe);
    expect(probe.received.filter((m) => m.type === 'job')).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('Scan ports for the subnet: one job for the hosts that are up, with progress; a subnet without a probe says why it cannot', async () => {
    await openSubnet();
    await page.click('[data-scan-ports=subnet] button');
    const job = await probe.next('job', 5000);
    expect(job).toMatchObject({ kind: 'port_scan', subnetId });
    // the host scanned on request a moment ago waits out its cool-down
    expect(job.kind === 'port_scan' && [...job.targets].sort()).toEqual([WEB, IDLE]);
    const state = '[data-scan-ports=subnet] .scan-state';
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'port_scan', state: 'progress', done: 50, total: 100 });
    await page.waitForSelector(`${state}:has-text("50 %")`);
    await report(scanItem(subnetId, Date.now(), [scanned(WEB, WEB_PORTS.filter((p) => p.port !== 80)), scanned(IDLE, [])], { jobId: job.jobId }));
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'port_scan', state: 'done' });
    await page.waitForSelector(`${state}:has-text("Port scan finished")`);

    await openSubnet(emptySubnetId);
    await page.click('[data-scan-ports=subnet] button');
    // no probe and no host: who would scan is the answer
    await page.waitForSelector('[data-scan-ports=subnet] .scan-state.error:has-text("This subnet has no probe: assign one on the Subnets page.")');
  });

  it('a host that goes down keeps its ports, shown stale, with no "closed" events', async () => {
    const before = (await api('GET', `/api/hosts/${hostIds[WEB]}/ports`)).body.history.length;
    await openSubnet();
    await report(sweepItem(subnetId, Date.now(), [DB, IDLE]));
    await page.waitForSelector(`tr[data-ip="${WEB}"] .pill.down`);
    await page.waitForSelector(`tr[data-ip="${WEB}"] .ports.stale`);
    expect(await rowChips(`tr[data-ip="${WEB}"]`)).toEqual(['22/ssh', '443/https', '8080/http-proxy', '+1']);
    expect(await page.getAttribute(`tr[data-ip="${WEB}"] .chip.port`, 'title')).toMatch(/^22\/tcp ssh \(last seen (just now|\d+ s ago); host is down\)$/);
    expect(await page.locator(`tr[data-ip="${DB}"] .ports.stale`).count()).toBe(0);
    await expectAccessible('subnet view with stale ports');

    await page.click(`tr[data-ip="${WEB}"] a`);
    await page.waitForSelector('.drawer .stale-note');
    expect(await page.textContent('.drawer .stale-note')).toMatch(/host is down/);
    expect(await page.locator('.drawer .port-table tbody tr').count()).toBe(4);
    expect((await api('GET', `/api/hosts/${hostIds[WEB]}/ports`)).body.history.length).toBe(before);
    await expectAccessible('drawer with stale ports');
    await page.keyboard.press('Escape');

    await page.goto(`${server.url}/#/`);
    await page.waitForSelector(`.hosts-found tr[data-ip="${WEB}"] .ports.stale`);
  });

  it('the Subnets page edits the port-scan settings: a forbidden option is refused by name, good ones are saved', async () => {
    await page.click('nav >> text=Subnets');
    const row = `tr[data-subnet="${CIDR}"]`;
    await page.waitForSelector(`${row} .port-settings summary:has-text("default interval, default arguments")`);
    await page.click(`${row} .port-settings summary`);
    const args = `#ps-${subnetId}-args`;
    await page.fill(args, '-Pn --script vuln');
    await page.click(`${row} button:has-text("Save port scans")`);
    await page.waitForSelector(`#ps-${subnetId}-note.error:has-text("--script")`);
    expect(await page.getAttribute(args, 'aria-invalid')).toBe('true');
    expect((await api('GET', `/api/subnets/${subnetId}`)).body.portScan).toMatchObject({ args: null, intervalMinutes: null });
    await expectAccessible('subnets with a refused port-scan setting');

    await page.fill(args, '-Pn -T4 -p 22,80,443 -sT');
    await page.fill(`#ps-${subnetId}-interval`, '30');
    await page.click(`${row} button:has-text("Save port scans")`);
    await page.waitForSelector(`#ps-${subnetId}-note.ok:has-text("Saved")`);
    await page.waitForSelector(`${row} .port-settings summary:has-text("every 30 min, -Pn -T4 -p 22,80,443 -sT")`);
    expect((await api('GET', `/api/subnets/${subnetId}`)).body.portScan).toMatchObject({ enabled: true, args: '-Pn -T4 -p 22,80,443 -sT', intervalMinutes: 30 });
    await expectAccessible('subnets with port-scan settings open');
    await screenshots(page, 'ports-subnets');
  });
});
