// @ts-check
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { useData } from '../lib/use-data.js';
import { blankForm, buildRequest, LIMITS, refusalOf, templatesOn } from '../lib/vms.js';

const FIELD_ID = {
  proxmox: '#vm-proxmox', node: '#vm-node', template: '#vm-template', iso: '#vm-iso', name: '#vm-name', cores: '#vm-cores', memoryMb: '#vm-memory',
  diskGb: '#vm-disk', bridge: '#vm-bridge', storage: '#vm-storage', subnetId: '#vm-subnet', verify: '#vm-verify',
};

const subnetLabel = (s) => `${s.cidr}${s.name ? ` · ${s.name}` : ''}${s.gateway ? '' : ' (no gateway)'}`;

/**
 * Create a VM (editors): the connection, then its nodes and templates read live from the cluster (typed in when the
 * cluster cannot be read), the template or an ISO, the size, the bridge, the subnet the address comes from and
 * whether the probe checks it first. A refusal is shown at its field, which gets the focus; on 202 `onStarted(vm)`.
 * @param {{ targets: { id: number, name: string }[], subnets: any[], onStarted: (vm: any) => void }} props
 */
export function VmForm({ targets, subnets, onStarted }) {
  const [form, setForm] = useState(() => ({ ...blankForm(), proxmox: targets[0] ? String(targets[0].id) : '' }));
  const [problem, setProblem] = useState(/** @type {{ field: string | null, message: string }} */ ({ field: null, message: '' }));
  const [sending, setSending] = useState(false);
  const root = useRef(/** @type {HTMLFormElement | null} */ (null));
  const set = (changes) => setForm((f) => ({ ...f, ...changes }));
  const inventory = useData(() => (form.proxmox ? api('GET', `/api/proxmox/connections/${form.proxmox}/inventory`) : Promise.resolve(null)), [form.proxmox], { pollMs: 300_000 });
  const inv = inventory.data;
  const templates = templatesOn(inv, form.node);
  // the cluster's first node and that node's first template are the defaults, once the cluster has answered
  useEffect(() => {
    if (!inv) return;
    setForm((f) => {
      const node = inv.nodes.includes(f.node) ? f.node : inv.nodes[0] ?? '';
      const on = templatesOn(inv, node);
      return { ...f, node, template: on.some((t) => String(t.vmid) === f.template) ? f.template : on[0] ? String(on[0].vmid) : '' };
    });
  }, [inv]);
  useLayoutEffect(() => {
    if (problem.field) /** @type {HTMLElement | null} */ (root.current?.querySelector(FIELD_ID[problem.field] ?? '#vm-proxmox'))?.focus();
  }, [problem]);

  const submit = async (e) => {
    e.preventDefault();
    if (sending) return;
    const built = buildRequest(form);
    if ('error' in built) return setProblem({ field: built.field, message: built.error });
    setProblem({ field: null, message: '' });
    setSending(true);
    try {
      onStarted(await api('POST', '/api/vms', built.body));
    } catch (err) {
      setProblem(refusalOf(err, form.source));
    } finally {
      setSending(false);
    }
  };

  const errorFor = (field) => (problem.field === field ? problem.message : '');
  const aria = (id, field) => ({ id, name: field, 'aria-invalid': errorFor(field) ? 'true' : undefined, 'aria-describedby': `${id}-error` });
  const err = (id, field) => html`<span id=${`${id}-error`} class="error">${errorFor(field)}</span>`;
  const text = (id, field, label, { hint = '', placeholder = '', max = 64 } = {}) =>
    html`<div class="field"><label for=${id}>${label}${hint && html` <span class="muted">(${hint})</span>`}</label>
      <input ...${aria(id, field)} value=${form[field]} maxlength=${max} autocomplete="off" spellcheck=${false} placeholder=${placeholder} onInput=${(e) => set({ [field]: e.currentTarget.value })} />
      ${err(id, field)}</div>`;
  const number = (id, field, label, unit) =>
    html`<div class="field op-num"><label for=${id}>${label}${unit && html` <span class="muted">(${unit})</span>`}</label>
      <input ...${aria(id, field)} type="number" inputmode="numeric" min=${LIMITS[field].min} max=${LIMITS[field].max} step="1" value=${form[field]} onInput=${(e) => set({ [field]: e.currentTarget.value })} />
      ${err(id, field)}</div>`;
  const select = (id, field, label, options, empty) => {
    const known = options.some((o) => o.value === form[field]);
    return html`<div class="field"><label for=${id}>${label}</label>
      <select ...${aria(id, field)} value=${known ? form[field] : ''} onChange=${(e) => set({ [field]: e.currentTarget.value })}>
        ${!known && html`<option value="">${options.length ? 'Choose…' : empty}</option>`}
        ${options.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
      </select>${err(id, field)}</div>`;
  };
  const loading = form.proxmox && !inv && !inventory.error;
  // when the cluster cannot be read the node and template are typed in: the server checks them with Proxmox anyway
  const typed = !!inventory.error;

  return html`<form class="op-form vm-form" ref=${root} onSubmit=${submit} aria-label="Create a VM" novalidate>
    <div class="op-params">
      ${select('vm-proxmox', 'proxmox', 'Proxmox', targets.map((t) => ({ value: String(t.id), label: t.name })), 'No connection')}
      ${typed
        ? text('vm-node', 'node', 'Node', { placeholder: 'pve' })
        : select('vm-node', 'node', 'Node', (inv?.nodes ?? []).map((n) => ({ value: n, label: n })), loading ? 'Reading the cluster…' : 'No node')}
    </div>
    ${inventory.error && html`<p class="warning soft" data-inventory-error>The cluster’s nodes and templates could not be read: ${inventory.error.message}. Type them in, or ask an admin to test the connection.</p>`}
    <fieldset class="field vm-source"><legend>From</legend>
      <div class="op-from-choices">
        <label><input type="radio" name="source" value="template" checked=${form.source === 'template'} onChange=${() => set({ source: 'template' })} /> a template (full clone)</label>
        <label><input type="radio" name="source" value="iso" checked=${form.source === 'iso'} onChange=${() => set({ source: 'iso' })} /> an ISO</label>
      </div>
      ${form.source === 'iso'
        ? text('vm-iso', 'iso', 'ISO volume', { placeholder: 'local:iso/debian-12.iso', max: 270 })
        : typed
          ? text('vm-template', 'template', 'Template’s VM id', { placeholder: '9000', max: 9 })
          : select('vm-template', 'template', 'Template', templates.map((t) => ({ value: String(t.vmid), label: `${t.name} (${t.vmid})` })), loading ? 'Reading the cluster…' : `No template on ${form.node || 'this node'}`)}
    </fieldset>
    <div class="op-params">
      ${text('vm-name', 'name', 'Name', { placeholder: 'web-1', max: 63 })}
      ${number('vm-cores', 'cores', 'Cores', '')}
      ${number('vm-memory', 'memoryMb', 'Memory', 'MiB')}
      ${number('vm-disk', 'diskGb', 'Disk', 'GB')}
      ${text('vm-bridge', 'bridge', 'Bridge', { placeholder: 'vmbr0', max: 15 })}
      ${text('vm-storage', 'storage', 'Storage', { hint: 'optional', placeholder: form.source === 'iso' ? 'local-lvm' : 'the template’s' })}
    </div>
    <div class="op-params">
      ${select('vm-subnet', 'subnetId', 'Address from', subnets.map((s) => ({ value: String(s.id), label: subnetLabel(s) })), 'No subnet')}
      <div class="field check"><input type="checkbox" id="vm-verify" name="verify" checked=${form.verify} aria-describedby="vm-verify-error" onChange=${(e) => set({ verify: e.currentTarget.checked })} /><label for="vm-verify">Check the address is free first <span class="muted">(the subnet’s probe)</span></label>
        ${err('vm-verify', 'verify')}</div>
    </div>
    <div class="op-submit">
      <button type="submit" class="primary" aria-disabled=${sending ? 'true' : undefined}>${sending ? 'Allocating…' : 'Create VM'}</button>
      <span class="error" role="alert">${problem.field == null ? problem.message : ''}</span>
    </div>
  </form>`;
}
