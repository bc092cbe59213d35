/**
 * The Operations page (issue 14) in Debian's Chromium against the real Node host on loopback. The probes are
 * RawProbes over real WebSockets that speak the protocol: hello with the op-* kinds, then each op job answered as a
 * probe would (job_status started, `operation` result snapshots, the final one, done; or failed with a code).
 * Nothing is sent on a network: the targets are test addresses no packet goes to. Checked: the form (kinds and
 * their fields, one probe / a site / all, a refusal by the form and by the server), a ping whose replies arrive
 * while the page watches (loss, min/avg/max/mdev, the chart), an operation to all with an offline probe, a probe
 * that cannot run operations and one whose allow-list refuses the target, mtr to a site (the hop table and chart),
 * traceroute (the path), the recent list and its filters, reopening by URL, the host drawer's link prefilling the
 * form, a viewer's read-only page; axe in light and dark, and screenshots.
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
import { waitFor } from '../support/wait.js';

const CIDR = '198.18.30.0/24';
const HOST = '198.18.30.5';
const GW = '198.18.30.1';
const FAR = '198.18.31.7';
const OP_KINDS = ['sweep', 'port_scan', 'traceroute', 'op-ping', 'op-mtr', 'op-traceroute'];
const VIEWER = { username: 'vera', password: 'viewer password 1', role: 'viewer' };

let server: Awaited<ReturnType<typeof startTestServer>>;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let page: Page;
let heartbeat: ReturnType<typeof setInterval>;
const probes: Record<string, { id: number; raw: RawProbe | null }> = {};
let subnetId: number;
let hostId: number;
let batch = 0;

type Job = { jobId: string; kind: string; target: string; count?: number; intervalMs?: number; packetSize?: number; maxHops?: number; family?: number };

async function enrol(name: string, site: string, kinds: string[] | null) {
  const enrolled = (await api('POST', '/api/probes', { name, site })).body;
  probes[name] = { id: enrolled.id, raw: null };
  if (!kinds) return; // enrolled, never connected: offline
  const raw = await RawProbe.connect(server.url, enrolled.token);
  await raw.next('welcome');
  raw.send({ type: 'hello', version: kinds.includes('op-ping') ? '0.6.0' : '0.4.0', protocol: PROTOCOL_VERSION, hostname: name, kinds });
  probes[name]!.raw = raw;
}

const raw = (name: string) => probes[name]!.raw!;
const nextJob = async (name: string) => (await raw(name).next('job', 8000)) as unknown as Job;
const status = (name: string, job: Job, state: string, extra: Record<string, unknown> = {}) => raw(name).send({ type: 'job_status', jobId: job.jobId, kind: job.kind, state, ...extra });

/** Sends one `operation` snapshot of a run as the probe; it must be accepted. */
async function snapshot(name: string, job: Job, seq: number, final: boolean, address: string, result: unknown) {
  const ack = await sendResults(raw(name), `op-${++batch}`, [{ kind: 'operation', jobId: job.jobId, at: Date.now(), seq, final, address, result }]);
  expect(ack.refused).toBeUndefined();
  expect(ack.rejectedResults ?? []).toEqual([]);
}

const reply = (seq: number, rttMs: number | null) => ({ seq, rttMs, ttl: rttMs == null ? null : 64 });
function pingResult(replies: { seq: number; rttMs: number | null }[], sent = replies.length) {
  const rtts = replies.map((r) => r.rttMs).filter((v): v is number => v != null);
  const avg = rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null;
  const mdev = avg == null ? null : Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / rtts.length);
  return {
    tool: 'ping',
    sent,
    received: rtts.length,
    loss: sent ? (sent - rtts.length) / sent : 0,
    minMs: rtts.length ? Math.min(...rtts) : null,
    avgMs: avg,
    maxMs: rtts.length ? Math.max(...rtts) : null,
    mdevMs: mdev,
    replies: replies.map((r) => reply(r.seq, r.rttMs)),
  };
}
const mtrHop = (hop: number, address: string | null, loss: number, ms: number | null) => ({
  hop, address, name: address === GW ? 'gw.lab.test' : null, loss, sent: 10,
  lastMs: ms, avgMs: ms, bestMs: ms == null ? null : ms * 0.8, worstMs: ms == null ? null : ms * 1.5, stdevMs: ms == null ? null : ms * 0.1,
});

