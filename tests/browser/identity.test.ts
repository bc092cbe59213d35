/**
 * Who each host is, in the UI (issue 12), in Debian's Chromium against the real Node host on loopback. The probe is
 * a RawProbe that speaks the protocol: hello with its network, sweeps whose up entries carry MAC and vendor, names
 * results (PTR with the forward check), traceroute results for the Trace button's job. Nothing is sent on a network.
 * The drawer's name and its source, the PTR beside a manual name, stale DNS, MAC + vendor + copy, the device history
 * after a MAC change (live), previously-used rows (reserved like a free address), the What changed panel (with a
 * chosen time), the vendor column kept hidden after a reload, search by MAC and vendor, the probes' gateways, and
 * Trace (progress, hop 1's badge, a refusal); axe in light and dark, and screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../schema/protocol.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium, logIn } from '../support/browser.js';
import { sendResults } from '../support/port-rig.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';
import { waitFor } from '../support/wait.js';

const CIDR = '198.18.12.0/24';
const FAR_CIDR = '198.18.13.0/24';
const FAR_HOST = '198.18.13.5';
const [GW, NAS, PHONE, OLD, GONE, NEW] = ['198.18.12.1', '198.18.12.20', '198.18.12.30', '198.18.12.40', '198.18.12.50', '198.18.12.60'];
const MAC = {
  gw: 'b8:27:eb:00:00:01',
  nasFirst: '00:0c:29:12:34:56',
  nasNow: '00:11:32:ab:cd:ef',
  phone: '02:1a:2b:3c:4d:5e', // locally administered: randomised
  old: '00:0c:29:40:40:40',
  gone: '00:0c:29:50:50:50',
  new: '00:0c:29:60:60:60',
};
const VENDOR = { pi: 'Raspberry Pi Foundation', vmware: 'VMware, Inc.', synology: 'Synology Incorporated' };
const NETWORK = {
  gateways: [{ family: 4, address: GW, interface: 'eth0' }],
  interfaces: [
    { name: 'lo', mac: null, addresses: ['127.0.0.1/8'] },
    { name: 'eth0', mac: '00:0c:29:00:00:02', addresses: ['198.18.12.2/24', 'fd00:12::2/64'] },
  ],
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let probe: RawProbe;
let farProbe: RawProbe;
let heartbeat: ReturnType<typeof setInterval>;
let subnetId: number;
const ids: Record<string, number> = {};
let batch = 0;

type Up = { ip: string; mac?: string; vendor?: string | null };
const up = (ip: string, mac?: string, vendor?: string | null): Up => ({ ip, ...(mac ? { mac, vendor: vendor ?? null } : {}) });
const sweep = (at: number, hosts: Up[]) => ({ kind: 'sweep', subnetId, at, durationMs: 5, complete: true, up: hosts.map((h) => ({ latencyMs: 0.5, ...h })), down: [] });

/** Sends results as the probe; every one must be accepted. */
async function report(...results: unknown[]) {
  const a = await sendResults(probe, `id-${++batch}`, results);
  expect(a.refused).toBeUndefined();
  expect(a.rejectedResults ?? []).toEqual([]);
  expect(a.rejectedSweeps ?? []).toEqual([]);
}

