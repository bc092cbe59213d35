// @ts-check
import { html } from '../lib/html.js';
import { resultSummary, runEnded, runProblem, runStateText } from '../lib/operations.js';
import { MtrResult } from './op-mtr.js';
import { PingResult } from './op-ping.js';
import { TracePath } from './op-trace.js';

const seconds = (a, b) => ((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1);

/**
 * One probe's run of an operation: its state (queued, running with progress, done, failed with why, offline,
 * unsupported), the address the probe resolved the target to, and the result as it arrives.
 * @param {{ run: any, op: any, index: number }} props `index`: its place on the page (a revoked probe's run has no id)
 */
export function RunCard({ run, op, index }) {
  const id = `run-${index}`;
  const label = run.probeName;
  const r = run.result;
  const took = run.startedAt && run.finishedAt ? `${seconds(run.startedAt, run.finishedAt)} s` : '';
  const problem = runProblem(run);
  let body = null;
  if (r?.tool === 'ping') body = html`<${PingResult} result=${r} label=${label} expected=${op.params.count} />`;
  else if (r?.tool === 'mtr') body = html`<${MtrResult} result=${r} label=${label} />`;
  else if (r?.tool === 'traceroute') body = html`<${TracePath} result=${r} label=${label} />`;
  else if (run.state === 'offline') body = html`<p class="muted">The probe was offline when the operation started; nothing was run there.</p>`;
  else if (run.state === 'unsupported') body = html`<p class="muted">This probe's version cannot run ${op.kind}; upgrade it to run operations.</p>`;
  else if (!runEnded(run.state)) body = html`<p class="muted">${run.state === 'queued' ? 'Waiting for the probe…' : 'Waiting for the first result…'}</p>`;
  return html`<article class=${`op-run state-${run.state}`} data-probe=${run.probeName} data-state=${run.state} aria-labelledby=${id}>
    <header class="op-run-head">
      <h3 id=${id}>${label}</h3>
      ${run.site && html`<span class="badge site" title="site">${run.site}</span>`}
      <span class=${`run-state ${run.state}`} data-run-state>${runStateText(run, op.kind)}</span>
      ${took && html`<span class="muted took">${took}</span>`}
    </header>
    ${run.address && run.address !== op.target && html`<p class="muted op-address">${op.target} → <code>${run.address}</code></p>`}
    ${run.state === 'running' && run.progress && run.progress.total > 0 &&
    html`<progress max=${run.progress.total} value=${run.progress.done} aria-label=${`Progress on ${label}`}></progress>`}
    ${problem &&
    html`<p class="error op-error" data-code=${problem.code ?? ''}>${problem.message}${problem.meaning ? html`<span class="muted"> (${problem.meaning})</span>` : ''}${problem.code ? html` <code class="op-code">${problem.code}</code>` : ''}</p>`}
    ${r && html`<p class="op-summary sr-only">${resultSummary(r)}</p>`}
    ${body}
  </article>`;
}
