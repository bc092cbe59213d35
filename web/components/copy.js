// @ts-check
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';

/** Copies `text` (`what` completes the button's name for screen readers); says "Copied" for a moment (or, without clipboard access, "Select and copy it by hand"). */
export function CopyButton({ text, what = '' }) {
  const [state, setState] = useState(/** @type {'' | 'done' | 'failed'} */ (''));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('done');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState(''), 2500);
  };
  return html`<button type="button" onClick=${copy}>Copy${what && html`<span class="sr-only"> ${what}</span>`}</button>
    <span role="status" class="muted copy-state">${state === 'done' ? 'Copied' : state === 'failed' ? 'Select and copy it by hand' : ''}</span>`;
}

/** A labelled block of text to paste elsewhere (commands), with its copy button. */
export function CopyBlock({ label, text }) {
  return html`<div class="copy-block"><div class="copy-head"><span>${label}</span>
      <span><${CopyButton} text=${text} what=${label} /></span></div><pre><code>${text}</code></pre></div>`;
}
