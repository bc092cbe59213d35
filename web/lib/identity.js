// @ts-check
/** Who a host is, for display: names and their source, MAC and vendor, traces, what changed. Plain values in, strings out. */

/** Where a hostname came from, in a word: "manual", "PTR", "import" ('probe' is the legacy word for a probe's lookup). */
export function sourceText(source) {
  switch (source) {
    case 'manual':
      return 'manual';
    case 'ptr':
    case 'probe':
      return 'PTR';
    case 'import':
      return 'import';
    default:
      return '';
  }
}

const canonical = (name) => (name ?? '').trim().replace(/\.$/, '').toLowerCase();

/** The PTR name to show beside the hostname: only when the hostname is not the PTR's own and the two differ. */
export function ptrBeside(host) {
  if (!host.ptrName) return null;
  if (!host.hostname) return host.ptrName;
  if (host.hostnameSource === 'ptr' || host.hostnameSource === 'probe') return null;
  return canonical(host.hostname) === canonical(host.ptrName) ? null : host.ptrName;
}

/** The stale-DNS finding: the PTR name resolves elsewhere (or nowhere). null when it resolves back, or was not checked. */
export function staleDns(host) {
  const f = host.ptrForward;
  if (!host.ptrName || !f || f.matches !== false) return null;
  const where = f.addresses?.length ? `resolves to ${f.addresses.join(', ')}` : 'resolves to no address';
  return `${host.ptrName} ${where}, not ${host.ip}`;
}

/** A locally administered (randomised) MAC: the second-lowest bit of its first octet is set ("02:…", "da:…"). */
export function isLocalMac(mac) {
  const first = parseInt((mac ?? '').slice(0, 2), 16);
  return Number.isInteger(first) && (first & 2) !== 0;
}

/** The vendor of a MAC as shown: the name, "randomised (locally administered)", or "unknown vendor". */
export function vendorText(vendor, macRandom) {
  if (macRandom) return 'randomised (locally administered)';
  return vendor || 'unknown vendor';
}

/** A hop's round-trip times: "0.42 / 0.51 / 0.60 ms"; "no answer" for none. */
export function rttText(rttMs) {
  if (!rttMs?.length) return 'no answer';
  return `${rttMs.map((ms) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : String(Math.round(ms)))).join(' / ')} ms`;
}

/** A hop's loss as a whole percent: "0 %", "33 %". */
export const lossText = (loss) => `${Math.round((loss ?? 0) * 100)} %`;

/** The trace's outcome in a few words. */
export function traceSummary(trace) {
  const hops = trace.hops.length;
  return `${trace.reached ? 'reached' : 'not reached'} ${trace.target} in ${hops} ${hops === 1 ? 'hop' : 'hops'}`;
}

const sameAddress = (a, b) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/**
 * The badge on a trace's first hop: "default gateway" when the tracing probe reports that address as one of its
 * default gateways (`network`: the probe's ProbeNetwork), "gateway" otherwise; null when hop 1 is the target itself
 * (a host on the probe's own segment) or did not answer.
 */
export function firstHopBadge(trace, network) {
  const first = trace.hops.find((h) => h.hop === 1);
  if (!first?.address || sameAddress(first.address, trace.target)) return null;
  return (network?.gateways ?? []).some((g) => sameAddress(g.address, first.address)) ? 'default gateway' : 'gateway';
}

/** A running trace job's state in a word or two: "queued", "tracing", "hop 3…" once the probe reports progress. */
export function traceStateText(job) {
  if (job.state === 'queued') return 'queued';
  if (job.state === 'progress' && job.done) return `hop ${job.done}…`;
  return 'tracing';
}

/** The "What changed" choices and the `since` each asks the API for (0: since the last sweep; null: a chosen time). */
export const CHANGE_WINDOWS = /** @type {const} */ ([
  ['sweep', 'since the last sweep', 0],
  ['24h', 'last 24 h', 86_400_000],
  ['7d', 'last 7 days', 7 * 86_400_000],
  ['time', 'since a chosen time', null],
]);

/**
 * The changes request for a choice: "/api/subnets/3/changes" or "…?since=<ISO>"; for "time", since `at` (an ISO
 * time, see localTimeToIso), null while no valid time is chosen.
 */
export function changesPath(subnetId, choice, now = Date.now(), at = null) {
  const base = `/api/subnets/${subnetId}/changes`;
  if (choice === 'time') return at ? `${base}?since=${encodeURIComponent(at)}` : null;
  const span = CHANGE_WINDOWS.find(([k]) => k === choice)?.[2] ?? 0;
  return span ? `${base}?since=${encodeURIComponent(new Date(now - span).toISOString())}` : base;
}

/** A datetime-local input's value ("2026-01-02T09:30", the browser's local time) as an ISO time in UTC; null if not a time. */
export function localTimeToIso(value) {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value ?? '')) return null;
  const d = new Date(value); // a date-time without an offset is local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const pad = (n) => String(n).padStart(2, '0');

/** A time (ms) as a datetime-local input's value in the browser's local time, to the minute. */
export function toLocalInput(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** What a refused "Trace" request tells the user, from the API's error (code, status, details). */
export function traceRefusal(err) {
  switch (err?.code) {
    case 'no_probe':
      return 'This host’s subnet has no probe: assign one on the Subnets page.';
    case 'probe_offline':
      return 'The probe is offline: it cannot trace now.';
    case 'unsupported_by_probe':
      return 'The probe cannot trace; upgrade it.';
    default:
      if (err?.status === 429) return 'The probe is already running its traces; try again in a moment.';
      return err?.message ?? 'The trace could not be started.';
  }
}

/** A probe's default gateways: "198.18.0.1 (eth0)"; [] when it reported none. */
export const gatewayTexts = (network) => (network?.gateways ?? []).map((g) => (g.interface ? `${g.address} (${g.interface})` : g.address));

const KEY = 'eipam-vendor-column';

/** Whether the subnet view shows its vendor column (shown unless hidden once; kept in localStorage). */
export function savedVendorColumn() {
  try {
    return localStorage.getItem(KEY) !== 'hidden';
  } catch {
    return true;
  }
}

export function saveVendorColumn(shown) {
  try {
    localStorage.setItem(KEY, shown ? 'shown' : 'hidden');
  } catch {
    // storage may be disabled: the choice holds for this page
  }
}
