import { describe, expect, it } from 'vitest';
import { stepStates } from '../../worker/proxmox/steps.js';
import { BRIDGE_NAME, ISO_VOLUME, NODE_NAME, STORAGE_ID, VM_NAME } from '../../worker/proxmox/params.js';
// the browser UI is plain ES modules (no bundler, no types); these tables test the VMs page's pure helpers
import { blankConnection, blankForm, buildConnection, buildRequest, failureText, NAMES, refusalOf, sizeText, sourceText, templatesOn, vmAnnouncement, vmSteps } from './vms.js';

describe('the form’s name rules are the server’s', () => {
  it.each([
    ['node', NODE_NAME],
    ['name', VM_NAME],
    ['bridge', BRIDGE_NAME],
    ['storage', STORAGE_ID],
    ['iso', ISO_VOLUME],
  ] as const)('%s', (key, server) => expect(NAMES[key].source).toBe(server.source));
});

const form = (over: Record<string, unknown> = {}) => ({ ...blankForm(), proxmox: '3', node: 'pve', template: '9000', name: 'web-1', subnetId: '7', ...over });

describe('buildRequest', () => {
  it('a clone with the defaults', () => {
    expect(buildRequest(form())).toEqual({ body: { proxmox: 3, node: 'pve', template: 9000, name: 'web-1', cores: 1, memoryMb: 1024, diskGb: 16, bridge: 'vmbr0', subnetId: 7, verify: true } });
  });
  it('an ISO VM with a storage, sizes and no check', () => {
    expect(buildRequest(form({ source: 'iso', iso: ' local:iso/debian-12.iso ', template: '', cores: '4', memoryMb: '4096', diskGb: '64', storage: 'ceph_pool', verify: false }))).toEqual({
      body: { proxmox: 3, node: 'pve', iso: 'local:iso/debian-12.iso', name: 'web-1', cores: 4, memoryMb: 4096, diskGb: 64, bridge: 'vmbr0', storage: 'ceph_pool', subnetId: 7, verify: false },
    });
  });
  it.each([
    [{ proxmox: '' }, 'proxmox', 'Choose the Proxmox connection.'],
    [{ node: '' }, 'node', 'Choose the node the VM runs on.'],
    [{ node: '-pve' }, 'node', 'Choose the node the VM runs on.'],
    [{ template: '' }, 'template', 'Choose a template to clone.'],
    [{ template: '99' }, 'template', 'The template’s VM id must be from 100 to 999999999.'],
    [{ template: 'x' }, 'template', 'The template’s VM id must be a whole number from 100 to 999999999.'],
    [{ source: 'iso', iso: 'debian.iso' }, 'iso', 'An ISO volume is storage:iso/file, like local:iso/debian-12.iso.'],
    [{ source: 'iso', iso: 'local:images/x.qcow2' }, 'iso', 'An ISO volume is storage:iso/file, like local:iso/debian-12.iso.'],
    [{ name: ' ' }, 'name', 'Enter the VM’s name.'],
    [{ name: 'web_1' }, 'name', 'A VM name is a DNS name: letters, digits and hyphens, dots between labels, up to 63 characters.'],
    [{ name: 'a'.repeat(64) }, 'name', 'A VM name is a DNS name: letters, digits and hyphens, dots between labels, up to 63 characters.'],
    [{ cores: '0' }, 'cores', 'Cores must be from 1 to 128.'],
    [{ cores: '1.5' }, 'cores', 'Cores must be a whole number from 1 to 128.'],
    [{ memoryMb: '32' }, 'memoryMb', 'Memory must be from 64 to 4194304.'],
    [{ diskGb: '70000' }, 'diskGb', 'Disk must be from 1 to 65536.'],
    [{ bridge: '' }, 'bridge', 'A bridge is a Linux interface name, like vmbr0.'],
    [{ bridge: 'vmbr0-with-a-long-name' }, 'bridge', 'A bridge is a Linux interface name, like vmbr0.'],
    [{ storage: '1local' }, 'storage', 'A storage id starts with a letter: letters, digits, _ . and -.'],
    [{ subnetId: '' }, 'subnetId', 'Choose the subnet the VM’s address comes from.'],
  ])('%j → %s', (over, field, error) => expect(buildRequest(form(over))).toEqual({ field, error }));
  it('the first field at fault comes first', () => expect(buildRequest(form({ proxmox: '', name: '' }))).toMatchObject({ field: 'proxmox' }));
});

