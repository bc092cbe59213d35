// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { allocationSteps, buildAllocateRequest, EMPTY_FORM, MAX_COUNT, newAllocationId, refusalOf, resultLines } from '../lib/allocate.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { useLive } from '../lib/live.js';
import { setQuery } from '../lib/router.js';

const FIELD_ID = /** @type {Record<string, string>} */ ({ count: 'alloc-count', hostname: 'alloc-hostname', description: 'alloc-description', tags: 'alloc-tags', reservedBy: 'alloc-by', reservedNote: 'alloc-note', until: 'alloc-until' });

/** The steps of the allocation under way (or the last one), as its live events and then its answer tell them. */
function Steps({ run, subnetId }) {
  const steps = allocationSteps(run.events);
  const lines = run.answer ? resultLines(run.answer) : [];
  return html`<div class="alloc-run" data-state=${run.state}>
    <ol class="alloc-steps" aria-label="Verification steps">
      ${steps.map((s) => html`<li key=${s.key} class=${`step ${s.kind}`} data-kind=${s.kind}>${s.text}</li>`)}
      ${run.state === 'running' && html`<li class="step waiting" aria-hidden=${steps.length ? 'true' : undefined}>${run.verify ? (steps.length ? 'Waiting for the probe…' : 'Asking the subnet’s probe to check the next free addresses…') : 'Reserving without verifying…'}</li>`}
    </ol>
    ${lines.length > 0 &&
    html`<ul class="alloc-result" aria-label="Result">${lines.map(
      (l) => html`<li key=${l.key} class=${l.kind} data-ip=${l.ip}>${l.hostId != null ? html`<a href=${`#/subnets/${subnetId}?host=${l.hostId}`}>${l.ip}</a>` : l.ip}${l.text.slice(l.ip.length)}</li>`,
    )}</ul>`}
  </div>`;
}

/**
 * Next free (editors): a small form → POST /api/subnets/{id}/allocate with the UI's allocationId, the probe's checks
 * shown as the live `allocation` events arrive, then the new host's drawer. A probe that cannot check now (offline,
 * none, too old) offers to allocate without verifying.
 */
export function AllocateForm({ subnet, onClose, onAllocated }) {
  const [form, setForm] = useState(/** @type {Record<string, any>} */ (EMPTY_FORM));
  const [problem, setProblem] = useState(/** @type {{ field: string | null, message: string, code: string | null, unverified: boolean } | null} */ (null));
  const [run, setRun] = useState(/** @type {{ id: string, verify: boolean, state: 'running' | 'done' | 'failed', events: any[], answer?: any } | null} */ (null));
  const current = useRef(/** @type {string | null} */ (null));
  const root = useRef(/** @type {HTMLElement | null} */ (null));
  const set = (changes) => setForm((f) => ({ ...f, ...changes }));
  useLive('allocation', (e) => {
    if (e.allocationId !== current.current) return;
    setRun((r) => (r && r.id === e.allocationId ? { ...r, events: [...r.events, e] } : r));
  });
  useEffect(() => /** @type {HTMLElement | null | undefined} */ (root.current?.querySelector('#alloc-count'))?.focus(), []);
  useEffect(() => {
    if (problem?.field) /** @type {HTMLElement | null | undefined} */ (root.current?.querySelector(`#${FIELD_ID[problem.field] ?? 'alloc-count'}`))?.focus();
  }, [problem]);

  const allocate = async (verify) => {
    if (run?.state === 'running') return;
    const id = newAllocationId();
    const built = buildAllocateRequest(/** @type {typeof EMPTY_FORM} */ (form), { now: Date.now(), allocationId: id, verify });
    if ('error' in built) return setProblem({ field: built.field, message: built.error, code: null, unverified: false });
    setProblem(null);
    current.current = id;
    setRun({ id, verify, state: 'running', events: [] });
    try {
      const answer = await api('POST', `/api/subnets/${subnet.id}/allocate`, built.body);
      setRun((r) => (r && r.id === id ? { ...r, state: 'done', answer } : r));
      onAllocated(answer);
      const first = answer.addresses?.[0];
      if (first) setQuery({ host: first.hostId });
    } catch (err) {
      setRun((r) => (r && r.id === id ? { ...r, state: 'failed' } : r));
      setProblem(refusalOf(err));
    }
  };
  const submit = (e) => (e.preventDefault(), allocate(form.verify));
  const running = run?.state === 'running';
  const errorFor = (field) => (problem?.field === field ? problem.message : '');
  const text = (field, label, attrs = {}) => html`<div class="field">
    <label for=${FIELD_ID[field]}>${label}</label>
    <input id=${FIELD_ID[field]} name=${field} value=${form[field]} onInput=${(e) => set({ [field]: e.currentTarget.value })}
      aria-invalid=${errorFor(field) ? 'true' : undefined} aria-describedby=${`${FIELD_ID[field]}-error`} ...${attrs} />
    <span id=${`${FIELD_ID[field]}-error`} class="error">${errorFor(field)}</span></div>`;

  return html`<section class="allocate" ref=${root} aria-labelledby="alloc-title" onKeyDown=${(e) => e.key === 'Escape' && !running && (e.stopPropagation(), onClose())}>
    <h2 id="alloc-title">Next free address in ${subnet.cidr}</h2>
    <form class="alloc-form" onSubmit=${submit} aria-label="Next free address" novalidate>
      ${text('count', 'Count', { type: 'number', inputmode: 'numeric', min: 1, max: MAX_COUNT, step: 1 })}
      ${text('hostname', 'Hostname', { autocomplete: 'off', spellcheck: false })}
      ${text('description', 'Description')}
      ${text('tags', 'Tags (comma separated)')}
      ${text('reservedBy', 'Reserved by')}
      ${text('reservedNote', 'Reservation note')}
      ${text('until', 'Reserved until (optional)', { type: 'datetime-local' })}
      <div class="field check alloc-verify">
        <label><input type="checkbox" name="verify" checked=${form.verify} onChange=${(e) => set({ verify: e.currentTarget.checked })} /> Verify live</label>
        <span class="muted hint">the subnet's probe checks each address first: ICMP, ARP/NDP, TCP to common ports, PTR</span>
      </div>
      <p class="alloc-actions">
        <button type="submit" disabled=${running}>${running ? 'Allocating…' : form.count.trim() === '1' ? 'Reserve the next free address' : 'Reserve the next free addresses'}</button>
        <button type="button" class="ghost" onClick=${onClose} disabled=${running}>Close</button>
      </p>
    </form>
    <div role="status" aria-live="polite">${run && html`<${Steps} run=${run} subnetId=${subnet.id} />`}</div>
    ${problem && !problem.field &&
    html`<div class="alloc-problem" role="alert" data-code=${problem.code ?? ''}>
      <p class="error">${problem.message}${problem?.code ? html` <code>${problem.code}</code>` : ''}</p>
      ${problem.unverified && html`<p><button type="button" onClick=${() => allocate(false)} disabled=${running}>Allocate without verifying</button>
        <span class="muted hint"> the answer and the audit log say it was not verified</span></p>`}
    </div>`}
  </section>`;
}
