// @ts-check
import { api } from '../lib/api.js';
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { firstHopBadge, lossText, rttText, traceSummary } from '../lib/identity.js';
import { jobEnded } from '../lib/ports.js';
import { useCan } from '../lib/session.js';
import { useData } from '../lib/use-data.js';
import { TraceButton } from './trace-button.js';

/** `badge`: hop 1's badge (firstHopBadge), null when hop 1 is the target itself or did not answer. */
function HopTable({ trace, label, badge }) {
  return html`<div class="scroll-x" tabindex="0" role="region" aria-label=${`Path to ${label}`}><table class="trace-table">
    <caption class="sr-only">Hops to ${label}${badge ? `, the first is the ${badge}` : ''}</caption>
    <thead><tr><th scope="col">Hop</th><th scope="col">Address</th><th scope="col">Name</th><th scope="col"><abbr title="round-trip times">RTT</abbr></th><th scope="col">Loss</th></tr></thead>
    <tbody>${trace.hops.map(
      (h) => html`<tr key=${h.hop} data-hop=${h.hop} class=${h.loss > 0 ? 'lossy' : undefined}>
        <td class="num">${h.hop}${h.hop === 1 && badge && html` <span class="badge gateway" data-badge=${badge}>${badge}</span>`}</td>
        <td>${h.address ? html`<code>${h.address}</code>` : html`<span class="muted">* no answer</span>`}</td>
        <td class="name">${h.name ?? ''}</td><td class="num rtt">${rttText(h.rttMs)}</td><td class="num">${lossText(h.loss)}</td></tr>`,
    )}</tbody></table></div>`;
}

/** The drawer's Path section: the host's last traceroute (kept per host) and, for editors, "Trace". */
export function HostTrace({ host }) {
  const id = host.id;
  const { data, error, reload } = useData(() => api('GET', `/api/hosts/${id}/trace`), [id], {
    events: ['job'],
    accept: (e) => e.kind === 'traceroute' && !!e.hostIds?.includes(id) && (e.state === 'queued' || jobEnded(e.state)),
  });
  const edit = useCan('editor');
  // the tracing probe's network names its default gateways, for hop 1's badge
  const from = data?.trace?.probeId ?? null;
  const { data: probes, error: probesError } = useData(() => (from != null ? api('GET', '/api/probes') : Promise.resolve(null)), [from], { events: ['probe'] });
  const network = probes?.probes?.find((p) => p.id === from)?.network ?? null;
  // no badge until the probes are in (or failed): "gateway" would flip to "default gateway"
  const known = !!probes || !!probesError;
  const label = host.hostname || host.ip;
  let body;
  if (error) body = html`<p class="error" role="alert">Trace: ${error.message}</p>`;
  else if (!data) body = html`<p>Loading the last trace…</p>`;
  else if (!data.trace) body = html`<p class="muted">Not traced yet.</p>`;
  else {
    const t = data.trace;
    const took = t.durationMs != null ? `, ${(t.durationMs / 1000).toFixed(1)} s` : '';
    body = html`<p class="muted trace-summary">Traced <time datetime=${t.at} title=${new Date(t.at).toLocaleString()}>${ago(t.at)}</time>:${' '}<span class=${t.reached ? 'ok' : 'error'}>${traceSummary(t)}</span>${took}</p>
      ${t.hops.length > 0 ? html`<${HopTable} trace=${t} label=${label} badge=${known ? firstHopBadge(t, network) : null} />` : html`<p class="muted">No hop answered.</p>`}`;
  }
  return html`<section class="host-trace" aria-labelledby="trace-title">
    <h3 id="trace-title">Path</h3>
    ${edit && data && html`<div class="ports-head"><span></span><${TraceButton} host=${host} running=${data.job} onDone=${reload} /></div>`}
    ${body}
  </section>`;
}
