// @ts-check
import { countsOf, formatLabel, sampleColumns, sampleText } from '../lib/imports.js';
import { html } from '../lib/html.js';

const ACTION = { create: 'create', update: 'update', watch: 'watch' };

/**
 * The preview's counts (what a commit would write) and the first planned records as they would be stored.
 * @param {{ preview: any, formats: { id: string, label: string }[] | null }} props
 */
export function ImportSummary({ preview, formats }) {
  const keys = sampleColumns(preview.sample ?? []);
  return html`<section class="import-summary" aria-labelledby="import-summary-heading">
    <h2 id="import-summary-heading">${formatLabel(formats, preview.format)}: ${preview.total.toLocaleString('en')} ${preview.total === 1 ? 'row' : 'rows'}</h2>
    <ul class="import-counts">${countsOf(preview).map(([key, text]) => html`<li key=${key} data-count=${key}>${text}</li>`)}</ul>
    ${keys.length > 0 &&
    html`<details class="import-sample">
      <summary>The first ${preview.sample.length} ${preview.sample.length === 1 ? 'record' : 'records'} as they will be imported</summary>
      <div class="scroll-x"><table>
        <thead><tr><th scope="col">Line</th><th scope="col">Action</th>${keys.map((k) => html`<th key=${k} scope="col">${k}</th>`)}</tr></thead>
        <tbody>${preview.sample.map((s, i) => {
          const record = s.record ?? s;
          return html`<tr key=${i} data-line=${s.line}><td class="num">${s.line}</td><td>${ACTION[s.action] ?? s.action}</td>${keys.map((k) => html`<td key=${k}>${sampleText(record[k])}</td>`)}</tr>`;
        })}</tbody>
      </table></div>
    </details>`}
  </section>`;
}
