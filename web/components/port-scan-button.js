// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { useLive } from '../lib/live.js';
import { jobEnded, scanPercent, scanRefusal } from '../lib/ports.js';

// a port scan may run for the probe's time limit (15 min by default); past this, stop waiting for its end
const GIVE_UP_MS = 20 * 60_000;

/**
 * "Scan ports" for a host or a subnet (`target`: { kind: 'host' | 'subnet', id, label }): asks the probe to scan
 * now, then follows the job on the live feed (queued → started → progress in percent → done). While it runs the
 * button is aria-disabled (it keeps keyboard focus, unlike `disabled`). `running`: a job already under way
 * (the host's ports answer names it), so a reopened drawer shows its progress.
 */
export function PortScanButton({ target, running = null, onDone = () => {} }) {
  const [job, setJob] = useState(/** @type {null | { jobId: string, state: string, done?: number, total?: number, coalesced?: boolean }} */ (null));
  const [message, setMessage] = useState({ text: '', bad: false });
  const say = (text, bad = false) => setMessage({ text, bad });
  const [blockedUntil, setBlockedUntil] = useState(0);
  // an effect, not the initial state: a job can appear while the drawer is open (the scheduler's, or someone else's)
  useEffect(() => {
    if (running && !job) setJob({ jobId: running.id, state: running.state, done: running.done ?? undefined, total: running.total ?? undefined });
  }, [running?.id]);

  // a quick probe's first statuses can arrive on the feed before the 202 naming the job: kept until it does
  const early = useRef(/** @type {Map<string, any> | null} */ (null));
  const [asking, setAsking] = useState(false);

  const follow = (e) => {
    if (jobEnded(e.state)) {
      setJob(null);
      if (e.state === 'done') say('Port scan finished');
      else say(e.state === 'unsupported' ? 'The probe does not run port scans; upgrade it' : `Port scan failed: ${e.error ?? 'unknown error'}`, true);
      onDone();
    } else setJob({ jobId: e.jobId, state: e.state, done: e.done, total: e.total });
  };
  useLive('job', (e) => {
    if (early.current) early.current.set(e.jobId, e);
    else if (job && e.jobId === job.jobId) follow(e);
  });
  useEffect(() => {
    if (!job) return;
    const t = setTimeout(() => (setJob(null), say('No word from the probe; try again', true)), GIVE_UP_MS);
    return () => clearTimeout(t);
  }, [job?.jobId]);
  useEffect(() => {
    if (!blockedUntil) return;
    const t = setTimeout(() => setBlockedUntil(0), Math.max(0, blockedUntil - Date.now()));
    return () => clearTimeout(t);
  }, [blockedUntil]);

  const busy = !!job || asking || blockedUntil > 0;
  const scan = async () => {
    if (busy) return;
    say('');
    setAsking(true);
    early.current = new Map();
    try {
      const r = await api('POST', target.kind === 'host' ? `/api/hosts/${target.id}/scan-ports` : `/api/subnets/${target.id}/scan-ports`);
      const seen = early.current.get(r.jobId);
      setJob({ jobId: r.jobId, state: 'queued', coalesced: r.coalesced });
      if (seen) follow(seen);
    } catch (e) {
      say(scanRefusal(e), true);
      const wait = e.details?.retryAfterSeconds;
      if (e.status === 429 && wait) setBlockedUntil(Date.now() + Math.ceil(wait) * 1000);
    } finally {
      early.current = null;
      setAsking(false);
    }
  };
  const pct = scanPercent(job);
  const what = `Port scan of ${target.label}`;
  return html`<span class="scan port-scan" data-scan-ports=${target.kind}>
    <button type="button" class="scan-ports" onClick=${scan} aria-disabled=${busy ? 'true' : undefined}>
      ${job ? 'Scanning ports…' : 'Scan ports'}<span class="sr-only"> of ${target.label}</span></button>
    <span class=${`scan-state${!job && message.bad ? ' error' : ''}`} role="status">
      ${job && pct != null
        ? html`<progress max="100" value=${pct} aria-label=${what}></progress> ${pct} %`
        : job
          ? job.coalesced ? 'already under way' : job.state
          : message.text}
    </span>
  </span>`;
}
