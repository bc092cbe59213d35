// @ts-check
import { useState } from 'preact/hooks';
import { AlertSettings } from '../components/alert-settings.js';
import { ExportLinks } from '../components/export-links.js';
import { ScanButton } from '../components/scan-button.js';
import { api } from '../lib/api.js';
import { count } from '../lib/format.js';
import { html } from '../lib/html.js';
import { portScanSummary } from '../lib/ports.js';
import { useCan } from '../lib/session.js';
import { subnetFacts, subnetGroups } from '../lib/subnet-groups.js';
import { thresholdsSummary } from '../lib/thresholds.js';
import { useData } from '../lib/use-data.js';

async function loadAll() {
  const [s, p] = await Promise.all([api('GET', '/api/subnets'), api('GET', '/api/probes')]);
  return { subnets: s.subnets, probes: p.probes };
}

/** used / usable as a small bar; IPv6 blocks are astronomically large, so the share is computed in floating point. */
function Utilisation({ used, usable }) {
  const share = Number(usable) > 0 ? used / Number(usable) : 0;
  const pct = share * 100;
  const text = `${count(used)} / ${count(usable)}`;
  return html`<span class="util"><span class="bar" role="img" aria-label=${`${pct < 0.01 && used > 0 ? '<0.01' : pct.toFixed(pct < 10 ? 1 : 0)} % used`}>
    <span style=${`width:${Math.min(100, Math.max(used > 0 ? 2 : 0, pct))}%`}></span></span> ${text}</span>`;
}

const INTERVALS = [[10, '10 s'], [30, '30 s'], [60, '1 min'], [300, '5 min'], [900, '15 min'], [3600, '1 h']];

function AddSubnet({ probes, groups, onAdded }) {
  const [errors, setErrors] = useState(/** @type {{ cidr?: string, name?: string }} */ ({}));
  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const probeId = f.get('probeId');
    try {
      await api('POST', '/api/subnets', {
        cidr: f.get('cidr'),
        name: f.get('name') || undefined,
        groupName: f.get('group') || undefined,
        sweepIntervalSeconds: Number(f.get('interval')),
        ...(probeId ? { probeId: Number(probeId) } : {}),
      });
      setErrors({});
      form.reset();
      onAdded();
    } catch (err) {
      // the server names the field for schema errors; CIDR problems carry their own codes
      const field = /name/i.test(JSON.stringify(err.details ?? '')) ? 'name' : 'cidr';
      setErrors({ [field]: err.message });
    }
  };
  return html`<form class="inline add" onSubmit=${submit} aria-label="Add a subnet">
    <div class="field"><label for="cidr">CIDR</label>
      <input id="cidr" name="cidr" placeholder="198.18.0.0/24" required aria-describedby="cidr-error" aria-invalid=${errors.cidr ? 'true' : undefined}
        onInput=${() => errors.cidr && setErrors({ ...errors, cidr: undefined })} />
      <span id="cidr-error" class="error" role="alert">${errors.cidr ?? ''}</span></div>
    <div class="field"><label for="subnet-name">Name</label>
      <input id="subnet-name" name="name" aria-describedby="name-error" aria-invalid=${errors.name ? 'true' : undefined}
        onInput=${() => errors.name && setErrors({ ...errors, name: undefined })} />
      <span id="name-error" class="error" role="alert">${errors.name ?? ''}</span></div>
    <div class="field"><label for="subnet-group">Group</label>
      <input id="subnet-group" name="group" list="subnet-group-names" placeholder="none" /></div>
    <div class="field"><label for="subnet-probe">Probe</label>
      <select id="subnet-probe" name="probeId"><option value="">default</option>
        ${probes.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select></div>
    <div class="field"><label for="subnet-interval">Sweep every</label>
      <select id="subnet-interval" name="interval">${INTERVALS.map(([v, label]) => html`<option value=${v} selected=${v === 60}>${label}</option>`)}</select></div>
    <div class="field"><span class="label-gap" aria-hidden="true"> </span><button>Add subnet</button></div>
    <datalist id="subnet-group-names">${groups.map((g) => html`<option value=${g} />`)}</datalist>
  </form>`;
}

