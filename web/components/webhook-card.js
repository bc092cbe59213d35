// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { alertType, FORMATS } from '../lib/alerts.js';
import { ago, stamp } from '../lib/format.js';
import { html } from '../lib/html.js';
import { ConfirmButton } from './confirm.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { WebhookForm } from './webhook-form.js';
import { WebhookSecret } from './webhook-secret.js';
import { WebhookTest } from './webhook-test.js';

const formatLabel = (f) => FORMATS.find((x) => x.value === f)?.label ?? f;

function Filters({ endpoint, subnets }) {
  const cidr = (id) => subnets.find((s) => s.id === id)?.cidr ?? `#${id}`;
  const parts = [endpoint.subnetIds && `subnets ${endpoint.subnetIds.map(cidr).join(', ')}`, endpoint.tags && `hosts tagged ${endpoint.tags.join(', ')}`].filter(Boolean);
  return html`<p class="muted">${parts.length ? `Only ${parts.join('; only ')}` : 'Every subnet, every host'}</p>`;
}

/** One endpoint: its state (and why the server disabled it), its actions, its edit form and delivery log. */
export function WebhookCard({ endpoint, subnets, tags, onChanged, onSecret, secret = null, onSecretDone }) {
  const [editing, setEditing] = useState(false);
  const [version, setVersion] = useState(0);
  const [note, setNote] = useState('');
  const e = endpoint;
  const titleId = `endpoint-${e.id}-title`;
  const patch = (body) => api('PATCH', `/api/webhooks/${e.id}`, body).then(onChanged);
  const enable = () => patch({ enabled: true }).then(() => setNote(''), (err) => setNote(err.message));
  const rotate = async () => onSecret(await api('POST', `/api/webhooks/${e.id}/rotate`), true);
  return html`<article class=${`endpoint${e.enabled ? '' : ' disabled'}`} data-endpoint=${e.name} aria-labelledby=${titleId}>
    <div class="endpoint-head">
      <h2 id=${titleId}>${e.name}</h2>
      <span class="badge">${formatLabel(e.format)}</span>
      ${e.enabled ? html`<span class="badge on">enabled</span>` : html`<span class="badge off">disabled</span>`}
      ${e.rotating && html`<span class="badge rotating" title="The previous secret still signs beside the new one">rotating</span>`}
    </div>
    ${e.disabledReason && html`<p class="warning" data-disabled-reason><strong>Disabled by the server: ${e.disabledReason}.</strong> Fix the receiver, then enable it again.</p>`}
    ${e.failingSince && html`<p class="warning soft">Failing since <time datetime=${e.failingSince}>${stamp(e.failingSince)}</time> (${ago(e.failingSince)})</p>`}
    <p class="endpoint-url"><code>${e.url}</code></p>
    <p class="event-types"><span class="sr-only">Events: </span>${e.eventTypes.map((t) => html`<span class=${`chip alert-type ${alertType(t).tone}`}>${alertType(t).label}</span>`)}</p>
    <${Filters} endpoint=${e} subnets=${subnets} />
    <div class="actions">
      ${e.enabled && html`<${WebhookTest} endpoint=${e} onSent=${() => (setVersion(version + 1), onChanged())} />`}
      <button type="button" onClick=${() => setEditing(!editing)} aria-expanded=${editing ? 'true' : 'false'}>Edit…<span class="sr-only"> ${e.name}</span></button>
      ${e.enabled
        ? html`<${ConfirmButton} label="Disable…" name=${e.name} question=${`Disable ${e.name}? Its pending deliveries are cancelled.`} action="Disable" onConfirm=${() => patch({ enabled: false })} />`
        : html`<button type="button" onClick=${enable}>Enable<span class="sr-only"> ${e.name}</span></button>`}
      <${ConfirmButton} label="Rotate secret…" name=${e.name} danger=${false} action="Rotate"
        question=${`New secret for ${e.name}? It is shown once; the old one keeps signing for 24 hours.`} onConfirm=${rotate} />
      <${ConfirmButton} label="Delete…" name=${e.name} question=${`Delete ${e.name} with its delivery log?`} action="Delete"
        onConfirm=${() => api('DELETE', `/api/webhooks/${e.id}`).then(onChanged)} />
      <span class="error" role="alert">${note}</span>
    </div>
    ${secret && html`<${WebhookSecret} endpoint=${secret} rotated=${true} onDismiss=${onSecretDone} />`}
    ${editing && html`<${WebhookForm} endpoint=${e} subnets=${subnets} tags=${tags} onSaved=${() => Promise.resolve(onChanged()).then(() => setEditing(false))} onCancel=${() => setEditing(false)} />`}
    <${WebhookDeliveries} endpoint=${e} version=${version} />
  </article>`;
}
