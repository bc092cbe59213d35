// @ts-check
/**
 * The Operations page's pure helpers (issue 14): the form's prefill and request, runs and operations as text,
 * and the charts' scales. Plain values in, plain values out; the API shapes are those of /api/operations.
 */

export const KINDS = /** @type {const} */ (['ping', 'mtr', 'traceroute']);
export const RUN_STATES = /** @type {const} */ (['queued', 'running', 'done', 'failed', 'offline', 'unsupported']);
const ENDED = new Set(['done', 'failed', 'offline', 'unsupported']);

/** The bounds and defaults the server keeps (POST /api/operations); the form checks them before asking. */
export const LIMITS = {
  count: { min: 1, max: 100 },
  intervalMs: { min: 200, max: 10_000, default: 1000 },
  packetSize: { min: 16, max: 1472, default: 56 },
  maxHops: { min: 1, max: 30, default: 30 },
  target: { max: 253 },
};

/** ping: echo requests (default 5); mtr: cycles (default 10); traceroute has neither. */
export function defaultCount(kind) {
  return kind === 'mtr' ? 10 : 5;
}

/** Which parameters a kind takes, in the form's order. */
export function fieldsOf(kind) {
  if (kind === 'ping') return ['count', 'intervalMs', 'packetSize', 'family'];
  if (kind === 'mtr') return ['count', 'intervalMs', 'packetSize', 'family', 'maxHops'];
  return ['family', 'maxHops'];
}

/** The blank form of a kind: every field a text as an input holds it. */
export function blankForm(kind = 'ping') {
  return {
    kind,
    target: '',
    mode: /** @type {'probe' | 'site' | 'all'} */ ('probe'),
    probeId: '',
    site: '',
    count: String(defaultCount(kind)),
    intervalMs: String(LIMITS.intervalMs.default),
    packetSize: String(LIMITS.packetSize.default),
    family: '',
    maxHops: String(LIMITS.maxHops.default),
  };
}

const positive = (v) => (/^\d{1,9}$/.test(v ?? '') && Number(v) > 0 ? v : null);

/**
 * The form as a link left it: `#/operations?target=198.18.0.5&probe=3` (the host drawer), `…&site=lab`, `…&all=1`,
 * and `kind`, `count`, `interval`, `size`, `family`, `hops` ("Run again"). Unknown or malformed values fall back
 * to the defaults. `query`: URLSearchParams.
 */
export function parsePrefill(query) {
  const raw = query.get('kind');
  const kind = KINDS.includes(/** @type {any} */ (raw)) ? /** @type {string} */ (raw) : 'ping';
  const form = blankForm(kind);
  form.target = (query.get('target') ?? '').trim().slice(0, LIMITS.target.max);
  const probe = positive(query.get('probe'));
  const site = (query.get('site') ?? '').trim();
  if (query.get('all') === '1') form.mode = 'all';
  else if (site) (form.mode = 'site'), (form.site = site);
  else if (probe) form.probeId = probe;
  const number = (key, field) => {
    const v = positive(query.get(key));
    if (v) form[field] = v;
  };
  number('count', 'count');
  number('interval', 'intervalMs');
  number('size', 'packetSize');
  number('hops', 'maxHops');
  const family = query.get('family');
  if (family === '4' || family === '6') form.family = family;
  return form;
}

/** The link that reopens the form as `op` was asked for (kind, target, probes, parameters). */
export function againHref(op) {
  const q = new URLSearchParams({ kind: op.kind, target: op.target });
  const s = op.selection;
  if (s === 'all') q.set('all', '1');
  else if (s && 'site' in s) q.set('site', s.site);
  else if (s && s.probes.length === 1) q.set('probe', String(s.probes[0]));
  const p = op.params ?? {};
  if (op.kind !== 'traceroute' && p.count != null) q.set('count', String(p.count));
  if (op.kind !== 'traceroute' && p.intervalMs != null) q.set('interval', String(p.intervalMs));
  if (op.kind !== 'traceroute' && p.packetSize != null) q.set('size', String(p.packetSize));
  if (p.family != null) q.set('family', String(p.family));
  if (op.kind !== 'ping' && p.maxHops != null) q.set('hops', String(p.maxHops));
  return `#/operations?${q}`;
}

