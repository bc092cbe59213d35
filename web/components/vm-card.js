// @ts-check
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { failureText, sizeText, sourceText, vmAnnouncement, vmSteps } from '../lib/vms.js';

/** The VM's address, linked to its reserved host in the subnet's view while the host holds it. */
export function HostLink({ vm }) {
  if (!vm.address) return html`<span class="muted">—</span>`;
  if (vm.hostId == null || vm.subnetId == null) return html`<code>${vm.address}</code>${vm.state === 'failed' ? html` <span class="muted">(released)</span>` : ''}`;
  return html`<a href=${`#/subnets/${vm.subnetId}?host=${vm.hostId}`} data-host-link>${vm.address}</a>`;
}

/** The VM in the Proxmox web UI, once it has an id. */
export function ProxmoxLink({ vm }) {
  if (!vm.link) return null;
  return html`<a href=${vm.link} target="_blank" rel="noopener noreferrer" data-proxmox-link>VM ${vm.vmid} on ${vm.node}</a>`;
}

/**
 * One VM being created or made: its steps (the address, Proxmox's clone or create and its task, cloud-init and the
 * disk, the start and its task), the step it failed at with Proxmox's words, its host and its Proxmox link.
 * @param {{ vm: any, now: number }} props
 */
export function VmCard({ vm, now }) {
  return html`<article class=${`op-run vm-card state-${vm.state}`} data-vm=${vm.id} data-state=${vm.state} aria-labelledby=${`vm-${vm.id}`}>
    <div class="op-run-head">
      <h3 id=${`vm-${vm.id}`}>${vm.name}</h3>
      <span class=${`run-state ${vm.state === 'creating' ? 'running' : vm.state}`}>${vm.state}</span>
      <span class="muted took">${vm.connection.name ?? 'removed connection'} · ${vm.node} · ${sourceText(vm)} · ${sizeText(vm)} · ${vm.bridge} · ${ago(vm.createdAt, now)}</span>
    </div>
    <ol class="traffic-steps vm-steps">${vmSteps(vm).map((s) => html`<li key=${s.key} class=${`step-${s.state}`} data-step=${s.key} data-step-state=${s.state}>${s.label}</li>`)}</ol>
    <p class="op-progress" role="status" aria-live="polite" data-progress>${vmAnnouncement(vm)}</p>
    ${vm.state === 'failed' && html`<p class="error op-error" data-failure>${failureText(vm)}${vm.hostId == null && vm.address ? `. ${vm.address} was released.` : ''}</p>`}
    <p class="op-address">Address: <${HostLink} vm=${vm} />${vm.link && html` · <${ProxmoxLink} vm=${vm} />`}</p>
  </article>`;
}

/**
 * VMs created through the IPAM, newest first: the name (opens it above the list), state, node and VM id, the
 * address with its host link, who asked and when.
 * @param {{ vms: any[] | null, error: Error | null, now: number, onOpen: (id: string) => void, selected: string }} props
 */
export function VmList({ vms, error, now, onOpen, selected }) {
  if (error) return html`<p class="error" role="alert">VMs: ${error.message}</p>`;
  if (!vms) return html`<p>Loading the VMs…</p>`;
  if (!vms.length) return html`<p class="muted" data-empty>No VM has been created through the IPAM yet.</p>`;
  return html`<table class="vm-list">
    <caption class="sr-only">VMs created through the IPAM</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Proxmox</th><th scope="col">Address</th><th scope="col">Size</th><th scope="col">By</th><th scope="col">Created</th></tr></thead>
    <tbody>${vms.map(
      (vm) => html`<tr key=${vm.id} data-vm-row=${vm.id} aria-current=${vm.id === selected ? 'true' : undefined}>
        <td><a href=${`#/vms?vm=${encodeURIComponent(vm.id)}`} onClick=${(e) => (e.preventDefault(), onOpen(vm.id))}>${vm.name}</a></td>
        <td><span class=${`run-state ${vm.state === 'creating' ? 'running' : vm.state}`} title=${vm.state === 'failed' ? failureText(vm) : undefined}>${vm.state}</span>${vm.state === 'failed' && html` <span class="muted">at ${vm.step}</span>`}</td>
        <td>${vm.link ? html`<${ProxmoxLink} vm=${vm} />` : html`${vm.node}${vm.vmid != null ? ` · ${vm.vmid}` : ''}`}</td>
        <td><${HostLink} vm=${vm} /></td>
        <td class="nowrap">${sizeText(vm)}</td>
        <td>${vm.requestedBy ?? '—'}</td>
        <td class="nowrap" title=${vm.createdAt}>${ago(vm.createdAt, now)}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}
