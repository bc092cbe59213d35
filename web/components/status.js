// @ts-check
import { html } from '../lib/html.js';
import { lastChange } from '../lib/format.js';

/** The up / down / unknown pill; its tooltip tells when the state last changed ("down 12 m ago"). */
export function StatusPill({ status, changedAt }) {
  const tip = lastChange(status, changedAt);
  return html`<span class=${`pill ${status}`} title=${tip} aria-label=${tip}>${status}</span>`;
}

/** A connected / offline dot with its word, for probes and the live feed. */
export function Dot({ on, onText = 'connected', offText = 'offline' }) {
  return html`<span class=${`dot ${on ? 'on' : 'off'}`}>${on ? onText : offText}</span>`;
}
