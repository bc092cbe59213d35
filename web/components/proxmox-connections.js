// @ts-check
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { useData } from '../lib/use-data.js';
import { blankConnection, buildConnection } from '../lib/vms.js';

const FIELDS = /** @type {const} */ ([
  ['name', 'Name', 'lab', 'text'],
  ['url', 'URL', 'https://pve.example.net:8006', 'url'],
  ['tokenId', 'API token id', 'ipam@pve!edge', 'text'],
  ['tokenSecret', 'Token secret', 'shown once by Proxmox', 'password'],
  ['fingerprint', 'Certificate fingerprint', 'optional: AA:BB:… for a self-signed certificate', 'text'],
]);

/** Add a connection: the secret is sent once and never shown again. A refusal lands at its field. */
function AddConnection({ onAdded }) {
  const [form, setForm] = useState(blankConnection());
  const [problem, setProblem] = useState(/** @type {{ field: string | null, message: string }} */ ({ field: null, message: '' }));
  const [sending, setSending] = useState(false);
  const root = useRef(/** @type {HTMLFormElement | null} */ (null));
  useLayoutEffect(() => {
    if (problem.field) /** @type {HTMLElement | null} */ (root.current?.querySelector(`#pc-${problem.field}`))?.focus();
  }, [problem]);
  const submit = async (e) => {
    e.preventDefault();
    if (sending) return;
    const built = buildConnection(form);
    if ('error' in built) return setProblem({ field: built.field, message: built.error });
    setSending(true);
    try {
      const added = await api('POST', '/api/proxmox/connections', built.body);
      setForm(blankConnection());
      setProblem({ field: null, message: '' });
      onAdded(added);
    } catch (err) {
      const field = typeof err?.details?.field === 'string' ? err.details.field : null;
      setProblem({ field, message: err.message });
    } finally {
      setSending(false);
    }
  };
  const errorFor = (f) => (problem.field === f ? problem.message : '');
  return html`<form class="op-form pc-form" ref=${root} onSubmit=${submit} aria-label="Add a Proxmox connection" novalidate>
    <div class="op-params">${FIELDS.map(
      ([f, label, placeholder, type]) => html`<div class="field" key=${f}><label for=${`pc-${f}`}>${label}</label>
        <input id=${`pc-${f}`} name=${f} type=${type} value=${form[f]} maxlength="300" autocomplete=${type === 'password' ? 'new-password' : 'off'} spellcheck=${false} placeholder=${placeholder}
          aria-invalid=${errorFor(f) ? 'true' : undefined} aria-describedby=${`pc-${f}-error`} onInput=${(e) => setForm((v) => ({ ...v, [f]: e.currentTarget.value }))} />
        <span id=${`pc-${f}-error`} class="error">${errorFor(f)}</span></div>`,
    )}</div>
    <div class="op-submit">
      <button type="submit" class="primary" aria-disabled=${sending ? 'true' : undefined}>${sending ? 'Adding…' : 'Add connection'}</button>
      <span class="error" role="alert">${problem.field == null ? problem.message : ''}</span>
    </div>
  </form>`;
}

/** One stored connection: test it against the cluster (its version and nodes, or Proxmox's refusal), or remove it. */
function ConnectionRow({ c, onRemoved }) {
  const [outcome, setOutcome] = useState(/** @type {{ ok: boolean, text: string } | null} */ (null));
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const test = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const r = await api('POST', `/api/proxmox/connections/${c.id}/test`);
      setOutcome({ ok: true, text: `Proxmox VE ${r.version}; nodes: ${r.nodes.join(', ')}` });
    } catch (err) {
      setOutcome({ ok: false, text: `${err.message}${err.code ? ` (${err.code})` : ''}` });
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    try {
      await api('DELETE', `/api/proxmox/connections/${c.id}`);
      onRemoved();
    } catch (err) {
      setOutcome({ ok: false, text: err.message });
    }
  };
  return html`<tr data-connection=${c.name}>
    <td>${c.name}</td><td><code>${c.url}</code></td><td><code>${c.tokenId}</code></td>
    <td class="details" title=${c.fingerprint ?? ''}>${c.fingerprint ?? html`<span class="muted">a CA-signed certificate</span>`}</td>
    <td class="actions">
      <button type="button" onClick=${test} aria-disabled=${busy ? 'true' : undefined} aria-label=${`Test ${c.name}`}>${busy ? 'Testing…' : 'Test'}</button>
      ${confirming
        ? html`<span class="confirm">Remove ${c.name}? <button type="button" class="danger" onClick=${remove}>Remove</button><button type="button" onClick=${() => setConfirming(false)}>Keep</button></span>`
        : html`<button type="button" class="ghost" onClick=${() => setConfirming(true)} aria-label=${`Remove ${c.name}`}>Remove…</button>`}
      ${outcome && html`<p class=${outcome.ok ? 'ok' : 'error'} role="status" data-test-outcome>${outcome.text}</p>`}
    </td>
  </tr>`;
}

/**
 * Proxmox connections (admins): the clusters VMs can be created in, each with its API token (the secret is written
 * once and never read back) and, for a self-signed certificate, its pinned fingerprint.
 * @param {{ onChanged: () => void }} props
 */
export function ProxmoxConnections({ onChanged }) {
  const list = useData(() => api('GET', '/api/proxmox/connections'), [], { pollMs: 300_000 });
  const changed = () => (list.reload(), onChanged());
  const rows = list.data?.connections ?? [];
  return html`<section class="pc-section" aria-labelledby="pc-title">
    <h2 id="pc-title">Proxmox connections</h2>
    <p class="muted">An API token with VM.Allocate, VM.Clone, VM.Config.*, Datastore.AllocateSpace and SDN.Use (see the README). Only admins see this.</p>
    ${list.error && html`<p class="error" role="alert">${list.error.message}</p>`}
    ${rows.length > 0 &&
    html`<table class="pc-list"><caption class="sr-only">Proxmox connections</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Token</th><th scope="col">Fingerprint</th><th scope="col">Actions</th></tr></thead>
      <tbody>${rows.map((c) => html`<${ConnectionRow} key=${c.id} c=${c} onRemoved=${changed} />`)}</tbody></table>`}
    ${list.data && !rows.length && html`<p data-empty>No connection yet: add the first below.</p>`}
    <${AddConnection} onAdded=${changed} />
  </section>`;
}
