// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { useSession } from '../lib/session.js';

const FIELDS = [
  { key: 'current', id: 'current-password', label: 'Current password', autocomplete: 'current-password' },
  { key: 'next', id: 'new-password', label: 'New password', autocomplete: 'new-password', hint: 'At least 10 characters' },
  { key: 'confirm', id: 'confirm-password', label: 'New password again', autocomplete: 'new-password' },
];

/** The field a refusal is about: a wrong current password, or the schema's verdict on the new one. */
function fieldOf(err) {
  if (err.code === 'wrong_password') return 'current';
  const path = String(err.details?.issues?.[0]?.path ?? '');
  return path === 'newPassword' ? 'next' : path === 'currentPassword' ? 'current' : 'form';
}

function ChangePassword() {
  const { signedOut } = useSession();
  const [errors, setErrors] = useState(/** @type {Record<string, string | undefined>} */ ({}));
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const [current, next, confirm] = ['current', 'next', 'confirm'].map((k) => String(f.get(k) ?? ''));
    if (next !== confirm) return setErrors({ confirm: 'does not match the new password' });
    setBusy(true);
    try {
      await api('POST', '/api/auth/password', { currentPassword: current, newPassword: next });
      // the server has ended every session of ours, this one too
      signedOut('Password changed; log in again.');
    } catch (err) {
      setErrors({ [fieldOf(err)]: err.message });
      setBusy(false);
    }
  };
  return html`<form class="stack" onSubmit=${submit} aria-labelledby="password-title">
    <h2 id="password-title">Change your password</h2>
    ${FIELDS.map(
      (fd) => html`<div class="field" key=${fd.key}><label for=${fd.id}>${fd.label}</label>
        <input id=${fd.id} name=${fd.key} type="password" autocomplete=${fd.autocomplete} required aria-invalid=${errors[fd.key] ? 'true' : undefined}
          aria-describedby=${`${fd.id}-error${fd.hint ? ` ${fd.id}-hint` : ''}`} onInput=${() => errors[fd.key] && setErrors({ ...errors, [fd.key]: undefined })} />
        ${fd.hint && html`<span id=${`${fd.id}-hint`} class="muted hint">${fd.hint}</span>`}
        <span id=${`${fd.id}-error`} class="error" role="alert">${errors[fd.key] ?? ''}</span></div>`,
    )}
    <p class="muted">Every session of yours ends, this one too: you log in again with the new password.</p>
    <button disabled=${busy}>Change password</button>
    <p class="error" role="alert">${errors.form ?? ''}</p>
  </form>`;
}

export function Account() {
  const { me } = useSession();
  if (!me) return html`<p>Loading…</p>`;
  return html`<section class="account">
    <h1>Account</h1>
    <dl class="facts">
      <div><dt>User</dt><dd>${me.username}</dd></div>
      <div><dt>Role</dt><dd>${me.role}</dd></div>
      <div><dt>Session ends</dt><dd>${me.expiresAt ? stamp(me.expiresAt) : 'never'}</dd></div>
    </dl>
    <${ChangePassword} />
    <p><a href="#/tokens">Your API tokens</a></p>
  </section>`;
}