/** The host drawer's link: the form with the host's address and its subnet's probe (when it has one). */
export function hostOperationsHref(ip, probeId = null) {
  const q = new URLSearchParams({ target: ip });
  if (probeId != null) q.set('probe', String(probeId));
  return `#/operations?${q}`;
}

/** Distinct non-empty sites of the probes, sorted, each with how many probes it has. */
export function sitesOf(probes) {
  const counts = new Map();
  for (const p of probes) if (p.site?.trim()) counts.set(p.site.trim(), (counts.get(p.site.trim()) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([site, probes]) => ({ site, probes }));
}

/**
 * The form's values → `{ body }` for POST /api/operations, or `{ error, field }` naming the first field that is
 * wrong. Only the fields of the kind are sent; blank optional fields are left to the server's defaults.
 */
export function buildRequest(form) {
  if (!KINDS.includes(form.kind)) return { error: 'Pick ping, mtr or traceroute.', field: 'kind' };
  const target = form.target.trim();
  if (!target) return { error: 'Enter an address or a hostname.', field: 'target' };
  if (target.length > LIMITS.target.max) return { error: `At most ${LIMITS.target.max} characters.`, field: 'target' };
  // as the server checks it (schema/kinds/operation.ts): the probe resolves names, nothing else is sent
  if (!/^[A-Za-z0-9_.:-]+$/.test(target)) return { error: 'An address or a hostname: letters, digits, dots, colons, hyphens.', field: 'target' };
  /** @type {Record<string, any>} */
  const body = { kind: form.kind, target };
  if (form.mode === 'all') body.probes = 'all';
  else if (form.mode === 'site') {
    if (!form.site) return { error: 'Pick a site.', field: 'site' };
    body.probes = { site: form.site };
  } else {
    const id = positive(form.probeId);
    if (!id) return { error: 'Pick a probe.', field: 'probeId' };
    body.probes = [Number(id)];
  }
  const bounds = { count: LIMITS.count, intervalMs: LIMITS.intervalMs, packetSize: LIMITS.packetSize, maxHops: LIMITS.maxHops };
  const names = { count: form.kind === 'mtr' ? 'Cycles' : 'Count', intervalMs: 'Interval', packetSize: 'Packet size', maxHops: 'Max hops' };
  for (const field of fieldsOf(form.kind)) {
    const text = String(form[field] ?? '').trim();
    if (field === 'family') {
      if (text === '4' || text === '6') body.family = Number(text);
      continue;
    }
    if (text === '') continue;
    const b = bounds[field];
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < b.min || n > b.max) return { error: `${names[field]}: a whole number from ${b.min} to ${b.max}.`, field };
    body[field] = n;
  }
  return { body };
}

/** The server's refusal of a POST, as the form shows it, and which field it is about (null: the whole form). */
export function refusalOf(err) {
  const code = err?.code;
  const field = code === 'invalid_target' ? 'target' : code === 'unknown_site' ? 'site' : code === 'unknown_probe' || code === 'no_probes' ? 'probes' : null;
  // the server's 429 messages say when to try again (its Retry-After); a bare one gets a wait of its own
  if (code === 'rate_limited') return { field, message: err.message || 'Too many operations started; wait a little and try again.' };
  if (code === 'operation_queue_full') return { field: 'probes', message: err.message || 'A chosen probe has too many operations under way; try again when one has finished.' };
  if (code === 'forbidden' || err?.status === 403) return { field, message: 'Only editors and admins can start operations.' };
  return { field, message: err?.message || 'The server refused the operation.' };
}

