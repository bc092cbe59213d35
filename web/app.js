// @ts-check
// A first, minimal UI: log in, add subnets, watch hosts, enrol probes. No bundler: ES modules + import map.
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { api, ago } from './api.js';

const html = htm.bind(h);

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function Login({ onDone }) {
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await api('POST', '/api/auth/login', { username: f.get('username'), password: f.get('password') });
      onDone();
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<form class="inline" onSubmit=${submit} aria-label="Log in">
    <h1>edge-ipam</h1>
    <label>User <input name="username" autocomplete="username" value="admin" /></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" /></label>
    <button>Log in</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </form>`;
}

function Subnets() {
  const [subnets, setSubnets] = useState(/** @type {any[]} */ ([]));
  const [error, setError] = useState('');
  const load = () => api('GET', '/api/subnets').then((d) => setSubnets(d.subnets));
  useEffect(() => {
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, []);
  const add = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await api('POST', '/api/subnets', { cidr: f.get('cidr'), name: f.get('name') || undefined });
      setError('');
      e.target.reset();
      load();
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<section>
    <h2>Subnets</h2>
    <form class="inline" onSubmit=${add}>
      <label>CIDR <input name="cidr" placeholder="198.18.0.0/24" required aria-describedby="cidr-error" /></label>
      <label>Name <input name="name" /></label>
      <button>Add subnet</button>
      <span id="cidr-error" class="error" role="alert">${error}</span>
    </form>
    <table>
      <thead><tr><th>Subnet</th><th>Name</th><th>Up</th><th>Used</th><th>Probe</th></tr></thead>
      <tbody>${subnets.map((s) => html`<tr key=${s.id}>
        <td><a href=${`#/subnets/${s.id}`}>${s.cidr}</a></td><td>${s.name}</td><td>${s.upCount}</td>
        <td>${s.usedCount} / ${s.usable}</td><td>${s.probeId ?? '—'}</td></tr>`)}</tbody>
    </table>
  </section>`;
}

function SubnetView({ id }) {
  const [rows, setRows] = useState(/** @type {any[] | null} */ (null));
  const [subnet, setSubnet] = useState(/** @type {any} */ (null));
  const [note, setNote] = useState('');
  const load = () => Promise.all([api('GET', `/api/subnets/${id}`).then(setSubnet), api('GET', `/api/subnets/${id}/hosts`).then((d) => setRows(d.rows))]);
  useEffect(() => {
    load();
    const t = setInterval(load, 3000);
    return () => clearInterval(t);
  }, [id]);
  const scan = () => api('POST', `/api/subnets/${id}/scan`).then(() => setNote('Sweep requested'), (e) => setNote(e.message));
  if (!rows || !subnet) return html`<p>Loading…</p>`;
  return html`<section>
    <h2>${subnet.cidr} ${subnet.name}</h2>
    <p>${subnet.upCount} up of ${subnet.usedCount} used · <button onClick=${scan}>Scan now</button> ${note}</p>
    <table>
      <thead><tr><th>Address</th><th>Status</th><th>Latency</th><th>Hostname</th><th>Last seen</th></tr></thead>
      <tbody>${rows.map((r) =>
        r.kind === 'unused'
          ? html`<tr class="unused" key=${r.first}><td colspan="5">${r.first === r.last ? r.first : `${r.first} – ${r.last}`} (${r.count} unused)</td></tr>`
          : html`<tr key=${r.ip} data-ip=${r.ip}><td>${r.ip}</td><td><span class=${`pill ${r.status}`}>${r.status}</span></td>
              <td>${r.status === 'up' && r.latencyMs != null ? `${r.latencyMs.toFixed(2)} ms` : ''}</td><td>${r.hostname ?? ''}</td><td>${ago(r.lastSeenAt)}</td></tr>`,
      )}</tbody>
    </table>
  </section>`;
}

function Probes() {
  const [probes, setProbes] = useState(/** @type {any[]} */ ([]));
  const [created, setCreated] = useState(/** @type {any} */ (null));
  const load = () => api('GET', '/api/probes').then((d) => setProbes(d.probes));
  useEffect(() => void load(), []);
  const enrol = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    setCreated(await api('POST', '/api/probes', { name: f.get('name'), site: f.get('site') || undefined }));
    load();
  };
  return html`<section>
    <h2>Probes</h2>
    <form class="inline" onSubmit=${enrol}>
      <label>Name <input name="name" required /></label><label>Site <input name="site" /></label><button>Enrol probe</button>
    </form>
    ${created && html`<p>Token for ${created.name} (shown once):</p>
      <code class="token">npm run probe -- --server ${location.origin} --token ${created.token}</code>`}
    <table>
      <thead><tr><th>Name</th><th>Site</th><th>Connected</th><th>Last seen</th><th>Version</th></tr></thead>
      <tbody>${probes.map((p) => html`<tr key=${p.id}><td>${p.name}</td><td>${p.site}</td><td>${p.connected ? 'yes' : 'no'}</td><td>${ago(p.lastSeenAt)}</td><td>${p.version ?? ''}</td></tr>`)}</tbody>
    </table>
  </section>`;
}

function App() {
  const [me, setMe] = useState(/** @type {any} */ (undefined));
  const hash = useHash();
  const check = () => api('GET', '/api/auth/me').then(setMe, () => setMe(null));
  useEffect(() => void check(), []);
  if (me === undefined) return html`<p>Loading…</p>`;
  if (me === null) return html`<${Login} onDone=${check} />`;
  const subnet = /^#\/subnets\/(\d+)/.exec(hash);
  const logout = () => api('POST', '/api/auth/logout').then(() => setMe(null));
  return html`<header><strong>edge-ipam</strong><nav><a href="#/">Subnets</a><a href="#/probes">Probes</a><a href="/docs">API</a></nav>
      <button onClick=${logout}>Log out</button></header>
    ${subnet ? html`<${SubnetView} id=${subnet[1]} />` : hash === '#/probes' ? html`<${Probes} />` : html`<${Subnets} />`}`;
}

render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById('app')));
