// @ts-check
// The edge-ipam web UI: preact + htm as plain ES modules (import map in index.html), no bundler.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './lib/api.js';
import { html } from './lib/html.js';
import { useKeys } from './lib/keys.js';
import { startLive, stopLive, useLiveState } from './lib/live.js';
import { setQuery, useRoute } from './lib/router.js';
import { allows } from './lib/roles.js';
import { Session, useSession } from './lib/session.js';
import { applyContrast, savedContrast } from './lib/theme.js';
import { Account } from './pages/account.js';
import { Alerts } from './pages/alerts.js';
import { Audit } from './pages/audit.js';
import { Dashboard } from './pages/dashboard.js';
import { Flows } from './pages/flows.js';
import { Import } from './pages/import.js';
import { Login } from './pages/login.js';
import { Maintenance } from './pages/maintenance.js';
import { Operations, OperationView } from './pages/operations.js';
import { Traffic } from './pages/traffic.js';
import { Probes } from './pages/probes.js';
import { SubnetView } from './pages/subnet-view.js';
import { Subnets } from './pages/subnets.js';
import { Tokens } from './pages/tokens.js';
import { Tools } from './pages/tools.js';
import { Users } from './pages/users.js';
import { Vms } from './pages/vms.js';
import { Webhooks } from './pages/webhooks.js';

function LiveBadge() {
  const state = useLiveState();
  const text = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline';
  return html`<span class=${`live ${state}`} role="status" title="Live updates from the server">${text}</span>`;
}

function Header({ me, route, onLogout }) {
  const [contrast, setContrast] = useState(savedContrast());
  const current = (p) => (route.path === p || (p !== '/' && route.path.startsWith(p)) ? 'page' : undefined);
  const toggle = () => (applyContrast(!contrast), setContrast(!contrast));
  const admin = allows(me.role, 'admin');
  const editor = allows(me.role, 'editor');
  return html`<header class="top">
    <a class="skip" href="#main" onClick=${(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>Skip to content</a>
    <a class="brand" href="#/">edge-ipam</a>
    <nav aria-label="Main">
      <a href="#/" aria-current=${current('/')}>Dashboard</a>
      <a href="#/subnets" aria-current=${current('/subnets')}>Subnets</a>
      ${editor && html`<a href="#/import" aria-current=${current('/import')}>Import</a>`}
      <a href="#/flows" aria-current=${current('/flows')}>Flows</a>
      <a href="#/operations" aria-current=${current('/operations')}>Operations</a>
      <a href="#/traffic" aria-current=${current('/traffic')}>Traffic</a>
      <a href="#/vms" aria-current=${current('/vms')}>VMs</a>
      <a href="#/tools" aria-current=${current('/tools')}>Tools</a>
      <a href="#/alerts" aria-current=${current('/alerts')}>Alerts</a>
      <a href="#/maintenance" aria-current=${current('/maintenance')}>Maintenance</a>
      <a href="#/probes" aria-current=${current('/probes')}>Probes</a>
      <a href="#/tokens" aria-current=${current('/tokens')}>Tokens</a>
      ${admin &&
      html`<a href="#/users" aria-current=${current('/users')}>Users</a><a href="#/webhooks" aria-current=${current('/webhooks')}>Webhooks</a><a href="#/audit" aria-current=${current('/audit')}>Audit</a>`}
      <a href="/docs">API</a>
    </nav>
    <span class="spacer"></span>
    <${LiveBadge} />
    <button type="button" class="ghost" aria-pressed=${contrast ? 'true' : 'false'} onClick=${toggle}>High contrast</button>
    <span class="user"><a href="#/account" aria-current=${current('/account')} title="Your account"><span class="sr-only">Account: </span>${me.username}</a>
      <span class="badge" data-role=${me.role} title="Your role">${me.role}</span></span>
    <button type="button" class="ghost" onClick=${onLogout}>Log out</button>
  </header>`;
}

/** A page for admins only: nothing is asked of the server until the role is known to allow it. */
function AdminOnly({ page }) {
  const { me } = useSession();
  if (!me) return html`<p>Loading…</p>`;
  if (!allows(me.role, 'admin')) return html`<p class="notice">Only an admin can open this page; you are ${me.role === 'editor' ? 'an' : 'a'} ${me.role}.</p>`;
  return page;
}

