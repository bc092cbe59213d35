// @ts-check
import { RANGES } from '../lib/flows.js';
import { html } from '../lib/html.js';
import { localTimeToIso, toLocalInput } from '../lib/identity.js';
import { setQuery } from '../lib/router.js';

const DAY = 86_400_000;

/**
 * The Flows page's toolbar: the time range (last 15 min … 30 days, or a custom from–to in local time, sent in
 * UTC) and the subnet filter, both kept in the URL (range, from, to, subnet).
 */
export function FlowsRange({ choice, from, to, subnetId, subnets, error }) {
  const set = (changes) => setQuery(changes, { replace: true });
  const pick = (value) => {
    if (value !== 'custom') return set({ range: value, from: null, to: null });
    // a custom range starts as the last day, to the minute, for the user to adjust
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    set({ range: 'custom', from: from ?? new Date(now - DAY).toISOString(), to: to ?? new Date(now).toISOString() });
  };
  const input = (name, value, label) =>
    html`<label>${label} <input type="datetime-local" name=${`flows-${name}`} value=${value ? toLocalInput(Date.parse(value)) : ''}
      onChange=${(e) => set({ [name]: localTimeToIso(e.currentTarget.value) ?? '' })} /></label>`;
  return html`<form class="toolbar sticky flows-toolbar" role="search" aria-label="Flows shown" onSubmit=${(e) => e.preventDefault()}>
    <label>Range <select name="flows-range" value=${choice} onChange=${(e) => pick(e.currentTarget.value)}>
      ${RANGES.map(([k, text]) => html`<option value=${k}>${text}</option>`)}</select></label>
    ${choice === 'custom' && html`${input('from', from, 'From')}${input('to', to, 'To')}`}
    <label>Subnet <select name="flows-subnet" value=${subnetId ?? ''} onChange=${(e) => set({ subnet: e.currentTarget.value, host: null })}>
      <option value="">all subnets</option>
      ${subnets.map((s) => html`<option value=${s.id}>${s.cidr}${s.name ? ` ${s.name}` : ''}</option>`)}
      ${subnetId && !subnets.some((s) => s.id === subnetId) && html`<option value=${subnetId}>${subnets.length ? 'deleted subnet' : 'subnet'} ${subnetId}</option>`}</select></label>
    ${error && html`<span class="error" role="alert">${error}</span>`}
  </form>`;
}
