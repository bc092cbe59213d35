/**
 * Alerts in the UI, in Debian's Chromium against the real Node host on loopback (WEBHOOK_ALLOW_PRIVATE=1, so a
 * webhook may point at a real receiver on 127.0.0.1 that verifies every signature). A RawProbe reports sweeps:
 * nothing is swept for real. Webhook endpoints (the secret once, Send test, the delivery log, rotation, a 410 that
 * makes the server disable one), maintenance windows (an editor's weekly window in a time zone), the alerts page
 * with a muted event, the host drawer's alerts and windows, a subnet's thresholds; roles; axe on each view.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../schema/protocol.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { sendResults, sweepItem } from '../support/port-rig.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const CIDR = '198.18.20.0/24';
const [QUIET, WEB, DB] = ['198.18.20.10', '198.18.20.11', '198.18.20.12'];
const VIEWER = { username: 'vera', password: 'viewer password 1' };
const EDITOR = { username: 'eddie', password: 'editor password 1' };

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let receiver: WebhookReceiver;
let browser: Browser;
let probe: RawProbe;
let heartbeat: ReturnType<typeof setInterval>;
let subnetId: number;
let quietId: number;
let windowId: number;
let batch = 0;
const contexts: BrowserContext[] = [];

async function report(...results: unknown[]) {
  const a = await sendResults(probe, `alerts-${++batch}`, results);
  expect(a.refused).toBeUndefined();
  expect(a.rejectedResults ?? []).toEqual([]);
}

async function checkPage(p: Page, name: string) {
  const found = await accessibilityReport(p);
  expect(found, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
  await screenshots(p, name);
}

/** A logged-in page in a context of its own (its own cookie), in `timezoneId`. */
async function logIn(username: string, password: string, timezoneId = 'UTC'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId });
  contexts.push(context);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const p = await context.newPage();
  p.setDefaultTimeout(8000);
  await p.goto(server.url);
  await p.fill('#username', username);
  await p.fill('#password', password);
  await p.click('button:has-text("Log in")');
  await p.waitForSelector(`header .user a:has-text("${username}")`);
  return p;
}

