// @ts-check
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ConfirmButton } from '../components/confirm.js';
import { api } from '../lib/api.js';
import { stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { ROLES } from '../lib/roles.js';
import { useSession } from '../lib/session.js';
import { useData } from '../lib/use-data.js';

/** The server's refusals in words that say what to do; last_admin is the one an admin meets by surprise. */
function explain(err) {
  if (err.code === 'last_admin') return 'This is the last active admin: make another user an admin first.';
  return err.message;
}

/** The field a failed create is about: the schema names it; a taken name (user_exists) is the username's. */
function fieldOf(err) {
  const path = String(err.details?.issues?.[0]?.path ?? '');
  return path.startsWith('password') ? 'password' : 'username';
}

function AddUser({ onAdded }) {
  const [errors, setErrors] = useState(/** @type {{ username?: string, password?: string }} */ ({}));
  const [note, setNote] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    try {
      const user = await api('POST', '/api/users', { username: f.get('username'), password: f.get('password'), role: f.get('role') });
      setErrors({});
      setNote(`${user.username} can now log in as ${user.role === 'viewer' ? 'a' : 'an'} ${user.role}.`);
      form.reset();
      onAdded();
    } catch (err) {
      setNote('');
      setErrors({ [fieldOf(err)]: err.message });
    }
  };
  const clear = (k) => () => errors[k] && setErrors({ ...errors, [k]: undefined });
  return html`<form class="inline add" onSubmit=${submit} aria-label="Add a user">
    <div class="field"><label for="add-username">Username</label>
      <input id="add-username" name="username" autocomplete="off" required aria-describedby="add-username-error" aria-invalid=${errors.username ? 'true' : undefined}
        onInput=${clear('username')} />
      <span id="add-username-error" class="error" role="alert">${errors.username ?? ''}</span></div>
    <div class="field"><label for="add-password">Password</label>
      <input id="add-password" name="password" type="password" autocomplete="new-password" required aria-describedby="add-password-error add-password-hint"
        aria-invalid=${errors.password ? 'true' : undefined} onInput=${clear('password')} />
      <span id="add-password-hint" class="muted hint">At least 10 characters</span>
      <span id="add-password-error" class="error" role="alert">${errors.password ?? ''}</span></div>
    <div class="field"><label for="add-role">Role</label>
      <select id="add-role" name="role">${ROLES.map((r) => html`<option value=${r} selected=${r === 'viewer'}>${r}</option>`)}</select></div>
    <div class="field"><span class="label-gap" aria-hidden="true"> </span><button>Add user</button></div>
    <p class="ok" role="status">${note}</p>
  </form>`;
}

/** A new password typed by the admin; the user's sessions end, so they log in with it. */
function ResetPassword({ user }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState(/** @type {{ ok: boolean, text: string } | null} */ (null));
  const id = `reset-${user.id}`;
  const input = useRef(/** @type {HTMLInputElement | null} */ (null));
  useLayoutEffect(() => void (open && input.current?.focus()), [open]);
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    try {
      await api('PATCH', `/api/users/${user.id}`, { password: f.get('password') });
      setNote({ ok: true, text: `New password set; ${user.username}'s sessions have ended` });
      setOpen(false);
    } catch (err) {
      setNote({ ok: false, text: explain(err) });
    }
  };
  if (!open)
    return html`<span class="confirm"><button type="button" onClick=${() => (setNote(null), setOpen(true))}>Reset password…<span class="sr-only"> of ${user.username}</span></button>
      <span class=${note?.ok ? 'ok' : 'error'} role="status">${note?.text ?? ''}</span></span>`;
  return html`<form class="confirm" onSubmit=${submit} aria-label=${`Reset the password of ${user.username}`}>
    <label class="sr-only" for=${id}>New password for ${user.username}</label>
    <input id=${id} name="password" type="password" autocomplete="new-password" required placeholder="new password" ref=${input}
      aria-invalid=${note && !note.ok ? 'true' : undefined} aria-describedby=${`${id}-note`} onInput=${() => note && setNote(null)} />
    <button>Set password</button><button type="button" onClick=${() => (setNote(null), setOpen(false))}>Cancel</button>
    <span id=${`${id}-note`} class="error" role="alert">${note?.text ?? ''}</span>
  </form>`;
}

function UserRow({ user, self, onChanged }) {
  const { recheck } = useSession();
  const [error, setError] = useState('');
  const patch = async (body) => {
    await api('PATCH', `/api/users/${user.id}`, body);
    onChanged();
    if (self) recheck();
  };
  const changeRole = async (e) => {
    try {
      await patch({ role: e.currentTarget.value });
      setError('');
    } catch (err) {
      setError(explain(err)); // the re-render puts the select back on the stored role
    }
  };
  const toggle = () =>
    patch({ disabled: !user.disabled }).catch((err) => {
      throw new Error(explain(err));
    });
  return html`<tr data-user=${user.username}>
    <td>${user.username}${self ? html` <span class="badge">you</span>` : ''}</td>
    <td><select value=${user.role} onChange=${changeRole} aria-label=${`Role of ${user.username}`} aria-describedby=${`user-${user.id}-error`}
        aria-invalid=${error ? 'true' : undefined}>${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select>
      <span id=${`user-${user.id}-error`} class="error" role="alert">${error}</span></td>
    <td>${user.disabled ? html`<span class="badge off">disabled</span>` : 'active'}</td>
    <td>${stamp(user.createdAt)}</td>
    <td class="actions">
      ${user.disabled
        ? html`<${ConfirmButton} label="Enable…" name=${user.username} question=${`Let ${user.username} log in again?`} action="Enable" danger=${false} onConfirm=${toggle} />`
        : html`<${ConfirmButton} label="Disable…" name=${user.username} question=${`Disable ${user.username}? Their sessions and API tokens stop working.`} action="Disable"
            onConfirm=${toggle} />`}
      <${ResetPassword} user=${user} />
    </td>
  </tr>`;
}

export function Users() {
  const { me } = useSession();
  const { data, error, reload } = useData(() => api('GET', '/api/users'), []);
  return html`<section>
    <h1>Users</h1>
    <p class="muted">Viewers read everything; editors also change subnets and hosts and start scans; admins also manage users, API tokens and probes.</p>
    <${AddUser} onAdded=${reload} />
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data &&
    html`<div class="scroll-x"><table class="users">
      <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${data.users.map((u) => html`<${UserRow} key=${u.id} user=${u} self=${u.id === me?.userId} onChanged=${reload} />`)}</tbody>
    </table></div>`}
  </section>`;
}
