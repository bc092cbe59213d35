// @ts-check
import { useEffect, useState } from 'preact/hooks';
import { TrafficForm } from '../components/traffic-form.js';
import { TrafficHistory } from '../components/traffic-history.js';
import { TrafficSchedules } from '../components/traffic-schedules.js';
import { TrafficTestCard } from '../components/traffic-test.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { setQuery } from '../lib/router.js';
import { useCan, useSession } from '../lib/session.js';
import { blankForm } from '../lib/traffic.js';
import { useData } from '../lib/use-data.js';
import { useLiveThrottle } from '../lib/use-live-throttle.js';

/** The current test reloads on its live events at most this often… */
const RELOAD_MS = 700;
/** …and polls this often while it runs, should the feed drop an event. */
const POLL_MS = 5000;
/** The history reloads on the feed's traffic events at most this often. */
const HISTORY_MS = 2000;

/** The test shown above the history (`?test=`): its steps while it runs, its figures when done. */
function CurrentTest({ id }) {
  const { data: test, error, reload } = useData(() => api('GET', `/api/traffic-tests/${encodeURIComponent(id)}`), [id], { pollMs: 30_000 });
  useLiveThrottle('traffic', (e) => e.testId === id, reload, RELOAD_MS);
  const running = test?.state === 'running';
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    // the elapsed seconds tick between the probes' reports; the poll covers a dropped event
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const poll = setInterval(() => document.visibilityState === 'visible' && reload(), POLL_MS);
    return () => (clearInterval(tick), clearInterval(poll));
  }, [running, id]);
  if (error) return html`<p class="error" role="alert">${/** @type {any} */ (error).status === 404 ? `No traffic test ${id}: it may have been pruned.` : error.message}</p>`;
  if (!test) return html`<p>Loading the test…</p>`;
  return html`<${TrafficTestCard} test=${test} now=${Math.max(now, Date.now())} />`;
}

/**
 * Traffic (issue 16): iperf3 between two probes, or from a probe to an address running iperf3. The form; the test
 * just started or chosen (`?test=`), followed as it runs; the schedules (a test every N hours); the history of a pair
 * (`?pair=`) as a chart and a table.
 */
export function Traffic({ query }) {
  const { me } = useSession();
  const edit = useCan('editor');
  const probes = useData(() => api('GET', '/api/probes'), [], { events: ['probe'] });
  const testId = query.get('test') ?? '';
  const overview = useData(() => api('GET', '/api/traffic-tests?limit=1'), [], { pollMs: 60_000 });
  const pairs = overview.data?.pairs ?? [];
  const pair = query.get('pair') ?? pairs[0]?.pair ?? '';
  const history = useData(() => (pair ? api('GET', `/api/traffic-tests?pair=${encodeURIComponent(pair)}&limit=100`) : Promise.resolve({ tests: [] })), [pair], { pollMs: 60_000 });
  useLiveThrottle('traffic', () => true, () => (overview.reload(), history.reload()), HISTORY_MS);
  // a schedule's run is a test starting (its `running` event): only then can a schedule's last run have changed
  const schedules = useData(() => api('GET', '/api/traffic-schedules'), [], { pollMs: 60_000 });
  useLiveThrottle('traffic', (e) => e.state === 'running', schedules.reload, HISTORY_MS);
  const started = (test) => setQuery({ test: test.id, pair: test.pair });
  const scheduled = (schedule) => (schedules.reload(), setQuery({ pair: schedule.pair, test: null }));
  return html`<section class="operations-page traffic-page">
    <h1>Traffic</h1>
    ${probes.error && html`<p class="error" role="alert">Probes: ${probes.error.message}</p>`}
    ${me && !edit && html`<p class="notice">Only editors and admins can start traffic tests; you are ${me.role === 'admin' || me.role === 'editor' ? 'an' : 'a'} ${me.role}. Past tests are below.</p>`}
    ${edit && !probes.data && !probes.error && html`<p>Loading the probes…</p>`}
    ${edit && probes.data && html`<${TrafficForm} probes=${probes.data.probes} initial=${blankForm()} onStarted=${started} onScheduled=${scheduled} />`}
    ${testId && html`<section class="traffic-current" aria-label="The test"><${CurrentTest} key=${testId} id=${testId} /></section>`}
    <${TrafficSchedules} schedules=${schedules.data?.schedules ?? null} error=${schedules.error} edit=${edit} onChanged=${schedules.reload} />
    <${TrafficHistory} pairs=${pairs} pair=${pair} tests=${history.data?.tests ?? null} error=${overview.error ?? history.error} />
  </section>`;
}
