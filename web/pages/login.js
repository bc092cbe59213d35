// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';

export function Login({ onDone, reason, username = 'admin' }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    try {
      await api('POST', '/api/auth/login', { username: f.get('username'), password: f.get('password') });
      onDone();
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="login">
    <form onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">edge-ipam</h1>
      ${reason && html`<p class="notice" role="status">${reason}</p>`}
      <div class="field"><label for="username">User</label><input id="username" name="username" autocomplete="username" defaultValue=${username} required /></div>
      <div class="field"><label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required aria-describedby="login-error" /></div>
      <button disabled=${busy}>Log in</button>
      <p id="login-error" class="error" role="alert">${error}</p>
    </form>
  </main>`;
}
