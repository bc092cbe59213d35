// @ts-check
import { html } from '../lib/html.js';

/**
 * The offline ASN, organisation and country of an address (GET /api/tools/asn, or an RDAP answer's `offline`), with
 * where the data comes from: DB-IP's licence asks for a link back wherever its results are shown.
 */
export function AsnAnswer({ data }) {
  if (!data) return null;
  return html`<div class="asn-answer" data-asn-answer>
    <dl class="identity">
      ${data.ip && html`<div><dt>Address</dt><dd><code>${data.ip}</code></dd></div>`}
      <div><dt>AS number</dt><dd data-asn>${data.asn == null ? html`<span class="muted">none (private, documentation or unrouted)</span>` : html`<code>AS${data.asn}</code>`}</dd></div>
      <div><dt>AS organisation</dt><dd data-org>${data.org ?? html`<span class="muted">—</span>`}</dd></div>
      <div><dt>Country</dt><dd data-country>${data.country ?? html`<span class="muted">—</span>`}</dd></div>
    </dl>
    <p class="muted hint">
      Offline data, no request leaves the server${data.sources?.length ? ': ' : '.'}
      ${(data.sources ?? []).map((s, i) => html`${i ? '; ' : ''}${s.name} (${s.licence}${s.date ? `, ${s.date}` : ''})`)}${data.sources?.length ? '. ' : ''}
      <a href="https://db-ip.com" rel="noopener noreferrer" target="_blank">IP Geolocation by DB-IP</a>.
    </p>
  </div>`;
}
