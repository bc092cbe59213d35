// @ts-check
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ALERT_TYPES, endpointBody, endpointErrorField, FORMATS, STANDARD_TYPES } from '../lib/alerts.js';
import { html } from '../lib/html.js';

const picked = (select) => [...select.selectedOptions].map((o) => o.value);

/**
 * Creates an endpoint (`endpoint` absent) or edits one. The server's refusal appears next to its field
 * (url_not_allowed by the URL, unknown_subnet by the subnets, a schema error by the field it names).
 */
export function WebhookForm({ endpoint = null, subnets, tags, onSaved, onCancel }) {
  const [errors, setErrors] = useState(/** @type {Record<string, string | undefined>} */ ({}));
  const [busy, setBusy] = useState(false);
  const first = useRef(/** @type {HTMLInputElement | null} */ (null));
  useLayoutEffect(() => first.current?.focus(), []);
  const id = endpoint ? `wh-${endpoint.id}` : 'wh-new';
  const types = endpoint ? endpoint.eventTypes : STANDARD_TYPES;
  // a tag the endpoint filters on that no host has any more stays selectable
  const tagNames = [...new Set([...tags.map((t) => t.tag), ...(endpoint?.tags ?? [])])].sort();
  const submit = async (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    const el = form.elements;
    const body = endpointBody({
      name: /** @type {HTMLInputElement} */ (el.namedItem('name')).value,
      url: /** @type {HTMLInputElement} */ (el.namedItem('url')).value,
      format: /** @type {HTMLSelectElement} */ (el.namedItem('format')).value,
      eventTypes: [...form.querySelectorAll('input[name=eventTypes]:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value),
      subnetIds: picked(/** @type {HTMLSelectElement} */ (el.namedItem('subnetIds'))),
      tags: picked(/** @type {HTMLSelectElement} */ (el.namedItem('tags'))),
      enabled: /** @type {HTMLInputElement} */ (el.namedItem('enabled')).checked,
    });
    if (body.eventTypes.length === 0) return setErrors({ eventTypes: 'pick at least one event' });
    setBusy(true);
    try {
      const saved = endpoint ? await api('PATCH', `/api/webhooks/${endpoint.id}`, body) : await api('POST', '/api/webhooks', body);
      setErrors({});
      await onSaved(saved);
    } catch (err) {
      setErrors({ [endpointErrorField(err)]: err.message });
    } finally {
      setBusy(false);
    }
  };
  const described = (k, hint = false) => ({
    id: `${id}-${k}`,
    'aria-describedby': `${hint ? `${id}-${k}-hint ` : ''}${id}-${k}-error`,
    'aria-invalid': errors[k] ? 'true' : undefined,
  });
  const clear = (k) => () => errors[k] && setErrors({ ...errors, [k]: undefined });
  const error = (k) => html`<span id=${`${id}-${k}-error`} class="error" role="alert">${errors[k] ?? ''}</span>`;
  return html`<form class="webhook-form" onSubmit=${submit} aria-label=${endpoint ? `Edit ${endpoint.name}` : 'Add a webhook endpoint'}>
    <div class="field"><label for=${`${id}-name`}>Name</label>
      <input name="name" required defaultValue=${endpoint?.name ?? ''} placeholder="e.g. ops chat" ref=${first} ...${described('name')} onInput=${clear('name')} />${error('name')}</div>
    <div class="field wide"><label for=${`${id}-url`}>URL</label>
      <input name="url" type="url" required defaultValue=${endpoint?.url ?? ''} placeholder="https://hooks.example.net/ipam" ...${described('url', true)} onInput=${clear('url')} />
      <span id=${`${id}-url-hint`} class="hint muted">http or https; redirects are not followed</span>${error('url')}</div>
    <div class="field"><label for=${`${id}-format`}>Format</label>
      <select name="format" ...${described('format')} onChange=${clear('url')}>
        ${FORMATS.map((f) => html`<option value=${f.value} selected=${f.value === (endpoint?.format ?? 'generic')}>${f.label}</option>`)}</select>${error('format')}</div>
    <fieldset class="field wide events" aria-describedby=${`${id}-eventTypes-error`}>
      <legend>Events</legend>
      <div class="checks">${ALERT_TYPES.map(
        (t) => html`<label><input type="checkbox" name="eventTypes" value=${t.type} defaultChecked=${types.includes(t.type)} onChange=${clear('eventTypes')} /> ${t.label}</label>`,
      )}</div>${error('eventTypes')}</fieldset>
    <div class="field"><label for=${`${id}-subnetIds`}>Only subnets (optional)</label>
      <select name="subnetIds" multiple size="4" ...${described('subnetIds', true)} onChange=${clear('subnetIds')}>
        ${subnets.map((s) => html`<option value=${s.id} selected=${!!endpoint?.subnetIds?.includes(s.id)}>${s.cidr}${s.name ? ` ${s.name}` : ''}</option>`)}</select>
      <span id=${`${id}-subnetIds-hint`} class="hint muted">None selected: every subnet</span>${error('subnetIds')}</div>
    <div class="field"><label for=${`${id}-tags`}>Only hosts tagged (optional)</label>
      <select name="tags" multiple size="4" ...${described('tags', true)} onChange=${clear('tags')}>
        ${tagNames.map((t) => html`<option value=${t} selected=${!!endpoint?.tags?.includes(t)}>${t}</option>`)}</select>
      <span id=${`${id}-tags-hint`} class="hint muted">${tagNames.length ? 'None selected: every host' : 'No tags in use yet'}</span>${error('tags')}</div>
    <div class="field check wide"><label><input type="checkbox" name="enabled" defaultChecked=${endpoint ? endpoint.enabled : true} /> Enabled</label></div>
    <div class="field wide buttons">
      <span><button disabled=${busy}>${endpoint ? 'Save endpoint' : 'Create endpoint'}</button>
        <button type="button" onClick=${onCancel}>Cancel</button></span>
      ${error('form')}</div>
  </form>`;
}
