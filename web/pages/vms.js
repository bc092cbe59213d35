// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { ProxmoxConnections } from '../components/proxmox-connections.js';
import { VmCard, VmList } from '../components/vm-card.js';
import { VmForm } from '../components/vm-form.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { useCan, useSession } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { useLiveThrottle } from '../lib/use-live-throttle.js';

/** The VM shown reloads on its live events at most this often, and polls while it is being created. */
const RELOAD_MS = 500;
const POLL_MS = 4000;

/** The VM chosen or just started (`?vm=`), followed step by step while it is being created. */
function CurrentVm({ id }) {
  const { data: vm, error, reload } = useData(() => api('GET', `/api/vms/${encodeURIComponent(id)}`), [id], { pollMs: 30_000 });
  useLiveThrottle('vm', (e) => e.vmId === id, reload, RELOAD_MS);
  const creating = vm?.state === 'creating';
  useEffect(() => {
    if (!creating) return;
    const poll = setInterval(() => document.visibilityState === 'visible' && reload(), POLL_MS);
    return () => clearInterval(poll);
  }, [creating, id]);
  if (error) return html`<p class="error" role="alert">${/** @type {any} */ (error).status === 404 ? `No VM ${id}.` : error.message}</p>`;
  if (!vm) return html`<p>Loading the VM…</p>`;
  return html`<${VmCard} vm=${vm} now=${Date.now()} />`;
}

/**
 * VMs (issue 16): create a Proxmox VM whose address the IPAM allocates and verifies, follow its steps, and the VMs
 * made so far with their hosts. Admins also keep the Proxmox connections here.
 */
export function Vms({ query }) {
  const { me } = useSession();
  const edit = useCan('editor');
  const admin = useCan('admin');
  const vmId = query.get('vm') ?? '';
  const targets = useData(() => (edit ? api('GET', '/api/proxmox/targets') : Promise.resolve({ connections: [] })), [edit], { pollMs: 300_000 });
  const subnets = useData(() => (edit ? api('GET', '/api/subnets') : Promise.resolve({ subnets: [] })), [edit], { events: ['subnets'], pollMs: 120_000 });
  const list = useData(() => api('GET', '/api/vms?limit=50'), [], { pollMs: 60_000 });
  useLiveThrottle('vm', () => true, list.reload, 1500);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(tick);
  }, []);
  const open = (id) => setQuery({ vm: id });
  const started = (vm) => (open(vm.id), list.reload());
  const connections = targets.data?.connections ?? null;

  return html`<section class="operations-page vms-page">
    <h1>VMs</h1>
    ${me && !edit && html`<p class="notice">Only editors and admins can create VMs; you are ${me.role === 'admin' || me.role === 'editor' ? 'an' : 'a'} ${me.role}. The VMs made so far are below.</p>`}
    ${edit && (targets.error || subnets.error) && html`<p class="error" role="alert">${(targets.error ?? subnets.error)?.message}</p>`}
    ${edit && connections && !connections.length && html`<p class="notice" data-no-connection>No Proxmox connection yet. ${admin ? 'Add one under Proxmox connections below.' : 'Ask an admin to add one.'}</p>`}
    ${edit && connections?.length > 0 && subnets.data && html`<${VmForm} key=${connections.map((c) => c.id).join(',')} targets=${connections} subnets=${subnets.data.subnets} onStarted=${started} />`}
    ${edit && (!targets.data || !subnets.data) && !targets.error && !subnets.error && html`<p>Loading…</p>`}
    ${vmId && html`<section class="vm-current" aria-label="The VM"><${CurrentVm} key=${vmId} id=${vmId} /></section>`}
    <section aria-labelledby="vm-list-title">
      <h2 id="vm-list-title">Created through the IPAM</h2>
      <${VmList} vms=${list.data?.vms ?? null} error=${list.error} now=${now} onOpen=${open} selected=${vmId} />
    </section>
    ${admin && html`<${ProxmoxConnections} onChanged=${targets.reload} />`}
  </section>`;
}
