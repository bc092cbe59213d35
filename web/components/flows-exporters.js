// @ts-check
import { ago, grouped } from '../lib/format.js';
import { dropList, dropReasonText, exporterStale, samplingText, versionsText } from '../lib/flows.js';
import { html } from '../lib/html.js';

const when = (t) => html`<time datetime=${t} title=${new Date(t).toLocaleString()}>${ago(t)}</time>`;

function Counter({ label, value, name }) {
  return html`<div data-counter=${name}><dt>${label}</dt><dd>${value}</dd></div>`;
}

/**
 * The routers and firewalls exporting to the probes (GET /api/netflow/exporters), with their collector counters
 * since the probe's collector started; one not heard from for five minutes is marked stale.
 */
export function FlowExporters({ exporters, now = Date.now() }) {
  if (exporters.length === 0) return html`<p class="muted">No exporter has sent flows to a probe yet.</p>`;
  return html`<div class="exporters">${exporters.map((e) => {
    const stale = exporterStale(e, now);
    const drops = dropList(e.drops);
    return html`<article key=${`${e.probeId}-${e.address}`} class=${`exporter${stale ? ' stale' : ''}`} data-exporter=${e.address}
        aria-label=${`Exporter ${e.address}`}>
      <p class="exporter-head"><code>${e.address}</code> <span class="muted">to ${e.probeName ?? `probe ${e.probeId}`}</span>${' '}
        ${versionsText(e.versions) && html`<span class="chip">${versionsText(e.versions)}</span> `}
        ${stale ? html`<span class="badge stale" data-stale>stale</span> ` : ''}
        <span class="muted">last seen ${when(e.lastSeenAt)}</span></p>
      <dl class="counters">
        <${Counter} name="packets" label="Packets" value=${grouped(e.packets)} />
        <${Counter} name="flows" label="Flows" value=${grouped(e.flows)} />
        <${Counter} name="drops" label="Drops" value=${grouped(drops.total)} />
        <${Counter} name="templates" label="Templates" value=${grouped(e.templates)} />
        <${Counter} name="sequenceGaps" label="Sequence gaps" value=${grouped(e.sequenceGaps)} />
        <${Counter} name="sampling" label="Sampling" value=${samplingText(e.samplingRate)} />
      </dl>
      ${drops.total > 0 &&
      html`<p class="drops" data-drops><span class="muted">Dropped:</span> ${drops.list.map(([reason, n], i) => html`${i ? ', ' : ''}<span data-reason=${reason}>${dropReasonText(reason)} ${grouped(n)}</span>`)}</p>`}
      ${e.pending > 0 && html`<p class="muted">${grouped(e.pending)} data sets waiting for their template</p>`}
    </article>`;
  })}</div>`;
}
