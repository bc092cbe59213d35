/**
 * The Flows page (issue 13) in Debian's Chromium against the real Node host on loopback. Flows reach the server as a
 * probe sends them: a RawProbe's results frames with flows items (one minute of summaries each), so the ingest, the
 * tables and the /api/netflow reads are the real ones. Nothing is sent on a network. Checked: the empty state, the
 * subnet-to-subnet map with External and its links, the talkers table linked to hosts with an unregistered address
 * marked, conversations and ports, the range picker changing the request (and what it shows), the exporters'
 * counters with a stale one, a live refresh on a new stored minute, the drawer's top peers, and the unregistered
 * talker in the subnet's What changed panel with its Reserve; axe in light and dark, and screenshots.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../schema/protocol.js';
import { launchChromium, logIn } from '../support/browser.js';
import { sendResults } from '../support/port-rig.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, ARTIFACTS, screenshots } from '../support/ui.js';
import { waitFor } from '../support/wait.js';

const LAB = '198.18.20.0/24';
const OFFICE = '198.18.21.0/24';
const NAS = '198.18.20.10';
const PRINTER = '198.18.21.5';
const STRANGER = '198.18.20.99'; // in LAB, no host record: an unregistered talker
const FAR = '198.19.50.7'; // in no managed subnet: External
const ROUTER = '198.18.20.1'; // the exporter
const OLD_ROUTER = '198.18.21.1'; // an exporter silent for an hour: stale
const MIN = 60_000;

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
let page: Page;
let probe: RawProbe;
let heartbeat: ReturnType<typeof setInterval>;
let lab: number;
let office: number;
const ids: Record<string, number> = {};
let batch = 0;

const minute = (ms: number) => Math.floor(ms / MIN) * MIN;
const vol = (bytes: number, packets: number, flows: number) => ({ bytes, packets, flows });
const talker = (ip: string, subnetId: number | null, bytesIn: number, bytesOut: number) => ({
  ip, subnetId, bytesIn, bytesOut, packetsIn: Math.round(bytesIn / 100), packetsOut: Math.round(bytesOut / 100), flowsIn: 1, flowsOut: 1,
});
const exporter = (address: string, lastSeenAt: number, extra: Record<string, unknown> = {}) => ({
  address, packets: 120, flows: 480, drops: {}, templates: 0, sequenceGaps: 0, pending: 0, samplingRate: 1, versions: [9], firstSeenAt: lastSeenAt - 3_600_000, lastSeenAt, ...extra,
});

/**
 * One minute as the probe's aggregator sums it: NAS sends 6 kB to FAR (External) and gets 3 kB back, sends 1 kB to
 * PRINTER; STRANGER talks to FAR (500 B). `scale` multiplies every number.
 */
function recentMinute(at: number, scale = 1) {
  const s = (n: number) => n * scale;
  return {
    kind: 'flows',
    at,
    totals: vol(s(10_500), s(105), 5),
    talkers: [talker(NAS, lab, s(3000), s(7000)), talker(FAR, null, s(6500), s(3000)), talker(PRINTER, office, s(1000), 0), talker(STRANGER, lab, 0, s(500))],
    conversations: [
      { src: NAS, dst: FAR, srcSubnetId: lab, dstSubnetId: null, ...vol(s(6000), s(60), 2) },
      { src: FAR, dst: NAS, srcSubnetId: null, dstSubnetId: lab, ...vol(s(3000), s(30), 1) },
      { src: NAS, dst: PRINTER, srcSubnetId: lab, dstSubnetId: office, ...vol(s(1000), s(10), 1) },
      { src: STRANGER, dst: FAR, srcSubnetId: lab, dstSubnetId: null, ...vol(s(500), s(5), 1) },
    ],
    ports: [
      { protocol: 6, port: 443, ...vol(s(9000), s(90), 3) },
      { protocol: 17, port: 53, ...vol(s(1000), s(10), 1) },
      { protocol: 1, port: 0, ...vol(s(500), s(5), 1) },
    ],
    matrix: [
      { from: lab, to: null, ...vol(s(6500), s(65), 3) },
      { from: null, to: lab, ...vol(s(3000), s(30), 1) },
      { from: lab, to: office, ...vol(s(1000), s(10), 1) },
    ],
    seen: [{ ip: NAS, subnetId: lab }, { ip: STRANGER, subnetId: lab }, { ip: PRINTER, subnetId: office }],
    exporters: [
      exporter(ROUTER, at + 50_000, { drops: { no_template: 3, truncated: 1 }, templates: 2, sequenceGaps: 4, samplingRate: 10, versions: [9, 10] }),
      exporter(OLD_ROUTER, Date.now() - 3_600_000, { versions: [5] }),
    ],
  };
}

