// @ts-check
import { useMemo, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { calculate, DEFAULT_PAGE_SIZE, supernet } from '../lib/ipcalc.js';
import { setQuery } from '../lib/router.js';
import { useData } from '../lib/use-data.js';

const RELATION = { equal: 'is this block', contains: 'contains it', within: 'lies inside it', overlaps: 'overlaps it' };

/** "18,446,744,073,709,551,616 (2^64)" for a decimal string; powers of two get their exponent. */
function count(decimal) {
  const n = BigInt(decimal);
  const text = n.toLocaleString('en');
  const exp = n.toString(2).length - 1;
  return n > 1024n && n === 1n << BigInt(exp) ? `${text} (2^${exp})` : text;
}

/** Runs the calculator on the text typed; an error is shown, not thrown. */
function tryCalc(input, options) {
  if (!input.trim()) return { result: null, error: '' };
  try {
    return { result: calculate(input, options), error: '' };
  } catch (e) {
    return { result: null, error: e.message };
  }
}

function Fact({ label, children, mono = true }) {
  return html`<div><dt>${label}</dt><dd style="word-break: break-all">${mono ? html`<code>${children}</code>` : children}</dd></div>`;
}

function Managed({ managed, loaded }) {
  if (!loaded) return html`<p class="muted">Reading the managed subnets…</p>`;
  if (managed.length === 0) return html`<p class="muted" data-managed>No managed subnet shares an address with it.</p>`;
  return html`<ul data-managed>${managed.map(
    (m) => html`<li key=${m.id}><a href=${`#/subnets/${m.id}`}>${m.name || m.cidr}</a> ${m.name ? html`<code>${m.cidr}</code> ` : ''}<span class="muted">${RELATION[m.relation]}</span></li>`,
  )}</ul>`;
}

function Split({ result, mode, setMode, size, setSize, page, setPage }) {
  const split = result?.split;
  const pages = split ? (BigInt(split.total) + BigInt(split.pageSize) - 1n) / BigInt(split.pageSize) : 0n;
  return html`<section aria-labelledby="split-h">
    <h2 id="split-h">Split</h2>
    <form class="inline" onSubmit=${(e) => e.preventDefault()}>
      <div class="field">
        <label for="split-mode">Split by</label>
        <select id="split-mode" value=${mode} onChange=${(e) => (setMode(e.currentTarget.value), setPage(1))}>
          <option value="prefix">a longer prefix</option>
          <option value="count">a number of subnets</option>
        </select>
      </div>
      <div class="field">
        <label for="split-size">${mode === 'prefix' ? 'Prefix length' : 'Subnets (a power of two)'}</label>
        <input id="split-size" type="number" inputmode="numeric" min=${mode === 'prefix' ? 0 : 1} max=${mode === 'prefix' ? 128 : undefined} value=${size}
          placeholder=${mode === 'prefix' ? (result ? String(Math.min(result.prefix + 2, result.family === 4 ? 32 : 128)) : '26') : '4'}
          onInput=${(e) => (setSize(e.currentTarget.value), setPage(1))} />
      </div>
    </form>
    ${split &&
    html`<p data-split-summary>${count(split.total)} × /${split.prefix}${pages > 1n ? `, page ${split.page} of ${pages.toLocaleString('en')}` : ''}</p>
      ${split.subnets.length > 0 ? html`<ol class="split-list" start=${(split.page - 1) * split.pageSize + 1}>${split.subnets.map((s) => html`<li key=${s}><code>${s}</code></li>`)}</ol>` : html`<p class="muted">No blocks on this page.</p>`}
      ${pages > 1n &&
      html`<div class="pager">
        <button type="button" disabled=${split.page <= 1} onClick=${() => setPage(split.page - 1)}>Previous page</button>
        <button type="button" disabled=${BigInt(split.page) >= pages || !Number.isSafeInteger(split.page + 1)} onClick=${() => setPage(split.page + 1)}>Next page</button>
      </div>`}`}
  </section>`;
}

function Supernet() {
  const [text, setText] = useState('');
  const list = text.split(/[\s,]+/).filter(Boolean);
  let answer = null;
  let error = '';
  if (list.length) {
    try {
      answer = list.length > 256 ? null : supernet(list);
      if (!answer) error = 'at most 256 entries';
    } catch (e) {
      error = e.message;
    }
  }
  return html`<section aria-labelledby="supernet-h">
    <h2 id="supernet-h">Smallest supernet of a list</h2>
    <div class="field">
      <label for="supernet-list">Addresses or CIDRs, one family (spaces, commas or lines between)</label>
      <textarea id="supernet-list" rows="3" value=${text} onInput=${(e) => setText(e.currentTarget.value)} aria-invalid=${error ? 'true' : undefined} aria-describedby="supernet-answer"
        placeholder="198.18.0.0/24, 198.18.1.0/24" spellcheck="false" autocomplete="off"></textarea>
    </div>
    <p id="supernet-answer" role="status" aria-live="polite" class=${error ? 'error' : ''} data-supernet>
      ${error || (answer ? html`<strong><code>${answer.supernet}</code></strong> covers ${answer.covers.length} ${answer.covers.length === 1 ? 'block' : 'blocks'}` : '')}
    </p>
  </section>`;
}

/** The IPv4/IPv6 calculator: answers as you type, in the browser, with the same code the API runs. */
export function IpCalculator({ query }) {
  const [input, setInput] = useState(query?.get('q') ?? '');
  const [mode, setMode] = useState('prefix');
  const [size, setSize] = useState('');
  const [page, setPage] = useState(1);
  // the managed subnets come from the list the Subnets page reads too; the relation is worked out here
  const subnets = useData(() => api('GET', '/api/subnets'), [], { events: ['subnets'], pollMs: 120_000 });
  const managed = useMemo(() => (subnets.data?.subnets ?? []).map((s) => ({ id: s.id, cidr: s.cidr, name: s.name })), [subnets.data]);
  const sizeValue = size.trim() === '' ? undefined : Number(size);
  const options = { managed, page, pageSize: DEFAULT_PAGE_SIZE, ...(sizeValue === undefined ? {} : mode === 'prefix' ? { splitPrefix: sizeValue } : { splitCount: sizeValue }) };
  const main = tryCalc(input, { managed });
  // a bad split is said next to the split, the block's answer stays
  const withSplit = main.result && sizeValue !== undefined ? tryCalc(input, options) : { result: main.result, error: '' };
  const r = main.result;
  const onInput = (e) => {
    const v = e.currentTarget.value;
    setInput(v);
    setPage(1);
    setQuery({ q: v.trim() || null }, { replace: true });
  };
  return html`<div class="ip-calculator">
    <form class="inline" onSubmit=${(e) => e.preventDefault()} role="search" aria-label="IP calculator">
      <div class="field">
        <label for="ipcalc-input">Address or CIDR</label>
        <input id="ipcalc-input" type="text" value=${input} onInput=${onInput} placeholder="198.18.7.77/22 or 2001:db8::/48" size="34"
          spellcheck="false" autocomplete="off" autocapitalize="off" aria-invalid=${main.error ? 'true' : undefined} aria-describedby="ipcalc-answer" />
      </div>
    </form>
    <p id="ipcalc-answer" role="status" aria-live="polite" class=${main.error ? 'error' : 'muted'} data-answer>
      ${main.error || (r ? `${r.cidr}: ${count(r.usable)} usable, ${r.kind}` : 'Type an IPv4 or IPv6 address or block: the answer follows as you type.')}
    </p>
    ${r &&
    html`<dl class="details" data-result>
      <${Fact} label="Network">${r.cidr}<//>
      ${r.address !== r.network && html`<${Fact} label="Address">${r.address}<//>`}
      <${Fact} label="Netmask">${r.netmask} (/${r.prefix})<//>
      <${Fact} label="Wildcard">${r.wildcard}<//>
      ${r.family === 4 && html`<${Fact} label="Broadcast">${r.broadcast ?? 'none (RFC 3021)'}<//>`}
      <${Fact} label="First usable">${r.firstUsable}<//>
      <${Fact} label="Last usable">${r.lastUsable}<//>
      <${Fact} label="Addresses" mono=${false}>${count(r.addresses)}<//>
      <${Fact} label="Usable" mono=${false}>${count(r.usable)}<//>
      <${Fact} label="Kind" mono=${false}>${r.kind}<//>
      <${Fact} label="Reverse zone">${r.reverseZone}<//>
      ${r.mapped && html`<${Fact} label="IPv4 mapped">${r.mapped.ipv4} (${r.mapped.kind})<//>`}
    </dl>
    ${r.binary &&
    html`<details><summary>Binary</summary><pre class="binary" aria-label="Binary view">${`address  ${r.binary.address}\nnetmask  ${r.binary.netmask}\nnetwork  ${r.binary.network}`}</pre></details>`}
    <section aria-labelledby="managed-h">
      <h2 id="managed-h">Managed subnets</h2>
      ${subnets.error ? html`<p class="error">${subnets.error.message}</p>` : html`<${Managed} managed=${r.managed} loaded=${!!subnets.data} />`}
    </section>
    <${Split} result=${withSplit.result} mode=${mode} setMode=${setMode} size=${size} setSize=${setSize} page=${page} setPage=${setPage} />
    ${withSplit.error && html`<p class="error" role="status" data-split-error>${withSplit.error}</p>`}`}
    <${Supernet} />
  </div>`;
}
