// @ts-check
// The VMs page's pure parts: the form's request (validated as the server validates), refusals → fields, the
// steps of a VM's creation as people read them, and the admin's connection form.
import { wholeNumber } from './form-values.js';

/** The server's rules (worker/proxmox/params.ts; web/lib/vms.test.ts checks they are the same). */
export const NAMES = {
  node: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
  name: /^(?=.{1,63}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
  bridge: /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/,
  storage: /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,
  iso: /^[A-Za-z][A-Za-z0-9_.-]{0,63}:iso\/[A-Za-z0-9][A-Za-z0-9_.+-]{0,200}$/,
};

export const LIMITS = {
  template: { min: 100, max: 999_999_999 },
  cores: { min: 1, max: 128 },
  memoryMb: { min: 64, max: 4_194_304 },
  diskGb: { min: 1, max: 65_536 },
};

export function blankForm() {
  return { proxmox: '', node: '', source: 'template', template: '', iso: '', name: '', cores: '1', memoryMb: '1024', diskGb: '16', bridge: 'vmbr0', storage: '', subnetId: '', verify: true };
}

/**
 * The POST /api/vms body from the form, or the first field at fault with a message (the server's rules, so what
 * the form sends is what the server takes).
 * @returns {{ body: any } | { field: string, error: string }}
 */
export function buildRequest(form) {
  if (!/^\d+$/.test(form.proxmox)) return { field: 'proxmox', error: 'Choose the Proxmox connection.' };
  const node = String(form.node).trim();
  if (!NAMES.node.test(node)) return { field: 'node', error: 'Choose the node the VM runs on.' };
  const body = /** @type {any} */ ({ proxmox: Number(form.proxmox), node });
  if (form.source === 'iso') {
    const iso = String(form.iso).trim();
    if (!NAMES.iso.test(iso)) return { field: 'iso', error: 'An ISO volume is storage:iso/file, like local:iso/debian-12.iso.' };
    body.iso = iso;
  } else {
    const template = wholeNumber(form.template, 'template', 'The template’s VM id', LIMITS.template);
    if ('error' in template) return { field: 'template', error: String(form.template).trim() ? template.error : 'Choose a template to clone.' };
    body.template = template.value;
  }
  const name = String(form.name).trim();
  if (!name) return { field: 'name', error: 'Enter the VM’s name.' };
  if (!NAMES.name.test(name)) return { field: 'name', error: 'A VM name is a DNS name: letters, digits and hyphens, dots between labels, up to 63 characters.' };
  body.name = name;
  for (const [field, label] of /** @type {const} */ ([['cores', 'Cores'], ['memoryMb', 'Memory'], ['diskGb', 'Disk']])) {
    const n = wholeNumber(form[field], field, label, LIMITS[field]);
    if ('error' in n) return n;
    body[field] = n.value;
  }
  const bridge = String(form.bridge).trim();
  if (!NAMES.bridge.test(bridge)) return { field: 'bridge', error: 'A bridge is a Linux interface name, like vmbr0.' };
  body.bridge = bridge;
  const storage = String(form.storage ?? '').trim();
  if (storage) {
    if (!NAMES.storage.test(storage)) return { field: 'storage', error: 'A storage id starts with a letter: letters, digits, _ . and -.' };
    body.storage = storage;
  }
  if (!/^\d+$/.test(form.subnetId)) return { field: 'subnetId', error: 'Choose the subnet the VM’s address comes from.' };
  body.subnetId = Number(form.subnetId);
  body.verify = !!form.verify;
  return { body };
}

/** Templates on the chosen node, by name. */
export function templatesOn(inventory, node) {
  return (inventory?.templates ?? []).filter((t) => t.node === node).sort((a, b) => a.name.localeCompare(b.name) || a.vmid - b.vmid);
}

/** Codes of the allocation that are about the subnet, and those the probe's check gives (verify: false avoids them). */
const SUBNET_CODES = ['subnet_full', 'no_gateway', 'not_found'];
const CHECK_CODES = ['no_probe', 'probe_offline', 'unsupported_by_probe', 'verify_timeout', 'verify_failed'];
const ISSUE_FIELD = { proxmox: 'proxmox', node: 'node', template: 'template', iso: 'iso', name: 'name', cores: 'cores', memoryMb: 'memoryMb', diskGb: 'diskGb', bridge: 'bridge', storage: 'storage', subnetId: 'subnetId' };

/**
 * The server's refusal as { field, message }: the field its `details.field` names, the first invalid field of a 400
 * invalid_request, the subnet for the allocation's refusals, the check box for the probe's; null: the whole form.
 */
export function refusalOf(err, source = 'template') {
  const details = err?.details ?? {};
  const code = err?.code;
  if (code === 'forbidden' || err?.status === 403) return { field: null, message: 'Only editors and admins can create VMs.' };
  let field = typeof details.field === 'string' ? details.field : null;
  if (!field && code === 'invalid_request' && Array.isArray(details.issues)) field = ISSUE_FIELD[String(details.issues[0]?.path ?? '').split('.')[0]] ?? null;
  if (!field && SUBNET_CODES.includes(code)) field = 'subnetId';
  if (!field && CHECK_CODES.includes(code)) field = 'verify';
  if (field === 'template' && source === 'iso') field = 'iso';
  return { field, message: err?.message || 'The server refused the VM.' };
}

const STEP_LABEL = {
  allocate: { running: 'Allocating an address', done: 'Address allocated', failed: 'Allocating an address' },
  create: { running: 'Asking Proxmox to create it', done: 'Creation asked', failed: 'Asking Proxmox to create it' },
  'wait-create': { running: 'Proxmox creating the VM', done: 'Created', failed: 'Proxmox creating the VM' },
  configure: { running: 'Setting cloud-init and the disk', done: 'Configured', failed: 'Setting cloud-init and the disk' },
  start: { running: 'Starting it', done: 'Start asked', failed: 'Starting it' },
  'wait-start': { running: 'Proxmox starting the VM', done: 'Running', failed: 'Proxmox starting the VM' },
};

/**
 * The VM's steps as the page lists them: each with its label and `pending`, `active`, `done` or `failed` (the
 * server's `running` is `active`, as on the Traffic page).
 * @returns {{ key: string, label: string, state: 'pending' | 'active' | 'done' | 'failed' }[]}
 */
export function vmSteps(vm) {
  return (vm.steps ?? []).map((s) => {
    const labels = STEP_LABEL[s.step] ?? { running: s.step, done: s.step, failed: s.step };
    const state = s.state === 'running' ? 'active' : s.state;
    const label = s.state === 'done' ? labels.done : labels.running;
    return { key: s.step, label: s.step === 'allocate' && s.state === 'done' && vm.address ? `${label}: ${vm.address}` : label, state };
  });
}

/** The failure in a line: the step, Proxmox's (or the IPAM's) words and the code. */
export function failureText(vm) {
  if (vm.state !== 'failed') return '';
  const step = STEP_LABEL[vm.step]?.failed ?? vm.step;
  // the server's error starts with the step's id ("wait-start: …"), which the label already says
  const words = vm.error?.startsWith(`${vm.step}: `) ? vm.error.slice(vm.step.length + 2) : vm.error;
  return `${step} failed: ${words || vm.code || 'no reason given'}${vm.code && words ? ` (${vm.code})` : ''}`;
}

/** The line the page announces (role=status). */
export function vmAnnouncement(vm) {
  if (vm.state === 'done') return `${vm.name} is running at ${vm.address}${vm.vmid != null ? ` as VM ${vm.vmid} on ${vm.node}` : ''}`;
  if (vm.state === 'failed') return `Failed: ${failureText(vm)}`;
  const active = vmSteps(vm).find((s) => s.state === 'active');
  return active ? `${active.label}…` : 'Starting…';
}

/** "2 cores · 2 GiB · 32 GB disk". */
export function sizeText(vm) {
  const mem = vm.memoryMb % 1024 === 0 ? `${vm.memoryMb / 1024} GiB` : `${vm.memoryMb} MiB`;
  return `${vm.cores} core${vm.cores === 1 ? '' : 's'} · ${mem} · ${vm.diskGb} GB disk`;
}

/** What the VM was made from: "template 9000" or the ISO volume. */
export const sourceText = (vm) => (vm.template != null ? `template ${vm.template}` : vm.iso ? vm.iso : '—');

export function blankConnection() {
  return { name: '', url: 'https://', tokenId: '', tokenSecret: '', fingerprint: '' };
}

/**
 * The POST /api/proxmox/connections body from the admin's form, or the first empty field. The server alone checks
 * the URL, token id and fingerprint's shapes (one rule, not two); its refusal names the field, shown there.
 * @returns {{ body: any } | { field: string, error: string }}
 */
export function buildConnection(form) {
  const name = String(form.name).trim();
  if (!name) return { field: 'name', error: 'Enter a name for the connection, like the cluster’s.' };
  const url = String(form.url).trim();
  if (!url || url === 'https://') return { field: 'url', error: 'The API’s origin, like https://pve.example.net:8006.' };
  const tokenId = String(form.tokenId).trim();
  if (!tokenId) return { field: 'tokenId', error: 'The API token’s id: user@realm!tokenname, like ipam@pve!edge.' };
  const tokenSecret = String(form.tokenSecret).trim();
  if (!tokenSecret) return { field: 'tokenSecret', error: 'Paste the secret Proxmox showed when the token was made.' };
  const fingerprint = String(form.fingerprint ?? '').trim();
  return { body: { name, url, tokenId, tokenSecret, ...(fingerprint ? { fingerprint } : {}) } };
}
