// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { HostDrawer } from '../components/host-drawer.js';
import { PortChips } from '../components/port-chips.js';
import { Dot, StatusPill } from '../components/status.js';
import { api } from '../lib/api.js';
import { ago, latency } from '../lib/format.js';
import { html } from '../lib/html.js';
import { vendorText } from '../lib/identity.js';
import { portEventText } from '../lib/ports.js';
import { setQuery } from '../lib/router.js';
import { useData } from '../lib/use-data.js';

const PAGE = 100;

async function loadOverview() {
  const [summary, events, probes, subnets, tags, services] = await Promise.all([
    api('GET', '/api/summary'),
    api('GET', '/api/events?limit=15'),
    api('GET', '/api/probes'),
    api('GET', '/api/subnets'),
    api('GET', '/api/tags'),
    api('GET', '/api/services'),
  ]);
  return { summary, events: events.events, probes: probes.probes, subnets: subnets.subnets, tags: tags.tags, services: services.services };
}

function hostsQuery(query, limit) {
  const p = new URLSearchParams({ limit: String(limit) });
  for (const k of ['q', 'status', 'subnetId', 'tag', 'service', 'port', 'previouslyUsed']) if (query.get(k)) p.set(k, /** @type {string} */ (query.get(k)));
  return `/api/hosts?${p}`;
}

/** The current dashboard URL with the drawer open on one host, so the link can be shared. */
function hostHref(query, id) {
  const p = new URLSearchParams(query);
  p.set('host', String(id));
  return `#/?${p}`;
}

function Counts({ summary }) {
  const h = summary.hosts;
  const card = (status, n, label) =>
    html`<a class=${`card ${status}`} href=${`#/?status=${status}`} title=${`Show the ${label} hosts`}><strong>${n}</strong><span>${label}</span></a>`;
  return html`<div class="cards">
    ${card('up', h.up, 'alive')}${card('down', h.down, 'down')}${card('unknown', h.unknown, 'unknown')}
    ${h.previouslyUsed > 0 &&
    html`<a class="card previously-used" href="#/?previouslyUsed=true" title="Show the hosts silent past the threshold, their addresses offered again"><strong>${h.previouslyUsed}</strong><span>previously used</span></a>`}
    <a class="card" href="#/subnets"><strong>${h.total}</strong><span>hosts in ${summary.subnets.total} ${summary.subnets.total === 1 ? 'subnet' : 'subnets'}</span></a>
  </div>`;
}

function Filters({ query, subnets, tags, services }) {
  const set = (k) => (e) => setQuery({ [k]: e.currentTarget.value }, { replace: true });
  const service = query.get('service') ?? '';
  // a service from a shared link that no host has any more stays selectable, so the select shows what filters
  const known = !service || services.some((s) => s.service === service);
  return html`<form class="toolbar sticky" role="search" aria-label="Filter hosts" onSubmit=${(e) => e.preventDefault()}>
    <label>Search <input type="search" name="q" value=${query.get('q') ?? ''} placeholder="IP, hostname, tag, MAC or vendor" title="An address, a hostname, a tag, a MAC (whole or its first bytes) or a vendor name" onInput=${set('q')} /></label>
    <label>Status <select name="status" value=${query.get('status') ?? ''} onChange=${set('status')}>
      <option value="">any</option><option value="up">up</option><option value="down">down</option><option value="unknown">unknown</option></select></label>
    <label>Subnet <select name="subnetId" value=${query.get('subnetId') ?? ''} onChange=${set('subnetId')}>
      <option value="">any</option>${subnets.map((s) => html`<option value=${s.id}>${s.cidr}${s.name ? ` ${s.name}` : ''}</option>`)}</select></label>
    <label>Tag <select name="tag" value=${query.get('tag') ?? ''} onChange=${set('tag')}>
      <option value="">any</option>${tags.map((t) => html`<option value=${t.tag}>${t.tag} (${t.count})</option>`)}</select></label>
    <label>Open service <select name="service" value=${service} onChange=${set('service')}>
      <option value="">any</option>${services.map((s) => html`<option value=${s.service}>${s.service} (${s.hosts})</option>`)}
      ${!known && html`<option value=${service}>${service} (0)</option>`}</select></label>
    <label>Previously used <select name="previouslyUsed" value=${query.get('previouslyUsed') ?? ''} onChange=${set('previouslyUsed')}>
      <option value="">shown</option><option value="true">only</option><option value="false">hidden</option></select></label>
  </form>`;
}

