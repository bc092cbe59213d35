// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { ago, localDay, toMs } from '../lib/format.js';
import { html } from '../lib/html.js';
import { AsnAnswer } from './asn-answer.js';
import { setQuery } from '../lib/router.js';

const TYPE = { domain: 'Domain', ip: 'IP network', autnum: 'AS number' };

/** What to tell people for each error code of GET /api/tools/rdap (the server's message follows). */
const HINT = {
  invalid_query: 'Type a domain name (example.com), an IP address or CIDR (198.51.100.7, 2001:db8::/32) or an AS number (AS64496).',
  no_rdap_service: 'Its registry offers no RDAP service (WHOIS only).',
  rdap_not_found: 'The registry has no record of it.',
  rdap_rate_limited: 'The registry is limiting requests: try again later.',
  rdap_timeout: 'The registry did not answer in time.',
  rdap_bad_response: 'The registry’s answer could not be used.',
};

const day = (iso) => (iso ? localDay(toMs(iso)) : null);

function Fact({ label, value, mono = false }) {
  if (value == null || value === '' || (Array.isArray(value) && value.length === 0)) return null;
  return html`<div><dt>${label}</dt><dd style="word-break: break-word">${mono ? html`<code>${value}</code>` : value}</dd></div>`;
}

function Abuse({ abuse }) {
  if (!abuse) return null;
  return html`<div><dt>Abuse contact</dt><dd data-abuse>
    ${abuse.email && html`<a href=${`mailto:${abuse.email}`}>${abuse.email}</a>`}${abuse.email && abuse.phone ? ', ' : ''}${abuse.phone && html`<a href=${`tel:${abuse.phone.replace(/[^+\d]/g, '')}`}>${abuse.phone}</a>`}
  </dd></div>`;
}

/** The offline ASN and country of an IP answer (the same data and component as GET /api/tools/asn). */
function Offline({ offline }) {
  return html`<section aria-labelledby="rdap-offline-h" data-offline>
    <h3 id="rdap-offline-h">Offline ASN database</h3>
    ${offline ? html`<${AsnAnswer} data=${offline} />` : html`<p class="muted">Not available on this host.</p>`}
  </section>`;
}

function Answer({ data }) {
  const s = data.summary;
  return html`<article class="rdap-answer" aria-labelledby="rdap-answer-h" data-rdap-answer>
    <h2 id="rdap-answer-h">${TYPE[data.type]} <code>${data.query}</code></h2>
    <dl class="details" data-summary>
      <${Fact} label="Name" value=${s.name} />
      <${Fact} label="Handle" value=${s.handle} mono />
      <${Fact} label="Organisation" value=${s.organisation} />
      <${Fact} label="AS holder" value=${s.asnHolder} />
      <${Fact} label="Range" value=${s.range} mono />
      <${Fact} label="CIDRs" value=${s.cidrs.join(', ')} mono />
      <${Fact} label="Country" value=${s.country} />
      <${Abuse} abuse=${s.abuse} />
      <${Fact} label="Registrar" value=${s.registrar} />
      <${Fact} label="Registered" value=${day(s.created)} />
      <${Fact} label="Last changed" value=${day(s.updated)} />
      <${Fact} label="Expires" value=${day(s.expires)} />
      <${Fact} label="Status" value=${s.status.join(', ')} />
    </dl>
    <p class="muted" data-source>
      From <code>${data.url}</code>, ${data.cached ? `cached, fetched ${ago(data.fetchedAt)}` : 'fetched now'}.
    </p>
    ${data.type === 'ip' && html`<${Offline} offline=${data.offline} />`}
    <details data-raw>
      <summary>Raw JSON</summary>
      <pre class="rdap-raw" tabindex="0" aria-label="The RDAP answer as JSON" style="overflow-x: auto; max-height: 32rem; font-size: .82em">${JSON.stringify(data.raw, null, 2)}</pre>
    </details>
  </article>`;
}

/** RDAP / WHOIS for a domain, an IP address or an AS number (GET /api/tools/rdap); the query is kept in the URL (`?q=`). */
export function RdapLookup({ query }) {
  const asked = query?.get('q') ?? '';
  const [input, setInput] = useState(asked);
  const [state, setState] = useState({ loading: false, data: null, error: null });

  useEffect(() => {
    setInput(asked);
    if (!asked) return setState({ loading: false, data: null, error: null });
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    api('GET', `/api/tools/rdap?q=${encodeURIComponent(asked)}`).then(
      (data) => live && setState({ loading: false, data, error: null }),
      (error) => live && setState({ loading: false, data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [asked]);

  const submit = (e) => {
    e.preventDefault();
    const q = input.trim();
    // the same query again is asked again (the server may answer from its cache)
    if (q === asked) setQuery({ q: null }, { replace: true });
    setQuery({ q: q || null });
  };

  const { loading, data, error } = state;
  let status = 'Look up who holds a domain, an address or an AS number (RDAP, through the IANA bootstrap registry).';
  if (loading) status = `Looking up ${asked}…`;
  else if (error) status = `${error.message}${HINT[error.code] ? ` ${HINT[error.code]}` : ''}`;
  else if (data) status = `${TYPE[data.type]} ${data.query}${data.summary.organisation ? `: ${data.summary.organisation}` : ''}`;

  return html`<div class="rdap-lookup">
    <form class="inline" onSubmit=${submit} role="search" aria-label="RDAP lookup">
      <div class="field">
        <label for="rdap-input">Domain, IP address or AS number</label>
        <input id="rdap-input" type="text" value=${input} onInput=${(e) => setInput(e.currentTarget.value)} placeholder="example.com, 198.51.100.7 or AS64496" size="34"
          spellcheck="false" autocomplete="off" autocapitalize="off" aria-invalid=${error?.code === 'invalid_query' ? 'true' : undefined} aria-describedby="rdap-status" />
      </div>
      <button type="submit" disabled=${loading} style="align-self: flex-end">Look up</button>
    </form>
    <p id="rdap-status" role="status" aria-live="polite" class=${error ? 'error' : 'muted'} data-status data-code=${error?.code}>${status}</p>
    ${data && !loading && html`<${Answer} data=${data} />`}
  </div>`;
}
