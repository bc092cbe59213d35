// @ts-check
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../components/confirm.js';
import { CopyBlock } from '../components/copy.js';
import { Dot } from '../components/status.js';
import { api } from '../lib/api.js';
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { gatewayTexts } from '../lib/identity.js';
import { probeRuns } from '../lib/ports.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';

/** The once-only token, with commands ready to paste on the machine that will run the probe. */
function Enrolled({ probe, onDismiss }) {
  const server = location.origin;
  const node = `# on the probe's machine, in a copy of edge-ipam (Node 20+, ping and nmap installed)\nnpm install\nnpm run probe -- --server ${server} --token ${probe.token}`;
  const container = `# in a copy of edge-ipam\ndocker build -f probe/Dockerfile -t edge-ipam-probe .\ndocker run -d --name eipam-probe --network host --cap-add NET_RAW \\\n  -e SERVER_URL=${server} -e PROBE_TOKEN=${probe.token} \\\n  -v eipam-probe:/var/lib/edge-ipam-probe edge-ipam-probe`;
  return html`<div class="enrolled" role="region" aria-label="New probe token">
    <p><strong>${probe.name}</strong> is enrolled. Its token is shown <strong>only this once</strong>:</p>
    <code class="token" data-token>${probe.token}</code>
    <${CopyBlock} label="Run with Node" text=${node} />
    <${CopyBlock} label="Run the container" text=${container} />
    <button type="button" onClick=${onDismiss}>I have saved it</button>
  </div>`;
}

/** The probe's default gateways and, folded, its interfaces, as its hello reported them; "not reported" before 0.4. */
function Network({ probe }) {
  const n = probe.network;
  if (!n) return html`<span class="muted">not reported</span>`;
  const gateways = gatewayTexts(n);
  return html`<div class="probe-network">
    <div data-gateways>${gateways.length ? html`<span class="muted">gateway</span> ${gateways.join(', ')}` : html`<span class="muted">no default gateway</span>`}</div>
    ${n.interfaces.length > 0 &&
    html`<details><summary>${n.interfaces.length} ${n.interfaces.length === 1 ? 'interface' : 'interfaces'}<span class="sr-only"> of ${probe.name}</span></summary>
      <ul>${n.interfaces.map(
        (i) => html`<li key=${i.name} data-interface=${i.name}><strong>${i.name}</strong>${i.mac ? html` <code class="mac">${i.mac}</code>` : ''}
          ${i.addresses.length ? ` ${i.addresses.join(', ')}` : html` <span class="muted">no address</span>`}</li>`,
      )}</ul></details>`}
  </div>`;
}

export function Probes() {
  const { data, error, reload } = useData(() => api('GET', '/api/probes'), [], { events: ['probe'] });
  const [created, setCreated] = useState(/** @type {any} */ (null));
  const [formError, setFormError] = useState('');
  const admin = useCan('admin');
  const enrol = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    try {
      setCreated(await api('POST', '/api/probes', { name: f.get('name'), site: f.get('site') || undefined }));
      setFormError('');
      form.reset();
      reload();
    } catch (err) {
      setFormError(err.message);
    }
  };
  return html`<section>
    <h1>Probes</h1>
    ${admin &&
    html`<form class="inline add" onSubmit=${enrol} aria-label="Enrol a probe">
      <div class="field"><label for="probe-name">Name</label><input id="probe-name" name="name" required aria-describedby="probe-error" /></div>
      <div class="field"><label for="probe-site">Site</label><input id="probe-site" name="site" /></div>
      <div class="field"><span class="label-gap" aria-hidden="true"> </span><button>Enrol probe</button></div>
      <span id="probe-error" class="error" role="alert">${formError}</span>
    </form>`}
    ${created && html`<${Enrolled} probe=${created} onDismiss=${() => setCreated(null)} />`}
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${data &&
    html`<div class="scroll-x"><table class="probes">
      <thead><tr><th scope="col">Name</th><th scope="col">Site</th><th scope="col">Status</th><th scope="col">Version · runs</th><th scope="col">Last seen</th><th scope="col">Subnets</th><th scope="col">Network</th>${admin && html`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>${data.probes.map(
        (p) => html`<tr key=${p.id} data-probe=${p.name}>
          <td>${p.name}${p.isLocal ? html` <span class="badge">local</span>` : ''}</td><td>${p.site}</td>
          <td><${Dot} on=${p.connected} /></td><td class="probe-runs" title=${p.rawSockets == null ? undefined : p.rawSockets ? 'has raw sockets (SYN scans)' : 'no raw sockets (connect scans)'}>${probeRuns(p.version, p.kinds)}</td><td>${ago(p.lastSeenAt)}</td><td class="num">${p.subnetCount}</td><td class="network"><${Network} probe=${p} /></td>
          ${admin && html`<td><${ConfirmButton} label="Revoke…" name=${p.name} question=${`Revoke ${p.name}?`} action="Revoke"
            onConfirm=${() => api('DELETE', `/api/probes/${p.id}`).then(reload)} /></td>`}</tr>`,
      )}</tbody>
    </table></div>`}
  </section>`;
}
