// @ts-check
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { bpsText, failureText, pairText, progressAnnouncement, progressSteps, stateText } from '../lib/traffic.js';
import { TrafficIntervalChart } from './traffic-charts.js';

const percentText = (p) => (p == null ? '—' : `${+p.toFixed(2)} %`);

/** The measured figures of a test (UDP's jitter and loss only for UDP). */
function Figures({ test }) {
  const udp = test.protocol === 'udp';
  const stats = [
    ['Received', bpsText(test.receivedBps)],
    ['Sent', bpsText(test.sentBps)],
    ...(udp
      ? [['Jitter', test.jitterMs == null ? '—' : `${+test.jitterMs.toFixed(3)} ms`], ['Loss', percentText(test.lossPercent)], ['Lost', test.lostPackets == null ? '—' : `${test.lostPackets} / ${test.packets ?? '?'}`]]
      : [['Retransmits', test.retransmits == null ? '—' : String(test.retransmits)]]),
    ['CPU here', percentText(test.cpuLocalPercent)],
    ['CPU far end', percentText(test.cpuRemotePercent)],
  ];
  return html`<dl class="op-stats traffic-stats">${stats.map(([k, v]) => html`<div key=${k} data-stat=${k.toLowerCase().replace(/ /g, '-')}><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/**
 * One test: its steps while it runs (the listener, the run with its elapsed seconds, the result), then its figures
 * and its per-second chart. `now` ticks while it runs, so the elapsed seconds move between the probes' reports.
 * @param {{ test: any, now: number }} props
 */
export function TrafficTestCard({ test, now }) {
  const label = pairText(test);
  return html`<article class=${`op-run traffic-test state-${test.state}`} data-test=${test.id} data-state=${test.state} aria-labelledby=${`tt-${test.id}`}>
    <div class="op-run-head">
      <h3 id=${`tt-${test.id}`}>${label}</h3>
      <span class=${`run-state ${test.state}`}>${stateText(test.state)}</span>
      <span class="muted took">${test.protocol.toUpperCase()} · ${test.durationSeconds} s${test.bandwidthBps ? ` · ${bpsText(test.bandwidthBps)}` : ''}${test.parallel > 1 ? ` · ${test.parallel} streams` : ''}${test.reverse ? ' · reverse' : ''} · <code>${test.to.address}:${test.port}</code> · ${ago(test.createdAt, now)}</span>
    </div>
    <ol class="traffic-steps">${progressSteps(test, now).map((s) => html`<li key=${s.key} class=${`step-${s.state}`} data-step=${s.key} data-step-state=${s.state}>${s.label}</li>`)}</ol>
    <p class="op-progress" role="status" aria-live="polite" data-progress>${progressAnnouncement(test, now)}</p>
    ${test.state === 'failed' && html`<p class="error op-error">${failureText(test)}</p>`}
    ${test.state === 'done' && html`<${Figures} test=${test} />`}
    ${test.intervals?.length > 0 && html`<${TrafficIntervalChart} intervals=${test.intervals} label=${label} />`}
  </article>`;
}
