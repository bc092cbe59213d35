// @ts-check
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';

/**
 * A button that asks again in place: "Revoke…" → "Revoke ci? [Revoke] [Keep]". `onConfirm` may throw; its
 * message stays beside the button (role=alert) until the next try. Focus moves to "Keep", the safe choice.
 */
export function ConfirmButton({ label, name, question, action, onConfirm, danger = true }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const keep = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const trigger = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const wasOpen = useRef(false);
  const box = useRef(/** @type {HTMLSpanElement | null} */ (null));
  useLayoutEffect(() => {
    if (open) keep.current?.focus();
    // back to the trigger when the focus went with the buttons, not when the action moved it on purpose
    else if (wasOpen.current && (document.activeElement === document.body || box.current?.contains(document.activeElement))) trigger.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const go = async () => {
    setBusy(true);
    try {
      await onConfirm();
      setError('');
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return html`<span class="confirm" ref=${box}>
    ${open
      ? html`<span>${question}</span>
          <button type="button" class=${danger ? 'danger' : ''} onClick=${go} disabled=${busy}>${action}</button>
          <button type="button" ref=${keep} onClick=${() => setOpen(false)}>Keep</button>`
      : html`<button type="button" ref=${trigger} onClick=${() => (setError(''), setOpen(true))}>${label}<span class="sr-only"> ${name}</span></button>`}
    <span class="error" role="alert">${error}</span>
  </span>`;
}
