/**
 * The VMs page (issue 16) in Debian's Chromium against the real Node host on loopback and the local fake of the
 * Proxmox VE 8.x API (tests/support/proxmox-server.ts: https with a self-signed certificate, which the connection
 * pins by its fingerprint). Checked: the nav entry; an admin adding a connection from the page (a refusal at its
 * field, the secret never shown again, the test button's version and nodes); the form filled from the cluster's
 * nodes and templates; a refusal by the form and by the server at their fields with the focus there; a VM cloned
 * from the page and followed through its steps to done, with its host link opening the reserved host and its
 * Proxmox link; a VM failing at Proxmox's start with the step and words shown and its address released; a viewer's
 * read-only page; axe in light and dark, and screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { launchChromium, pageAs } from '../support/browser.js';
import { startProxmoxServer, type ProxmoxServer } from '../support/proxmox-server.js';
import { startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { accessibilityReport, screenshots } from '../support/ui.js';

const VIEWER = { username: 'vic', password: 'viewer password 1', role: 'viewer' };
const CIDR = '198.18.44.0/24';

let server: Awaited<ReturnType<typeof startTestServer>>;
let pve: ProxmoxServer;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let page: Page;
let subnetId: number;

const text = async (selector: string, p = page) => ((await p.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
const options = (selector: string) => page.$$eval(`${selector} option`, (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));

beforeAll(async () => {
  pve = await startProxmoxServer({ tls: true });
  pve.taskMs = 400;
  server = await startTestServer({ ENABLE_NMAP_SCHEDULER: '0' });
  api = client(server.url, await server.login());
  const s = await api('POST', '/api/subnets', { cidr: CIDR, name: 'vm lan', gateway: '198.18.44.1', probeId: null });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  subnetId = s.body.id;
  expect((await api('POST', '/api/users', VIEWER)).status).toBe(201);
  browser = await launchChromium();
  page = await pageAs(browser, server.url, contexts, 'admin', ADMIN_PASSWORD);
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
  await pve?.close();
});

describe('the VMs page in Chromium', () => {
  it('the nav entry; an admin adds a connection from the page: a refusal at its field, then the cluster tested', async () => {
    await page.click('header nav a:has-text("VMs")');
    await page.waitForSelector('.vms-page [data-no-connection]');
    expect(await page.getAttribute('header nav a[href="#/vms"]', 'aria-current')).toBe('page');
    expect(await text('[data-no-connection]')).toBe('No Proxmox connection yet. Add one under Proxmox connections below.');
    expect(await text('section[aria-labelledby="vm-list-title"] [data-empty]')).toBe('No VM has been created through the IPAM yet.');

    await page.fill('#pc-name', 'lab');
    await page.fill('#pc-url', pve.origin);
    await page.fill('#pc-tokenId', 'root');
    await page.fill('#pc-tokenSecret', pve.tokenSecret);
    await page.fill('#pc-fingerprint', pve.fingerprint!);
    await page.click('form.pc-form .op-submit button');
    await page.waitForSelector('#pc-tokenId[aria-invalid="true"]');
    expect(await text('#pc-tokenId-error')).toContain('user@realm!tokenname');
    expect(await focusedId()).toBe('pc-tokenId');

    await page.fill('#pc-tokenId', pve.tokenId);
    await page.click('form.pc-form .op-submit button');
    await page.waitForSelector('tr[data-connection="lab"]');
    // the secret went once and is nowhere on the page now: not in the list, not left in the form
    expect(await page.inputValue('#pc-tokenSecret')).toBe('');
    expect(await page.content()).not.toContain(pve.tokenSecret);
    expect(await text('tr[data-connection="lab"]')).toContain(pve.tokenId);
    await page.click('tr[data-connection="lab"] button:has-text("Test")');
    await page.waitForSelector('tr[data-connection="lab"] [data-test-outcome]');
    expect(await text('tr[data-connection="lab"] [data-test-outcome]')).toBe('Proxmox VE 8.2.4; nodes: pve, pve2');
  });

  it('the form from the cluster: its nodes and templates; a refusal by the form and one by the server at their fields', async () => {
    await page.waitForSelector('form.vm-form');
    await page.waitForFunction(() => (document.querySelector('#vm-template') as HTMLSelectElement | null)?.value === '9000');
    expect(await options('#vm-node')).toEqual(['pve', 'pve2']);
    expect(await page.inputValue('#vm-node')).toBe('pve');
    expect(await text('#vm-template option:checked')).toBe('debian-12-cloud (9000)');
    // pve2 holds no template
    await page.selectOption('#vm-node', 'pve2');
    await page.waitForFunction(() => (document.querySelector('#vm-template option') as HTMLOptionElement | null)?.textContent === 'No template on pve2');
    await page.selectOption('#vm-node', 'pve');
    await page.waitForFunction(() => (document.querySelector('#vm-template') as HTMLSelectElement | null)?.value === '9000');

    await page.fill('#vm-name', 'web_1');
    await page.click('form.vm-form .op-submit button');
    await page.waitForSelector('#vm-name[aria-invalid="true"]');
    expect(await text('#vm-name-error')).toContain('A VM name is a DNS name');
    expect(await focusedId()).toBe('vm-name');

    // the subnet has no probe: checking the address first is refused by the server, at the check box
    await page.fill('#vm-name', 'web-1');
    await page.selectOption('#vm-subnet', String(subnetId));
    const before = pve.requests.length;
    await page.click('form.vm-form .op-submit button');
    await page.waitForSelector('#vm-verify-error:not(:empty)');
    expect(await text('#vm-verify-error')).toContain('has no probe assigned to check addresses');
    expect(await focusedId()).toBe('vm-verify');
    expect(await page.getAttribute('#vm-name', 'aria-invalid')).toBeNull();
    expect(pve.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    expect((await api('GET', '/api/vms')).body.vms).toEqual([]);
  });

  it('a VM cloned from the page: its steps to done, its host link and its Proxmox link', async () => {
    await page.uncheck('#vm-verify');
    await page.fill('#vm-cores', '2');
    await page.fill('#vm-memory', '2048');
    await page.fill('#vm-disk', '32');
    await page.click('form.vm-form .op-submit button');
    await page.waitForSelector('article.vm-card');
    const id = await page.getAttribute('article.vm-card', 'data-vm');
    expect(page.url()).toContain(`vm=${id}`);
    expect(await text('[data-step="allocate"]')).toBe('Address allocated: 198.18.44.2');
    // the clone's task runs 400 ms: the page shows a step under way before the end
    await page.waitForSelector('article.vm-card [data-step-state="active"]');
    await screenshots(page, 'vms-creating');
    await page.waitForSelector('article.vm-card[data-state="done"]', { timeout: 20_000 });
    expect(await page.$$eval('article.vm-card [data-step]', (ls) => ls.map((l) => l.getAttribute('data-step-state')))).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(await text('article.vm-card [data-progress]')).toBe('web-1 is running at 198.18.44.2 as VM 100 on pve');
    expect(await text('article.vm-card .took')).toContain('lab · pve · template 9000 · 2 cores · 2 GiB · 32 GB disk · vmbr0');
    expect(await page.getAttribute('article.vm-card [data-proxmox-link]', 'href')).toBe(`${pve.origin}/#v1:0:=qemu%2F100:4:::::::`);
    expect(pve.vms.get(100)?.status).toBe('running');
    expect(pve.vms.get(100)?.config.ipconfig0).toBe('ip=198.18.44.2/24,gw=198.18.44.1');

    // the list: the VM with its host link; the link opens the reserved host in the subnet's view
    // the list follows the live feed (reloads at most every 1.5 s), so it may still say creating for a moment
    await page.waitForSelector(`tr[data-vm-row="${id}"] .run-state.done`);
    await page.waitForSelector(`tr[data-vm-row="${id}"] [data-host-link]`);
    const vm = (await api('GET', `/api/vms/${id}`)).body;
    expect(await page.getAttribute(`tr[data-vm-row="${id}"] [data-host-link]`, 'href')).toBe(`#/subnets/${subnetId}?host=${vm.hostId}`);
    const found = await accessibilityReport(page);
    expect(found, 'axe found serious or critical problems on the VMs page').toEqual({ light: [], dark: [] });
    await screenshots(page, 'vms-done');
    await page.click(`tr[data-vm-row="${id}"] [data-host-link]`);
    await page.waitForSelector('.drawer h2');
    expect(await text('.drawer .drawer-ip')).toContain('198.18.44.2');
    expect(await page.inputValue('.drawer #edit-reservedNote')).toContain(`${pve.origin}/#v1:0:=qemu%2F100`);
  });

  it('a VM failing at Proxmox’s start: the step that failed, Proxmox’s words, the address released', async () => {
    await page.click('header nav a:has-text("VMs")');
    await page.waitForSelector('form.vm-form');
    await page.waitForFunction(() => (document.querySelector('#vm-template') as HTMLSelectElement | null)?.value === '9000');
    pve.failTask('qmstart', 'start failed: QEMU exited with code 1');
    await page.fill('#vm-name', 'web-2');
    await page.selectOption('#vm-subnet', String(subnetId));
    await page.uncheck('#vm-verify');
    await page.click('form.vm-form .op-submit button');
    await page.waitForSelector('article.vm-card[data-state="failed"]', { timeout: 20_000 });
    expect(await page.getAttribute('article.vm-card [data-step="wait-start"]', 'data-step-state')).toBe('failed');
    expect(await text('article.vm-card [data-failure]')).toBe(
      'Proxmox starting the VM failed: start failed: QEMU exited with code 1 (VM 101 may be left on pve; the IPAM deletes nothing in Proxmox) (proxmox_error). 198.18.44.3 was released.',
    );
    const hosts = (await api('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts.map((h: any) => h.ip);
    expect(hosts).not.toContain('198.18.44.3');
    // the list follows the live feed too (reloads at most every 1.5 s)
    await page.waitForFunction(() => document.querySelectorAll('tr[data-vm-row]').length === 2 && /failed/.test(document.querySelector('tr[data-vm-row] td:nth-child(2)')?.textContent ?? ''));
    expect(await page.$$eval('tr[data-vm-row] td:nth-child(2)', (cs) => cs.map((c) => c.textContent?.replace(/\s+/g, ' ').trim()))).toEqual(['failed at wait-start', 'done']);
    await screenshots(page, 'vms-failed');
  });

  it('a viewer sees the VMs and no form, no connections', async () => {
    const viewer = await pageAs(browser, server.url, contexts, VIEWER.username, VIEWER.password);
    await viewer.goto(`${server.url}/#/vms`);
    await viewer.waitForSelector('tr[data-vm-row]');
    expect(await viewer.$('form.vm-form')).toBeNull();
    expect(await viewer.$('.pc-section')).toBeNull();
    expect(await text('.vms-page .notice', viewer)).toContain('Only editors and admins can create VMs');
    expect(await viewer.$$eval('tr[data-vm-row]', (r) => r.length)).toBe(2);
  });
});
