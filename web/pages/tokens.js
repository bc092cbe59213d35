// @ts-check
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../components/confirm.js';
import { CopyBlock, CopyButton } from '../components/copy.js';
import { api } from '../lib/api.js';
import { ago, dayBound, localDay, stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { allows, lowerOf, rolesUpTo } from '../lib/roles.js';
import { useSession } from '../lib/session.js';
import { useData } from '../lib/use-data.js';

async function loadTokens(admin) {
  const [t, u] = await Promise.all([api('GET', '/api/tokens'), admin ? api('GET', '/api/users') : null]);
  return { tokens: t.tokens, users: u ? u.users.filter((x) => !x.disabled) : [] };
}

/** Which field a refused token is about: the role and owner have codes of their own, the rest a schema path. */
function fieldOf(err) {
  if (err.code === 'role_too_high') return 'role';
  if (err.code === 'unknown_user') return 'owner';
  const path = String(err.details?.issues?.[0]?.path ?? '');
  return path === 'expiresAt' || /expiresAt/.test(err.message) ? 'expires' : 'name';
}

/** The once-only secret, with a request ready to paste. */
function Created({ token, onDismiss }) {
  const path = token.scope === 'metrics' ? '/metrics' : '/api/summary';
  const curl = `curl -H 'Authorization: Bearer ${token.token}' ${location.origin}${path}`;
  return html`<div class="enrolled" role="region" aria-label="New API token">
    <p><strong>${token.name}</strong> (${token.scope === 'metrics' ? 'metrics only' : token.role}) is ready. Its token is shown <strong>only this once</strong>:</p>
    <div class="copy-head"><code class="token" data-token>${token.token}</code><span><${CopyButton} text=${token.token} what="the token" /></span></div>
    <${CopyBlock} label="Try it" text=${curl} />
    <button type="button" onClick=${onDismiss}>I have saved it</button>
  </div>`;
}

function CreateToken({ me, users, onCreated }) {
  const admin = allows(me.role, 'admin');
  const [ownerId, setOwnerId] = useState(String(me.userId));
  const owner = users.find((u) => String(u.id) === ownerId) ?? me;
  const roles = rolesUpTo(lowerOf(me.role, owner.role));
  const [role, setRole] = useState('viewer');
  const [scope, setScope] = useState('');
  // a metrics token reads GET /metrics only, as a viewer
  const shownRole = scope === 'metrics' ? 'viewer' : roles.includes(role) ? role : roles[roles.length - 1];
  const [errors, setErrors] = useState(/** @type {Record<string, string | undefined>} */ ({}));
  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const until = dayBound(String(f.get('expires') ?? ''), true);
    try {
      const token = await api('POST', '/api/tokens', {
        name: f.get('name'),
        role: shownRole,
        ...(scope ? { scope } : {}),
        ...(until != null ? { expiresAt: new Date(until).toISOString() } : {}),
        ...(admin && ownerId !== String(me.userId) ? { userId: Number(ownerId) } : {}),
      });
      setErrors({});
      form.reset();
      setRole('viewer');
      setScope('');
      setOwnerId(String(me.userId));
      onCreated(token);
    } catch (err) {
      setErrors({ [fieldOf(err)]: err.message });
    }
  };
  const described = (k) => ({
    id: `token-${k}`,
    'aria-describedby': `token-${k}-error`,
    'aria-invalid': errors[k] ? 'true' : undefined,
  });
  const clear = (k) => errors[k] && setErrors({ ...errors, [k]: undefined });
  const error = (k) => html`<span id=${`token-${k}-error`} class="error" role="alert">${errors[k] ?? ''}</span>`;
  return html`<form class="inline add" onSubmit=${submit} aria-label="Create an API token">
    <div class="field"><label for="token-name">Name</label>
      <input name="name" required placeholder="e.g. backup script" ...${described('name')} onInput=${() => clear('name')} />${error('name')}</div>
    ${admin &&
    html`<div class="field"><label for="token-owner">Owner</label>
      <select name="owner" value=${ownerId} ...${described('owner')} onChange=${(e) => (setOwnerId(e.currentTarget.value), clear('owner'))}>
        ${users.map((u) => html`<option value=${String(u.id)}>${u.username} (${u.role})</option>`)}</select>${error('owner')}</div>`}
    <div class="field"><label for="token-scope">Scope</label>
      <select id="token-scope" name="scope" value=${scope} onChange=${(e) => (setScope(e.currentTarget.value), clear('role'))}>
        <option value="">Whole API (its role)</option><option value="metrics">Metrics only (GET /metrics, for Prometheus)</option></select></div>
    <div class="field"><label for="token-role">Role</label>
      <select name="role" value=${shownRole} disabled=${scope === 'metrics'} ...${described('role')} onChange=${(e) => (setRole(e.currentTarget.value), clear('role'))}>
        ${(scope === 'metrics' ? ['viewer'] : roles).map((r) => html`<option value=${r}>${r}</option>`)}</select>${error('role')}</div>
    <div class="field"><label for="token-expires">Expires after (optional)</label>
      <input name="expires" type="date" min=${localDay(Date.now())} ...${described('expires')} onInput=${() => clear('expires')} />${error('expires')}</div>
    <div class="field"><span class="label-gap" aria-hidden="true"> </span><button>Create token</button></div>
  </form>`;
}

