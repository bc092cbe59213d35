// @ts-check
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';
import { CopyButton } from './copy.js';

/** The `whsec_` secret of a new or rotated endpoint, shown this once, with how a receiver checks it. */
export function WebhookSecret({ endpoint, rotated, onDismiss }) {
  const panel = useRef(/** @type {HTMLDivElement | null} */ (null));
  // after the frame: a confirm button that asked for the rotation puts the focus back on itself first
  useEffect(() => {
    const f = requestAnimationFrame(() => panel.current?.focus());
    return () => cancelAnimationFrame(f);
  }, [endpoint.secret]);
  return html`<div class="enrolled secret" role="region" aria-label="Webhook signing secret" tabindex="-1" ref=${panel}>
    <p><strong>${endpoint.name}</strong>${rotated ? ' has a new signing secret' : ' is created'}. Its secret is <strong>shown once: store it now</strong>.</p>
    <div class="copy-head"><code class="token" data-secret>${endpoint.secret}</code><span><${CopyButton} text=${endpoint.secret} what="the secret" /></span></div>
    <p class="hint muted">Every request carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> (Standard Webhooks):
      the signature is <code>v1,</code> + base64 HMAC-SHA256 of <code>id.timestamp.body</code> keyed with this secret; refuse timestamps older than 5 minutes.<br />
      Code for a receiver: docs/WEBHOOKS.md in the edge-ipam repository${rotated ? '; for 24 hours the old secret signs too, so switch the receiver now' : ''}.</p>
    <button type="button" onClick=${onDismiss}>I have stored it</button>
  </div>`;
}
