// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { localInput, localMoment } from '../lib/allocate.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';

/** Fields editable in place; each saves on its own when it loses focus (or Enter), with the server's verdict beside it. */
const FIELDS = [
  { key: 'hostname', label: 'Hostname', kind: 'text', toApi: (v) => v.trim() || null, fromHost: (h) => h.hostname ?? '' },
  { key: 'description', label: 'Description', kind: 'text', toApi: (v) => v, fromHost: (h) => h.description },
  {
    key: 'tags',
    label: 'Tags (comma separated)',
    kind: 'text',
    toApi: (v) => v.split(',').map((t) => t.trim()).filter(Boolean),
    fromHost: (h) => h.tags.join(', '),
  },
  { key: 'notes', label: 'Notes', kind: 'area', toApi: (v) => v, fromHost: (h) => h.notes },
  { key: 'reservedBy', label: 'Reserved by', kind: 'text', toApi: (v) => v.trim() || null, fromHost: (h) => h.reservedBy ?? '' },
  { key: 'reservedNote', label: 'Reservation note', kind: 'text', toApi: (v) => v.trim() || null, fromHost: (h) => h.reservedNote ?? '' },
  {
    key: 'reservedUntil',
    label: 'Reserved until (released then if the address stayed unused)',
    kind: 'datetime',
    // a local date and time; cleared: never expires
    toApi: (v) => {
      const ms = localMoment(v.trim());
      return ms === null ? null : new Date(ms).toISOString();
    },
    check: (v) => (v.trim() && localMoment(v.trim()) === null ? 'A date and time, e.g. 2026-12-31 18:00.' : null),
    fromHost: (h) => localInput(h.reservedUntil),
  },
];
const RESERVATION = FIELDS.slice(4);

function Field({ host, field, onSaved }) {
  const initial = field.fromHost(host);
  const [value, setValue] = useState(initial);
  const [note, setNote] = useState(/** @type {{ ok: boolean, text: string } | null} */ (null));
  useEffect(() => setValue(initial), [host.id, initial]);
  const id = `edit-${field.key}`;
  const save = async () => {
    if (value === initial) return;
    const refused = field.check?.(value);
    if (refused) return setNote({ ok: false, text: refused });
    try {
      const updated = await api('PATCH', `/api/hosts/${host.id}`, { [field.key]: field.toApi(value) });
      setNote({ ok: true, text: 'Saved' });
      onSaved(updated);
    } catch (e) {
      setNote({ ok: false, text: e.message });
    }
  };
  const common = {
    id,
    name: field.key,
    value,
    onInput: (e) => setValue(e.currentTarget.value),
    onBlur: save,
    'aria-describedby': `${id}-note`,
    'aria-invalid': note && !note.ok ? 'true' : undefined,
  };
  return html`<div class="field">
    <label for=${id}>${field.label}</label>
    ${field.kind === 'area'
      ? html`<textarea rows="3" ...${common}></textarea>`
      : html`<input type=${field.kind === 'datetime' ? 'datetime-local' : 'text'} ...${common} onKeyDown=${(e) => e.key === 'Enter' && e.currentTarget.blur()} />`}
    <span id=${`${id}-note`} class=${note?.ok ? 'ok' : 'error'} role="status">${note?.text ?? ''}</span>
  </div>`;
}

export function HostEditor({ host, onSaved }) {
  const [reservedNote, setReservedNote] = useState('');
  const toggleReserved = async (e) => {
    try {
      onSaved(await api('PATCH', `/api/hosts/${host.id}`, { reserved: e.currentTarget.checked }));
      setReservedNote('Saved');
    } catch (err) {
      setReservedNote(err.message);
    }
  };
  return html`<form class="editor" onSubmit=${(e) => e.preventDefault()} aria-label="Edit host">
    ${FIELDS.slice(0, 4).map((f) => html`<${Field} key=${f.key} host=${host} field=${f} onSaved=${onSaved} />`)}
    <div class="field check">
      <label><input type="checkbox" name="reserved" checked=${host.reserved} onChange=${toggleReserved} /> Reserved</label>
      <span role="status">${reservedNote}</span>
    </div>
    ${host.reserved && RESERVATION.map((f) => html`<${Field} key=${f.key} host=${host} field=${f} onSaved=${onSaved} />`)}
  </form>`;
}
