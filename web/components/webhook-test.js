// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { testText } from '../lib/alerts.js';
import { html } from '../lib/html.js';

/** "Send test": a signed `test` event now; the endpoint's answer appears beside the button. */
export function WebhookTest({ endpoint, onSent }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(/** @type {{ ok: boolean, text: string } | null} */ (null));
  const send = async () => {
    setBusy(true);
    setResult(null);
    try {
      const r = await api('POST', `/api/webhooks/${endpoint.id}/test`);
      setResult({ ok: r.delivered, text: testText(r) });
    } catch (err) {
      setResult({ ok: false, text: err.message });
    } finally {
      setBusy(false);
      onSent();
    }
  };
  return html`<span class="confirm webhook-test">
    <button type="button" onClick=${send} disabled=${busy}>${busy ? 'Sending…' : 'Send test'}<span class="sr-only"> to ${endpoint.name}</span></button>
    <span class=${result ? (result.ok ? 'ok' : 'error') : ''} role="status" data-test-result>${result?.text ?? ''}</span>
  </span>`;
}
