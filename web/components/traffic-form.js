// @ts-check
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { buildRequest, LIMITS, PROTOCOLS, refusalOf, trafficProbes } from '../lib/traffic.js';
import { buildSchedule, EVERY_HOURS } from '../lib/traffic-schedules.js';

const FIELD_ID = { from: '#tt-from', to: '#tt-to', toAddress: '#tt-to-address', address: '#tt-address', protocol: '#tt-protocol-tcp', durationSeconds: '#tt-duration', bandwidth: '#tt-bandwidth', parallel: '#tt-parallel', everyHours: '#tt-every' };

const probeLabel = (p) => `${p.name}${p.site ? ` · ${p.site}` : ''}${p.connected ? '' : ' (offline)'}`;

/**
 * Start a traffic test (editors): the probe that sends, the probe that listens (or an address running iperf3), the
 * protocol, duration, bandwidth, streams and direction; or, with "Repeat", a schedule of that test every N hours. A
 * refusal is shown at its field, which gets the focus; on 201 `onStarted(test)` or `onScheduled(schedule)` is called.
 * @param {{ probes: any[], initial: any, onStarted: (test: any) => void, onScheduled: (schedule: any) => void }} props
 */
export function TrafficForm({ probes, initial, onStarted, onScheduled }) {
  const [form, setForm] = useState(initial);
  const [problem, setProblem] = useState(/** @type {{ field: string | null, message: string }} */ ({ field: null, message: '' }));
  const [sending, setSending] = useState(false);
  const root = useRef(/** @type {HTMLFormElement | null} */ (null));
  const { sources, targets } = trafficProbes(probes);
  const set = (changes) => setForm((f) => ({ ...f, ...changes }));
  // the first connected probes that can are the defaults, unless the URL named them
  useEffect(() => {
    const first = (list, not = '') => list.find((p) => p.connected && String(p.id) !== not) ?? list.find((p) => String(p.id) !== not);
    setForm((f) => {
      const from = f.from || String(first(sources)?.id ?? '');
      return { ...f, from, to: f.to || String(first(targets, from)?.id ?? '') };
    });
  }, [probes.length]);
  // focus moves to the field in question in the same frame its message is rendered (its aria-describedby then reads it)
  useLayoutEffect(() => {
    if (problem.field) /** @type {HTMLElement | null} */ (root.current?.querySelector(FIELD_ID[problem.field] ?? '#tt-from'))?.focus();
  }, [problem]);

  const submit = async (e) => {
    e.preventDefault();
    if (sending) return;
    const built = form.repeat ? buildSchedule(form) : buildRequest(form);
    if ('error' in built) {
      setProblem({ field: built.field, message: built.error });
      return;
    }
    setProblem({ field: null, message: '' });
    setSending(true);
    try {
      if (form.repeat) onScheduled(await api('POST', '/api/traffic-schedules', built.body));
      else onStarted(await api('POST', '/api/traffic-tests', built.body));
    } catch (err) {
      setProblem(refusalOf(err, form.toMode));
    } finally {
      setSending(false);
    }
  };

  const errorFor = (field) => (problem.field === field ? problem.message : '');
  const invalid = (field) => (errorFor(field) ? 'true' : undefined);
  const select = (id, field, label, list, empty) => {
    const known = list.some((p) => String(p.id) === form[field]);
    return html`<div class="field"><label for=${id}>${label}</label>
      <select id=${id} name=${field} value=${known ? form[field] : ''} aria-invalid=${invalid(field)} aria-describedby=${`${id}-error`} onChange=${(e) => set({ [field]: e.currentTarget.value })}>
        ${!known && html`<option value="">${list.length ? 'Choose a probe…' : empty}</option>`}
        ${list.map((p) => html`<option key=${p.id} value=${String(p.id)}>${probeLabel(p)}</option>`)}
      </select><span id=${`${id}-error`} class="error">${errorFor(field)}</span></div>`;
  };
  const number = (id, field, label, unit, limits) =>
    html`<div class="field op-num"><label for=${id}>${label}${unit && html` <span class="muted">(${unit})</span>`}</label>
      <input id=${id} name=${field} type="number" inputmode="numeric" min=${limits.min} max=${limits.max} step="1" value=${form[field]}
        aria-invalid=${invalid(field)} aria-describedby=${`${id}-error`} onInput=${(e) => set({ [field]: e.currentTarget.value })} />
      <span id=${`${id}-error`} class="error">${errorFor(field)}</span></div>`;

  return html`<form class="op-form traffic-form" ref=${root} onSubmit=${submit} aria-label="Start a traffic test" novalidate>
    ${select('tt-from', 'from', 'From (runs iperf3 -c)', sources, 'No probe runs traffic tests')}
    <fieldset class="field tt-to"><legend>To</legend>
      <div class="op-from-choices">
        <label><input type="radio" name="toMode" value="probe" checked=${form.toMode === 'probe'} onChange=${() => set({ toMode: 'probe' })} /> a probe</label>
        <label><input type="radio" name="toMode" value="address" checked=${form.toMode === 'address'} onChange=${() => set({ toMode: 'address' })} /> an address running iperf3</label>
      </div>
      <div class="tt-to-fields">${form.toMode === 'probe'
        ? html`${select('tt-to', 'to', 'Probe that listens', targets, 'No probe listens for traffic tests')}
            <div class="field"><label for="tt-to-address">Its address <span class="muted">(optional)</span></label>
              <input id="tt-to-address" name="toAddress" value=${form.toAddress} maxlength="64" autocomplete="off" spellcheck=${false} placeholder="chosen by the server"
                aria-invalid=${invalid('toAddress')} aria-describedby="tt-to-address-error" onInput=${(e) => set({ toAddress: e.currentTarget.value })} />
              <span id="tt-to-address-error" class="error">${errorFor('toAddress')}</span></div>`
        : html`<div class="field"><label for="tt-address">Address</label>
            <input id="tt-address" name="address" value=${form.address} maxlength="64" autocomplete="off" spellcheck=${false} placeholder="198.18.0.1 or fd00::1"
              aria-invalid=${invalid('address')} aria-describedby="tt-address-error" onInput=${(e) => set({ address: e.currentTarget.value })} />
            <span id="tt-address-error" class="error">${errorFor('address')}</span></div>`}</div>
    </fieldset>
    <fieldset class="field op-kinds"><legend>Protocol</legend>
      <div class="segmented">${PROTOCOLS.map(
        (p) => html`<label key=${p} class=${form.protocol === p ? 'on' : undefined}><input type="radio" id=${`tt-protocol-${p}`} name="protocol" value=${p} checked=${form.protocol === p} onChange=${() => set({ protocol: p })} /> ${p.toUpperCase()}</label>`,
      )}</div>
    </fieldset>
    <div class="op-params">
      ${number('tt-duration', 'durationSeconds', 'Duration', 's', LIMITS.durationSeconds)}
      <div class="field"><label for="tt-bandwidth">Bandwidth <span class="muted">(bits/s, e.g. 50M)</span></label>
        <input id="tt-bandwidth" name="bandwidth" value=${form.bandwidth} maxlength="32" autocomplete="off" spellcheck=${false} placeholder=${form.protocol === 'udp' ? '1M (iperf3’s default)' : 'unlimited'}
          aria-invalid=${invalid('bandwidth')} aria-describedby="tt-bandwidth-error" onInput=${(e) => set({ bandwidth: e.currentTarget.value })} />
        <span id="tt-bandwidth-error" class="error">${errorFor('bandwidth')}</span></div>
      ${number('tt-parallel', 'parallel', 'Streams', '', LIMITS.parallel)}
      <div class="field check tt-reverse"><input type="checkbox" id="tt-reverse" name="reverse" checked=${form.reverse} onChange=${(e) => set({ reverse: e.currentTarget.checked })} /><label for="tt-reverse">Reverse <span class="muted">(the target sends)</span></label></div>
      <div class="field check tt-repeat"><input type="checkbox" id="tt-repeat" name="repeat" checked=${form.repeat} onChange=${(e) => set({ repeat: e.currentTarget.checked })} /><label for="tt-repeat">Repeat <span class="muted">(a schedule; the first run within a minute)</span></label></div>
      ${form.repeat && number('tt-every', 'everyHours', 'Every', 'hours', EVERY_HOURS)}
    </div>
    <div class="op-submit">
      <button type="submit" class="primary" aria-disabled=${sending ? 'true' : undefined}>${form.repeat ? (sending ? 'Scheduling…' : 'Schedule') : sending ? 'Starting…' : 'Run test'}</button>
      <span class="error" role="alert">${problem.field == null ? problem.message : ''}</span>
    </div>
  </form>`;
}