async function expectAccessible(name: string) {
  const found = await accessibilityReport(page);
  expect(found, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}

const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const openDrawer = async (ip: string) => {
  await page.goto(`${server.url}/#/subnets/${subnetId}?host=${ids[ip]}`);
  await page.waitForSelector('.drawer dl.identity');
};

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0', DOWN_AFTER_FAILURES: '1', PREVIOUSLY_USED_DAYS: '0.01' });
  api = client(server.url, await server.login());
  const enrolled = (await api('POST', '/api/probes', { name: 'id-lab', site: 'loopback' })).body;
  probe = await RawProbe.connect(server.url, enrolled.token);
  await probe.next('welcome');
  probe.send({ type: 'hello', version: '0.4.0', protocol: PROTOCOL_VERSION, hostname: 'id-lab', kinds: ['sweep', 'port_scan', 'traceroute'], rawSockets: false, network: NETWORK });
  // a second probe that cannot trace (an older one): a trace to a host of its subnet is refused, and says why
  const far = (await api('POST', '/api/probes', { name: 'far-probe' })).body;
  farProbe = await RawProbe.connect(server.url, far.token);
  await farProbe.next('welcome');
  farProbe.send({ type: 'hello', version: '0.3.0', protocol: PROTOCOL_VERSION, hostname: 'far', kinds: ['sweep', 'port_scan'] });
  heartbeat = setInterval(() => [probe, farProbe].forEach((p) => p.send({ type: 'ping' })), 2000);
  const subnet = await api('POST', '/api/subnets', { cidr: CIDR, name: 'identity lab', probeId: enrolled.id, sweepIntervalSeconds: 3600 });
  expect(subnet.status).toBe(201);
  subnetId = subnet.body.id;
  const farSubnet = await api('POST', '/api/subnets', { cidr: FAR_CIDR, name: 'far site', probeId: far.id, sweepIntervalSeconds: 3600 });
  expect(farSubnet.status).toBe(201);
  const farHost = await api('POST', '/api/hosts', { ip: FAR_HOST, hostname: 'far printer' });
  expect(farHost.status).toBe(201);
  ids[FAR_HOST] = farHost.body.id;

  const now = Date.now();
  // OLD answered an hour ago and never since: previously used (past PREVIOUSLY_USED_DAYS, 14.4 min here; the server
  // refuses results older than a probe's spool keeps, 7 days, so the threshold is short rather than the sweep old)
  await report(sweep(now - 3_600_000, [up(OLD, MAC.old, VENDOR.vmware)]));
  await report(sweep(now - 120_000, [up(GW, MAC.gw, VENDOR.pi), up(NAS, MAC.nasFirst, VENDOR.vmware), up(PHONE, MAC.phone, null), up(GONE, MAC.gone, VENDOR.vmware)]));
  // the names come after the sweep, in a batch of their own, as the probe's follow-up lookups do
  await report(
    {
      kind: 'names',
      subnetId,
      at: now - 110_000,
      names: [
        { ip: GW, name: 'gw.lab.test', ttlSeconds: 3600, forward: { addresses: [GW], matches: true } },
        // a stale record: the name points at another address now
        { ip: NAS, name: 'nas.lab.test', ttlSeconds: 3600, forward: { addresses: ['198.18.12.99'], matches: false } },
        { ip: PHONE, name: null, ttlSeconds: 300, forward: null },
      ],
    },
  );
  for (const h of (await api('GET', `/api/hosts?subnetId=${subnetId}&limit=50`)).body.hosts) ids[h.ip] = h.id;
  expect((await api('PATCH', `/api/hosts/${ids[NAS]}`, { hostname: 'backup box' })).status).toBe(200);

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  page.setDefaultTimeout(8000);
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  await browser?.close();
  probe?.close();
  farProbe?.close();
  await server?.close();
});