/** Three hours ago PRINTER moved a lot to FAR: the top talker of the last 6 h, outside the last hour. */
function oldMinute(at: number) {
  return {
    kind: 'flows',
    at,
    totals: vol(900_000, 900, 1),
    talkers: [talker(PRINTER, office, 0, 900_000), talker(FAR, null, 900_000, 0)],
    conversations: [{ src: PRINTER, dst: FAR, srcSubnetId: office, dstSubnetId: null, ...vol(900_000, 900, 1) }],
    ports: [{ protocol: 132, port: 3868, ...vol(900_000, 900, 1) }],
    matrix: [{ from: office, to: null, ...vol(900_000, 900, 1) }],
    seen: [{ ip: PRINTER, subnetId: office }],
    exporters: [],
  };
}

async function report(...results: unknown[]) {
  const a = await sendResults(probe, `flows-${++batch}`, results);
  expect(a.refused).toBeUndefined();
  expect(a.rejectedResults ?? []).toEqual([]);
}

async function expectAccessible(name: string) {
  const found = await accessibilityReport(page);
  expect(found, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}

const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const cells = (selector: string) =>
  page.$$eval(selector, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim())));
/** The talkers requests the page makes, as their query. */
const talkerRequests: URLSearchParams[] = [];

beforeAll(async () => {
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0' });
  api = client(server.url, await server.login());
  const enrolled = (await api('POST', '/api/probes', { name: 'edge-router-lab', site: 'loopback' })).body;
  probe = await RawProbe.connect(server.url, enrolled.token);
  await probe.next('welcome');
  probe.send({
    type: 'hello', version: '0.5.0', protocol: PROTOCOL_VERSION, hostname: 'flows-lab', kinds: ['sweep'], rawSockets: false,
    network: { gateways: [], interfaces: [{ name: 'eth0', mac: null, addresses: ['198.18.20.2/24'] }] },
  });
  heartbeat = setInterval(() => probe.send({ type: 'ping' }), 2000);
  lab = (await api('POST', '/api/subnets', { cidr: LAB, name: 'lab', probeId: enrolled.id, sweepIntervalSeconds: 3600 })).body.id;
  office = (await api('POST', '/api/subnets', { cidr: OFFICE, name: 'office', sweepIntervalSeconds: 3600 })).body.id;
  for (const [ip, hostname] of [[NAS, 'nas'], [PRINTER, 'printer']] as const) {
    const h = await api('POST', '/api/hosts', { ip, hostname });
    expect(h.status).toBe(201);
    ids[ip] = h.body.id;
  }

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/netflow/talkers') talkerRequests.push(url.searchParams);
  });
  await logIn(page, server.url);
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  await browser?.close();
  probe?.close();
  await server?.close();
});