describe('templatesOn', () => {
  const inventory = { nodes: ['pve', 'pve2'], templates: [{ vmid: 9001, name: 'ubuntu', node: 'pve' }, { vmid: 9000, name: 'debian', node: 'pve' }, { vmid: 9100, name: 'alma', node: 'pve2' }] };
  it.each([
    ['pve', [9000, 9001]],
    ['pve2', [9100]],
    ['pve3', []],
  ])('%s', (node, ids) => expect(templatesOn(inventory, node).map((t: any) => t.vmid)).toEqual(ids));
  it('no inventory yet', () => expect(templatesOn(null, 'pve')).toEqual([]));
});

describe('refusalOf', () => {
  it.each([
    [{ code: 'unknown_connection', details: { field: 'proxmox' }, message: 'Proxmox connection 9 does not exist' }, 'template', 'proxmox'],
    [{ code: 'template_or_iso', details: { field: 'template' }, message: 'give either' }, 'template', 'template'],
    [{ code: 'template_or_iso', details: { field: 'template' }, message: 'give either' }, 'iso', 'iso'],
    [{ code: 'no_gateway', details: { field: 'subnetId' }, message: 'no gateway' }, 'template', 'subnetId'],
    [{ code: 'subnet_full', details: { requested: 1, found: 0, skipped: [] }, message: 'full' }, 'template', 'subnetId'],
    [{ code: 'not_found', message: 'subnet 9 not found' }, 'template', 'subnetId'],
    [{ code: 'no_probe', message: 'no probe; allocate with verify: false' }, 'template', 'verify'],
    [{ code: 'probe_offline', message: 'offline' }, 'template', 'verify'],
    [{ code: 'verify_timeout', message: 'timeout' }, 'template', 'verify'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'memoryMb', message: 'too big' }] }, message: 'memoryMb: too big' }, 'template', 'memoryMb'],
    [{ code: 'invalid_request', details: { issues: [{ path: 'extra', message: 'unknown' }] }, message: 'unknown key' }, 'template', null],
    [{ code: 'fingerprint_unsupported', details: { field: 'proxmox' }, message: 'pins a certificate' }, 'template', 'proxmox'],
    [{ code: 'internal', message: 'boom' }, 'template', null],
  ])('%j (%s) → %s', (err, source, field) => expect(refusalOf(err, source)).toEqual({ field, message: err.message }));
  it('a 403 names who may', () => expect(refusalOf({ status: 403, code: 'forbidden', message: 'x' })).toEqual({ field: null, message: 'Only editors and admins can create VMs.' }));
  it('no message', () => expect(refusalOf({})).toEqual({ field: null, message: 'The server refused the VM.' }));
});

const vm = (over: Record<string, unknown> = {}) => {
  const v: any = { id: 'v1', name: 'web-1', node: 'pve', vmid: null, address: '198.18.40.10', state: 'creating', step: 'create', code: null, error: null, cores: 2, memoryMb: 2048, diskGb: 32, template: 9000, iso: null, ...over };
  v.steps = stepStates(v.step, v.state);
  return v;
};

