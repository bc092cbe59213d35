// @ts-check
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { buildRequest, defaultCount, fieldsOf, KINDS, LIMITS, refusalOf, sitesOf } from '../lib/operations.js';

const KIND_TEXT = { ping: 'ping', mtr: 'mtr', traceroute: 'traceroute' };
const FIELD_ID = { kind: '#op-kind-ping', target: '#op-target', probeId: '#op-probe', site: '#op-site', probes: '#op-probe, #op-site', count: '#op-count', intervalMs: '#op-interval', packetSize: '#op-size', maxHops: '#op-hops' };

/**
 * Start an operation (editors): kind, target, the probes (one, a site, all), the kind's parameters. The server's
 * refusal is shown next to the field it is about; on 202 the page of the new operation opens.
 * @param {{ probes: any[], initial: any }} props `initial`: the form from parsePrefill (the URL)
 */
export function OperationForm({ probes, initial }) {
  const [form, setForm] = useState(initial);
  const [problem, setProblem] = useState(/** @type {{ field: string | null, message: string }} */ ({ field: null, message: '' }));
  const [sending, setSending] = useState(false);
  const root = useRef(/** @type {HTMLFormElement | null} */ (null));
  const sites = sitesOf(probes);
  const set = (changes) => setForm((f) => ({ ...f, ...changes }));
  // the first connected probe is the default for "one probe", unless the URL named one
  useEffect(() => {
    if (form.mode === 'probe' && !form.probeId && probes.length) set({ probeId: String((probes.find((p) => p.connected) ?? probes[0]).id) });
  }, [probes.length]);
  useEffect(() => {
    if (form.mode === 'site' && !form.site && sites.length) set({ site: sites[0].site });
  }, [form.mode, sites.length]);

  const pickKind = (kind) =>
    setForm((f) => ({ ...f, kind, count: f.count === String(defaultCount(f.kind)) ? String(defaultCount(kind)) : f.count }));
  // focus moves to the field in question in the same frame its message is rendered (its aria-describedby then reads it)
  useLayoutEffect(() => {
    if (problem.field) /** @type {HTMLElement | null} */ (root.current?.querySelector(FIELD_ID[problem.field] ?? '#op-target'))?.focus();
  }, [problem]);
  const submit = async (e) => {
    e.preventDefault();
    if (sending) return;
    const built = buildRequest(form);
    if ('error' in built) {
      setProblem({ field: built.field, message: built.error });
      return;
    }
    setProblem({ field: null, message: '' });
    setSending(true);
    try {
      const op = await api('POST', '/api/operations', built.body);
      location.hash = `#/operations/${encodeURIComponent(op.id)}`;
    } catch (err) {
      setProblem(refusalOf(err));
    } finally {
      setSending(false);
    }
  };

  const errorFor = (...fields) => (fields.includes(/** @type {string} */ (problem.field)) ? problem.message : '');
  const invalid = (...fields) => (errorFor(...fields) ? 'true' : undefined);
  const known = probes.some((p) => String(p.id) === form.probeId);
  const shown = fieldsOf(form.kind);
  const number = (field, id, label, unit, limits) =>
    shown.includes(field) &&
    html`<div class="field op-num"><label for=${id}>${label}${unit && html` <span class="muted">(${unit})</span>`}</label>
      <input id=${id} name=${field} type="number" inputmode="numeric" min=${limits.min} max=${limits.max} step="1" value=${form[field]}
        aria-invalid=${invalid(field)} aria-describedby=${`${id}-error`} onInput=${(e) => set({ [field]: e.currentTarget.value })} />
      <span id=${`${id}-error`} class="error">${errorFor(field)}</span></div>`;

  return html`<form class="op-form" ref=${root} onSubmit=${submit} aria-label="Start an operation" novalidate>
    <fieldset class="field op-kinds"><legend>Kind</legend>
      <div class="segmented">${KINDS.map(
        (k) => html`<label key=${k} class=${form.kind === k ? 'on' : undefined}><input type="radio" id=${`op-kind-${k}`} name="kind" value=${k} checked=${form.kind === k} onChange=${() => pickKind(k)} /> ${KIND_TEXT[k]}</label>`,
      )}</div>
    </fieldset>
    <div class="field op-target"><label for="op-target">Target <span class="muted">(address or hostname, resolved by each probe)</span></label>
      <input id="op-target" name="target" value=${form.target} maxlength=${LIMITS.target.max} autocomplete="off" spellcheck=${false} placeholder="198.18.0.1, 2001:db8::1 or host.example"
        aria-invalid=${invalid('target')} aria-describedby="op-target-error" onInput=${(e) => set({ target: e.currentTarget.value })} />
      <span id="op-target-error" class="error">${errorFor('target')}</span></div>
    <fieldset class="field op-from" aria-describedby="op-from-error"><legend>Run from</legend>
      <div class="op-from-choices">
        <label><input type="radio" name="mode" value="probe" checked=${form.mode === 'probe'} onChange=${() => set({ mode: 'probe' })} /> one probe</label>
        <label><input type="radio" name="mode" value="site" checked=${form.mode === 'site'} disabled=${sites.length === 0} onChange=${() => set({ mode: 'site', site: form.site || sites[0]?.site || '' })} /> a site${sites.length === 0 ? html` <span class="muted">(no probe has a site)</span>` : ''}</label>
        <label><input type="radio" name="mode" value="all" checked=${form.mode === 'all'} onChange=${() => set({ mode: 'all' })} /> all probes <span class="muted">(${probes.length})</span></label>
      </div>
      ${form.mode === 'probe' &&
      html`<label class="sr-only" for="op-probe">Probe</label>
        <select id="op-probe" name="probeId" value=${known ? form.probeId : ''} aria-invalid=${invalid('probeId', 'probes')} onChange=${(e) => set({ probeId: e.currentTarget.value })}>
          ${!known && html`<option value="">${probes.length ? 'Choose a probe…' : 'No probe enrolled'}</option>`}
          ${probes.map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}${p.site ? ` · ${p.site}` : ''}${p.connected ? '' : ' (offline)'}</option>`)}
        </select>`}
      ${form.mode === 'site' &&
      html`<label class="sr-only" for="op-site">Site</label>
        <select id="op-site" name="site" value=${form.site} aria-invalid=${invalid('site', 'probes')} onChange=${(e) => set({ site: e.currentTarget.value })}>
          ${!sites.some((s) => s.site === form.site) && html`<option value=${form.site}>${form.site || 'Choose a site…'}</option>`}
          ${sites.map((s) => html`<option key=${s.site} value=${s.site}>${s.site} (${s.probes} ${s.probes === 1 ? 'probe' : 'probes'})</option>`)}
        </select>`}
      <span id="op-from-error" class="error">${errorFor('probeId', 'site', 'probes')}</span>
    </fieldset>
    <div class="op-params">
      ${number('count', 'op-count', form.kind === 'mtr' ? 'Cycles' : 'Count', '', LIMITS.count)}
      ${number('intervalMs', 'op-interval', 'Interval', 'ms', LIMITS.intervalMs)}
      ${number('packetSize', 'op-size', 'Packet size', 'bytes', LIMITS.packetSize)}
      ${number('maxHops', 'op-hops', 'Max hops', '', LIMITS.maxHops)}
      <div class="field"><label for="op-family">Family</label>
        <select id="op-family" name="family" value=${form.family} onChange=${(e) => set({ family: e.currentTarget.value })}>
          <option value="">any</option><option value="4">IPv4</option><option value="6">IPv6</option>
        </select><span class="error"></span></div>
    </div>
    <div class="op-submit">
      <button type="submit" class="primary" aria-disabled=${sending ? 'true' : undefined}>${sending ? 'Starting…' : `Run ${KIND_TEXT[form.kind]}`}</button>
      <span class="error" role="alert">${problem.field == null ? problem.message : ''}</span>
    </div>
  </form>`;
}
