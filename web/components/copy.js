// @ts-check
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';

/**
 * Copies `text` (`what` completes the button's name for screen readers); says "Copied" for a moment. Without
 * clipboard access (plain http, a refused permission) it selects the element with id `select`, when given, so
 * Ctrl+C copies it; otherwise it asks to select and copy by hand.
 */
export function CopyButton({ text, what = '', select = '' }) {
  const [state, setState] = useState(/** @type {'' | 'done' | 'selected' | 'failed'} */ (''));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('done');
    } catch {
      const el = select ? document.getElementById(select) : null;
      if (el) getSelection()?.selectAllChildren(el);
      setState(el ? 'selected' : 'failed');
    }
    setTimeout(() => setState(''), 2500);
  };
  const said = { done: 'Copied', selected: 'Selected: press Ctrl+C to copy', failed: 'Select and copy it by hand', '': '' }[state];
  return html`<button type="button" class="copy" onClick=${copy}>Copy${what && html`<span class="sr-only"> ${what}</span>`}</button>
    <span role="status" class="muted copy-state">${said}</span>`;
}

/** A labelled block of text to paste elsewhere (commands), with its copy button. */
export function CopyBlock({ label, text }) {
  return html`<div class="copy-block"><div class="copy-head"><span>${label}</span>
      <span><${CopyButton} text=${text} what=${label} /></span></div><pre><code>${text}</code></pre></div>`;
}