describe('vmSteps and the announcement', () => {
  it('while Proxmox clones: the address done, the task active, the rest pending', () => {
    const v = vm({ step: 'wait-create', vmid: 105 });
    expect(vmSteps(v)).toEqual([
      { key: 'allocate', label: 'Address allocated: 198.18.40.10', state: 'done' },
      { key: 'create', label: 'Creation asked', state: 'done' },
      { key: 'wait-create', label: 'Proxmox creating the VM', state: 'active' },
      { key: 'configure', label: 'Setting cloud-init and the disk', state: 'pending' },
      { key: 'start', label: 'Starting it', state: 'pending' },
      { key: 'wait-start', label: 'Proxmox starting the VM', state: 'pending' },
    ]);
    expect(vmAnnouncement(v)).toBe('Proxmox creating the VM…');
  });
  it('done: every step done, the address and VM id announced', () => {
    const v = vm({ step: 'wait-start', state: 'done', vmid: 105 });
    expect(vmSteps(v).map((s: any) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(vmSteps(v).at(-1).label).toBe('Running');
    expect(vmAnnouncement(v)).toBe('web-1 is running at 198.18.40.10 as VM 105 on pve');
  });
  it('failed at configure: that step failed, with Proxmox’s words and the code', () => {
    const v = vm({ step: 'configure', state: 'failed', vmid: 105, code: 'proxmox_bad_request', error: 'ipconfig0: invalid format', address: null });
    expect(vmSteps(v).map((s: any) => s.state)).toEqual(['done', 'done', 'done', 'failed', 'pending', 'pending']);
    expect(vmSteps(v)[0].label).toBe('Address allocated');
    expect(failureText(v)).toBe('Setting cloud-init and the disk failed: ipconfig0: invalid format (proxmox_bad_request)');
    expect(vmAnnouncement(v)).toBe('Failed: Setting cloud-init and the disk failed: ipconfig0: invalid format (proxmox_bad_request)');
  });
  it('the step’s id the server puts first is left out', () => {
    expect(failureText(vm({ step: 'wait-start', state: 'failed', code: 'proxmox_error', error: 'wait-start: start failed: QEMU exited with code 1' }))).toBe('Proxmox starting the VM failed: start failed: QEMU exited with code 1 (proxmox_error)');
  });
  it('failed with a code only', () => expect(failureText(vm({ step: 'allocate', state: 'failed', code: 'allocation_interrupted' }))).toBe('Allocating an address failed: allocation_interrupted'));
  it('not failed: no failure text', () => expect(failureText(vm())).toBe(''));
});

describe('sizeText and sourceText', () => {
  it.each([
    [{ cores: 1, memoryMb: 1024, diskGb: 16 }, '1 core · 1 GiB · 16 GB disk'],
    [{ cores: 4, memoryMb: 1536, diskGb: 64 }, '4 cores · 1536 MiB · 64 GB disk'],
  ])('%j', (over, text) => expect(sizeText(vm(over))).toBe(text));
  it.each([
    [{ template: 9000, iso: null }, 'template 9000'],
    [{ template: null, iso: 'local:iso/debian-12.iso' }, 'local:iso/debian-12.iso'],
  ])('%j', (over, text) => expect(sourceText(vm(over))).toBe(text));
});

describe('buildConnection', () => {
  const c = (over: Record<string, unknown> = {}) => ({ ...blankConnection(), name: 'lab', url: 'https://pve.lab:8006', tokenId: 'ipam@pve!edge', tokenSecret: 's3cret', ...over });
  it('without a fingerprint', () => expect(buildConnection(c())).toEqual({ body: { name: 'lab', url: 'https://pve.lab:8006', tokenId: 'ipam@pve!edge', tokenSecret: 's3cret' } }));
  it('with one', () => expect(buildConnection(c({ fingerprint: ' AB:CD ' }))).toMatchObject({ body: { fingerprint: 'AB:CD' } }));
  it.each([
    [{ name: '' }, 'name'],
    [{ url: 'https://' }, 'url'],
    [{ url: ' ' }, 'url'],
    [{ tokenId: '' }, 'tokenId'],
    [{ tokenSecret: '  ' }, 'tokenSecret'],
  ])('%j → %s', (over, field) => expect(buildConnection(c(over))).toMatchObject({ field }));
});
