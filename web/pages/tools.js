// @ts-check
import { IpCalculator } from '../components/ip-calculator.js';
import { MacLookup } from '../components/mac-lookup.js';
import { RdapLookup } from '../components/rdap-lookup.js';
import { html } from '../lib/html.js';

const SECTIONS = [
  { id: 'calc', label: 'IP calculator', render: (query) => html`<${IpCalculator} query=${query} />` },
  { id: 'mac', label: 'MAC vendor', render: (query) => html`<${MacLookup} query=${query} />` },
  { id: 'rdap', label: 'RDAP / WHOIS', render: (query) => html`<${RdapLookup} query=${query} />` },
];

/** The admin's tools: `#/tools/calc` (the default), `#/tools/mac`, `#/tools/rdap`, each reachable by URL. */
export function Tools({ path, query }) {
  const id = /^\/tools\/([a-z]+)/.exec(path)?.[1];
  const section = SECTIONS.find((s) => s.id === id) ?? SECTIONS[0];
  return html`<section class="tools">
    <h1>Tools</h1>
    <nav aria-label="Tools" class="checks">
      ${SECTIONS.map((s) => html`<a key=${s.id} href=${`#/tools/${s.id}`} aria-current=${s === section ? 'page' : undefined} style=${s === section ? 'font-weight: 600' : undefined}>${s.label}</a>`)}
    </nav>
    ${section.render(query)}
  </section>`;
}
