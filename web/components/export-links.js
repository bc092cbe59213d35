// @ts-check
import { html } from '../lib/html.js';

const FILES = ['hosts.csv', 'hosts.xlsx', 'subnets.csv', 'subnets.xlsx'];

/** Download links to the exports (viewers too): hosts and subnets as CSV and as .xlsx, same columns. */
export function ExportLinks() {
  return html`<p class="export-links"><span class="muted">Export:</span>${FILES.map(
    (f, i) => html`${i > 0 ? ' · ' : ' '}<a key=${f} href=${`/api/export/${f}`} download=${f}>${f}</a>`,
  )}</p>`;
}