describe('the Flows page, in Chromium', () => {
  it('before any flow: tells the admin how to point a router at the probe', async () => {
    await page.click('header nav a:has-text("Flows")');
    // the probes' addresses come with the probes list
    await page.waitForSelector('[data-empty] .probe-targets');
    expect(await page.getAttribute('header nav a[href="#/flows"]', 'aria-current')).toBe('page');
    const said = await text('[data-empty]');
    expect(said).toContain('UDP port 2055');
    expect(said).toContain('NETFLOW_BIND_PORT');
    // the probe's own address, from its hello, is in the commands to paste
    expect(said).toContain('softflowd -i eth0 -n 198.18.20.2:2055 -v 10');
    await expectAccessible('the empty Flows page');
    await screenshots(page, 'flows-empty');
  });

  it('the map shows the subnets and External with a band per link, each with its bytes, packets and flows', async () => {
    const now = Date.now();
    await report(recentMinute(minute(now) - 2 * MIN), oldMinute(minute(now) - 3 * 3_600_000));
    await page.reload();
    await page.waitForSelector('.flow-map svg path.link');
    const links = await page.$$eval('.flow-map path.link', (ps) => ps.map((p) => [p.getAttribute('data-link'), p.getAttribute('aria-label')]));
    expect(links).toEqual([
      [`${lab}-0`, 'lab → External: 6.5 kB, 65 packets, 3 flows'],
      [`0-${lab}`, 'External → lab: 3 kB, 30 packets, 1 flows'],
      [`${lab}-${office}`, 'lab → office: 1 kB, 10 packets, 1 flows'],
    ]);
    // thicker for more bytes
    const widths = await page.$$eval('.flow-map path.link', (ps) => ps.map((p) => Number(p.getAttribute('stroke-width'))));
    expect(widths[0]).toBeGreaterThan(widths[1]!);
    expect(widths[1]).toBeGreaterThan(widths[2]!);
    const bars = await page.$$eval('.flow-map .bar', (gs) => gs.map((g) => `${g.getAttribute('data-side')}:${g.querySelector('text')!.textContent}`));
    expect(bars).toEqual(['from:lab 7.5 kB', 'from:External 3 kB', 'to:lab 3 kB', 'to:External 6.5 kB', 'to:office 1 kB']);
    // keyboard: a band takes focus and its numbers show below the map
    await page.focus(`.flow-map path.link[data-link="${lab}-0"]`);
    expect(await text('.flow-map .map-detail')).toBe('lab → External 6.5 kB · 65 packets · 3 flows');
    await page.hover(`.flow-map path.link[data-link="${lab}-${office}"]`);
    expect(await text('.flow-map .map-detail')).toBe('lab → office 1 kB · 10 packets · 1 flows');
    expect(await page.getAttribute(`.flow-map path.link[data-link="0-${lab}"]`, 'class')).toContain('dim');
    // the same links as a table, for screen readers
    await page.click('.map-table summary');
    expect(await cells('.map-table tbody tr')).toEqual([
      ['lab', 'External', '6.5 kB', '65', '3'],
      ['External', 'lab', '3 kB', '30', '1'],
      ['lab', 'office', '1 kB', '10', '1'],
    ]);
    expect(await text('[data-totals]')).toBe('10.5 kB in 5 flows · 105 packets · per minute');
  });

  it('talkers: the top address first, linked to its host drawer; the unregistered address marked; conversations and ports', async () => {
    const rows = await cells('.flow-table.flow-talkers tbody tr');
    expect(rows[0]).toEqual([`${NAS} nas`, 'lab', '3 kB', '7 kB', '100', '2']);
    expect(rows.map((r) => r[0])).toEqual([`${NAS} nas`, FAR, `${PRINTER} printer`, `${STRANGER} unregistered`]);
    expect(await page.locator(`tr[data-talker="${FAR}"] a`).count()).toBe(0);
    expect(await page.getAttribute(`tr[data-talker="${STRANGER}"] a`, 'href')).toBe(`#/subnets/${lab}`);
    expect(await cells('.flow-table.flow-conversations tbody tr')).toEqual([
      [`${NAS} nas`, FAR, '6 kB', '60', '2'],
      [FAR, `${NAS} nas`, '3 kB', '30', '1'],
      [`${NAS} nas`, `${PRINTER} printer`, '1 kB', '10', '1'],
      [`${STRANGER} unregistered`, FAR, '500 B', '5', '1'],
    ]);
    expect(await cells('.flow-table.flow-ports tbody tr')).toEqual([
      ['443/tcp', 'TCP (6)', '9 kB', '90', '3'],
      ['53/udp', 'UDP (17)', '1 kB', '10', '1'],
      ['ICMP', 'ICMP (1)', '500 B', '5', '1'],
    ]);
    await page.click(`tr[data-talker="${NAS}"] a`);
    await page.waitForSelector('.drawer dl.identity');
    expect(new URL(page.url()).hash).toBe(`#/flows?host=${ids[NAS]}`);
    expect(await text('#drawer-title')).toBe('nas');
  });

  it('the drawer lists the host\u2019s top peers over 24 h, linked to their hosts', async () => {
    await page.waitForSelector('.drawer .peer-table tbody tr');
    await page.$eval('.drawer .host-peers', (el) => el.scrollIntoView({ block: 'center' }));
    expect(await cells('.drawer .peer-table tbody tr')).toEqual([
      [FAR, '3 kB', '6 kB', '90', '3'],
      [`${PRINTER} printer`, '0 B', '1 kB', '10', '1'],
    ]);
    expect(await page.getAttribute(`.drawer tr[data-peer="${PRINTER}"] a`, 'href')).toBe(`#/flows?host=${ids[PRINTER]}`);
    await expectAccessible('the Flows page with the drawer');
    await screenshots(page, 'flows-drawer');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.drawer', { state: 'detached' });
  });

  it('the range picker asks for the range chosen: the last 6 h brings the older minute in', async () => {
    const before = talkerRequests.length;
    const asked = Date.now();
    await page.selectOption('select[name="flows-range"]', '6h');
    // FAR received it all, so it leads; PRINTER follows, ahead of NAS now
    await page.waitForSelector(`.flow-table.flow-talkers tbody tr:nth-child(2)[data-talker="${PRINTER}"]`);
    const q = talkerRequests.slice(before).at(-1)!;
    expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBe(6 * 3_600_000);
    expect(Math.abs(Date.parse(q.get('to')!) - asked)).toBeLessThan(5000);
    expect(new URL(page.url()).hash).toBe('#/flows?range=6h');
    expect(await cells('.flow-table.flow-ports tbody tr:first-child')).toEqual([['3868/sctp', 'SCTP (132)', '900 kB', '900', '1']]);
    // over 3 h: the hourly roll-up for the hours rolled up, minutes at the edges
    expect(await text('[data-totals]')).toMatch(/· hourly roll-up, minutes at the edges$/);
    // 30 days: the hourly roll-up
    await page.selectOption('select[name="flows-range"]', '30d');
    await page.waitForFunction(() => document.querySelector('[data-totals]')?.textContent?.trim().endsWith('· hourly roll-up'));
    const month = talkerRequests.at(-1)!;
    expect(Date.parse(month.get('to')!) - Date.parse(month.get('from')!)).toBe(30 * 86_400_000);
    // a custom range: from and to as typed in local time, sent in UTC
    await page.selectOption('select[name="flows-range"]', 'custom');
    await page.waitForSelector('input[name="flows-from"]');
    await page.fill('input[name="flows-from"]', '2026-01-02T09:30');
    await page.fill('input[name="flows-to"]', '2026-01-02T08:30');
    await page.waitForSelector('.flows-toolbar [role="alert"]:has-text("The start must be before the end.")');
    await page.selectOption('select[name="flows-range"]', '1h');
    await page.waitForSelector(`.flow-table.flow-talkers tbody tr:first-child[data-talker="${NAS}"]`);
  });

  it('the subnet filter asks for one subnet; its bar on the map does too', async () => {
    await page.selectOption('select[name="flows-subnet"]', String(office));
    await page.waitForSelector('.flows-page[aria-busy="false"] .flow-table.flow-talkers tbody tr:only-child');
    expect(talkerRequests.at(-1)!.get('subnetId')).toBe(String(office));
    expect(await cells('.flow-table.flow-talkers tbody tr')).toEqual([[`${PRINTER} printer`, 'office', '1 kB', '0 B', '10', '2']]);
    // only the links touching office
    expect(await page.$$eval('.flow-map path.link', (ps) => ps.map((p) => p.getAttribute('data-link')))).toEqual([`${lab}-${office}`]);
    await page.selectOption('select[name="flows-subnet"]', '');
    await page.waitForSelector('.flow-map path.link[data-link$="-0"]');
    // a click on the bar (the <a> itself has no box Playwright calls visible)
    await page.click(`.flow-map a.bar[data-node="${lab}"][data-side="from"] rect`);
    await page.waitForFunction((id) => new URLSearchParams(location.hash.split('?')[1]).get('subnet') === String(id), lab);
    await page.waitForFunction((id) => document.querySelector<HTMLSelectElement>('select[name="flows-subnet"]')?.value === String(id), lab);
    // the select shows the subnet as soon as the hash changes; the talkers' request follows on the next render
    await waitFor('the talkers asked for the clicked subnet', () => talkerRequests.at(-1)?.get('subnetId') === String(lab), 5_000, 50);
    await page.selectOption('select[name="flows-subnet"]', '');
  });

  it('exporters show their counters; one silent for an hour is stale', async () => {
    const router = `article.exporter[data-exporter="${ROUTER}"]`;
    await page.waitForSelector(router);
    const counters = await page.$$eval(`${router} [data-counter]`, (ds) => ds.map((d) => [d.getAttribute('data-counter'), d.querySelector('dd')!.textContent]));
    expect(counters).toEqual([['packets', '120'], ['flows', '480'], ['drops', '4'], ['templates', '2'], ['sequenceGaps', '4'], ['sampling', '1 in 10']]);
    expect(await text(`${router} [data-drops]`)).toBe('Dropped: no template 3, truncated 1');
    expect(await text(`${router} .exporter-head`)).toMatch(/^198\.18\.20\.1 to edge-router-lab v9, IPFIX last seen \d+ (s|m) ago$/);
    expect(await page.locator(`${router} [data-stale]`).count()).toBe(0);
    expect(await text(`article.exporter[data-exporter="${OLD_ROUTER}"] [data-stale]`)).toBe('stale');
    await expectAccessible('the Flows page');
    // nothing pointed at or focused: the map as it first shows
    await page.mouse.move(1, 1);
    await page.evaluate(() => ((document.activeElement as HTMLElement | null)?.blur(), scrollTo(0, 0)));
    await screenshots(page, 'flows');
    await page.click('button:has-text("High contrast")');
    expect(await page.getAttribute('html', 'data-contrast')).toBe('high');
    await expectAccessible('the Flows page (high contrast)');
    await page.screenshot({ path: join(ARTIFACTS, 'flows-high-contrast.png') });
    await page.click('button:has-text("High contrast")');
  });

  it('a newly stored minute refreshes the page live', async () => {
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await report(recentMinute(minute(Date.now()) - MIN, 2));
    await page.waitForSelector('[data-totals]:has-text("31.5 kB in 10 flows")', { timeout: 10_000 });
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  });

  it('the subnet\u2019s What changed panel lists the unregistered talker, and Reserve gives it a host record', async () => {
    await page.goto(`${server.url}/#/subnets/${lab}`);
    await page.click('details.subnet-changes summary');
    await page.selectOption('select[name="changes-since"]', '24h');
    const item = `[data-list="unregistered"] li[data-ip="${STRANGER}"]`;
    await page.waitForSelector(item);
    expect(await page.locator('[data-list="unregistered"] li').count()).toBe(1);
    expect(await text(item)).toMatch(new RegExp(`^${STRANGER.replace(/\./g, '\\.')} in flows since .+ ago, last .+ Reserve ${STRANGER.replace(/\./g, '\\.')}$`));
    await expectAccessible('the subnet view with an unregistered talker');
    await screenshots(page, 'flows-unregistered');
    await page.click(`${item} button:has-text("Reserve")`);
    await page.waitForSelector('.drawer dl.identity');
    const created = (await api('GET', `/api/hosts?subnetId=${lab}&q=${STRANGER}`)).body.hosts;
    expect(created.map((h: { ip: string; reserved: boolean }) => [h.ip, h.reserved])).toEqual([[STRANGER, true]]);
    expect(new URL(page.url()).hash).toBe(`#/subnets/${lab}?host=${created[0].id}`);
  });
});