function Page({ route }) {
  const subnet = /^\/subnets\/(\d+)$/.exec(route.path);
  if (subnet) return html`<${SubnetView} id=${subnet[1]} query=${route.query} />`;
  if (route.path === '/subnets') return html`<${Subnets} />`;
  if (route.path === '/import') return html`<${Import} />`;
  if (route.path === '/flows') return html`<${Flows} query=${route.query} />`;
  const operation = /^\/operations\/([^/]+)$/.exec(route.path);
  if (operation) return html`<${OperationView} id=${decodeURIComponent(operation[1])} />`;
  if (route.path === '/operations') return html`<${Operations} query=${route.query} />`;
  if (route.path === '/traffic') return html`<${Traffic} query=${route.query} />`;
  if (route.path === '/vms') return html`<${Vms} query=${route.query} />`;
  if (route.path === '/probes') return html`<${Probes} />`;
  if (route.path === '/tools' || route.path.startsWith('/tools/')) return html`<${Tools} path=${route.path} query=${route.query} />`;
  if (route.path === '/tokens') return html`<${Tokens} />`;
  if (route.path === '/account') return html`<${Account} />`;
  if (route.path === '/alerts') return html`<${Alerts} query=${route.query} />`;
  if (route.path === '/maintenance') return html`<${Maintenance} />`;
  if (route.path === '/webhooks') return html`<${AdminOnly} page=${html`<${Webhooks} />`} />`;
  if (route.path === '/users') return html`<${AdminOnly} page=${html`<${Users} />`} />`;
  if (route.path === '/audit') return html`<${AdminOnly} page=${html`<${Audit} query=${route.query} />`} />`;
  return html`<${Dashboard} query=${route.query} />`;
}

function App() {
  const [me, setMe] = useState(/** @type {any} */ (undefined));
  const [reason, setReason] = useState('');
  const [lastUser, setLastUser] = useState('admin');
  const route = useRoute();
  const check = () => api('GET', '/api/auth/me').then(setMe, () => setMe(null));
  useEffect(() => void check(), []);
  const known = useRef(me);
  known.current = me;
  useEffect(() => {
    // a first visit without a session is no "ended" session: just the login page
    // (late 401s of requests started before the end must not wipe the reason either)
    const ended = () => {
      if (known.current) setReason('Your session has ended. Log in again to continue.');
      known.current = null;
      setMe(null);
    };
    addEventListener('session-ended', ended);
    return () => removeEventListener('session-ended', ended);
  }, []);
  useEffect(() => {
    if (!me) return stopLive();
    startLive();
    // end the session in the UI when the server would: the next request would be refused anyway
    const left = me.expiresAt ? Date.parse(me.expiresAt) - Date.now() : Infinity;
    if (left < 2 ** 31) {
      const t = setTimeout(() => dispatchEvent(new CustomEvent('session-ended')), Math.max(0, left));
      return () => clearTimeout(t);
    }
  }, [me]);
  useKeys({ Escape: () => (route.query.get('host') ? setQuery({ host: null }) : false) });

  if (me === null) return html`<${Login} reason=${reason} username=${lastUser} onDone=${() => (setReason(''), check())} />`;
  // the server has ended the session (logout, own password changed): the login page, with why
  const signedOut = (why) => {
    if (me) setLastUser(me.username);
    known.current = null;
    setReason(why);
    setMe(null);
  };
  const logout = () => api('POST', '/api/auth/logout').finally(() => signedOut('You have logged out.'));
  // the page loads its data while the session is being checked (no round trip wasted); a 401 shows the login
  return html`<${Session.Provider} value=${{ me, recheck: check, signedOut }}>
    ${me ? html`<${Header} me=${me} route=${route} onLogout=${logout} />` : html`<header class="top"><span class="brand">edge-ipam</span></header>`}
    <main id="main" tabindex="-1"><${Page} route=${route} /></main>
  </${Session.Provider}>`;
}

applyContrast(savedContrast());
render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById('app')));
