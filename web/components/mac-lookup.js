// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { AsnAnswer } from './asn-answer.js';

const REGISTRY = { 'MA-L': 'MA-L (24-bit block)', 'MA-M': 'MA-M (28-bit block)', 'MA-S': 'MA-S (36-bit block)' };

/** Asks `path` (null: nothing to ask) a moment after the text stops changing; the latest answer wins. */
function useLookup(path) {
  const [state, setState] = useState(/** @type {{ data: any, error: Error | null, busy: boolean }} */ ({ data: null, error: null, busy: false }));
  useEffect(() => {
    if (!path) return setState({ data: null, error: null, busy: false });
    let live = true;
    setState((s) => ({ ...s, busy: true }));
    const timer = setTimeout(
      () =>
        api('GET', path).then(
          (data) => live && setState({ data, error: null, busy: false }),
          (error) => live && setState({ data: null, error, busy: false }),
        ),
      250,
    );
    return () => ((live = false), clearTimeout(timer));
  }, [path]);
  return state;
}

function Vendor({ data }) {
  const flags = [data.locallyAdministered && 'locally administered (randomised or set by software: no vendor)', data.multicast && 'group (multicast) address'].filter(Boolean);
  return html`<dl class="identity" data-oui-answer>
    ${data.mac && html`<div><dt>MAC</dt><dd><code data-mac>${data.mac}</code></dd></div>`}
    <div><dt>Vendor</dt><dd data-vendor>${data.vendor ?? html`<span class="muted">${data.locallyAdministered ? 'randomised' : 'no assignment matches'}</span>`}</dd></div>
    ${data.prefix && html`<div><dt>Assignment</dt><dd><code data-prefix>${data.prefix}</code> <span class="muted">${REGISTRY[data.registry] ?? ''}</span></dd></div>`}
    ${flags.length > 0 && html`<div><dt>Flags</dt><dd data-flags>${flags.join('; ')}</dd></div>`}
  </dl>`;
}

function Hosts({ data }) {
  if (data.hosts.length === 0) return html`<p class="muted" data-oui-hosts>No host in the IPAM has ${data.mac ? 'this MAC' : 'a MAC starting so'} now.</p>`;
  return html`<ul data-oui-hosts>
    ${data.hosts.map(
      (h) => html`<li key=${h.hostId}><a href=${`#/subnets/${h.subnetId}?host=${h.hostId}`}>${h.ip}</a> <code>${h.mac}</code>${h.hostname ? html` <span>${h.hostname}</span>` : ''}</li>`,
    )}
    ${data.truncated && html`<li class="muted">… and more: search the dashboard by MAC prefix for all of them</li>`}
  </ul>`;
}

/** The MAC vendor lookup (`#/tools/mac?mac=…`) and the offline ASN lookup (`&ip=…`), each answering as you type. */
export function MacLookup({ query }) {
  const [mac, setMac] = useState(query?.get('mac') ?? '');
  const [ip, setIp] = useState(query?.get('ip') ?? '');
  const oui = useLookup(mac.trim() ? `/api/tools/oui?mac=${encodeURIComponent(mac.trim())}` : null);
  const asn = useLookup(ip.trim() ? `/api/tools/asn?ip=${encodeURIComponent(ip.trim())}` : null);
  const onMac = (e) => (setMac(e.currentTarget.value), setQuery({ mac: e.currentTarget.value.trim() || null }, { replace: true }));
  const onIp = (e) => (setIp(e.currentTarget.value), setQuery({ ip: e.currentTarget.value.trim() || null }, { replace: true }));
  return html`<div class="mac-lookup">
    <section aria-labelledby="mac-h">
      <h2 id="mac-h">MAC vendor</h2>
      <form class="inline" onSubmit=${(e) => e.preventDefault()} role="search" aria-label="MAC vendor">
        <div class="field">
          <label for="mac-input">MAC address or its start</label>
          <input id="mac-input" type="text" value=${mac} onInput=${onMac} placeholder="00:1B:63:84:45:E6, 001b.6384.45e6 or 70-B3-D5" size="34"
            spellcheck="false" autocomplete="off" autocapitalize="off" aria-invalid=${oui.error ? 'true' : undefined} aria-describedby="mac-answer" />
        </div>
      </form>
      <div id="mac-answer" aria-live="polite">
        ${oui.error && html`<p class="error" role="alert">${oui.error.message}</p>`}
        ${oui.data &&
        html`<${Vendor} data=${oui.data} />
          <h3>Hosts with ${oui.data.mac ? 'this MAC' : 'this prefix'}</h3>
          <${Hosts} data=${oui.data} />`}
        ${!mac.trim() && html`<p class="muted">The IEEE registries (MA-L, MA-M, MA-S; the longest assignment wins), the same table the probes use.</p>`}
      </div>
    </section>
    <section aria-labelledby="asn-h">
      <h2 id="asn-h">ASN and country (offline)</h2>
      <form class="inline" onSubmit=${(e) => e.preventDefault()} role="search" aria-label="Offline ASN">
        <div class="field">
          <label for="asn-input">IP address</label>
          <input id="asn-input" type="text" value=${ip} onInput=${onIp} placeholder="2001:db8::1" size="34"
            spellcheck="false" autocomplete="off" autocapitalize="off" aria-invalid=${asn.error ? 'true' : undefined} aria-describedby="asn-answer" />
        </div>
      </form>
      <div id="asn-answer" aria-live="polite">
        ${asn.error && html`<p class="error" role="alert">${asn.error.code === 'unavailable_on_host' ? 'This server carries no offline ASN data (the Workers host); the Node host does.' : asn.error.message}</p>`}
        <${AsnAnswer} data=${asn.data} />
      </div>
    </section>
  </div>`;
}
