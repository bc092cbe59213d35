// @ts-check
// The Traffic page's pure parts: the form's request (validated as the server validates), refusals → fields,
// bits-per-second text, the progress steps and the charts' layout.
import ipaddr from 'ipaddr.js';
import { niceMax } from './operations.js';
import { wholeNumber } from './form-values.js';

export const LIMITS = {
  durationSeconds: { min: 1, max: 300 },
  parallel: { min: 1, max: 16 },
  port: { min: 1024, max: 65_535 },
  bandwidth: { min: 1_000, max: 100_000_000_000 },
};
export const PROTOCOLS = /** @type {const} */ (['tcp', 'udp']);

const UNITS = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

/** "50M", "1.5G", "800K" or bits/s (decimal units, as iperf3 -b), or null: the server's parseBandwidth. */
export function parseBandwidth(input) {
  let bps;
  if (typeof input === 'number') bps = input;
  else {
    const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)(?:bit\/s|bps|b)?\s*$/i.exec(String(input));
    if (!m) return null;
    bps = Number(m[1]) * UNITS[m[2].toLowerCase()];
  }
  if (!Number.isFinite(bps)) return null;
  const rounded = Math.round(bps);
  return rounded >= LIMITS.bandwidth.min && rounded <= LIMITS.bandwidth.max ? rounded : null;
}

/** An IPv4 dotted quad or an IPv6 address (what the server's canonicalIp takes). */
export function isIpAddress(text) {
  const t = String(text).trim();
  return ipaddr.IPv4.isValidFourPartDecimal(t) || (t.includes(':') && ipaddr.IPv6.isValid(t));
}

export function blankForm() {
  return { from: '', toMode: 'probe', to: '', toAddress: '', address: '', protocol: 'tcp', durationSeconds: '10', bandwidth: '', parallel: '1', reverse: false, repeat: false, everyHours: '6' };
}

/** Probes that can run each side: `traffic-client` for the source, `traffic-server` for a target probe. */
export function trafficProbes(probes) {
  const runs = (p, kind) => Array.isArray(p.kinds) && p.kinds.includes(kind);
  return { sources: probes.filter((p) => runs(p, 'traffic-client')), targets: probes.filter((p) => runs(p, 'traffic-server')) };
}

/**
 * The POST /api/traffic-tests body from the form, or the first field at fault with a message (the server's bounds,
 * so what the form sends is what the server takes).
 * @returns {{ body: any } | { field: string, error: string }}
 */
export function buildRequest(form) {
  if (!/^\d+$/.test(form.from)) return { field: 'from', error: 'Choose the probe that sends.' };
  const body = /** @type {any} */ ({ from: Number(form.from), protocol: form.protocol === 'udp' ? 'udp' : 'tcp' });
  if (form.toMode === 'address') {
    const address = String(form.address).trim();
    if (!address) return { field: 'address', error: 'Enter the address of an iperf3 server.' };
    if (!isIpAddress(address)) return { field: 'address', error: `${address} is not an IP address.` };
    body.to = address;
  } else {
    if (!/^\d+$/.test(form.to)) return { field: 'to', error: 'Choose the probe that listens.' };
    if (form.to === form.from) return { field: 'to', error: 'Choose another probe than the one that sends.' };
    body.to = Number(form.to);
    const toAddress = String(form.toAddress ?? '').trim();
    if (toAddress) {
      if (!isIpAddress(toAddress)) return { field: 'toAddress', error: `${toAddress} is not an IP address.` };
      body.toAddress = toAddress;
    }
  }
  const duration = wholeNumber(form.durationSeconds, 'durationSeconds', 'Duration', LIMITS.durationSeconds);
  if ('error' in duration) return duration;
  body.durationSeconds = duration.value;
  const parallel = wholeNumber(form.parallel, 'parallel', 'Streams', LIMITS.parallel);
  if ('error' in parallel) return parallel;
  body.parallel = parallel.value;
  const bandwidth = String(form.bandwidth ?? '').trim();
  if (bandwidth) {
    if (parseBandwidth(bandwidth) === null) return { field: 'bandwidth', error: 'A rate from 1K to 100G bits/s, like 50M, 1.5G or 800K.' };
    body.bandwidth = bandwidth;
  }
  body.reverse = !!form.reverse;
  return { body };
}

