/**
 * Next free, verified (issue 15), in Debian's Chromium against the real Node host on loopback. The subnet's probe is a
 * RawProbe over a real WebSocket that announces `address-check` and answers each check job as the real probe would
 * (one `address-check` result item): the first candidate shows an open TCP 22, the rest no sign. No packet goes
 * anywhere. Checked: the form (its own refusals at the field, nothing sent), the steps shown while the probe has the
 * job (from the live `allocation` events) and after its answer, the new host's drawer with its reservation and expiry,
 * editing the expiry there, a probe offline (503 probe_offline, then "Allocate without verifying": unverified), an
 * exhausted /30 (409 subnet_full), a probe too old to check (409 unsupported_by_probe) and one that never answers
 * (503 verify_timeout); axe in light and dark, and screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../schema/protocol.js';
import { launchChromium, logIn } from '../support/browser.js';
import { sendResults } from '../support/port-rig.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { waitFor } from '../support/wait.js';

const LAN = '198.18.248.0/24';
const [BUSY, CLEAN] = ['198.18.248.1', '198.18.248.2'];
const SMALL = '198.18.249.0/30';
const OLD = '198.18.249.8/29';
const VERIFY_TIMEOUT_MS = 2500;

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let heartbeat: ReturnType<typeof setInterval>;
const raws: RawProbe[] = [];
let checker: RawProbe;
const subnets: Record<string, number> = {};
let batch = 0;

type CheckJob = { jobId: string; kind: string; subnetId: number; addresses: string[]; ports: number[]; timeoutMs: number };

async function connect(name: string, kinds: string[] | null) {
  const enrolled = (await api('POST', '/api/probes', { name })).body;
  if (!kinds) return enrolled.id as number;
  const raw = await RawProbe.connect(server.url, enrolled.token);
  await raw.next('welcome');
  raw.send({ type: 'hello', version: kinds.includes('address-check') ? '0.7.0' : '0.4.0', protocol: PROTOCOL_VERSION, hostname: name, kinds });
  raws.push(raw);
  if (name === 'checker') checker = raw;
  return enrolled.id as number;
}

/** Answers a check job as the probe: `busy` addresses with an open TCP 22, every other one silent. */
async function answer(job: CheckJob, busy: string[]) {
  const checks = job.addresses.map((ip) => (busy.includes(ip) ? { ip, alive: true, signs: [{ check: 'tcp', detail: 'tcp/22 open' }] } : { ip, alive: false, signs: [] }));
  const ack = await sendResults(checker, `ac-${++batch}`, [{ kind: 'address-check', jobId: job.jobId, subnetId: job.subnetId, at: Date.now(), durationMs: 900, checks }]);
  expect(ack.refused).toBeUndefined();
  expect(ack.rejectedResults ?? []).toEqual([]);
}

async function expectAccessible(name: string) {
  const found = await accessibilityReport(page);
  expect(found, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}
const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const steps = () => page.$$eval('.alloc-steps li:not(.waiting)', (ls) => ls.map((l) => l.textContent!.replace(/\s+/g, ' ').trim()));
const hostOf = async (ip: string) => (await api('GET', `/api/hosts?q=${encodeURIComponent(ip)}`)).body.hosts.find((h: { ip: string }) => h.ip === ip);

const CIDRS: Record<string, string> = { lan: LAN, small: SMALL, old: OLD };
async function openForm(name: string) {
  await page.goto(`${server.url}/#/subnets/${subnets[name]}`);
  // a change of hash keeps the page: until this subnet's view is drawn, the button (and its state) is the last one's
  await page.waitForFunction((cidr) => document.querySelector('main h1')?.textContent?.startsWith(cidr) === true, CIDRS[name]!);
  await page.waitForSelector('button.next-free');
  if ((await page.getAttribute('button.next-free', 'aria-expanded')) !== 'true') await page.click('button.next-free');
  await page.waitForSelector('section.allocate form');
}
const submit = () => page.click('section.allocate button[type=submit]');

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0', ALLOCATE_VERIFY_TIMEOUT_MS: String(VERIFY_TIMEOUT_MS) });
  api = client(server.url, await server.login());
  const checkerId = await connect('checker', ['sweep', 'port_scan', 'address-check']);
  const goneId = await connect('gone', null);
  const oldId = await connect('old', ['sweep', 'port_scan']);
  heartbeat = setInterval(() => raws.forEach((r) => r.send({ type: 'ping' })), 2000);
  for (const [name, cidr, probeId] of [['lan', LAN, checkerId], ['small', SMALL, goneId], ['old', OLD, oldId]] as const) {
    const res = await api('POST', '/api/subnets', { cidr, name, probeId, sweepIntervalSeconds: 3600 });
    expect(res.status).toBe(201);
    subnets[name] = res.body.id;
  }
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(8000);
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  await context?.close();
  await browser?.close();
  for (const r of raws) r.close();
  await server?.close();
});

