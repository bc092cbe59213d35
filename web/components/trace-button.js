// @ts-check
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { traceRefusal, traceStateText } from '../lib/identity.js';
import { useLive } from '../lib/live.js';
import { jobEnded } from '../lib/ports.js';

// a trace may run for its time limit (60 s by default, 120 s at most); past this, stop waiting for its end
const GIVE_UP_MS = 180_000;
const RUNNING = new Set(['queued', 'started', 'progress']);

/**
 * "Trace" for a host (editors): asks the probe of the host's subnet for a traceroute (subnets never overlap, so no
 * other probe holds the address), then follows the job on the live feed (queued → started → progress, hop by hop →
 * done), aria-disabled meanwhile (it keeps keyboard focus). `running`: the host's latest trace job from
 * GET /api/hosts/:id/trace, so a reopened drawer shows one under way.
 */
export function TraceButton({ host, running = null, onDone = () => {} }) {
  const [job, setJob] = useState(/** @type {null | { jobId: string, state: string, done?: number }} */ (null));
  const [message, setMessage] = useState({ text: '', bad: false });
  const say = (text, bad = false) => setMessage({ text, bad });
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (running && RUNNING.has(running.state) && !job) setJob({ jobId: running.jobId, state: running.state });
  }, [running?.jobId]);

  // a quick probe's statuses can arrive on the feed before the 202 naming the job: kept until it does
  const early = useRef(/** @type {Map<string, any> | null} */ (null));
  const follow = (e) => {
    if (jobEnded(e.state)) {
      setJob(null);
      if (e.state === 'done') say('Trace finished');
      else say(e.state === 'unsupported' ? 'The probe cannot trace; upgrade it' : `Trace failed: ${e.error ?? 'unknown error'}`, true);
      onDone();
    } else setJob({ jobId: e.jobId, state: e.state, done: e.done });
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

  const busy = !!job || asking;
  const trace = async () => {
    if (busy) return;
    say('');
    setAsking(true);
    early.current = new Map();
    try {
      const r = await api('POST', `/api/hosts/${host.id}/trace`, {});
      const seen = early.current.get(r.jobId);
      setJob({ jobId: r.jobId, state: 'queued' });
      if (seen) follow(seen);
    } catch (e) {
      say(traceRefusal(e), true);
    } finally {
      early.current = null;
      setAsking(false);
    }
  };
  const label = host.hostname || host.ip;
  return html`<span class="scan trace" data-trace>
    <button type="button" class="trace-now" onClick=${trace} aria-disabled=${busy ? 'true' : undefined}>
      ${job ? 'Tracing…' : 'Trace'}<span class="sr-only"> the path to ${label}</span></button>
    <span class=${`scan-state${!job && message.bad ? ' error' : ''}`} role="status">${job ? traceStateText(job) : message.text}</span>
  </span>`;
}
