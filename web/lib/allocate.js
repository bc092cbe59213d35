// @ts-check
/**
 * Next free address (POST /api/subnets/{id}/allocate): the form's request, the verification steps as the live
 * `allocation` events tell them, and the server's refusals in plain words. Pure: plain values in, plain values out.
 */
import { grouped } from './format.js';

export const MAX_COUNT = 64;
/** The probe's TCP ports when the server names none (schema/kinds/address-check.ts DEFAULT_CHECK_PORTS; a test keeps them equal). */
export const DEFAULT_CHECK_PORTS = [22, 23, 53, 80, 139, 443, 445, 515, 631, 3389, 8080, 9100];

export const EMPTY_FORM = { count: '1', hostname: '', description: '', tags: '', reservedBy: '', reservedNote: '', until: '', verify: true };

/** A random v4 UUID: crypto.randomUUID where the page is a secure context, else from getRandomValues (plain http on a LAN). */
export function newAllocationId(c = globalThis.crypto) {
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A datetime-local input's "YYYY-MM-DDTHH:MM" (seconds optional) → epoch ms in local time; null when not one. */
export function localMoment(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text ?? '');
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const t = new Date(y, mo - 1, d, h, mi, s);
  if (t.getMonth() !== mo - 1 || t.getDate() !== d || t.getHours() !== h || t.getMinutes() !== mi) return null;
  return t.getTime();
}