/** Answers a ping job in full: started, the replies, done. */
async function answerPing(name: string, job: Job, replies: { seq: number; rttMs: number | null }[], address = job.target) {
  status(name, job, 'started');
  await snapshot(name, job, 1, true, address, pingResult(replies, job.count));
  status(name, job, 'done');
}

async function expectAccessible(p: Page, name: string) {
  const found = await accessibilityReport(p);
  expect(found, `axe found serious or critical problems on ${name}`).toEqual({ light: [], dark: [] });
}

const text = async (selector: string, p = page) => ((await p.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const card = (probe: string) => `article.op-run[data-probe="${probe}"]`;
const operationId = () => decodeURIComponent(/#\/operations\/([^?]+)/.exec(page.url())![1]!);

/** Fills the form and runs it; resolves once the operation's page shows. */
async function run(kind: string, target: string, from: { probe?: string; site?: string; all?: true }, params: Record<string, string> = {}) {
  await page.goto(`${server.url}/#/operations`);
  await page.waitForSelector('form.op-form');
  await page.check(`#op-kind-${kind}`);
  await page.fill('#op-target', target);
  if (from.probe) await page.check('input[name=mode][value=probe]'), await page.selectOption('#op-probe', String(probes[from.probe]!.id));
  if (from.site) await page.check('input[name=mode][value=site]'), await page.selectOption('#op-site', from.site);
  if (from.all) await page.check('input[name=mode][value=all]');
  for (const [id, value] of Object.entries(params)) await page.fill(`#${id}`, value);
  await page.click('.op-submit button');
  await page.waitForSelector('section.operation-page[data-operation]');
}

beforeAll(async () => {
  // one operation under way per probe: the queue cap's 429 is reached by the form
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0', OPERATION_QUEUE_PER_PROBE: '1' });
  api = client(server.url, await server.login());
  await enrol('lab-a', 'lab', OP_KINDS);
  await enrol('lab-b', 'lab', OP_KINDS);
  await enrol('branch', 'branch', OP_KINDS);
  await enrol('old-probe', 'branch', ['sweep', 'port_scan']);
  await enrol('gone', 'far', null);
  heartbeat = setInterval(() => Object.values(probes).forEach((p) => p.raw?.send({ type: 'ping' })), 2000);
  const subnet = await api('POST', '/api/subnets', { cidr: CIDR, name: 'ops lab', probeId: probes['lab-a']!.id, sweepIntervalSeconds: 3600 });
  expect(subnet.status).toBe(201);
  subnetId = subnet.body.id;
  const host = await api('POST', '/api/hosts', { ip: HOST, hostname: 'nas' });
  expect(host.status).toBe(201);
  hostId = host.body.id;
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

describe('operations in Chromium', () => {
  it('the form: the nav entry, the fields of each kind, the probes, sites and a refusal named at its field', async () => {
    await page.click('header nav a:has-text("Operations")');
    await page.waitForSelector('form.op-form');
    expect(await page.getAttribute('header nav a[href="#/operations"]', 'aria-current')).toBe('page');
    expect(await text('.op-recent [data-empty]')).toBe('No operation has run yet.');
    // ping: count, interval, size, family; mtr adds max hops; traceroute has neither count nor interval
    const fields = () => page.$$eval('.op-params label', (ls) => ls.map((l) => l.textContent!.replace(/\s*\(.*\)/, '').trim()));
    expect(await fields()).toEqual(['Count', 'Interval', 'Packet size', 'Family']);
    await page.check('#op-kind-mtr');
    expect(await fields()).toEqual(['Cycles', 'Interval', 'Packet size', 'Max hops', 'Family']);
    expect(await page.inputValue('#op-count')).toBe('10');
    await page.check('#op-kind-traceroute');
    expect(await fields()).toEqual(['Max hops', 'Family']);
    expect(await page.textContent('.op-submit button')).toBe('Run traceroute');
    await page.check('#op-kind-ping');
    expect(await page.inputValue('#op-count')).toBe('5');
    // the probes with their sites, offline ones marked; the sites with their probe counts
    expect(await page.$$eval('#op-probe option', (os) => os.map((o) => o.textContent))).toEqual(['lab-a · lab', 'lab-b · lab', 'branch · branch', 'old-probe · branch', 'gone · far (offline)']);
    await page.check('input[name=mode][value=site]');
    expect(await page.$$eval('#op-site option', (os) => os.map((o) => o.textContent))).toEqual(['branch (2 probes)', 'far (1 probe)', 'lab (2 probes)']);
    await page.check('input[name=mode][value=probe]');

    // the form's own check: nothing is asked of the server, focus goes to the field with its message
    await page.fill('#op-target', HOST);
    await page.fill('#op-count', '0');
    await page.click('.op-submit button');
    await page.waitForFunction(() => document.activeElement?.id === 'op-count');
    expect(await text('#op-count-error')).toBe('Count: a whole number from 1 to 100.');
    expect(await page.getAttribute('#op-count', 'aria-invalid')).toBe('true');
    await page.fill('#op-count', '5');
    await page.fill('#op-target', 'no such;host');
    await page.click('.op-submit button');
    await page.waitForFunction(() => document.activeElement?.id === 'op-target');
    expect(await text('#op-target-error')).toContain('An address or a hostname');
    expect((await api('GET', '/api/operations')).body.operations).toEqual([]);
    await expectAccessible(page, 'the operations form');
    await screenshots(page, 'operations-form');
  });

  it('a ping from one probe: the results arrive while the page watches, then loss, min/avg/max/mdev and the chart', async () => {
    await run('ping', HOST, { probe: 'lab-a' }, { 'op-count': '5', 'op-interval': '200' });
    const id = operationId();
    const job = await nextJob('lab-a');
    expect(job).toMatchObject({ kind: 'op-ping', target: HOST, count: 5, intervalMs: 200, packetSize: 56 });
    expect(await text('[data-progress]')).toBe('0 of 1 probe finished');
    expect(await page.getAttribute('[data-progress]', 'role')).toBe('status');
    // a snapshot while it runs: three replies so far, the chart keeps room for five
    status('lab-a', job, 'started');
    await snapshot('lab-a', job, 1, false, HOST, pingResult([{ seq: 1, rttMs: 0.42 }, { seq: 2, rttMs: 0.51 }, { seq: 3, rttMs: null }], 3));
    await page.waitForSelector(`${card('lab-a')}[data-state=running] [data-stat=received] dd:text("2")`);
    expect(await page.$$eval(`${card('lab-a')} .ping-chart circle.dot`, (cs) => cs.length)).toBe(2);
    expect(await page.$$eval(`${card('lab-a')} .ping-chart rect.miss`, (rs) => rs.length)).toBe(1);
    // the final snapshot: one of five lost
    await snapshot('lab-a', job, 2, true, HOST, pingResult([{ seq: 1, rttMs: 0.42 }, { seq: 2, rttMs: 0.51 }, { seq: 3, rttMs: null }, { seq: 4, rttMs: 0.6 }, { seq: 5, rttMs: 0.47 }]));
    status('lab-a', job, 'done');
    await page.waitForSelector(`${card('lab-a')}[data-state=done]`);
    await page.waitForSelector('section.operation-page[data-finished=yes]');
    expect(await text('[data-progress]')).toBe('Finished: 1 run: 1 done');
    const stat = (k: string) => text(`${card('lab-a')} [data-stat=${k}] dd`);
    expect([await stat('sent'), await stat('received'), await stat('loss'), await stat('min'), await stat('avg'), await stat('max')]).toEqual(['5', '4', '20 %', '0.42 ms', '0.50 ms', '0.60 ms']);
    expect(await page.$$eval(`${card('lab-a')} .ping-chart circle.dot`, (cs) => cs.length)).toBe(4);
    expect(await page.getAttribute(`${card('lab-a')} .ping-chart svg`, 'aria-label')).toBe('Round trips from lab-a: 4 answered, 1 lost, scale 0 to 1.00 ms');
    expect(await text('.op-meta')).toMatch(/^from probe lab-a · 5 × 56 B every 200 ms · started .* by admin$/);
    // reopened by its URL, from nothing
    await page.goto(`${server.url}/#/`);
    await page.goto(`${server.url}/#/operations/${encodeURIComponent(id)}`);
    await page.waitForSelector(`${card('lab-a')}[data-state=done]`);
    await page.click(`${card('lab-a')} details.op-replies summary`);
    expect(await page.$$eval(`${card('lab-a')} .op-replies tbody tr`, (rs) => rs.map((r) => r.textContent!.replace(/\s+/g, ' ').trim()))).toEqual([
      '10.42 ms64', '20.51 ms64', '3lost—', '40.60 ms64', '50.47 ms64',
    ]);
    await expectAccessible(page, 'a finished ping');
    await screenshots(page, 'operation-ping');
  });

  it('to all probes: the offline one and the one that cannot run operations are final at once; a refusal by the allow-list names why', async () => {
    await run('ping', FAR, { all: true }, { 'op-count': '3' });
    // nothing waits for the offline probe nor the old one
    await page.waitForSelector(`${card('gone')}[data-state=offline]`);
    await page.waitForSelector(`${card('old-probe')}[data-state=unsupported]`);
    expect(await text(`${card('gone')} [data-run-state]`)).toBe('offline: not run');
    expect(await text(`${card('old-probe')} [data-run-state]`)).toBe('cannot run ping: upgrade the probe');
    const [a, b, c] = await Promise.all([nextJob('lab-a'), nextJob('lab-b'), nextJob('branch')]);
    await answerPing('lab-a', a, [{ seq: 1, rttMs: 1.2 }, { seq: 2, rttMs: 1.4 }, { seq: 3, rttMs: 1.1 }]);
    await answerPing('lab-b', b, [{ seq: 1, rttMs: null }, { seq: 2, rttMs: null }, { seq: 3, rttMs: null }]);
    status('branch', c, 'failed', { code: 'target_not_allowed', error: `${FAR} is outside ALLOWED_TARGETS (198.18.30.0/24)` });
    await page.waitForSelector('section.operation-page[data-finished=yes]');
    expect(await text('[data-progress]')).toBe('Finished: 5 runs: 2 done, 1 failed, 1 offline, 1 unsupported');
    expect(await text(`${card('branch')} [data-run-state]`)).toBe('failed');
    expect(await text(`${card('branch')} .op-error`)).toBe(`${FAR} is outside ALLOWED_TARGETS (198.18.30.0/24) (the target is outside the probe's allowed ranges) target_not_allowed`);
    expect(await text(`${card('lab-b')} [data-stat=loss] dd`)).toBe('100 %');
    expect(await page.$$eval(`${card('lab-b')} .ping-chart rect.miss`, (rs) => rs.length)).toBe(3);
    // cards by name, the offline and unsupported ones last
    expect(await page.$$eval('article.op-run', (as) => as.map((a) => a.getAttribute('data-probe')))).toEqual(['branch', 'lab-a', 'lab-b', 'gone', 'old-probe']);
    await expectAccessible(page, 'an operation to all probes');
    await screenshots(page, 'operation-all');
  });

  it('mtr to a site: a run per probe of the site, the per-hop table and chart', async () => {
    await run('mtr', HOST, { site: 'lab' }, { 'op-count': '10', 'op-hops': '8' });
    const [a, b] = await Promise.all([nextJob('lab-a'), nextJob('lab-b')]);
    expect(a).toMatchObject({ kind: 'op-mtr', target: HOST, count: 10, maxHops: 8 });
    for (const [name, job] of [['lab-a', a], ['lab-b', b]] as const) {
      status(name, job, 'started');
      await snapshot(name, job, 1, true, HOST, { tool: 'mtr', cycles: 10, hops: [mtrHop(1, GW, 0, 0.4), mtrHop(2, null, 1, null), mtrHop(3, HOST, 0.1, 2.5)] });
      status(name, job, 'done');
    }
    await page.waitForSelector('section.operation-page[data-finished=yes]');
    expect(await text('[data-progress]')).toBe('Finished: 2 runs: 2 done');
    const rows = await page.$$eval(`${card('lab-a')} .mtr-table tbody tr`, (rs) => rs.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    expect(rows).toEqual([
      ['1', `${GW} gw.lab.test`, '0 %', '10', '0.40 ms', '0.40 ms', '0.32 ms', '0.60 ms', '0.04 ms'],
      ['2', '* no answer', '100 %', '10', '—', '—', '—', '—', '—'],
      ['3', HOST, '10 %', '10', '2.50 ms', '2.50 ms', '2.00 ms', '3.75 ms', '0.25 ms'],
    ]);
    // a row a hop in the chart; the silent hop has no latency bar, its loss bar is full
    expect(await page.$$eval(`${card('lab-a')} .hop-chart g[data-hop]`, (gs) => gs.map((g) => [g.getAttribute('data-hop'), !!g.querySelector('rect.range'), !!g.querySelector('rect.loss')]))).toEqual([
      ['1', true, false],
      ['2', false, true],
      ['3', true, true],
    ]);
    expect(await text('.op-meta')).toContain('from site lab · 10 cycles, 56 B every 1000 ms, up to 8 hops');
    await expectAccessible(page, 'an mtr operation');
    await screenshots(page, 'operation-mtr');
  });

  it('traceroute: the path, each hop with its round trips and the target marked', async () => {
    await run('traceroute', 'nas.lab.test', { probe: 'branch' });
    const job = await nextJob('branch');
    expect(job).toMatchObject({ kind: 'op-traceroute', target: 'nas.lab.test', maxHops: 30 });
    status('branch', job, 'started');
    await snapshot('branch', job, 1, true, HOST, {
      tool: 'traceroute',
      reached: true,
      hops: [
        { hop: 1, address: GW, name: 'gw.lab.test', rttMs: [0.41, 0.38, 0.4], loss: 0 },
        { hop: 2, address: null, name: null, rttMs: [], loss: 1 },
        { hop: 3, address: HOST, name: 'nas.lab.test', rttMs: [1.1, 1.3, 1.2], loss: 0 },
      ],
    });
    status('branch', job, 'done');
    await page.waitForSelector(`${card('branch')}[data-state=done] ol.op-path`);
    // the probe resolved the name: the address it ran against is shown
    expect(await text(`${card('branch')} .op-address`)).toBe(`nas.lab.test → ${HOST}`);
    expect(await text(`${card('branch')} [data-reached]`)).toBe('Reached the target in 3 hops');
    expect(await page.$$eval(`${card('branch')} ol.op-path li`, (ls) => ls.map((l) => [...l.children].map((c) => c.textContent!.replace(/\s+/g, ' ').trim()).join(' ')))).toEqual([
      `1 ${GW} gw.lab.test 0.41 / 0.38 / 0.40 ms`,
      '2 * no answer no answer, 100 % loss',
      `3 ${HOST} nas.lab.test target 1.10 / 1.30 / 1.20 ms`,
    ]);
    // "Run again" reopens the form as it was asked
    await page.click('a:has-text("Run again…")');
    await page.waitForSelector('form.op-form');
    expect(await page.isChecked('#op-kind-traceroute')).toBe(true);
    expect(await page.inputValue('#op-target')).toBe('nas.lab.test');
    expect(await page.inputValue('#op-probe')).toBe(String(probes.branch!.id));
    await page.goBack();
    await page.waitForSelector(`${card('branch')} ol.op-path`);
    await expectAccessible(page, 'a traceroute operation');
    await screenshots(page, 'operation-traceroute');
  });

  it('the recent list: newest first, filtered by kind, probe and target in the URL, each linked to its page', async () => {
    await page.goto(`${server.url}/#/operations`);
    await page.waitForSelector('table.op-list tbody tr');
    const rows = () => page.$$eval('table.op-list tbody tr', (rs) => rs.map((r) => [...r.querySelectorAll('td')].slice(1, 4).map((td) => td.textContent!.trim())));
    expect(await rows()).toEqual([
      ['traceroute', 'nas.lab.test', 'probe branch'],
      ['mtr', HOST, 'site lab'],
      ['ping', FAR, 'all probes'],
      ['ping', HOST, 'probe lab-a'],
    ]);
    await page.selectOption('#op-f-kind', 'ping');
    await waitFor('the list', async () => (await rows()).length === 2, 5000);
    expect(page.url()).toContain('listKind=ping');
    await page.fill('#op-f-target', HOST);
    await page.click('.op-filters button');
    await waitFor('the list', async () => (await rows()).length === 1, 5000);
    expect((await rows())[0]).toEqual(['ping', HOST, 'probe lab-a']);
    await page.selectOption('#op-f-kind', '');
    await page.fill('#op-f-target', '');
    await page.click('.op-filters button');
    await page.selectOption('#op-f-probe', String(probes.branch!.id));
    await waitFor('the list', async () => (await rows()).length === 2, 5000);
    expect((await rows()).map((r) => r[0])).toEqual(['traceroute', 'ping']);
    await page.selectOption('#op-f-probe', String(probes.gone!.id));
    await waitFor('the list', async () => (await rows()).length === 1, 5000);
    await page.fill('#op-f-target', 'nothing.test');
    await page.click('.op-filters button');
    await page.waitForSelector('.op-recent [data-empty]:text("No operation matches these filters.")');
    await page.goto(`${server.url}/#/operations?listKind=mtr`);
    await page.waitForSelector('table.op-list tbody tr');
    await page.click('table.op-list tbody tr a');
    await page.waitForSelector('section.operation-page[data-operation] .mtr-table');
  });

  it('the host drawer links to the form with the host and its subnet probe', async () => {
    await page.goto(`${server.url}/#/subnets/${subnetId}?host=${hostId}`);
    const link = await page.waitForSelector('.drawer a[data-operations-link]');
    await waitFor('the probe in the link', async () => ((await link.getAttribute('href')) ?? '').includes('probe='), 5000);
    expect(await link.getAttribute('href')).toBe(`#/operations?target=${HOST}&probe=${probes['lab-a']!.id}`);
    await link.click();
    await page.waitForSelector('form.op-form');
    expect(await page.inputValue('#op-target')).toBe(HOST);
    expect(await page.inputValue('#op-probe')).toBe(String(probes['lab-a']!.id));
    // the server's refusal, at the field it is about: the probe list changed since the page loaded
    await page.check('input[name=mode][value=site]');
    await page.evaluate(() => {
      const select = document.getElementById('op-site') as HTMLSelectElement;
      select.add(new Option('nowhere', 'nowhere'));
    });
    await page.selectOption('#op-site', 'nowhere');
    await page.click('.op-submit button');
    await page.waitForSelector('#op-from-error:not(:empty)');
    expect(await page.getAttribute('#op-site', 'aria-invalid')).toBe('true');
    expect(page.url()).toMatch(/#\/operations\?/);
  });

  it("a probe's queue full: the server's 429 is named at the probes, nothing started; the run it waits for finishes", async () => {
    await run('ping', HOST, { probe: 'lab-b' }, { 'op-count': '2' });
    const held = await nextJob('lab-b');
    const before = (await api('GET', '/api/operations')).body.operations.length;
    await page.goto(`${server.url}/#/operations?kind=ping&target=${HOST}&probe=${probes['lab-b']!.id}`);
    await page.waitForSelector('form.op-form');
    await page.click('.op-submit button');
    await page.waitForSelector('#op-from-error:not(:empty)');
    expect(await text('#op-from-error')).toContain('lab-b');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('op-probe');
    expect(page.url()).toMatch(/#\/operations\?/);
    expect((await api('GET', '/api/operations')).body.operations.length).toBe(before);
    await answerPing('lab-b', held, [{ seq: 1, rttMs: 0.3 }, { seq: 2, rttMs: 0.35 }]);
    await page.goto(`${server.url}/#/operations`);
    await page.waitForSelector('table.op-list tbody tr:first-child:not(.running)');
  });

  it('a viewer sees the operations and their results, and no form', async () => {
    const viewer = await pageAs(browser, server.url, contexts, VIEWER.username, VIEWER.password);
    await viewer.goto(`${server.url}/#/operations`);
    await viewer.waitForSelector('table.op-list tbody tr');
    expect(await viewer.$('form.op-form')).toBeNull();
    expect(await text('.operations-page .notice', viewer)).toContain('Only editors and admins can start operations; you are a viewer.');
    await viewer.click('table.op-list tbody tr:last-child a');
    await viewer.waitForSelector(`${card('lab-a')}[data-state=done]`);
    expect(await viewer.$('a:has-text("Run again…")')).toBeNull();
    // the drawer offers no link to a viewer
    await viewer.goto(`${server.url}/#/subnets/${subnetId}?host=${hostId}`);
    await viewer.waitForSelector('.drawer dl.facts');
    expect(await viewer.$('.drawer a[data-operations-link]')).toBeNull();
    await viewer.goto(`${server.url}/#/operations`);
    await viewer.waitForSelector('table.op-list tbody tr');
    await expectAccessible(viewer, "a viewer's operations page");
  });
});
