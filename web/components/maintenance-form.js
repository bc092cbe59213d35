// @ts-check
import { useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { currentZone, DAY_NAMES, hostIdFor, isoToLocal, WEEK_ORDER, windowBody, windowErrorField, zoneList } from '../lib/maintenance.js';

const ownZone = () => currentZone(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
const zones = () => zoneList(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [], ownZone());
const hostsLike = (text) => api('GET', `/api/hosts?${new URLSearchParams({ q: text, limit: '10' })}`).then((r) => r.hosts);

/** The window's target: a subnet from the list, a host by address (or id) with suggestions, or a tag. */
function Target({ scope, subnets, tags, matches, onSearch, field }) {
  if (scope === 'subnet')
    return html`<select name="subnetId" required ...${field}>${subnets.map((s) => html`<option value=${s.id}>${s.cidr}${s.name ? ` ${s.name}` : ''}</option>`)}</select>`;
  if (scope === 'host')
    return html`<input name="host" required autocomplete="off" list="mw-host-list" placeholder="address or id, e.g. 198.18.0.7" ...${field} onInput=${(e) => (field.onInput(), onSearch(e.currentTarget.value))} />
      <datalist id="mw-host-list">${matches.map((h) => html`<option value=${h.ip}>${h.hostname ?? ''}</option>`)}</datalist>`;
  return html`<input name="tag" required autocomplete="off" list="mw-tag-list" placeholder="e.g. db" ...${field} />
    <datalist id="mw-tag-list">${tags.map((t) => html`<option value=${t.tag}>${t.count} hosts</option>`)}</datalist>`;
}

/** Adds a one-off or weekly maintenance window; the server's refusal appears next to its field. */
export function MaintenanceForm({ subnets, tags, onAdded }) {
  const [scope, setScope] = useState(subnets.length ? 'subnet' : 'host');
  const [kind, setKind] = useState('once');
  const [errors, setErrors] = useState(/** @type {Record<string, string | undefined>} */ ({}));
  const [matches, setMatches] = useState(/** @type {any[]} */ ([]));
  const [busy, setBusy] = useState(false);
  const searchTimer = useRef(/** @type {any} */ (null));
  const start = useRef(Math.ceil(Date.now() / 900_000) * 900_000); // the next quarter hour
  const search = (text) => {
    clearTimeout(searchTimer.current);
    if (text.trim().length < 2) return;
    searchTimer.current = setTimeout(() => hostsLike(text.trim()).then(setMatches, () => {}), 200);
  };
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(/** @type {HTMLFormElement} */ (e.currentTarget));
    const v = /** @type {Record<string, any>} */ (Object.fromEntries(f));
    v.weekdays = f.getAll('weekdays');
    setBusy(true);
    try {
      if (scope === 'host') {
        const text = String(v.host ?? '');
        v.hostId = hostIdFor(text, matches) ?? hostIdFor(text, await hostsLike(text.trim()));
        if (v.hostId == null) return setErrors({ target: `no host has the address ${text.trim()}` });
      }
      if (kind === 'weekly' && v.weekdays.length === 0) return setErrors({ weekdays: 'pick at least one day' });
      await api('POST', '/api/maintenance', windowBody(v));
      setErrors({});
      onAdded(); // the page mounts a fresh form
    } catch (err) {
      setErrors({ [windowErrorField(err)]: err.message });
    } finally {
      setBusy(false);
    }
  };
  const field = (k) => ({
    id: `mw-${k}`,
    'aria-describedby': `mw-${k}-error`,
    'aria-invalid': errors[k] ? 'true' : undefined,
    onInput: () => errors[k] && setErrors({ ...errors, [k]: undefined }),
  });
  const error = (k) => html`<span id=${`mw-${k}-error`} class="error" role="alert">${errors[k] ?? ''}</span>`;
  const zone = ownZone();
  return html`<form class="maintenance-form" onSubmit=${submit} aria-label="Add a maintenance window">
    <div class="field"><label for="mw-name">Name (optional)</label><input name="name" placeholder="e.g. firmware upgrade" ...${field('name')} />${error('name')}</div>
    <div class="field"><label for="mw-scope">For</label>
      <select id="mw-scope" name="scope" value=${scope} onChange=${(e) => (setScope(e.currentTarget.value), setErrors({}))}>
        <option value="subnet">a subnet</option><option value="host">a host</option><option value="tag">hosts with a tag</option></select></div>
    <div class="field"><label for="mw-target">${scope === 'subnet' ? 'Subnet' : scope === 'host' ? 'Host' : 'Tag'}</label>
      <${Target} key=${scope} scope=${scope} subnets=${subnets} tags=${tags} matches=${matches} onSearch=${search} field=${field('target')} />${error('target')}</div>
    <fieldset class="field wide kind"><legend>Repeats</legend>
      <label><input type="radio" name="kind" value="once" checked=${kind === 'once'} onChange=${() => (setKind('once'), setErrors({}))} /> once</label>
      <label><input type="radio" name="kind" value="weekly" checked=${kind === 'weekly'} onChange=${() => (setKind('weekly'), setErrors({}))} /> every week</label>
    </fieldset>
    ${kind === 'once'
      ? html`<div class="field"><label for="mw-start">Starts (local time)</label>
          <input name="start" type="datetime-local" required defaultValue=${isoToLocal(new Date(start.current).toISOString())} ...${field('start')} />${error('start')}</div>
        <div class="field"><label for="mw-end">Ends (local time)</label>
          <input name="end" type="datetime-local" required defaultValue=${isoToLocal(new Date(start.current + 3_600_000).toISOString())} ...${field('end')} />${error('end')}</div>`
      : html`<fieldset class="field wide days" aria-describedby="mw-weekdays-error"><legend>On</legend>
          <div class="checks">${WEEK_ORDER.map((d) => html`<label><input type="checkbox" name="weekdays" value=${d} onChange=${field('weekdays').onInput} /> ${DAY_NAMES[d]}</label>`)}</div>
          ${error('weekdays')}</fieldset>
        <div class="field"><label for="mw-startTime">At</label><input name="startTime" type="time" required defaultValue="02:00" ...${field('startTime')} />${error('startTime')}</div>
        <div class="field"><label for="mw-durationMinutes">For (minutes)</label>
          <input name="durationMinutes" type="number" min="1" max="10080" required defaultValue="120" ...${field('durationMinutes')} />${error('durationMinutes')}</div>
        <div class="field"><label for="mw-timeZone">Time zone</label>
          <select name="timeZone" ...${field('timeZone')}>${zones().map((z) => html`<option value=${z} selected=${z === zone}>${z}</option>`)}</select>${error('timeZone')}</div>`}
    <div class="field wide buttons"><span><button disabled=${busy}>Add window</button></span>${error('form')}</div>
  </form>`;
}
