// @ts-check
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { bytesText, countText, hrefWith, linkText, sankeyLayout } from '../lib/flows.js';
import { html } from '../lib/html.js';

const PAD = 4; // px above and below the bars, so a 1 px band at the edge is not cut

/** Follows an element's width (the map is laid out for the pixels it has, so its labels stay readable on a phone). */
function useWidth(ref, fallback) {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(240, Math.floor(el.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return width;
}

/** Whether a band belongs to what is pointed at: itself, or a bar at one of its ends. */
const related = (active, l) =>
  !active || (active.link ? active.link === l.key : active.side === 'from' ? l.from === active.id : l.to === active.id);

function Bar({ n, side, onActive, height }) {
  const left = side === 'from';
  const labelX = left ? n.x + 18 : n.x - 6;
  const y = Math.min(Math.max(n.labelY, 8), height - 8);
  const body = html`<rect class=${`node tone-${n.tone}`} x=${n.x} y=${n.y} width="12" height=${n.h} />
    <text class="node-label" x=${labelX} y=${y} text-anchor=${left ? 'start' : 'end'} dominant-baseline="middle">${n.label}<tspan class="node-bytes"> ${bytesText(n.bytes)}</tspan></text>`;
  const on = () => onActive({ side, id: n.id, name: n.name, cidr: n.cidr, bytes: n.bytes });
  const point = { onMouseEnter: on, onMouseLeave: () => onActive(null) };
  // a subnet's bar filters the page by it; External has no subnet to filter by
  if (!n.id) return html`<g class="bar" data-node=${n.id} data-side=${side} ...${point}>${body}</g>`;
  // the accessible name starts with the visible label (WCAG 2.5.3)
  const name = `${n.label} ${bytesText(n.bytes)} ${left ? 'sent' : 'received'}${n.cidr && n.cidr !== n.name ? ` (${n.cidr})` : ''}: show only this subnet`;
  return html`<a class="bar" href=${hrefWith(location.hash, { subnet: n.id, host: null })} data-node=${n.id} data-side=${side} aria-label=${name}
    onFocus=${on} onBlur=${() => onActive(null)} ...${point}>${body}</a>`;
}

/** The line under the map: what is pointed at, or how to use it. */
function Detail({ active, links, hidden }) {
  const link = active?.link ? links.find((l) => l.key === active.link) : null;
  if (link) return html`<strong>${link.fromName} → ${link.toName}</strong> ${bytesText(link.bytes)} · ${countText(link.packets)} packets · ${countText(link.flows)} flows`;
  if (active?.side)
    return html`<strong>${active.name}</strong>${active.cidr && active.cidr !== active.name ? ` ${active.cidr}` : ''} ${bytesText(active.bytes)} ${active.side === 'from' ? 'sent' : 'received'}${active.id ? ' · click to show only this subnet' : ''}`;
  return html`<span class="muted">Point at or tab to a band for its bytes, packets and flows; a subnet's bar shows only its traffic.${hidden ? ` ${hidden} smaller links are only in the table.` : ''}</span>`;
}

/** The same links as rows, for screen readers and anyone who wants the numbers. */
function MapTable({ links }) {
  return html`<details class="map-table"><summary>The map as a table</summary>
    <div class="scroll-x" tabindex="0" role="region" aria-label="Links between subnets"><table class="flow-table">
      <caption class="sr-only">Traffic between subnets, by bytes</caption>
      <thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Bytes</th><th scope="col">Packets</th><th scope="col">Flows</th></tr></thead>
      <tbody>${links.map(
        (l) => html`<tr key=${l.key} data-link=${l.key}><td>${l.fromName}</td><td>${l.toName}</td>
          <td class="num" title=${`${l.bytes} bytes`}>${bytesText(l.bytes)}</td><td class="num">${countText(l.packets)}</td><td class="num">${countText(l.flows)}</td></tr>`,
      )}</tbody></table></div></details>`;
}

/**
 * The subnet-to-subnet map (GET /api/netflow/matrix) as a Sankey in SVG: sources left, destinations right,
 * External its own grey bar, bands as thick as their bytes. Pointing at (or focusing) a band shows its bytes,
 * packets and flows; a bar lights its bands and, clicked, filters the page by its subnet.
 */
export function FlowsMap({ matrix }) {
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const width = useWidth(box, 720);
  const [active, setActive] = useState(/** @type {any} */ (null));
  const narrow = width < 520;
  const map = sankeyLayout(matrix.nodes, matrix.links, { width, height: narrow ? 240 : 300, maxLinks: narrow ? 24 : 40 });
  const all = sankeyLayout(matrix.nodes, matrix.links, { maxLinks: Infinity }).links;
  const h = map.height + 2 * PAD;
  return html`<figure class="flow-map" ref=${box}>
    <div class="map-heads" aria-hidden="true"><span>Sources</span><span>Destinations</span></div>
    ${map.links.length === 0
      ? html`<p class="muted">No traffic between subnets in this range.</p>`
      : html`<svg width=${width} height=${h} viewBox=${`0 ${-PAD} ${width} ${h}`} role="group" aria-label="Traffic between subnets: sources on the left, destinations on the right; each band is as thick as its bytes">
          <g class="links">${map.links.map(
            (l) => html`<path key=${l.key} data-link=${l.key} class=${`link tone-${l.tone}${related(active, l) ? '' : ' dim'}${active?.link === l.key ? ' on' : ''}`}
              d=${l.d} stroke-width=${l.width} tabindex="0" role="img" aria-label=${linkText(l)}
              onMouseEnter=${() => setActive({ link: l.key })} onMouseLeave=${() => setActive(null)}
              onFocus=${() => setActive({ link: l.key })} onBlur=${() => setActive(null)}><title>${linkText(l)}</title></path>`,
          )}</g>
          <g class="bars">
            ${map.sources.map((n) => html`<${Bar} key=${`s${n.id}`} n=${n} side="from" onActive=${setActive} height=${map.height} />`)}
            ${map.targets.map((n) => html`<${Bar} key=${`t${n.id}`} n=${n} side="to" onActive=${setActive} height=${map.height} />`)}
          </g>
        </svg>`}
    <figcaption class="map-detail" aria-live="polite"><${Detail} active=${active} links=${map.links} hidden=${map.hidden} /></figcaption>
    ${all.length > 0 && html`<${MapTable} links=${all} />`}
  </figure>`;
}