describe('Next free in Chromium', () => {
  it('the form refuses what the server would, at the field, and sends nothing', async () => {
    await openForm('lan');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('alloc-count');
    expect(await page.isChecked('section.allocate input[name=verify]')).toBe(true);
    await page.fill('#alloc-count', '0');
    await submit();
    expect(await text('#alloc-count-error')).toBe('Count: a whole number from 1 to 64.');
    expect(await page.getAttribute('#alloc-count', 'aria-invalid')).toBe('true');
    await page.fill('#alloc-count', '1');
    await page.fill('#alloc-until', '2020-01-01T10:00');
    await submit();
    await page.waitForFunction(() => document.activeElement?.id === 'alloc-until');
    expect(await text('#alloc-until-error')).toBe('Expiry: a moment in the future.');
    expect(checker.received.some((m) => m.type === 'job')).toBe(false);
    expect((await api('GET', `/api/hosts?subnetId=${subnets.lan}`)).body.hosts).toEqual([]);
    await expectAccessible('the Next free form');
  });

  it('verified: the steps while the probe checks, then the busy address skipped, the clean one reserved and its drawer open', async () => {
    await openForm('lan');
    await page.fill('#alloc-count', '1');
    await page.fill('#alloc-hostname', 'printer-7');
    await page.fill('#alloc-by', 'ana');
    await page.fill('#alloc-note', 'ticket 42');
    await page.fill('#alloc-until', '2030-01-01T12:00');
    await submit();
    const job = (await checker.next('job', 8000)) as unknown as CheckJob;
    expect(job).toMatchObject({ kind: 'address-check', subnetId: subnets.lan });
    expect(job.addresses.slice(0, 2)).toEqual([BUSY, CLEAN]);
    expect(job.ports).toContain(22);
    // while the probe has the job: the step from the live event, the button busy
    await waitFor('the checking step', async () => (await steps()).length === 1, 5000);
    expect((await steps())[0]).toBe(`Checking ${job.addresses.join(', ')} from the subnet's probe…`);
    expect(await text('section.allocate button[type=submit]')).toBe('Allocating…');
    await screenshots(page, 'allocate-checking');
    await answer(job, [BUSY]);
    await page.waitForSelector('.alloc-run[data-state="done"]');
    await page.waitForSelector('.drawer h2');
    const host = await hostOf(CLEAN);
    expect(host).toMatchObject({ ip: CLEAN, hostname: 'printer-7', reserved: true, reservedBy: 'ana', reservedNote: 'ticket 42', reservedUntil: new Date(2030, 0, 1, 12, 0).toISOString() });
    expect(page.url()).toContain(`host=${host.id}`);
    const lines = await steps();
    expect(lines.slice(1, 3)).toEqual([`${BUSY} — tcp/22 open: skipped`, `${CLEAN} — no answer to ICMP, ARP, TCP 22/23/53/…; no PTR: free`]);
    expect(lines.at(-1)).toBe(`Reserved ${CLEAN}`);
    expect(await page.$$eval('.alloc-result li', (ls) => ls.map((l) => l.textContent!.trim()))).toEqual([
      `${CLEAN} reserved (checked: no sign of use)`,
      `${BUSY} skipped: tcp/22 open (recorded as a discovered host)`,
    ]);
    // the busy one is a discovered host now, linked from the result
    const busy = await hostOf(BUSY);
    expect(busy.reserved).toBe(false);
    expect(await page.getAttribute(`.alloc-result li[data-ip="${BUSY}"] a`, 'href')).toBe(`#/subnets/${subnets.lan}?host=${busy.id}`);
    // the drawer: reserved until …, the editor's reservation fields
    await waitFor('the drawer of the new host', async () => (await text('.drawer .drawer-ip')).includes(CLEAN), 5000);
    expect(await text('.drawer .badge.reserved-until')).toBe('reserved until 2030-01-01 12:00');
    expect(await page.inputValue('.drawer #edit-reservedBy')).toBe('ana');
    expect(await page.inputValue('.drawer #edit-reservedNote')).toBe('ticket 42');
    expect(await page.inputValue('.drawer #edit-reservedUntil')).toBe('2030-01-01T12:00');
    await expectAccessible('the allocation done, with the drawer');
    await screenshots(page, 'allocate-done');
  });

  it('the drawer edits the expiry and clears it', async () => {
    const host = await hostOf(CLEAN);
    await page.goto(`${server.url}/#/subnets/${subnets.lan}?host=${host.id}`);
    await page.waitForSelector('.drawer #edit-reservedUntil');
    await page.fill('.drawer #edit-reservedUntil', '2031-06-30T08:30');
    await page.press('.drawer #edit-reservedUntil', 'Enter');
    await waitFor('the expiry saved', async () => (await hostOf(CLEAN)).reservedUntil === new Date(2031, 5, 30, 8, 30).toISOString(), 5000);
    await waitFor('the badge follows', async () => (await text('.drawer .drawer-ip')).includes('reserved until 2031-06-30 08:30'), 5000);
    // emptied, it saves when the focus leaves it: never expires
    await page.fill('.drawer #edit-reservedUntil', '');
    await page.focus('.drawer #edit-reservedBy');
    await waitFor('the expiry cleared', async () => (await hostOf(CLEAN)).reservedUntil === null, 5000);
    await waitFor('the plain badge', async () => (await page.locator('.drawer .drawer-ip .badge.reserved-until').count()) === 0, 5000);
    expect(await text('.drawer .drawer-ip')).toContain('reserved');
    await page.keyboard.press('Escape');
  });

  it('the probe offline: 503 said plainly with "Allocate without verifying", which reserves unverified; an exhausted /30 is 409', async () => {
    await openForm('small');
    await submit();
    await page.waitForSelector('.alloc-problem[data-code="probe_offline"]');
    expect(await text('.alloc-problem .error')).toContain("The subnet's probe is offline, so the addresses cannot be checked right now.");
    expect(await steps()).toEqual([]); // refused before anything was claimed or sent
    await expectAccessible('the probe offline refusal');
    await page.click('.alloc-problem button:has-text("Allocate without verifying")');
    await page.waitForSelector('.alloc-run[data-state="done"]');
    expect(await page.$$eval('.alloc-result li', (ls) => ls.map((l) => l.textContent!.trim()))).toEqual(['198.18.249.1 reserved (not verified)']);
    await waitFor('the drawer of the unverified host', async () => (await page.locator('.drawer .drawer-ip').count()) === 1 && (await text('.drawer .drawer-ip')).includes('198.18.249.1'), 5000);
    expect((await hostOf('198.18.249.1')).reserved).toBe(true);
    // verify off from the start: the second and last address, then nothing left
    await page.uncheck('section.allocate input[name=verify]');
    await submit();
    await waitFor('the second address', async () => (await text('.alloc-result')).includes('198.18.249.2 reserved (not verified)'), 5000);
    await submit();
    await page.waitForSelector('.alloc-problem[data-code="subnet_full"]');
    expect(await text('.alloc-problem .error')).toContain('No free address left in this subnet: nothing was reserved.');
    expect(await page.locator('.alloc-problem button').count()).toBe(0);
    await screenshots(page, 'allocate-full');
  });

  it('a probe too old to check offers the unverified way; one that never answers is 503 verify_timeout', async () => {
    await openForm('old');
    await submit();
    await page.waitForSelector('.alloc-problem[data-code="unsupported_by_probe"]');
    expect(await text('.alloc-problem .error')).toContain("The subnet's probe cannot check addresses: upgrade the probe.");
    expect(await page.locator('.alloc-problem button:has-text("Allocate without verifying")').count()).toBe(1);

    await openForm('lan');
    await submit();
    const job = (await checker.next('job', 8000)) as unknown as CheckJob;
    expect(job.addresses).not.toContain(CLEAN);
    await page.waitForSelector('.alloc-problem[data-code="verify_timeout"]', { timeout: VERIFY_TIMEOUT_MS + 8000 });
    expect(await text('.alloc-problem .error')).toContain('The probe did not answer in time: nothing was reserved. Try again.');
    expect(await page.locator('.alloc-problem button').count()).toBe(0);
    expect((await steps()).at(-1)).toBe('Failed: the probe did not answer in time');
    // nothing was reserved: only the two hosts of the first allocation
    expect((await api('GET', `/api/hosts?subnetId=${subnets.lan}`)).body.hosts.map((h: { ip: string }) => h.ip).sort()).toEqual([BUSY, CLEAN]);
  });
});