function HostList({ query }) {
  const [limit, setLimit] = useState(PAGE);
  const key = hostsQuery(query, limit);
  useEffect(() => setLimit(PAGE), [hostsQuery(query, PAGE)]);
  // a ports event matters for the hosts shown, or for any host when filtering by service or port
  const { data, error } = useData(() => api('GET', key), [key], {
    events: ['hosts', 'ports', 'macs'],
    accept: (e) => !e.hostIds || !!query.get('service') || !!query.get('port') || !data || data.hosts.some((h) => e.hostIds.includes(h.id)),
  });
  if (error) return html`<p class="error" role="alert">${error.message}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  if (data.total === 0) return html`<p class="muted">No host matches these filters.</p>`;
  return html`<div class="scroll-x"><table class="hosts-found">
      <caption class="muted">${data.hosts.length < data.total ? `First ${data.hosts.length} of ${data.total} hosts` : `${data.total} hosts`}</caption>
      <thead><tr><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Latency</th><th scope="col">Hostname</th><th scope="col" class="c-device">MAC · vendor</th><th scope="col">Tags</th><th scope="col">Ports</th><th scope="col">Last seen</th></tr></thead>
      <tbody>${data.hosts.map(
        (h) => html`<tr key=${h.id} data-ip=${h.ip}>
          <td><a href=${hostHref(query, h.id)}>${h.ip}</a></td>
          <td><${StatusPill} status=${h.status} changedAt=${h.lastChangeAt} /></td><td class="num">${h.status === 'up' ? latency(h.latencyMs) : ''}</td>
          <td>${h.hostname ?? ''}${h.previouslyUsed ? html` <span class="badge previously-used">previously used</span>` : ''}</td>
          <td class="c-device">${h.mac ? html`<code class="mac">${h.mac}</code> <span class="muted">${vendorText(h.vendor, h.macRandom)}</span>` : ''}</td><td>${h.tags.map((t) => html`<span class="chip">${t}</span>`)}</td>
          <td class="ports-cell"><${PortChips} ports=${h.ports} status=${h.status} lastSeenAt=${h.lastSeenAt} /></td><td>${ago(h.lastSeenAt)}</td></tr>`,
      )}</tbody></table></div>
    ${data.hosts.length < data.total && html`<button type="button" onClick=${() => setLimit(Math.min(500, limit + PAGE))} disabled=${limit >= 500}>Show more</button>`}`;
}

export function Dashboard({ query }) {
  const { data, error } = useData(loadOverview, [], { events: ['hosts', 'ports', 'probe', 'subnets'] });
  const hostId = query.get('host');
  if (error) return html`<p class="error" role="alert">${error.message}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  return html`<section class=${`dashboard${hostId ? ' with-drawer' : ''}`}>
    <h1 class="sr-only">Dashboard</h1>
    <${Counts} summary=${data.summary} />
    <div class="columns">
      <div class="main-col">
        <h2>Hosts</h2>
        <${Filters} query=${query} subnets=${data.subnets} tags=${data.tags} services=${data.services} />
        <${HostList} query=${query} />
      </div>
      <div class="side-col">
        <h2>Recent changes</h2>
        ${data.events.length === 0
          ? html`<p class="muted">Nothing has changed yet.</p>`
          : html`<ol class="changes">${data.events.map((e) =>
              e.kind === 'port'
                ? html`<li key=${`p${e.id}`} data-change=${e.change}><a href=${`#/?host=${e.hostId}`}>${e.ip}</a> <span class=${`change ${e.change}`}>${portEventText(e)}</span>
                    <span class="muted"><time datetime=${e.at}>${ago(e.at)}</time></span></li>`
                : html`<li key=${`s${e.id}`}><a href=${`#/?host=${e.hostId}`}>${e.ip}</a> <${StatusPill} status=${e.to} changedAt=${e.at} />
                    <span class="muted">from ${e.from}, <time datetime=${e.at}>${ago(e.at)}</time></span></li>`,
            )}</ol>`}
        <h2>Probes</h2>
        <ul class="probe-list">${data.probes.map(
          (p) => html`<li key=${p.id}><span>${p.name}</span> <${Dot} on=${p.connected} /> <span class="muted">${p.subnetCount} ${p.subnetCount === 1 ? 'subnet' : 'subnets'}, seen ${ago(p.lastSeenAt)}</span></li>`,
        )}</ul>
        ${data.probes.length === 0 && html`<p class="muted">No probes: <a href="#/probes">enrol one</a>.</p>`}
      </div>
    </div>
    ${hostId && html`<${HostDrawer} hostId=${hostId} onClose=${() => setQuery({ host: null })} />`}
  </section>`;
}