describe('who each host is, in Chromium', () => {
  it('the drawer names the host with its source, the PTR name beside the manual one, the stale DNS, the MAC with its vendor and a copy button', async () => {
    await openDrawer(NAS);
    expect(await text('.drawer .host-name [data-hostname]')).toBe('backup box');
    expect(await page.getAttribute('.drawer .host-name .badge.source', 'data-source')).toBe('manual');
    expect(await text('.drawer .host-name .badge.source')).toBe('source: manual');
    expect(await text('.drawer .host-name [data-ptr]')).toBe('PTR nas.lab.test');
    expect(await text('.drawer [data-stale-dns]')).toBe(`Stale DNS: nas.lab.test resolves to 198.18.12.99, not ${NAS}`);
    expect(await text('.drawer [data-mac]')).toBe(MAC.nasFirst);
    expect(await text('.drawer [data-vendor]')).toBe(VENDOR.vmware);
    const said = page.waitForSelector('.drawer .host-mac .copy-state:has-text("Copied")', { timeout: 2000 });
    await page.click('.drawer .host-mac button.copy');
    await said;
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(MAC.nasFirst);
    expect(await page.locator('.drawer .device-table tbody tr').count()).toBe(1);
    await expectAccessible('drawer with identity');
    await screenshots(page, 'identity-drawer');

    // a name from PTR says so, with no PTR repeated beside it; a randomised MAC gets no vendor guess
    await openDrawer(GW);
    expect(await page.getAttribute('.drawer .host-name .badge.source', 'data-source')).toBe('ptr');
    expect(await text('.drawer .host-name [data-hostname]')).toBe('gw.lab.test');
    expect(await page.locator('.drawer [data-ptr], .drawer [data-stale-dns]').count()).toBe(0);
    await openDrawer(PHONE);
    expect(await text('.drawer [data-vendor]')).toBe('randomised (locally administered)');
    expect(await page.locator('.drawer .host-name .badge.source').count()).toBe(0);
  });

  it('without clipboard access, Copy selects the MAC so Ctrl+C copies it', { timeout: 40_000 }, async () => {
    const bare = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await bare.newPage();
      p.setDefaultTimeout(8000);
      await p.goto(server.url);
      await p.fill('#username', 'admin');
      await p.fill('#password', ADMIN_PASSWORD);
      await p.click('button:has-text("Log in")');
      await p.waitForSelector('.cards');
      await p.goto(`${server.url}/#/subnets/${subnetId}?host=${ids[NAS]}`);
      await p.waitForSelector('.drawer [data-mac]');
      await p.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } }));
      // the status line says so for a moment; the selection is what lasts
      const said = p.waitForSelector('.drawer .host-mac .copy-state:has-text("Selected: press Ctrl+C to copy")', { timeout: 2000 });
      await p.click('.drawer .host-mac button.copy');
      await said;
      await p.waitForFunction((mac) => getSelection()?.toString() === mac, MAC.nasFirst);
    } finally {
      await bare.close();
    }
  });

  it('a new MAC on the address: the open drawer follows it live, and the device history lists both devices', async () => {
    await openDrawer(NAS);
    await page.evaluate(() => ((window as any).__sameDocument = true));
    // the last sweep: NAS has another device, GONE went silent, NEW appeared
    await report(sweep(Date.now() - 1000, [up(GW, MAC.gw, VENDOR.pi), up(NAS, MAC.nasNow, VENDOR.synology), up(PHONE, MAC.phone, null), up(NEW, MAC.new, VENDOR.vmware)]));
    await page.waitForSelector(`.drawer [data-mac]:has-text("${MAC.nasNow}")`, { timeout: 10_000 });
    expect(await text('.drawer [data-vendor]')).toBe(VENDOR.synology);
    await page.waitForSelector('.drawer .device-table tbody tr:nth-child(2)');
    const rows = await page.$$eval('.drawer .device-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent!.trim())));
    expect(rows).toEqual([
      [`${MAC.nasNow} current`, VENDOR.synology],
      [MAC.nasFirst, VENDOR.vmware],
    ]);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await expectAccessible('drawer with device history');
  });

  it('Trace: a refused trace says why, and nothing is sent', async () => {
    await page.goto(`${server.url}/#/subnets/${(await api('GET', `/api/hosts/${ids[FAR_HOST]}`)).body.subnetId}?host=${ids[FAR_HOST]}`);
    await page.waitForSelector('.drawer .host-trace:has-text("Not traced yet.")');
    // the Trace button asks the probe of the host's own subnet: there is no probe to choose
    expect(await page.locator('.drawer select[name=trace-probe]').count()).toBe(0);
    await page.click('.drawer button.trace-now');
    await page.waitForSelector('.drawer [data-trace] .scan-state.error:has-text("The probe cannot trace; upgrade it.")');
    expect(farProbe.received.filter((m) => m.type === 'job')).toEqual([]);
    expect(await page.getAttribute('.drawer button.trace-now', 'aria-disabled')).toBeNull();
    await page.keyboard.press('Escape');
  });

  it('Trace: the button posts, the probe gets the job, its progress shows hop by hop, the hops render with the default gateway first', async () => {
    await openDrawer(NAS);
    await page.waitForSelector('.drawer .host-trace:has-text("Not traced yet.")');
    // by keyboard: Enter on the focused button presses it
    await page.focus('.drawer button.trace-now');
    await page.keyboard.press('Enter');
    const job = await probe.next('job', 5000);
    expect(job).toMatchObject({ type: 'job', kind: 'traceroute', subnetId, target: NAS });
    const state = '.drawer [data-trace] .scan-state';
    await page.waitForSelector(`${state}:has-text("queued")`);
    expect(await page.getAttribute('.drawer button.trace-now', 'aria-disabled')).toBe('true');
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'traceroute', state: 'started' });
    await page.waitForSelector(`${state}:has-text("tracing")`);
    // the probe counts the hops it has seen out of its maximum
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'traceroute', state: 'progress', done: 2, total: 30 });
    await page.waitForSelector(`${state}:has-text("hop 2…")`);
    expect(await page.getAttribute('.drawer button.trace-now', 'aria-disabled')).toBe('true');
    const at = Date.now();
    await report({
      kind: 'traceroute',
      subnetId,
      at,
      durationMs: 1234,
      jobId: job.jobId,
      target: NAS,
      hops: [
        { hop: 1, address: GW, name: 'gw.lab.test', rttMs: [0.31, 0.42, 0.5], loss: 0 },
        { hop: 2, address: null, name: null, rttMs: [], loss: 1 },
        { hop: 3, address: NAS, name: 'nas.lab.test', rttMs: [1.2, 1.5], loss: 1 / 3 },
      ],
      reached: true,
    });
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'traceroute', state: 'done' });
    await page.waitForSelector(`${state}:has-text("Trace finished")`);
    await page.waitForSelector('.drawer .trace-table tbody tr[data-hop="3"]');
    // GW is the default gateway the probe announced in its hello
    await page.waitForSelector('.drawer .trace-table tr[data-hop="1"] .badge.gateway');
    const hops = await page.$$eval('.drawer .trace-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim())));
    expect(hops).toEqual([
      ['1 default gateway', GW, 'gw.lab.test', '0.31 / 0.42 / 0.50 ms', '0 %'],
      ['2', '* no answer', '', 'no answer', '100 %'],
      ['3', NAS, 'nas.lab.test', '1.20 / 1.50 ms', '33 %'],
    ]);
    expect(await text('.drawer .trace-summary')).toMatch(new RegExp(`reached ${NAS.replace(/\./g, '\\.')} in 3 hops, 1\\.2 s$`));
    expect(await page.getAttribute('.drawer button.trace-now', 'aria-disabled')).toBeNull();
    // kept: a reopened drawer shows the last trace
    await page.reload();
    await page.waitForSelector('.drawer .trace-table tbody tr[data-hop="1"] .badge.gateway:has-text("default gateway")');
    await page.$eval('.drawer .host-trace', (el) => el.scrollIntoView());
    await expectAccessible('drawer with a trace');
    await screenshots(page, 'identity-trace');
    await page.keyboard.press('Escape');
  });

  /** Traces `ip` through the drawer's button, the probe answering with `hops`; resolves with hop 1's row once shown. */
  async function traceOnce(ip: string, hops: { hop: number; address: string | null }[]) {
    await openDrawer(ip);
    await page.waitForSelector('.drawer .host-trace:has-text("Not traced yet.")');
    await page.click('.drawer button.trace-now');
    const job = await probe.next('job', 5000);
    expect(job).toMatchObject({ kind: 'traceroute', target: ip });
    const full = hops.map((h) => ({ name: null, rttMs: h.address ? [0.4] : [], loss: h.address ? 0 : 1, ...h }));
    await report({ kind: 'traceroute', subnetId, at: Date.now(), durationMs: 50, jobId: job.jobId, target: ip, hops: full, reached: full.at(-1)?.address === ip });
    // hop 1's badge waits for the tracing probe's network, asked once the first trace is in
    const networks = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/probes');
    probe.send({ type: 'job_status', jobId: job.jobId, subnetId, kind: 'traceroute', state: 'done' });
    await page.waitForSelector('.drawer [data-trace] .scan-state:has-text("Trace finished")');
    await networks;
    await page.waitForSelector('.drawer .trace-table tbody tr[data-hop="1"]');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    return page.locator('.drawer .trace-table tbody tr[data-hop="1"]');
  }

  it('Trace: no gateway badge when hop 1 is the target itself, "gateway" for a router the probe does not call its default', async () => {
    // GW is on the probe's own segment: the one hop is the target
    const own = await traceOnce(GW, [{ hop: 1, address: GW }]);
    expect(await own.locator('.badge').count()).toBe(0);
    expect(await page.textContent('.drawer .trace-table caption')).toBe('Hops to gw.lab.test');
    // PHONE answers behind another router (not in the probe's gateways)
    const routed = await traceOnce(PHONE, [{ hop: 1, address: '198.18.12.254' }, { hop: 2, address: PHONE }]);
    expect((await routed.locator('.badge.gateway').textContent())?.trim()).toBe('gateway');
    await page.keyboard.press('Escape');
  });

  it('a viewer sees the last trace and the device history, without the Trace button', async () => {
    expect((await api('POST', '/api/users', { username: 'vic', password: 'viewer password 1', role: 'viewer' })).status).toBe(201);
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await viewer.newPage();
      p.setDefaultTimeout(8000);
      await p.goto(server.url);
      await p.fill('#username', 'vic');
      await p.fill('#password', 'viewer password 1');
      await p.click('button:has-text("Log in")');
      await p.waitForSelector('.cards');
      await p.goto(`${server.url}/#/subnets/${subnetId}?host=${ids[NAS]}`);
      await p.waitForSelector('.drawer .trace-table tbody tr[data-hop="1"] .badge.gateway:has-text("default gateway")');
      await p.waitForSelector('.drawer .device-table tbody tr');
      expect(await p.locator('.drawer button.trace-now').count()).toBe(0);
      expect(await p.textContent('.drawer [data-mac]')).toBe(MAC.nasNow);
    } finally {
      await viewer.close();
    }
  });

  it('the subnet view: vendor column, previously-used style, and the What changed panel with new and missing addresses', async () => {
    await page.goto(`${server.url}/#/subnets/${subnetId}`);
    await page.waitForSelector('table.hosts th.c-vendor');
    expect(await text(`tr[data-ip="${NAS}"] td.vendor`)).toBe(VENDOR.synology);
    expect(await page.getAttribute(`tr[data-ip="${NAS}"] td.vendor`, 'title')).toBe(MAC.nasNow);
    expect(await text(`tr[data-ip="${PHONE}"] td.vendor`)).toBe('randomised');
    expect(await text(`tr[data-ip="${NAS}"] td.name`)).toBe('backup box stale DNS');
    expect(await page.locator('tr.host .badge.stale-dns').count()).toBe(1);
    await page.waitForSelector(`tr[data-ip="${OLD}"].previously-used`);
    expect(await text(`tr[data-ip="${OLD}"] td.name`)).toContain('free again: last seen');
    expect(await page.locator('tr.previously-used').count()).toBe(1);
    await page.selectOption('select:near(:text("Status"))', 'previously-used');
    await waitFor('the previously used filter', async () => (await page.$$eval('tr.host', (t) => t.map((r) => r.getAttribute('data-ip')))).join() === OLD, 5000);
    await page.selectOption('select:near(:text("Status"))', '');
    // the subnet's Find takes a vendor too
    await page.fill('input[type=search]', 'synology');
    await waitFor('the vendor filter', async () => (await page.$$eval('tr.host', (t) => t.map((r) => r.getAttribute('data-ip')))).join() === NAS, 5000);
    await page.fill('input[type=search]', '');

    // by keyboard: the panel's summary opens with Enter
    await page.focus('details.subnet-changes summary');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.subnet-changes [data-list=new] li, .subnet-changes [data-list=new] p');
    const ips = (list: string) => page.$$eval(`.subnet-changes [data-list=${list}] li`, (lis) => lis.map((li) => li.getAttribute('data-ip')));
    expect(await ips('new')).toEqual([NEW]);
    // a new host's first MAC may count as new too: NAS's is a change, from its first device
    expect(await ips('macs')).toContain(NAS);
    expect(await ips('missing')).toEqual([GONE]);
    expect(await text(`.subnet-changes [data-list=macs] li[data-ip="${NAS}"]`)).toContain(`was ${MAC.nasFirst}`);
    await page.selectOption('select[name=changes-since]', '24h');
    await waitFor('the last 24 h', async () => (await ips('new')).includes(NAS), 5000);
    expect(await ips('new')).toEqual(expect.arrayContaining([NEW, GW, NAS, PHONE]));
    expect(await ips('missing')).toEqual(expect.arrayContaining([GONE, OLD]));
    expect(await ips('new')).toContain(OLD);

    // a chosen time, half an hour ago, picked in India's local time (UTC+5:30): it goes out as that instant in UTC
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Kolkata' });
    try {
      await page.selectOption('select[name=changes-since]', 'time');
      await page.waitForSelector('.subnet-changes input[type=datetime-local][name=changes-at]');
      await page.waitForSelector('.subnet-changes [data-list=new] li');
      const chosen = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
      const local = new Date(chosen + 5.5 * 3_600_000).toISOString().slice(0, 16); // Kolkata keeps no summer time
      const asked = page.waitForRequest((r) => r.url().includes('/changes?since='));
      await page.fill('input[name=changes-at]', local);
      expect(new URL((await asked).url()).searchParams.get('since')).toBe(new Date(chosen).toISOString());
      // OLD first answered an hour ago: not new since half an hour ago (it went silent in the sweep 2 min ago)
      await waitFor('the chosen time', async () => !(await ips('new')).includes(OLD) && (await ips('new')).includes(NEW), 5000);
      expect(await ips('new')).toEqual(expect.arrayContaining([NEW, GW, NAS, PHONE, GONE]));
      expect(await ips('missing')).toEqual(expect.arrayContaining([GONE]));
    } finally {
      await cdp.send('Emulation.setTimezoneOverride', { timezoneId: '' });
      await cdp.detach();
    }
    await expectAccessible('subnet view with the changes panel');
    await screenshots(page, 'identity-subnet');
    // each entry links to its host
    await page.click(`.subnet-changes [data-list=missing] li[data-ip="${GONE}"] a`);
    await page.waitForSelector('.drawer dl.identity');
    expect(page.url()).toContain(`host=${ids[GONE]}`);
    await page.keyboard.press('Escape');
  });

  it('a previously used address is offered as free again: its hint, and Reserve as a free address has', async () => {
    await page.goto(`${server.url}/#/subnets/${subnetId}`);
    const row = `tr[data-ip="${OLD}"]`;
    await page.waitForSelector(`${row}.previously-used [data-reuse]`);
    expect(await text(`${row} [data-reuse]`)).toMatch(/^Reserve 198\.18\.12\.40 free again: last seen \d+ (m|h) ago$/);
    // only previously used rows: an up or a down host is not free
    expect(await page.locator('tr.host [data-reuse]').count()).toBe(1);
    await page.$eval(row, (el) => el.scrollIntoView({ block: 'center' }));
    await expectAccessible('a previously used row offered as free');
    await screenshots(page, 'identity-reuse');
    await page.click(`${row} [data-reuse] button:has-text("Reserve")`);
    await page.waitForSelector(`${row} .badge:has-text("reserved")`);
    // reserved, it is not free: the hint gives way to the badge
    expect(await text(`${row} td.name`)).toBe('previously used reserved');
    expect(await page.locator(`${row} [data-reuse]`).count()).toBe(0);
    expect(await text('.toolbar [role=status]')).toBe(`${OLD} reserved`);
    // the same host record, now reserved, and its drawer opened as after reserving a free address
    const host = (await api('GET', `/api/hosts/${ids[OLD]}`)).body;
    expect(host).toMatchObject({ id: ids[OLD], ip: OLD, reserved: true, mac: MAC.old });
    await page.waitForSelector('.drawer dl.identity');
    expect(page.url()).toContain(`host=${ids[OLD]}`);
    await page.keyboard.press('Escape');
  });

  it('the vendor column can be hidden, and stays hidden after a reload', async () => {
    await page.goto(`${server.url}/#/subnets/${subnetId}`);
    await page.waitForSelector('table.hosts th.c-vendor');
    // by keyboard: Space toggles the checkbox
    await page.focus('input[name=vendor-column]');
    await page.keyboard.press('Space');
    await waitFor('the column gone', async () => (await page.locator('table.hosts th.c-vendor, table.hosts td.vendor').count()) === 0, 3000);
    await page.reload();
    await page.waitForSelector(`tr[data-ip="${NAS}"]`);
    expect(await page.locator('table.hosts th.c-vendor, table.hosts td.vendor').count()).toBe(0);
    expect(await page.isChecked('input[name=vendor-column]')).toBe(false);
    expect(await page.getAttribute('tr.unused td', 'colspan')).toBe('6');
    await expectAccessible('subnet view without the vendor column');
    await page.check('input[name=vendor-column]');
    await page.waitForSelector('table.hosts th.c-vendor');
  });

  it('the dashboard search finds a host by its MAC (whole or a prefix) and by its vendor, and shows them', async () => {
    for (const q of [MAC.nasNow.toUpperCase(), '00-11-32', 'synology']) {
      await page.goto(`${server.url}/#/?q=${encodeURIComponent(q)}`);
      await waitFor(`hosts matching ${q}`, async () => (await page.$$eval('.hosts-found tr[data-ip]', (t) => t.map((r) => r.getAttribute('data-ip')))).join() === NAS, 5000);
    }
    expect(await text(`.hosts-found tr[data-ip="${NAS}"] td.c-device`)).toBe(`${MAC.nasNow} ${VENDOR.synology}`);
    await expectAccessible('dashboard search by vendor');
    // previously used hosts are counted apart, and listed by their card
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector('.card.previously-used strong:has-text("1")');
    await page.click('.card.previously-used');
    await waitFor('the previously used only', async () => (await page.$$eval('.hosts-found tr[data-ip]', (t) => t.map((r) => r.getAttribute('data-ip')))).join() === OLD, 5000);
    expect(await page.inputValue('select[name=previouslyUsed]')).toBe('true');
    await screenshots(page, 'identity-dashboard');
  });

  it('the probes page shows each probe’s default gateway and interfaces', async () => {
    await page.goto(`${server.url}/#/probes`);
    await page.waitForSelector('tr[data-probe=id-lab] [data-gateways]');
    expect(await text('tr[data-probe=id-lab] [data-gateways]')).toBe(`gateway ${GW} (eth0)`);
    await page.click('tr[data-probe=id-lab] .probe-network summary');
    expect(await text('tr[data-probe=id-lab] li[data-interface=eth0]')).toBe('eth0 00:0c:29:00:00:02 198.18.12.2/24, fd00:12::2/64');
    await expectAccessible('probes with their network');
    await screenshots(page, 'identity-probes');
  });
});