const pad = (n) => String(n).padStart(2, '0');
/** Epoch ms (or ISO text) → a datetime-local input's value, in local time; '' for none. */
export function localInput(t) {
  const ms = typeof t === 'string' ? Date.parse(t) : t;
  if (ms == null || Number.isNaN(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The request body for the form, or the first field it refuses (nothing is asked of the server then).
 * @param {typeof EMPTY_FORM} form @param {{ now: number, allocationId: string, verify?: boolean }} opts
 * @returns {{ body: Record<string, unknown> } | { field: string, error: string }}
 */
export function buildAllocateRequest(form, { now, allocationId, verify = form.verify }) {
  const count = /^\s*\d{1,3}\s*$/.test(form.count) ? Number(form.count) : NaN;
  if (!(count >= 1 && count <= MAX_COUNT)) return { field: 'count', error: `Count: a whole number from 1 to ${MAX_COUNT}.` };
  const body = /** @type {Record<string, unknown>} */ ({ count, verify, allocationId });
  const text = (key) => {
    const v = form[key].trim();
    if (v) body[key] = v;
  };
  text('hostname');
  text('description');
  text('reservedBy');
  text('reservedNote');
  const tags = form.tags.split(',').map((t) => t.trim()).filter(Boolean);
  if (tags.length) body.tags = [...new Set(tags)];
  if (form.until.trim()) {
    const until = localMoment(form.until.trim());
    if (until === null) return { field: 'until', error: 'Expiry: a date and time, e.g. 2026-12-31 18:00.' };
    if (until <= now) return { field: 'until', error: 'Expiry: a moment in the future.' };
    body.reservedUntil = new Date(until).toISOString();
  }
  return { body };
}

/** The request fields of the server's 400 issues, as the form names them. */
const FIELD_OF = { count: 'count', hostname: 'hostname', description: 'description', tags: 'tags', reservedBy: 'reservedBy', reservedNote: 'reservedNote', reservedUntil: 'until' };

/**
 * A refusal in plain words, the form field it is about, and whether allocating without verifying is the way out
 * (the probe cannot check now: offline, none, or too old for address checks).
 * @returns {{ message: string, code: string | null, field: string | null, unverified: boolean }}
 */
export function refusalOf(err) {
  const code = err?.code ?? null;
  const server = err?.message ? ` (${err.message})` : '';
  const out = (message, unverified = false, field = null) => ({ message, code, field, unverified });
  switch (code) {
    case 'subnet_full':
      return out(`No free address left in this subnet: nothing was reserved.${server}`);
    case 'probe_offline':
      return out(`The subnet's probe is offline, so the addresses cannot be checked right now.${server}`, true);
    case 'no_probe':
      return out(`This subnet has no probe to check the addresses.${server}`, true);
    case 'unsupported_by_probe':
      return out(`The subnet's probe cannot check addresses: upgrade the probe.${server}`, true);
    case 'verify_timeout':
      return out(`The probe did not answer in time: nothing was reserved. Try again.${server}`);
    case 'verify_failed':
      return out(`The probe could not check the addresses: nothing was reserved.${server}`);
    case 'bad_reserved_until':
      return out('Expiry: a moment in the future.', false, 'until');
    case 'invalid_request': {
      const path = err?.details?.issues?.[0]?.path ?? '';
      return out(err.message || 'The server refused the request.', false, FIELD_OF[path.split('.')[0]] ?? null);
    }
    default:
      if (err?.status === 403) return out('Only editors and admins can reserve addresses.');
      return out(err?.message || 'The server refused the allocation.');
  }
}

const CHECK_NAME = { icmp: 'ICMP', tcp: 'TCP', ptr: 'PTR' };

/** "TCP 22/23/53/…" (the first three, all of them in `full`). */
export function portsText(ports = DEFAULT_CHECK_PORTS) {
  const list = ports.length ? ports : DEFAULT_CHECK_PORTS;
  return { short: `TCP ${list.slice(0, 3).join('/')}${list.length > 3 ? '/…' : ''}`, full: `TCP ${list.join('/')}` };
}

/**
 * One checked address: "198.18.1.10 — tcp/22 open: skipped", or "198.18.1.11 — no answer to ICMP, ARP, TCP 22/23/53/…;
 * no PTR: free" (ARP on IPv4, NDP on IPv6; a check the probe could not run here is said so).
 * @param {{ ip: string, alive: boolean, signs?: { check: string, detail: string }[], skipped?: string[] }} check
 * @param {number[]} [ports]
 */
export function checkLine(check, ports) {
  const signs = check.signs ?? [];
  if (check.alive) return { ip: check.ip, free: false, text: `${check.ip} — ${signs.map((s) => s.detail).join(', ') || 'in use'}: skipped` };
  const skipped = new Set(check.skipped ?? []);
  const neighbour = check.ip.includes(':') ? 'NDP' : 'ARP';
  const silent = [];
  if (!skipped.has('icmp')) silent.push(CHECK_NAME.icmp);
  if (!skipped.has('neighbour')) silent.push(neighbour);
  if (!skipped.has('tcp')) silent.push(portsText(ports).short);
  const parts = [];
  if (silent.length) parts.push(`no answer to ${silent.join(', ')}`);
  if (!skipped.has('ptr')) parts.push('no PTR');
  const notChecked = [...skipped].map((c) => (c === 'neighbour' ? `${neighbour} (not on the probe's segment)` : c === 'icmp' ? "ICMP (the probe's ping could not send)" : (CHECK_NAME[c] ?? c)));
  if (notChecked.length) parts.push(`not checked: ${notChecked.join(', ')}`);
  return { ip: check.ip, free: true, text: `${check.ip} — ${parts.join('; ') || 'no check ran'}: free` };
}

const FAILED_TEXT = {
  subnet_full: 'not enough free addresses; nothing was reserved',
  probe_offline: 'the probe is offline',
  verify_timeout: 'the probe did not answer in time',
  verify_failed: 'the probe could not check the addresses',
  unsupported_by_probe: 'the probe cannot check addresses',
};

const listText = (ips) => (ips.length <= 4 ? ips.join(', ') : `${ips.slice(0, 4).join(', ')} and ${grouped(ips.length - 4)} more`);

/**
 * The steps of one allocation from its live events, in the order they came: each round's "checking" then one line
 * per checked address; "done" with what was reserved, or "failed".
 * @param {any[]} events `allocation` events of this allocationId
 * @returns {{ key: string, kind: 'checking' | 'in-use' | 'free' | 'done' | 'failed', text: string }[]}
 */
export function allocationSteps(events) {
  const steps = [];
  events.forEach((e, n) => {
    const addresses = e.addresses ?? [];
    if (e.stage === 'checking') {
      const count = addresses.length;
      steps.push({ key: `${n}`, kind: 'checking', text: count ? `Checking ${listText(addresses)} from the subnet's probe…` : "Checking from the subnet's probe…" });
    } else if (e.stage === 'checked') {
      for (const c of e.checks ?? []) {
        const line = checkLine(c, e.ports);
        steps.push({ key: `${n}-${c.ip}`, kind: line.free ? 'free' : 'in-use', text: line.text });
      }
    } else if (e.stage === 'done') {
      steps.push({ key: `${n}`, kind: 'done', text: addresses.length ? `Reserved ${listText(addresses)}` : 'Done' });
    } else if (e.stage === 'failed') {
      steps.push({ key: `${n}`, kind: 'failed', text: `Failed: ${FAILED_TEXT[e.code] ?? e.message ?? e.code ?? 'the allocation did not complete'}` });
    }
  });
  return steps;
}

/**
 * The 201 answer in words: what was reserved (and whether it was checked), previously used addresses' hints, and the
 * addresses skipped as in use (now recorded as discovered hosts).
 */
export function resultLines(answer) {
  const lines = [];
  for (const a of answer.addresses ?? []) {
    // a ping that could not send is no answer heard: the address is less surely free
    const icmpSkipped = a.check?.skipped?.includes('icmp') ? '; ICMP not checked' : '';
    const how = answer.verified ? (a.check ? `checked: no sign of use${icmpSkipped}` : 'checked') : 'not verified';
    const before = a.previouslyUsed ? `; previously used${a.previouslyUsed.hostname ? ` by ${a.previouslyUsed.hostname}` : ''}${a.previouslyUsed.mac ? ` (${a.previouslyUsed.mac})` : ''}` : '';
    lines.push({ key: `a-${a.ip}`, kind: 'reserved', ip: a.ip, hostId: a.hostId, text: `${a.ip} reserved (${how}${before})` });
  }
  for (const s of answer.skipped ?? []) {
    lines.push({ key: `s-${s.ip}`, kind: 'skipped', ip: s.ip, hostId: s.hostId ?? null, text: `${s.ip} skipped: ${(s.signs ?? []).map((x) => x.detail).join(', ') || 'in use'} (recorded as a discovered host)` });
  }
  return lines;
}