/** "0.42 ms", "12.3 ms", "180 ms"; an em dash for no value. */
export function msText(ms) {
  if (ms == null || !Number.isFinite(ms)) return '—';
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** A loss share 0..1 as "0 %", "12.5 %", "100 %". */
export function lossPercent(loss) {
  if (loss == null || !Number.isFinite(loss)) return '—';
  const p = Math.min(100, Math.max(0, loss * 100));
  return `${p.toFixed(1).replace(/\.0$/, '')} %`;
}

export function runEnded(state) {
  return ENDED.has(state);
}

const CODE_TEXT = {
  target_not_allowed: "the target is outside the probe's allowed ranges",
  tool_missing: 'the tool is not installed on the probe',
  resolve_failed: 'the probe could not resolve the name',
  probe_disconnected: 'the probe disconnected',
  timeout: 'it ran out of time',
};

/** A run's state as a short text: "queued", "running 3 / 5", "done", "failed", "offline: not run", "cannot run mtr". */
export function runStateText(run, kind) {
  if (run.state === 'running') return run.progress ? `running ${run.progress.done} / ${run.progress.total}` : 'running';
  if (run.state === 'offline') return 'offline: not run';
  if (run.state === 'unsupported') return `cannot run ${kind}: upgrade the probe`;
  return run.state;
}

/**
 * Why a run failed: the probe's (or the server's) message, and what its stable code means when that says more;
 * null for a run that did not fail.
 */
export function runProblem(run) {
  if (run.state !== 'failed') return null;
  const meaning = (run.code && CODE_TEXT[run.code]) || null;
  return { code: run.code ?? null, message: run.error || meaning || (run.code ? 'failed' : 'unknown error'), meaning: run.error ? meaning : null };
}

/** One line for a run's result: what a collapsed card or a screen reader says first. */
export function resultSummary(result) {
  if (!result) return '';
  if (result.tool === 'ping') {
    const head = `${result.received} of ${result.sent} replies, ${lossPercent(result.loss)} loss`;
    if (result.avgMs == null) return head;
    return `${head}, min/avg/max/mdev ${[result.minMs, result.avgMs, result.maxMs, result.mdevMs].map((v) => (v == null ? '—' : msText(v).replace(' ms', ''))).join(' / ')} ms`;
  }
  const hops = result.hops.length;
  const last = result.hops[hops - 1];
  const count = `${hops} ${hops === 1 ? 'hop' : 'hops'}`;
  if (result.tool === 'traceroute') return `${result.reached ? 'reached' : 'not reached'} in ${count}`;
  if (!last) return 'no hop answered';
  return `${count}, last ${last.address ?? 'no answer'}: ${lossPercent(last.loss)} loss, avg ${msText(last.avgMs)}`;
}

/** "3 runs: 2 done, 1 offline" from an operation's counts, states in a fixed order, zeros left out. */
export function countsText(counts) {
  const parts = RUN_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return `${counts.runs} ${counts.runs === 1 ? 'run' : 'runs'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** Who an operation was asked of: "probe lab-1", "probes lab-1, lab-2", "site lab", "all probes". */
export function selectionText(selection, names = new Map()) {
  if (selection === 'all') return 'all probes';
  if (selection && 'site' in selection) return `site ${selection.site}`;
  const list = (selection?.probes ?? []).map((id) => names.get(id) ?? `#${id}`);
  return `${list.length === 1 ? 'probe' : 'probes'} ${list.join(', ')}`;
}

/** The parameters in force as text: "5 × 56 B every 1000 ms, IPv4" (ping), "10 cycles …, ≤ 30 hops" (mtr). */
export function paramsText(kind, params) {
  const family = params.family ? `, IPv${params.family}` : '';
  if (kind === 'traceroute') return `up to ${params.maxHops} hops${family}`;
  const each = `${params.packetSize} B every ${params.intervalMs} ms`;
  if (kind === 'ping') return `${params.count} × ${each}${family}`;
  return `${params.count} cycles, ${each}, up to ${params.maxHops} hops${family}`;
}

/** GET /api/operations's query from the list's filters (blank ones left out). */
export function listQuery({ kind = '', probeId = '', target = '', before = '', limit = 50 }) {
  const q = new URLSearchParams();
  if (KINDS.includes(/** @type {any} */ (kind))) q.set('kind', kind);
  if (positive(String(probeId))) q.set('probeId', String(probeId));
  if (target.trim()) q.set('target', target.trim());
  if (before) q.set('before', before);
  q.set('limit', String(limit));
  return q.toString();
}

/** The largest of 1, 2, 2.5, 5 × 10^n at or above v: the charts' top line stays a round number. */
export function niceMax(v) {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p * (1 + 1e-9)) return m * p;
  return 10 * p;
}

/**
 * The ping chart: one point per reply along x by sequence (1..sent, or `expected` while still running), y by round
 * trip from 0 (bottom) to niceMax (top). Lost replies are misses (ticks on the baseline). `path` joins answered
 * replies in order and breaks at a miss.
 */
