// @ts-check
import { html } from '../lib/html.js';

/**
 * Bad rows: the line in the file (as the spreadsheet numbers it) and why it cannot be imported.
 * @param {{ heading: string, rows: { line: number, message: string }[], id?: string }} props
 */
export function ImportErrors({ heading, rows, id = 'import-errors' }) {
  return html`<section class="import-errors" aria-labelledby=${`${id}-heading`}>
    <h2 id=${`${id}-heading`}>${heading}</h2>
    <div class="scroll-x"><table>
      <thead><tr><th scope="col">Line</th><th scope="col">Why</th></tr></thead>
      <tbody>${rows.map((r, i) => html`<tr key=${`${r.line}-${i}`} data-line=${r.line}><td class="num">${r.line}</td><td>${r.message}</td></tr>`)}</tbody>
    </table></div>
  </section>`;
}