function expiry(t) {
  if (!t.expiresAt) return 'never';
  return Date.parse(t.expiresAt) <= Date.now() ? html`${stamp(t.expiresAt)} <span class="badge off">expired</span>` : stamp(t.expiresAt);
}

function TokenList({ me, tokens, onRevoked }) {
  if (tokens.length === 0) return html`<p class="muted">No API tokens yet.</p>`;
  return html`<div class="scroll-x"><table class="tokens">
    <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Owner</th><th scope="col">Created</th><th scope="col">Expires</th>
      <th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${tokens.map(
      (t) => html`<tr key=${t.id} data-token-name=${t.name}>
        <td>${t.name}</td><td>${t.role}${t.scope === 'metrics' ? html` <span class="badge" title="reads GET /metrics only">metrics only</span>` : ''}</td><td>${t.username ?? '—'}${t.userId === me.userId ? html` <span class="badge">you</span>` : ''}</td>
        <td>${stamp(t.createdAt)}</td><td>${expiry(t)}</td><td title=${stamp(t.lastUsedAt)}>${ago(t.lastUsedAt)}</td>
        <td><${ConfirmButton} label="Revoke…" name=${t.name} question=${`Revoke ${t.name}? Whatever uses it stops working at once.`} action="Revoke"
          onConfirm=${() => api('DELETE', `/api/tokens/${t.id}`).then(onRevoked)} /></td></tr>`,
    )}</tbody>
  </table></div>`;
}

function TokensOf({ me }) {
  const admin = allows(me.role, 'admin');
  const { data, error, reload } = useData(() => loadTokens(admin), [admin]);
  const [created, setCreated] = useState(/** @type {any} */ (null));
  const scope = admin ? 'You see every token.' : 'You see your own tokens.';
  return html`<section>
    <h1>API tokens</h1>
    <p class="muted">A token acts for its owner with the role it was given, never above the owner's. Send it as <code>Authorization: Bearer …</code>. ${scope}</p>
    ${data && html`<${CreateToken} me=${me} users=${data.users} onCreated=${(t) => (setCreated(t), reload())} />`}
    ${created && html`<${Created} token=${created} onDismiss=${() => setCreated(null)} />`}
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data && html`<${TokenList} me=${me} tokens=${data.tokens} onRevoked=${reload} />`}
  </section>`;
}

export function Tokens() {
  const { me } = useSession();
  return me ? html`<${TokensOf} me=${me} />` : html`<p>Loading…</p>`;
}
