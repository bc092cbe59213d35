// @ts-check
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { hostOperationsHref } from '../lib/operations.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';

/**
 * The host drawer's "Ping / mtr / trace…": the Operations form with the host's address and its subnet's probe
 * (editors; viewers cannot start operations). Until the subnet is read the link names no probe.
 * @param {{ host: { ip: string, subnetId: number, hostname?: string | null } }} props
 */
export function HostOperationsLink({ host }) {
  const edit = useCan('editor');
  const { data } = useData(() => (edit ? api('GET', `/api/subnets/${host.subnetId}`) : Promise.resolve(null)), [host.subnetId, edit], { events: ['subnets'] });
  if (!edit) return null;
  return html`<p class="op-host-link"><a href=${hostOperationsHref(host.ip, data?.probeId ?? null)} data-operations-link>Ping / mtr / trace…<span class="sr-only"> ${host.hostname || host.ip} from its probe</span></a></p>`;
}