function ProbeSelect({ subnet, probes, onChanged }) {
  const [error, setError] = useState('');
  const change = async (e) => {
    const v = e.currentTarget.value;
    try {
      await api('PATCH', `/api/subnets/${subnet.id}`, { probeId: v ? Number(v) : null });
      setError('');
      onChanged();
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<select value=${subnet.probeId ?? ''} onChange=${change} aria-label=${`Probe for ${subnet.cidr}`}>
      <option value="">none</option>${probes.map((p) => html`<option value=${p.id}>${p.name}${p.connected ? '' : ' (offline)'}</option>`)}
    </select>${error && html`<span class="error" role="alert">${error}</span>`}`;
}

const DEFAULT_NMAP_ARGS = '-Pn -T3 --top-ports 1000 -sT -sV';

/** A subnet's port-scan settings (on/off, nmap arguments, interval), folded into a disclosure; the server's refusal beside the field. */
function PortScanSettings({ subnet, onChanged }) {
  const [note, setNote] = useState(/** @type {{ ok: boolean, text: string, field?: string } | null} */ (null));
  const ps = subnet.portScan ?? { enabled: true, args: null, intervalMinutes: null };
  const id = `ps-${subnet.id}`;
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const args = String(f.get('args') ?? '').trim();
    const every = String(f.get('interval') ?? '').trim();
    try {
      await api('PATCH', `/api/subnets/${subnet.id}`, {
        portScan: { enabled: f.get('enabled') === 'on', args: args || null, intervalMinutes: every ? Number(every) : null },
      });
      setNote({ ok: true, text: 'Saved' });
      onChanged();
    } catch (err) {
      setNote({ ok: false, text: err.message, field: /interval/i.test(JSON.stringify(err.details ?? '')) ? 'interval' : 'args' });
    }
  };
  const bad = (field) => (note && !note.ok && note.field === field ? 'true' : undefined);
  return html`<details class="port-settings">
    <summary>${portScanSummary(ps)}<span class="sr-only">: port-scan settings of ${subnet.cidr}</span></summary>
    <form class="stack" onSubmit=${submit} aria-label=${`Port scans of ${subnet.cidr}`}>
      <div class="field check"><label><input type="checkbox" name="enabled" checked=${ps.enabled} /> Scan ports of alive hosts</label></div>
      <div class="field"><label for=${`${id}-args`}>nmap arguments</label>
        <input id=${`${id}-args`} name="args" value=${ps.args ?? ''} placeholder=${DEFAULT_NMAP_ARGS} aria-describedby=${`${id}-hint ${id}-note`} aria-invalid=${bad('args')} />
        <span id=${`${id}-hint`} class="hint muted">Empty: ${DEFAULT_NMAP_ARGS}</span></div>
      <div class="field"><label for=${`${id}-interval`}>Every (minutes)</label>
        <input id=${`${id}-interval`} name="interval" type="number" min="1" max="10080" value=${ps.intervalMinutes ?? ''} placeholder="60" aria-describedby=${`${id}-note`} aria-invalid=${bad('interval')} /></div>
      <div class="field"><button>Save port scans</button>
        <span id=${`${id}-note`} class=${note?.ok ? 'ok' : 'error'} role="status">${note?.text ?? ''}</span></div>
    </form>
  </details>`;
}

const probeName = (probes, id) => probes.find((p) => p.id === id)?.name ?? 'none';

function SubnetRow({ s, probes, edit, reload }) {
  const facts = subnetFacts(s);
  return html`<tr key=${s.id} data-subnet=${s.cidr}>
    <td><a href=${`#/subnets/${s.id}`}>${s.cidr}</a></td><td>${s.name}${facts && html`<div class="muted small">${facts}</div>`}</td>
    <td><${Utilisation} used=${s.usedCount} usable=${s.usable} /></td><td class="num">${s.upCount}</td>
    <td>${edit ? html`<${ProbeSelect} subnet=${s} probes=${probes} onChanged=${reload} />` : probeName(probes, s.probeId)}</td>
    <td class="port-scans">${edit ? html`<${PortScanSettings} subnet=${s} onChanged=${reload} />` : portScanSummary(s.portScan)}</td>
    <td class="alert-thresholds">${edit ? html`<${AlertSettings} subnet=${s} onChanged=${reload} />` : thresholdsSummary(s.alerts, s.alertOverrides)}</td>
    ${edit && html`<td><${ScanButton} subnet=${s} onDone=${reload} /></td>`}</tr>`;
}

export function Subnets() {
  const { data, error, reload } = useData(loadAll, [], { events: ['hosts', 'subnets', 'probe'] });
  const edit = useCan('editor');
  if (error) return html`<p class="error" role="alert">${error.message}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const groups = subnetGroups(data.subnets);
  const columns = edit ? 8 : 7;
  return html`<section>
    <h1>Subnets</h1>
    <${ExportLinks} />${edit && html` <a class="import-link" href="#/import">Import a file…</a>`}
    ${edit && html`<${AddSubnet} probes=${data.probes} groups=${groups.flatMap((g) => (g.name && g.name !== 'Ungrouped' ? [g.name] : []))} onAdded=${reload} />`}
    ${data.subnets.length === 0
      ? html`<p class="muted">${edit ? 'No subnets yet: add one above, e.g. your LAN.' : 'No subnets yet.'}</p>`
      : html`<div class="scroll-x"><table class="subnets">
      <thead><tr><th scope="col">Subnet</th><th scope="col">Name</th><th scope="col">Utilisation</th><th scope="col">Up</th><th scope="col">Probe</th><th scope="col">Port scans</th><th scope="col">Alerts</th>${edit && html`<th scope="col">Sweep</th>`}</tr></thead>
      ${groups.map(
        (g) => html`<tbody key=${g.name ?? ''} data-group=${g.name ?? undefined}>
          ${g.name !== null && html`<tr class="group-heading"><th scope="rowgroup" colspan=${columns}>${g.name} <span class="muted">· ${count(g.subnets.length)} ${g.subnets.length === 1 ? 'subnet' : 'subnets'}</span></th></tr>`}
          ${g.subnets.map((s) => html`<${SubnetRow} key=${s.id} s=${s} probes=${data.probes} edit=${edit} reload=${reload} />`)}</tbody>`,
      )}
    </table></div>`}
  </section>`;
}
