// @ts-check
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { pairText } from '../lib/traffic.js';
import { everyText, lastRun, runText } from '../lib/traffic-schedules.js';

const when = (iso) => html`<time datetime=${iso}>${new Date(iso).toLocaleString()}</time>`;

/** One schedule: what it runs and when, its last run (its test, or why it started none); editors pause, resume or remove it. */
function ScheduleRow({ s, edit, onChanged }) {
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const label = pairText(s);
  const act = async (method, body) => {
    setBusy(true);
    setProblem('');
    try {
      await api(method, `/api/traffic-schedules/${s.id}`, body);
      onChanged();
    } catch (err) {
      setProblem(`${err.message}${err.code ? ` (${err.code})` : ''}`);
    } finally {
      setBusy(false);
    }
  };
  const last = lastRun(s);
  return html`<tr data-schedule=${s.id}>
    <td><a href=${`#/traffic?pair=${encodeURIComponent(s.pair)}`}>${label}</a></td>
    <td class="opt">${runText(s)}</td>
    <td>${everyText(s.everyHours)}</td>
    <td data-next>${s.enabled ? when(s.nextRunAt) : html`<span class="muted">paused</span>`}</td>
    <td data-last class=${last.kind === 'refused' ? 'error' : undefined}>${s.lastRunAt && html`${when(s.lastRunAt)}: `}${last.kind === 'started'
      ? html`<a href=${`#/traffic?test=${encodeURIComponent(last.testId ?? '')}&pair=${encodeURIComponent(s.pair)}`}>${last.text}</a>`
      : last.text}</td>
    ${edit &&
    html`<td class="actions">
      <button type="button" onClick=${() => act('PATCH', { enabled: !s.enabled })} aria-disabled=${busy ? 'true' : undefined} aria-label=${`${s.enabled ? 'Pause' : 'Resume'} the schedule of ${label}`}>${s.enabled ? 'Pause' : 'Resume'}</button>
      ${confirming
        ? html`<span class="confirm">Remove it? <button type="button" class="danger" onClick=${() => act('DELETE')}>Remove</button><button type="button" onClick=${() => setConfirming(false)}>Keep</button></span>`
        : html`<button type="button" class="ghost" onClick=${() => setConfirming(true)} aria-label=${`Remove the schedule of ${label}`}>Remove…</button>`}
      ${problem && html`<p class="error" role="alert">${problem}</p>`}
    </td>`}
  </tr>`;
}

/**
 * The schedules (a test every N hours per pair; made with the form's "Repeat"): shown to everyone, changed by editors.
 * @param {{ schedules: any[] | null, error: Error | null, edit: boolean, onChanged: () => void }} props
 */
export function TrafficSchedules({ schedules, error, edit, onChanged }) {
  return html`<section class="traffic-schedules" aria-labelledby="tt-schedules-title">
    <h2 id="tt-schedules-title">Schedules</h2>
    ${error && html`<p class="error" role="alert">Schedules: ${error.message}</p>`}
    ${schedules && !schedules.length && html`<p class="muted" data-empty>No schedule yet${edit ? ': tick “Repeat” in the form to run a test every few hours' : ''}.</p>`}
    ${schedules && schedules.length > 0 &&
    html`<div class="scroll-x"><table class="op-list traffic-schedule-list"><caption class="sr-only">Scheduled traffic tests</caption>
      <thead><tr><th scope="col">Pair</th><th scope="col" class="opt">Each run</th><th scope="col">How often</th><th scope="col">Next run</th><th scope="col">Last run</th>${edit && html`<th scope="col">Actions</th>`}</tr></thead>
      <tbody>${schedules.map((s) => html`<${ScheduleRow} key=${s.id} s=${s} edit=${edit} onChanged=${onChanged} />`)}</tbody></table></div>`}
  </section>`;
}