const navLinks = (p: Page) => p.$$eval('nav[aria-label=Main] a', (as) => as.map((a) => a.textContent));
const card = (name: string) => `article[data-endpoint="${name}"]`;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  receiver.answer = (_n, req) => (req.path === '/gone' ? { status: 410 } : { status: 204 });
  server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: '1', DOWN_AFTER_FAILURES: '1', ENABLE_NMAP_SCHEDULER: '0' });
  api = client(server.url, await server.login());
  const enrolled = (await api('POST', '/api/probes', { name: 'raw-lab', site: 'loopback' })).body;
  probe = await RawProbe.connect(server.url, enrolled.token);
  await probe.next('welcome');
  probe.send({ type: 'hello', version: '0.3.0', protocol: PROTOCOL_VERSION, hostname: 'raw-lab', kinds: ['sweep'], rawSockets: false });
  heartbeat = setInterval(() => probe.send({ type: 'ping' }), 2000);
  const subnet = await api('POST', '/api/subnets', { cidr: CIDR, name: 'alerts lab', probeId: enrolled.id, sweepIntervalSeconds: 3600 });
  expect(subnet.status).toBe(201);
  subnetId = subnet.body.id;
  await report(sweepItem(subnetId, Date.now(), [QUIET, WEB, DB]));
  const hosts = (await api('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts;
  quietId = hosts.find((h: { ip: string }) => h.ip === QUIET).id;
  expect((await api('PATCH', `/api/hosts/${quietId}`, { hostname: 'backup', tags: ['nightly'] })).status).toBe(200);
  // the quiet host's window is on: its going down is recorded, muted, and sent nowhere
  const window = await api('POST', '/api/maintenance', {
    name: 'disk swap',
    scope: 'host',
    hostId: quietId,
    kind: 'once',
    startsAt: new Date(Date.now() - 600_000).toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  expect(window.status).toBe(201);
  windowId = window.body.id;
  await report(sweepItem(subnetId, Date.now(), [WEB, DB]));
  await waitFor('the muted host.down', async () => (await api('GET', `/api/alerts?hostId=${quietId}`)).body.alerts.some((a: any) => a.muted && a.event.type === 'host.down'), 5000);
  for (const u of [
    { ...VIEWER, role: 'viewer' },
    { ...EDITOR, role: 'editor' },
  ])
    expect((await api('POST', '/api/users', u)).status).toBe(201);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  for (const c of contexts) await c.close();
  await browser?.close();
  probe?.close();
  await server?.close();
  await receiver?.close();
});

describe('webhooks, maintenance windows and alerts in Chromium', () => {
  let admin: Page;

  it('an admin adds an endpoint: a refused URL is named by its field, then the secret is shown once with a copy button', async () => {
    admin = await logIn('admin', ADMIN_PASSWORD);
    expect(await navLinks(admin)).toEqual(['Dashboard', 'Subnets', 'Import', 'Flows', 'Operations', 'Traffic', 'VMs', 'Tools', 'Alerts', 'Maintenance', 'Probes', 'Tokens', 'Users', 'Webhooks', 'Audit', 'API']);
    await admin.click('nav >> text=Webhooks');
    await admin.waitForSelector('text=No endpoints yet.');
    await admin.click('button:has-text("Add endpoint…")');
    await admin.waitForFunction(() => document.activeElement?.id === 'wh-new-name');
    // the standard events are ticked; port changes are asked for
    const ticked = await admin.$$eval('input[name=eventTypes]:checked', (is) => is.map((i) => (i as HTMLInputElement).value));
    expect(ticked).toEqual(['host.down', 'host.up', 'probe.offline', 'probe.online', 'subnet.degraded', 'subnet.recovered', 'test']);
    expect(await admin.$$eval('#wh-new-subnetIds option', (os) => os.map((o) => o.textContent))).toEqual([`${CIDR} alerts lab`]);
    expect(await admin.$$eval('#wh-new-tags option', (os) => os.map((o) => o.textContent))).toEqual(['nightly']);
    await admin.fill('#wh-new-name', 'ops receiver');
    await admin.fill('#wh-new-url', `ftp://127.0.0.1:${new URL(receiver.url).port}/hook`);
    await admin.click('button:has-text("Create endpoint")');
    await admin.waitForSelector('#wh-new-url-error:has-text("http")');
    expect(await admin.getAttribute('#wh-new-url', 'aria-invalid')).toBe('true');
    expect(await admin.inputValue('#wh-new-name')).toBe('ops receiver'); // what was typed stays

    await admin.fill('#wh-new-url', `${receiver.url}/hook`);
    await admin.check('input[name=eventTypes][value="port.opened"]');
    await admin.selectOption('#wh-new-subnetIds', String(subnetId));
    await admin.click('button:has-text("Create endpoint")');
    await admin.waitForSelector('[aria-label="Webhook signing secret"]');
    expect(await admin.textContent('[aria-label="Webhook signing secret"]')).toContain('shown once: store it now');
    const secret = (await admin.textContent('[data-secret]'))!.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    receiver.secrets = [secret];
    await admin.getByRole('button', { name: 'Copy the secret' }).click();
    await admin.waitForSelector('[aria-label="Webhook signing secret"] [role=status]:has-text("Copied")');
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await admin.waitForSelector(card('ops receiver'));
    expect(await admin.textContent(`${card('ops receiver')} .endpoint-url`)).toBe(`${receiver.url}/hook`);
    expect(await admin.textContent(`${card('ops receiver')} .event-types`)).toContain('Port opened');
    expect(await admin.textContent(card('ops receiver'))).toContain(`Only subnets ${CIDR}`);
    await checkPage(admin, 'webhooks-created');
    await admin.click('button:has-text("I have stored it")');
    expect(await admin.locator('[data-secret]').count()).toBe(0);
    expect(await admin.content()).not.toContain(secret);
  }, 60_000);

  it('Send test: the receiver gets a signed test event, the answer shows inline and the delivery log lists the attempt', async () => {
    const c = card('ops receiver');
    await admin.click(`${c} summary:has-text("Delivery log")`);
    await admin.waitForSelector(`${c} :text("No attempts yet.")`);
    await admin.click(`${c} button:has-text("Send test")`);
    await admin.waitForSelector(`${c} [data-test-result]:has-text("Delivered: 204 in")`);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ path: '/hook', verified: true });
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'test' });
    await admin.waitForSelector(`${c} table.deliveries tbody tr`);
    const cells = await admin.$$eval(`${c} table.deliveries tbody tr td`, (tds) => tds.map((td) => td.textContent!.trim()));
    expect(cells.slice(1)).toEqual(['Test', '#1', '204', expect.stringMatching(/^\d+ ms$/), '', 'delivered']);
    expect(await admin.textContent(`${c} [data-pending]`)).toBe('Nothing pending');
    await checkPage(admin, 'webhooks');
  }, 60_000);

  it('Edit: the form holds the endpoint’s settings; a change is saved and shown', async () => {
    const c = card('ops receiver');
    await admin.click(`${c} button:has-text("Edit…")`);
    const id = `wh-${(await api('GET', '/api/webhooks')).body.endpoints[0].id}`;
    await admin.waitForFunction((i) => document.activeElement?.id === `${i}-name`, id);
    expect(await admin.inputValue(`#${id}-url`)).toBe(`${receiver.url}/hook`);
    expect(await admin.$$eval(`#${id}-subnetIds option:checked`, (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([String(subnetId)]);
    await admin.uncheck(`${c} input[name=eventTypes][value="port.opened"]`);
    await admin.click(`${c} button:has-text("Save endpoint")`);
    await admin.waitForSelector(`${c} form`, { state: 'detached' });
    expect(await admin.textContent(`${c} .event-types`)).not.toContain('Port opened');
    expect((await api('GET', '/api/webhooks')).body.endpoints[0].eventTypes).not.toContain('port.opened');
  }, 60_000);

  it('Rotate secret, after asking: the new one is shown once, the card says rotating, and a test carries both signatures', async () => {
    const c = card('ops receiver');
    await admin.click(`${c} button:has-text("Rotate secret…")`);
    await admin.waitForFunction(() => document.activeElement?.textContent === 'Keep');
    await admin.click(`${c} button:text-is("Rotate")`);
    await admin.waitForSelector(`${c} [data-secret]`);
    const next = (await admin.textContent(`${c} [data-secret]`))!.trim();
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(receiver.secrets[0]);
    expect(await admin.textContent(c)).toContain('shown once: store it now');
    await admin.waitForSelector(`${c} .badge.rotating`);
    await admin.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Webhook signing secret');
    receiver.secrets = [receiver.secrets[0]!, next];
    await admin.click(`${c} button:has-text("I have stored it")`);
    await admin.click(`${c} button:has-text("Send test")`);
    await admin.waitForSelector(`${c} [data-test-result]:has-text("Delivered")`);
    expect(receiver.received.at(-1)!.verifiedBy).toEqual([0, 1]);
    await admin.waitForFunction((sel) => document.querySelectorAll(`${sel} table.deliveries tbody tr`).length === 2, c);
  }, 60_000);

  it('an endpoint answering 410 is disabled by the server, which the card says in a warning; it can be enabled again and deleted', async () => {
    const created = await api('POST', '/api/webhooks', { name: 'gone receiver', url: `${receiver.url}/gone`, eventTypes: ['host.down'] });
    expect(created.status).toBe(201);
    await admin.reload();
    const c = card('gone receiver');
    await admin.click(`${c} button:has-text("Send test")`);
    await admin.waitForSelector(`${c} [data-disabled-reason]`);
    expect(await admin.textContent(`${c} [data-disabled-reason]`)).toMatch(/^Disabled by the server: .*410/);
    expect(await admin.textContent(`${c} .endpoint-head`)).toContain('disabled');
    expect(await admin.locator(`${c} button:has-text("Send test")`).count()).toBe(0);
    await admin.click(`${c} summary:has-text("Delivery log")`);
    await admin.waitForSelector(`${c} table.deliveries td:text-is("410")`);
    await checkPage(admin, 'webhooks-disabled');
    await admin.click(`${c} button:has-text("Enable")`);
    await admin.waitForSelector(`${c} .badge.on`);
    expect(await admin.locator(`${c} [data-disabled-reason]`).count()).toBe(0);

    await admin.click(`${c} button:has-text("Delete…")`);
    await admin.waitForSelector(`${c} :text("Delete gone receiver with its delivery log?")`);
    await admin.click(`${c} button:text-is("Delete")`);
    await admin.waitForSelector(c, { state: 'detached' });
    expect((await api('GET', '/api/webhooks')).body.endpoints.map((e: { name: string }) => e.name)).toEqual(['ops receiver']);
  }, 60_000);

  it('a subnet’s alert thresholds: empty fields show the values in force, a saved one is the subnet’s own', async () => {
    await admin.click('nav >> text=Subnets');
    const row = `tr[data-subnet="${CIDR}"]`;
    await admin.click(`${row} .alert-settings summary`);
    const id = `al-${subnetId}`;
    expect(await admin.getAttribute(`#${id}-downAfterFailures`, 'placeholder')).toBe('1');
    expect(await admin.getAttribute(`#${id}-alertDegradedShare`, 'placeholder')).toBe('50');
    expect(await admin.inputValue(`#${id}-alertUpAfter`)).toBe('');
    await admin.fill(`#${id}-alertDegradedShare`, '150');
    await admin.click(`${row} button:has-text("Save thresholds")`);
    await admin.waitForSelector(`#${id}-note:has-text("from 0 to 100")`);
    expect(await admin.getAttribute(`#${id}-alertDegradedShare`, 'aria-invalid')).toBe('true');
    await admin.fill(`#${id}-alertDegradedShare`, '');
    await admin.fill(`#${id}-alertUpAfter`, '3');
    await admin.selectOption(`#${id}-resolved`, 'no');
    await admin.click(`${row} button:has-text("Save thresholds")`);
    await admin.waitForSelector(`#${id}-note:has-text("Saved")`);
    const subnet = (await api('GET', '/api/subnets')).body.subnets.find((s: { id: number }) => s.id === subnetId);
    expect(subnet.alertOverrides).toMatchObject({ alertUpAfter: 3, alertSendResolved: false, downAfterFailures: null, alertDegradedShare: null });
    expect(subnet.alerts).toMatchObject({ upAfter: 3, sendResolved: false, downAfterFailures: 1 });
    await admin.waitForSelector(`${row} .alert-settings summary:has-text("up after 3")`);
    await checkPage(admin, 'subnets-alerts');
  }, 60_000);

  it('a viewer has no Webhooks in the menu and is told the page is not theirs; the alerts page lists the muted event', async () => {
    const viewer = await logIn(VIEWER.username, VIEWER.password);
    expect(await navLinks(viewer)).toEqual(['Dashboard', 'Subnets', 'Flows', 'Operations', 'Traffic', 'VMs', 'Tools', 'Alerts', 'Maintenance', 'Probes', 'Tokens', 'API']);
    await viewer.goto(`${server.url}/#/webhooks`);
    await viewer.waitForSelector('text=Only an admin can open this page; you are a viewer.');

    await viewer.click('nav >> text=Alerts');
    const muted = 'li.alert[data-alert-type="host.down"][data-muted]';
    await viewer.waitForSelector(muted);
    expect(await viewer.textContent(`${muted} .muted-badge`)).toBe('muted by maintenance: disk swap');
    expect(await viewer.textContent(muted)).toContain('not sent');
    expect(await viewer.getAttribute(`${muted} a`, 'href')).toBe(`#/subnets/${subnetId}?host=${quietId}`);
    expect(await viewer.textContent(`${muted} a`)).toBe(`${QUIET} (backup)`);
    const test = 'li.alert[data-alert-type="test"]';
    expect(await viewer.locator(test).count()).toBe(3);
    expect(await viewer.locator(`${test}:has-text("1/1 delivered")`).count()).toBe(2); // the third went to the endpoint since deleted
    await checkPage(viewer, 'alerts');
    // a host going down outside any window: on the open page without a reload, and signed to the receiver
    const before = receiver.received.length;
    await report(sweepItem(subnetId, Date.now(), [WEB]));
    await viewer.waitForSelector(`li.alert[data-alert-type="host.down"]:not([data-muted]):has-text("${DB}")`, { timeout: 15_000 });
    await waitFor('the signed host.down', () => receiver.received.slice(before).some((r) => r.verified && JSON.parse(r.body).type === 'host.down'), 10_000);

    // the link opens the host's drawer, with its alerts and the window that muted them
    await viewer.click(`${muted} a`);
    await viewer.waitForSelector('.drawer .host-alerts li.alert[data-muted]');
    expect(await viewer.textContent('.drawer .host-alerts .muted-badge')).toBe('muted by maintenance: disk swap');
    expect(await viewer.textContent(`.drawer .host-windows li[data-window="${windowId}"]`)).toMatch(/disk swap.*for this host.*active now.*once: /);
    expect(await viewer.textContent('.drawer .changes li:has(.pill.down)')).toContain('in maintenance');
    await viewer.$eval('.drawer .host-alerts', (el) => el.scrollIntoView());
    await checkPage(viewer, 'alerts-drawer');
    await viewer.keyboard.press('Escape');

    await viewer.click('nav >> text=Maintenance');
    await viewer.waitForSelector(`tr[data-window="${windowId}"]`);
    expect(await viewer.locator('form[aria-label="Add a maintenance window"]').count()).toBe(0);
    expect(await viewer.locator('tr[data-window] button').count()).toBe(0);
    expect(await viewer.textContent(`tr[data-window="${windowId}"]`)).toContain('active now');
  }, 60_000);

  it('an editor adds a weekly window in a time zone (the browser’s by default); refusals are named by their field', async () => {
    const editor = await logIn(EDITOR.username, EDITOR.password, 'Europe/Berlin');
    expect(await navLinks(editor)).not.toContain('Webhooks');
    await editor.click('nav >> text=Maintenance');
    await editor.waitForSelector('form[aria-label="Add a maintenance window"]');
    // a host by an address nobody has
    await editor.selectOption('#mw-scope', 'host');
    await editor.fill('#mw-target', '198.18.20.99');
    await editor.click('button:has-text("Add window")');
    await editor.waitForSelector('#mw-target-error:has-text("no host has the address 198.18.20.99")');
    expect(await editor.getAttribute('#mw-target', 'aria-invalid')).toBe('true');

    await editor.selectOption('#mw-scope', 'subnet');
    await editor.selectOption('#mw-target', String(subnetId));
    await editor.fill('#mw-name', 'patch weekend');
    await editor.check('input[name=kind][value=weekly]');
    expect(await editor.inputValue('#mw-timeZone')).toBe('Europe/Berlin');
    await editor.click('button:has-text("Add window")');
    await editor.waitForSelector('#mw-weekdays-error:has-text("pick at least one day")');
    await editor.check('input[name=weekdays][value="6"]');
    await editor.check('input[name=weekdays][value="0"]');
    await editor.fill('#mw-startTime', '03:00');
    await editor.fill('#mw-durationMinutes', '0');
    await editor.selectOption('#mw-timeZone', 'Asia/Kolkata');
    await editor.evaluate(() => document.querySelector('form[aria-label="Add a maintenance window"]')!.setAttribute('novalidate', ''));
    await editor.click('button:has-text("Add window")');
    await editor.waitForSelector('#mw-durationMinutes-error:not(:empty)');
    expect(await editor.getAttribute('#mw-durationMinutes', 'aria-invalid')).toBe('true');
    await editor.fill('#mw-durationMinutes', '90');
    await editor.click('button:has-text("Add window")');
    const row = 'tr[data-window]:has-text("patch weekend")';
    await editor.waitForSelector(row);
    expect(await editor.textContent(`${row} .schedule`)).toBe('Sat, Sun at 03:00 for 1 h 30 min (Asia/Kolkata)');
    expect(await editor.textContent(row)).toContain(`subnet ${CIDR} (alerts lab)`);
    const stored = (await api('GET', '/api/maintenance')).body.windows.find((w: { name: string }) => w.name === 'patch weekend');
    expect(stored).toMatchObject({ scope: 'subnet', subnetId, kind: 'weekly', weekdays: [0, 6], startTime: '03:00', durationMinutes: 90, timeZone: 'Asia/Kolkata' });
    await checkPage(editor, 'maintenance');

    await editor.click(`${row} button:has-text("Delete…")`);
    await editor.click(`${row} button:text-is("Delete")`);
    await editor.waitForSelector(row, { state: 'detached' });
  }, 60_000);
});
