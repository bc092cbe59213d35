// @ts-check
import { ago } from '../lib/format.js';
import { html } from '../lib/html.js';
import { ptrBeside, sourceText, staleDns, vendorText } from '../lib/identity.js';
import { CopyButton } from './copy.js';

/**
 * Who the host is, at the top of the drawer: its name and where the name came from (with the PTR name beside a
 * manual or imported one that differs, and a stale-DNS note when the PTR name resolves elsewhere), and the MAC
 * last seen at the address with its vendor and a copy button.
 */
export function HostIdentity({ host }) {
  const source = sourceText(host.hostnameSource);
  const ptr = ptrBeside(host);
  const stale = staleDns(host);
  return html`<dl class="identity">
    <div><dt>Name</dt><dd class="host-name">
      ${host.hostname ? html`<span data-hostname>${host.hostname}</span>` : html`<span class="muted">no name</span>`}
      ${host.hostname && source && html` <span class="badge source" data-source=${host.hostnameSource}><span class="sr-only">source: </span>${source}</span>`}
      ${ptr && html`<span class="ptr-name" data-ptr><span class="muted">PTR</span> ${ptr}</span>`}
      ${host.ptrCheckedAt && html`<span class="muted hint">PTR checked <time datetime=${host.ptrCheckedAt} title=${new Date(host.ptrCheckedAt).toLocaleString()}>${ago(host.ptrCheckedAt)}</time></span>`}
    </dd></div>
    ${stale && html`<div><dt>DNS</dt><dd><span class="warning soft stale-dns" data-stale-dns>Stale DNS: ${stale}</span></dd></div>`}
    <div><dt>MAC</dt><dd class="host-mac">
      ${host.mac
        ? html`<code id="drawer-mac" data-mac>${host.mac}</code> <${CopyButton} text=${host.mac} what="the MAC address" select="drawer-mac" />
            <span class=${`vendor${host.macRandom ? ' random' : ''}`} data-vendor>${vendorText(host.vendor, host.macRandom)}</span>`
        : html`<span class="muted">not seen (the probe shares no segment with it, or it never answered)</span>`}
    </dd></div>
  </dl>`;
}