export function pingChart(replies, { width = 320, height = 96, pad = 6, expected = 0 } = {}) {
  const slots = Math.max(expected, replies.reduce((m, r) => Math.max(m, r.seq), 0), 2);
  const answered = replies.filter((r) => r.rttMs != null);
  const max = niceMax(Math.max(0, ...answered.map((r) => /** @type {number} */ (r.rttMs))));
  const x = (seq) => pad + ((Math.min(seq, slots) - 1) / (slots - 1)) * (width - 2 * pad);
  const y = (ms) => height - pad - (Math.min(ms, max) / max) * (height - 2 * pad);
  const sorted = [...replies].sort((a, b) => a.seq - b.seq);
  const points = [];
  const misses = [];
  let d = '';
  let pen = false;
  for (const r of sorted) {
    if (r.rttMs == null) {
      misses.push({ seq: r.seq, x: round(x(r.seq)) });
      pen = false;
      continue;
    }
    const p = { seq: r.seq, rttMs: r.rttMs, x: round(x(r.seq)), y: round(y(r.rttMs)) };
    points.push(p);
    d += `${pen ? 'L' : 'M'}${p.x},${p.y}`;
    pen = true;
  }
  return { width, height, max, points, misses, path: d, baseline: height - pad, top: pad };
}

/**
 * The mtr per-hop chart: one row per hop; a bar from best to worst round trip, a mark at the average, on one
 * scale (0..niceMax of the worst); the loss share as its own bar on the right (0..100 %). Hops that never
 * answered have no latency bar.
 */
export function hopChart(hops, { width = 360, rowHeight = 22, labelWidth = 36, lossWidth = 64, gap = 10 } = {}) {
  const worst = Math.max(0, ...hops.map((h) => h.worstMs ?? 0));
  const max = niceMax(worst);
  const left = labelWidth;
  const span = Math.max(20, width - labelWidth - lossWidth - gap);
  const at = (ms) => round(left + (Math.min(ms, max) / max) * span);
  const lossLeft = left + span + gap;
  const rows = hops.map((h, i) => {
    const y = i * rowHeight;
    const answered = h.avgMs != null;
    return {
      hop: h.hop,
      y,
      mid: y + rowHeight / 2,
      bar: answered ? { x: at(h.bestMs ?? h.avgMs), width: Math.max(2, at(h.worstMs ?? h.avgMs) - at(h.bestMs ?? h.avgMs)) } : null,
      avg: answered ? at(h.avgMs) : null,
      loss: { x: lossLeft, width: round(Math.min(1, Math.max(0, h.loss ?? 0)) * lossWidth), full: lossWidth },
    };
  });
  return { width, height: Math.max(rowHeight, hops.length * rowHeight), max, left, span, lossLeft, lossWidth, rows };
}

/** The traceroute path's steps: each hop with its text, the target marked on the last hop when it was reached. */
export function pathSteps(result) {
  return result.hops.map((h, i) => {
    const last = i === result.hops.length - 1;
    return {
      hop: h.hop,
      address: h.address,
      name: h.name,
      rtt: h.rttMs.length ? h.rttMs.map((ms) => msText(ms).replace(' ms', '')).join(' / ') + ' ms' : 'no answer',
      loss: h.loss,
      target: last && result.reached,
    };
  });
}

/**
 * Runs in the order the page shows them: by probe name, the offline and unsupported ones (final from the start)
 * last, so no card moves while results arrive.
 */
export function orderRuns(runs) {
  const late = (r) => (r.state === 'offline' || r.state === 'unsupported' ? 1 : 0);
  return [...runs].sort((a, b) => late(a) - late(b) || String(a.probeName).localeCompare(String(b.probeName)) || a.probeId - b.probeId);
}

/** What the page announces as runs finish: "2 of 3 probes finished" and, at the end, "Finished: …". */
export function progressAnnouncement(op) {
  const c = op.counts;
  const ended = c.done + c.failed + c.offline + c.unsupported;
  if (op.finished) return `Finished: ${countsText(c)}`;
  return `${ended} of ${c.runs} ${c.runs === 1 ? 'probe' : 'probes'} finished`;
}

function round(n) {
  return Math.round(n * 10) / 10;
}