const ISSUE_FIELD = { from: 'from', to: 'to', toAddress: 'toAddress', durationSeconds: 'durationSeconds', parallel: 'parallel', bandwidth: 'bandwidth', protocol: 'protocol', everyHours: 'everyHours' };

/**
 * The server's refusal as { field, message }: the field its `details.field` names (`to` of an address target is the
 * address field), or the first invalid field of a 400 invalid_request; null: a message for the whole form.
 */
export function refusalOf(err, toMode = 'probe') {
  const details = err?.details ?? {};
  let field = typeof details.field === 'string' ? details.field : null;
  if (!field && err?.code === 'invalid_request' && Array.isArray(details.issues)) field = ISSUE_FIELD[String(details.issues[0]?.path ?? '').split('.')[0]] ?? null;
  if (field === 'to' && toMode === 'address') field = 'address';
  if (err?.code === 'forbidden' || err?.status === 403) return { field: null, message: 'Only editors and admins can start traffic tests.' };
  return { field, message: err?.message || 'The server refused the test.' };
}

/** Bits per second as "940 kbit/s", "48.7 Mbit/s", "1.25 Gbit/s"; an em dash for no value. */
export function bpsText(bps) {
  if (bps == null || !Number.isFinite(bps)) return '—';
  const [div, unit] = bps >= 1e9 ? [1e9, 'Gbit/s'] : bps >= 1e6 ? [1e6, 'Mbit/s'] : bps >= 1e3 ? [1e3, 'kbit/s'] : [1, 'bit/s'];
  const v = bps / div;
  return `${v >= 100 ? Math.round(v) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
}

/** A rate in bits/s as iperf3 -b text ("50M"), for a form filled from a past test. */
export function bandwidthText(bps) {
  if (bps == null) return '';
  for (const [div, unit] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'K']]) if (bps >= div) return `${+(bps / div).toFixed(3)}${unit}`;
  return String(bps);
}

/** "p1-p2" / "p1-a198.18.0.1" as people read it: "src → dst" or "src → 198.18.0.1". */
export function pairText(p) {
  return `${p.from.name} → ${p.to.name ?? p.to.address}`;
}

const STATE_TEXT = { running: 'running', done: 'done', failed: 'failed' };
export const stateText = (state) => STATE_TEXT[state] ?? state;

/** What the failure was, in a line: the side and the probe's message or code. */
export function failureText(test) {
  if (test.state !== 'failed') return '';
  const side = test.failedStep === 'server' ? `the listener on ${test.to.name ?? test.to.address}` : test.failedStep === 'client' ? `the run on ${test.from.name}` : 'the test';
  return `${side} failed: ${test.error || test.code || 'no reason given'}${test.code && test.error ? ` (${test.code})` : ''}`;
}

/**
 * The running test's steps: the listener on the target probe (none for an address), the run with its elapsed
 * seconds, and the result. Each is `pending`, `active`, `done` or `failed`.
 * @returns {{ key: string, label: string, state: 'pending' | 'active' | 'done' | 'failed' }[]}
 */
export function progressSteps(test, now = Date.now()) {
  const failed = test.state === 'failed';
  const steps = [];
  if (test.to.probeId !== null || test.serverState) {
    const listening = test.serverState === 'started' || test.serverState === 'done' || !!test.startedAt || test.state === 'done';
    const state = failed && test.failedStep === 'server' ? 'failed' : listening ? 'done' : 'active';
    steps.push({ key: 'listener', label: `Listener on ${test.to.name ?? test.to.address}${test.serverState === 'queued' ? ' (queued)' : ''}`, state });
  }
  const started = test.startedAt ? Date.parse(test.startedAt) : null;
  const elapsed = started === null ? 0 : Math.min(test.durationSeconds, Math.max(0, Math.floor(((test.finishedAt ? Date.parse(test.finishedAt) : now) - started) / 1000)));
  const runState = test.state === 'done' ? 'done' : failed && (test.failedStep === 'client' || started !== null) ? 'failed' : started !== null ? 'active' : 'pending';
  const runLabel = test.state === 'done' ? `Ran ${test.durationSeconds} s` : started === null ? `Running ${test.durationSeconds} s` : `Running ${test.durationSeconds} s: ${elapsed} s elapsed`;
  steps.push({ key: 'run', label: runLabel, state: runState });
  steps.push({ key: 'result', label: test.state === 'done' ? `Done: ${bpsText(test.receivedBps)} received` : failed ? 'No result' : 'Result', state: test.state === 'done' ? 'done' : failed ? 'failed' : 'pending' });
  return steps;
}

/** The line the page announces (role=status). */
export function progressAnnouncement(test, now = Date.now()) {
  if (test.state === 'done') return `Done: ${bpsText(test.receivedBps)} received, ${bpsText(test.sentBps)} sent`;
  if (test.state === 'failed') return `Failed: ${failureText(test)}`;
  const active = progressSteps(test, now).find((s) => s.state === 'active');
  return active ? active.label : 'Starting…';
}

const round = (n) => Math.round(n * 10) / 10;

/**
 * A pair's history chart: received bits/s of each finished test over time (oldest left), 0..niceMax; for UDP tests
 * their loss % too, on its own scale (right), 0..niceMax of the worst loss (at least 1 %). Failed tests are marks on
 * the baseline.
 */
export function historyChart(tests, { width = 480, height = 140, pad = 8 } = {}) {
  const ordered = [...tests].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || String(a.id).localeCompare(String(b.id)));
  const measured = ordered.filter((t) => t.state === 'done' && t.receivedBps != null);
  const max = niceMax(Math.max(0, ...measured.map((t) => t.receivedBps)));
  const lossy = measured.filter((t) => t.lossPercent != null);
  const lossMax = lossy.length ? Math.max(1, niceMax(Math.max(...lossy.map((t) => t.lossPercent)))) : null;
  const n = ordered.length;
  const x = (i) => (n <= 1 ? width / 2 : pad + (i / (n - 1)) * (width - 2 * pad));
  const y = (v, top) => height - pad - (Math.min(v, top) / top) * (height - 2 * pad);
  const points = [];
  const loss = [];
  const failed = [];
  ordered.forEach((t, i) => {
    if (t.state === 'failed') failed.push({ id: t.id, x: round(x(i)), code: t.code });
    if (t.state !== 'done' || t.receivedBps == null) return;
    points.push({ id: t.id, x: round(x(i)), y: round(y(t.receivedBps, max)), bps: t.receivedBps, at: t.createdAt });
    if (lossMax !== null && t.lossPercent != null) loss.push({ id: t.id, x: round(x(i)), y: round(y(t.lossPercent, lossMax)), lossPercent: t.lossPercent });
  });
  const path = (ps) => ps.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join('');
  return { width, height, max, lossMax, points, loss, failed, path: path(points), lossPath: path(loss), baseline: height - pad, top: pad };
}

/** A test's per-second chart: one bar per interval, 0..niceMax of the fastest second. */
export function intervalChart(intervals, { width = 480, height = 120, pad = 6, gap = 1 } = {}) {
  const max = niceMax(Math.max(0, ...intervals));
  const slot = intervals.length ? (width - 2 * pad) / intervals.length : 0;
  const bars = intervals.map((bps, i) => {
    const h = (Math.min(bps, max) / max) * (height - 2 * pad);
    return { second: i + 1, bps, x: round(pad + i * slot + gap / 2), y: round(height - pad - h), width: round(Math.max(1, slot - gap)), height: round(h) };
  });
  return { width, height, max, bars, baseline: height - pad, top: pad };
}
