// @ts-check
import { useState } from 'preact/hooks';
import { WebhookCard } from '../components/webhook-card.js';
import { WebhookForm } from '../components/webhook-form.js';
import { WebhookSecret } from '../components/webhook-secret.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { useData } from '../lib/use-data.js';

async function loadAll() {
  const [w, s, t] = await Promise.all([api('GET', '/api/webhooks'), api('GET', '/api/subnets'), api('GET', '/api/tags')]);
  return { endpoints: w.endpoints, subnets: s.subnets, tags: t.tags };
}

/** Webhook endpoints (admins): add, edit, test, rotate, delete, and each one's delivery log. */
export function Webhooks() {
  const { data, error, reload } = useData(loadAll, [], { events: ['subnets'] });
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState(/** @type {{ endpoint: any, rotated: boolean } | null} */ (null));
  const showSecret = (endpoint, rotated) => (setSecret({ endpoint, rotated }), reload());
  return html`<section class="webhooks">
    <h1>Webhooks</h1>
    <p class="muted">Each endpoint gets a signed POST (Standard Webhooks) when what it asks for happens: hosts down or up, ports, probes, degraded subnets.
      Events inside a maintenance window are recorded muted and not sent. Failed deliveries are retried for about three days.</p>
    ${secret && !secret.rotated && html`<${WebhookSecret} endpoint=${secret.endpoint} rotated=${false} onDismiss=${() => setSecret(null)} />`}
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${data &&
    (adding
      ? html`<${WebhookForm} subnets=${data.subnets} tags=${data.tags} onSaved=${(ep) => (setAdding(false), showSecret(ep, false))} onCancel=${() => setAdding(false)} />`
      : html`<p><button type="button" onClick=${() => setAdding(true)}>Add endpoint…</button></p>`)}
    ${data && data.endpoints.length === 0 && html`<p class="muted">No endpoints yet.</p>`}
    ${data?.endpoints.map(
      (e) => html`<${WebhookCard} key=${e.id} endpoint=${e} subnets=${data.subnets} tags=${data.tags} onChanged=${reload} onSecret=${showSecret}
        secret=${secret?.rotated && secret.endpoint.id === e.id ? secret.endpoint : null} onSecretDone=${() => setSecret(null)} />`,
    )}
  </section>`;
}
