// @ts-check
/** Ports and port scans for display: plain values in, strings out. */
import { ago } from './format.js';

/** How many chips a row shows before "+N". */
const CHIPS_SHOWN = 3;

/** A table row's `[port, protocol, service]` tuples (GET /api/subnets/:id/table) as chips. */
export function chipsOf(tuples) {
  return (tuples ?? []).map(([port, protocol, service]) => ({ port, protocol, service }));
}

const named = (service) => !!service && service !== 'unknown';

/** "22/ssh", "443/https"; "53/udp" and "8081/tcp" where the service would hide the protocol or is unknown. */
export function chipText({ port, protocol, service }) {
  return protocol === 'udp' || !named(service) ? `${port}/${protocol}` : `${port}/${service}`;
}

/** The full name of a port: "22/tcp ssh", "53/udp domain", "8081/tcp". */
export function portName({ port, protocol, service }) {
  return named(service) ? `${port}/${protocol} ${service}` : `${port}/${protocol}`;
}

/** The first `max` chips and how many more there are. */
export function splitChips(ports, max = CHIPS_SHOWN) {
  const list = ports ?? [];
  return { shown: list.slice(0, max), rest: list.slice(max) };
}

/** Why a host's chips are muted: its ports are the last known ones. '' for a host that is up. */
export function staleNote(status, lastSeenAt, now = Date.now()) {
  if (status === 'up') return '';
  const why = status === 'down' ? 'host is down' : 'host state unknown';
  return lastSeenAt == null ? `last known ports; ${why}` : `last seen ${ago(lastSeenAt, now)}; ${why}`;
}

const serviceOf = (s) => {
  const name = named(s?.service) ? s.service : 'unknown';
  const detail = [s?.product, s?.version].filter(Boolean).join(' ');
  return detail ? `${name} (${detail})` : name;
};

/** One port change as a line: "22/tcp ssh opened", "443/tcp changed: http → https (nginx 1.25)". */
export function portEventText(e) {
  if (e.change === 'changed') return `${e.port}/${e.protocol} changed: ${serviceOf(e.previous)} → ${serviceOf(e)}`;
  return `${portName(e)} ${e.change}`;
}

/** A port scan's progress as a whole percent (the feed sends done and total); null before there is any. */
export function scanPercent(job) {
  if (!job || job.done == null || !job.total) return null;
  return Math.max(0, Math.min(100, Math.round((job.done / job.total) * 100)));
}

/** A job state after which no more statuses come. */
export const jobEnded = (state) => state === 'done' || state === 'failed' || state === 'unsupported';

/** What a refused "scan ports" request tells the user, from the API's error (code, status, details). */
export function scanRefusal(err) {
  switch (err?.code) {
    case 'scan_rate_limited': {
      const s = err.details?.retryAfterSeconds;
      return s == null ? 'Ports were scanned moments ago; try again shortly.' : `Ports were scanned moments ago; try again in ${Math.max(1, Math.ceil(s))} s.`;
    }
    case 'no_probe':
      return 'This subnet has no probe: assign one on the Subnets page.';
    case 'probe_offline':
      return 'The subnet’s probe is offline: it cannot scan now.';
    case 'unsupported_by_probe':
      return `The probe cannot scan ports: ${err.message}`;
    case 'no_alive_hosts':
      return 'No host of this subnet is up: nothing to scan.';
    default:
      return err?.message ?? 'The scan could not be started.';
  }
}

/** "0.3.0 · sweep, port_scan"; "0.2.1 · sweep only (old probe)"; "—" for a probe never connected. */
export function probeRuns(version, kinds) {
  const parts = [version ?? ''];
  if (kinds?.length) parts.push(kinds.length === 1 && kinds[0] === 'sweep' ? 'sweep only (old probe)' : kinds.join(', '));
  const text = parts.filter(Boolean).join(' · ');
  return text || '—';
}

/** A subnet's port-scan settings in a few words: "every 60 min, default arguments", "off". */
export function portScanSummary(portScan) {
  if (!portScan?.enabled) return 'off';
  const every = portScan.intervalMinutes == null ? 'default interval' : `every ${portScan.intervalMinutes} min`;
  return `${every}, ${portScan.args ? portScan.args : 'default arguments'}`;
}
