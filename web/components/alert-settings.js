// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { fieldPlaceholder, fieldValue, sendResolvedValue, THRESHOLD_FIELDS, thresholdErrorField, thresholdsPatch, thresholdsSummary } from '../lib/thresholds.js';

/**
 * A subnet's alert thresholds, folded into a disclosure like its port-scan settings: each field empty means the
 * server's default, whose value in force is the placeholder; the server's refusal appears beside its field.
 */
export function AlertSettings({ subnet, onChanged }) {
  const [note, setNote] = useState(/** @type {{ ok: boolean, text: string, field?: string } | null} */ (null));
  const own = subnet.alertOverrides ?? {};
  const effective = subnet.alerts;
  const id = `al-${subnet.id}`;
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const values = Object.fromEntries(THRESHOLD_FIELDS.map((t) => [t.key, String(f.get(t.key) ?? '')]));
    const patch = thresholdsPatch(values, String(f.get('alertSendResolved') ?? ''));
    if ('error' in patch) return setNote({ ok: false, text: patch.error, field: patch.field });
    try {
      await api('PATCH', `/api/subnets/${subnet.id}`, patch.body);
      setNote({ ok: true, text: 'Saved' });
      onChanged();
    } catch (err) {
      setNote({ ok: false, text: err.message, field: thresholdErrorField(err) });
    }
  };
  const bad = (k) => (note && !note.ok && note.field === k ? 'true' : undefined);
  const sendDefault = effective && own.alertSendResolved == null ? (effective.sendResolved ? 'yes' : 'no') : 'server setting';
  return html`<details class="alert-settings">
    <summary>${thresholdsSummary(effective, own)}<span class="sr-only">: alert thresholds of ${subnet.cidr}</span></summary>
    <form class="stack" noValidate onSubmit=${submit} aria-label=${`Alert thresholds of ${subnet.cidr}`}>
      <p class="hint muted">Empty: the server's default (shown greyed).</p>
      ${THRESHOLD_FIELDS.map(
        (t) => html`<div class="field" key=${t.key}><label for=${`${id}-${t.key}`}>${t.label}</label>
          <input id=${`${id}-${t.key}`} name=${t.key} type="number" min=${t.min} max=${t.max} step=${t.share ? '0.1' : '1'} defaultValue=${fieldValue(t, own)}
            placeholder=${fieldPlaceholder(t, effective)} aria-describedby=${`${id}-note`} aria-invalid=${bad(t.key)} /></div>`,
      )}
      <div class="field"><label for=${`${id}-resolved`}>Send when resolved (host up)</label>
        <select id=${`${id}-resolved`} name="alertSendResolved" aria-describedby=${`${id}-note`} aria-invalid=${bad('alertSendResolved')}>
          ${[['', `default (${sendDefault})`], ['yes', 'yes'], ['no', 'no']].map(([v, label]) => html`<option value=${v} selected=${v === sendResolvedValue(own)}>${label}</option>`)}
        </select></div>
      <div class="field"><button>Save thresholds</button>
        <span id=${`${id}-note`} class=${note?.ok ? 'ok' : 'error'} role="status">${note?.text ?? ''}</span></div>
    </form>
  </details>`;
}
