// @ts-check
import { html } from '../lib/html.js';

/**
 * What becomes of addresses outside every managed subnet: refused row by row, or a watch list (a /32 or /128 subnet
 * each, grouped under a name and swept by the chosen probe).
 * @param {{ outside: 'refuse' | 'watch', watch: { name: string, probeId: string }, probes: any[], problem: string,
 *   onOutside: (o: 'refuse' | 'watch') => void, onWatch: (changes: { name?: string, probeId?: string }) => void, disabled: boolean }} props
 */
export function ImportOutside({ outside, watch, probes, problem, onOutside, onWatch, disabled }) {
  return html`<fieldset class="field import-outside"><legend>Addresses outside every subnet</legend>
    <div class="op-from-choices">
      <label><input type="radio" id="import-outside-refuse" name="outside" value="refuse" checked=${outside === 'refuse'} disabled=${disabled} onChange=${() => onOutside('refuse')} /> refuse them (a bad row each)</label>
      <label><input type="radio" id="import-outside-watch" name="outside" value="watch" checked=${outside === 'watch'} disabled=${disabled} onChange=${() => onOutside('watch')} /> import them as a watch list</label>
    </div>
    ${outside === 'watch' &&
    html`<div class="import-watch">
      <div class="field"><label for="import-watch-name">Watch list name</label>
        <input id="import-watch-name" value=${watch.name} maxlength="200" autocomplete="off" aria-invalid=${problem ? 'true' : undefined}
          aria-describedby="import-watch-error" onInput=${(e) => onWatch({ name: e.currentTarget.value })} />
        <span id="import-watch-error" class="error">${problem}</span></div>
      <div class="field"><label for="import-watch-probe">Swept by</label>
        <select id="import-watch-probe" value=${watch.probeId} onChange=${(e) => onWatch({ probeId: e.currentTarget.value })}>
          <option value="">no probe</option>
          ${probes.map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}${p.site ? ` · ${p.site}` : ''}${p.connected ? '' : ' (offline)'}</option>`)}
        </select><span class="error"></span></div>
    </div>`}
  </fieldset>`;
}
