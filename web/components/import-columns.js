// @ts-check
import { html } from '../lib/html.js';

/**
 * How the file's columns map onto the format's fields, one select a column; a change re-previews with the mapping.
 * @param {{ columns: { index: number, header: string, field: string | null }[], fields: { field: string, label: string }[],
 *   onChange: (index: number, field: string | null) => void, disabled: boolean, note?: string }} props
 */
export function ImportColumns({ columns, fields, onChange, disabled, note = '' }) {
  return html`<section class="import-mapping" aria-labelledby="import-columns-heading">
    <h2 id="import-columns-heading">Columns</h2>
    <p class="muted">Change what a column is imported as: the preview follows.${note && html` <span data-kept>${note}</span>`}</p>
    <div class="scroll-x"><table class="import-columns" aria-labelledby="import-columns-heading">
    <thead><tr><th scope="col">Column</th><th scope="col">Header</th><th scope="col">Imported as</th></tr></thead>
    <tbody>${columns.map(
      (c) => html`<tr key=${c.index} data-column=${c.index} class=${c.field ? 'mapped' : 'unmapped'}>
        <td class="num">${c.index + 1}</td>
        <th scope="row">${c.header || html`<span class="muted">(no header)</span>`}</th>
        <td><select id=${`import-col-${c.index}`} aria-label=${`Column ${c.index + 1}${c.header ? ` (${c.header})` : ''} imported as`}
          value=${c.field ?? ''} disabled=${disabled} onChange=${(e) => onChange(c.index, e.currentTarget.value || null)}>
          <option value="">not imported</option>
          ${fields.map((f) => html`<option key=${f.field} value=${f.field}>${f.label}</option>`)}
        </select></td></tr>`,
    )}</tbody>
  </table></div></section>`;
}
