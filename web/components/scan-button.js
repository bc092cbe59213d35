// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { useLive } from '../lib/live.js';

const GIVE_UP_MS = 180_000;

/**
 * "Scan now": asks the subnet's probe to sweep, then follows the job on the live feed (queued → started →
 * progress → done) with the button disabled until it ends. A repeated request is coalesced by the server.
 */
export function ScanButton({ subnet, onDone = () => {} }) {
  const [job, setJob] = useState(/** @type {null | { jobId: string | null, state: string, done?: number, total?: number }} */ (null));
  const [message, setMessage] = useState('');

  useLive('job', (e) => {
    if (e.subnetId !== subnet.id || !job) return;
    if (job.jobId && e.jobId !== job.jobId) return;
    if (e.state === 'done' || e.state === 'failed') {
      setJob(null);
      setMessage(e.state === 'done' ? 'Sweep finished' : `Sweep failed: ${e.error ?? 'unknown error'}`);
      onDone();
    } else setJob({ jobId: e.jobId, state: e.state, done: e.done, total: e.total });
  });
  useEffect(() => {
    if (!job) return;
    const t = setTimeout(() => (setJob(null), setMessage('No word from the probe; try again')), GIVE_UP_MS);
    return () => clearTimeout(t);
  }, [job?.jobId]);

  const scan = async () => {
    setMessage('');
    try {
      const r = await api('POST', `/api/subnets/${subnet.id}/scan`);
      setJob({ jobId: r.jobId, state: r.coalesced ? 'requested moments ago' : 'queued' });
    } catch (e) {
      setMessage(e.message);
    }
  };
  const pending = !!job;
  const label = subnet.cidr;
  return html`<span class="scan">
    <button type="button" class="scan-now" onClick=${scan} disabled=${pending}>${pending ? 'Scanning…' : 'Scan now'}<span class="sr-only"> ${label}</span></button>
    <span class="scan-state" role="status">
      ${job && job.total
        ? html`<progress max=${job.total} value=${job.done ?? 0} aria-label=${`Sweep of ${label}`}></progress> ${job.done ?? 0} / ${job.total}`
        : job
          ? job.state
          : message}
    </span>
  </span>`;
}
