/**
 * Webhooks and alerts benchmark (issue 11): (i) a test host going silent in the namespace network → its signed
 * host.down at the receiver, over 20 flips (bench/alerts-latency.ts); (ii) deliveries per second from the Node
 * host's runner to a verifying receiver on loopback, and (iii) how many events 1,000 hosts going down in the same
 * sweep become (bench/alerts-outbox.ts). Writes the "Webhooks and alerts" section of docs/BENCHMARKS.md.
 *
 * Run: `npm run bench -- alerts` or standalone `node_modules/.bin/tsx bench/alerts.ts` (root needed for (i)).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertNetPrerequisites } from '../tests/net/netns.js';
import { DOWN_AFTER, FLIPS, flipLatency, SWEEP_INTERVAL_S, type LatencyResult } from './alerts-latency.js';
import { deliveryThroughput, simultaneousFlips, type StormResult, type ThroughputResult } from './alerts-outbox.js';

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const s = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};
const spread = (xs: number[]) => `${s(median(xs))} s | ${s(Math.max(...xs))} s | ${s(Math.min(...xs))} s`;

function render(lat: LatencyResult, tp: ThroughputResult, storm: StormResult, facts: string[], totalS: number): string {
  const floorMs = SWEEP_INTERVAL_S * DOWN_AFTER * 1000;
  const total = lat.flips.map((f) => f.arrivedAt - f.silentAt);
  const detect = lat.flips.map((f) => f.decidedAt - f.silentAt);
  const deliver = lat.flips.map((f) => f.arrivedAt - f.decidedAt);
  const stormEvents = Object.values(storm.events).reduce((a, b) => a + b, 0);
  return `## Webhooks and alerts: host silent → signed webhook, deliveries per second, 1,000 hosts down at once

Command: \`npm run bench -- alerts\` (standalone: \`node_modules/.bin/tsx bench/alerts.ts\`; needs root for the namespaces).

Machine: ${facts.join(', ')}. Bench runtime ${totalS.toFixed(0)} s.

### A host going silent → its signed \`host.down\` at the receiver

Setup (bench/alerts-latency.ts): ${lat.hosts} test hosts in network namespaces on one bridge (tests/net/netns.ts, 198.18.0.0/24), the Node
control plane as \`npm start\` runs it (\`worker/node/main.ts\`, WEBHOOK_ALLOW_PRIVATE=1, DOWN_AFTER_FAILURES=${DOWN_AFTER}) in its namespace, the
real probe (\`probe/main.ts\`) in the scanner namespace sweeping the /24 on its own schedule every ${SWEEP_INTERVAL_S} s (±10 % jitter; engine auto:
\`nmap -sn\`, ${median(lat.sweepMs).toFixed(0)} ms a sweep as logged, median), and the verifying receiver
(tests/net/webhook-receiver-proc.ts, Standard Webhooks signature checked on every request) on the control plane namespace's loopback. Right
after the probe logs a finished sweep, one host's address is flushed (\`ip addr flush\`); the clock runs from then to the receiver having read the
request. One host per sweep, ${FLIPS} flips; each host gets its address back once its webhook arrived. Floor: a host silenced right after a sweep
saw it is missed by the next ${DOWN_AFTER} sweeps, so it is reported no sooner than ${DOWN_AFTER} × ${SWEEP_INTERVAL_S} s = **${s(floorMs)} s** after (the probe's
±10 % jitter on each interval moves that between ${s(floorMs * 0.9)} and ${s(floorMs * 1.1)} s).

| measure (${FLIPS} flips) | median | worst | best |
|---|---|---|---|
| **silent → signed webhook arrived** | **${s(median(total))} s** | ${s(Math.max(...total))} s | ${s(Math.min(...total))} s |
| floor: sweep interval × down-after threshold | ${s(floorMs)} s | | |
| … silent → the deciding sweep finished (probe log: ${DOWN_AFTER} intervals ±10 % and the sweep) | ${spread(detect)} |
| … that sweep finished → webhook arrived (result frame, ingest writing the event and its delivery in one batch, the sender woken, signing, HTTP) | ${spread(deliver)} |

Every delivery verified: ${lat.flips.every((f) => f.verified) ? 'yes' : 'NO'}. Other events received: ${lat.extra.length ? lat.extra.join(', ') : 'none'}.
Median over the floor: ${((median(total) - floorMs) / 1000).toFixed(2)} s, of which the control plane's part (deciding sweep finished → webhook arrived) is ${s(median(deliver))} s;
the rest is the probe's schedule (the intervals' jitter, each sweep's own time, the next sweep timed from the end of the last).

### Deliveries per second (Node)

Setup (bench/alerts-outbox.ts): the app on a real libSQL file (tests/support/app.ts) with ${tp.endpoints} endpoints on one verifying receiver in its own
process on 127.0.0.1, each wanting host.down. The outbox is filled as ingest fills it (\`outboxFor\`: the events with their frozen bodies and a
pending delivery per endpoint, one batch): ${tp.hosts.toLocaleString('en')} hosts × ${tp.endpoints} endpoints = ${tp.deliveries.toLocaleString('en')} pending deliveries, each host its own order key.
Then one \`runDeliveries\` (what the Node host's outbox timer runs; WEBHOOK_CONCURRENCY=${tp.concurrency} requests at once, pipelined: the freed half of the slots
refilled by one claim after one write of the finished results) drains it; wall time of that call.

| deliveries | wall | deliveries/s | received / verified | target |
|---|---|---|---|---|
| ${tp.delivered.toLocaleString('en')} of ${tp.deliveries.toLocaleString('en')} (${tp.attempts.toLocaleString('en')} attempts) | ${tp.wallS.toFixed(2)} s | **${tp.perSecond.toFixed(0)}/s** | ${tp.received.toLocaleString('en')} / ${tp.verified.toLocaleString('en')} | ≥ 500/s: ${tp.perSecond >= 500 ? 'met' : '**not met**'} |

### 1,000 hosts going down in the same sweep

Setup: the same app, one endpoint wanting host.down, host.up, subnet.degraded and subnet.recovered; ${storm.hosts.toLocaleString('en')} hosts of ${storm.cidr} answer one
complete sweep and none of the next two (result frames through \`handleProbeFrame\`, as the probe socket calls it; DOWN_AFTER_FAILURES=2), then
\`runDeliveries\`.

| hosts down in one sweep | events written | deliveries | requests received (verified) | target |
|---|---|---|---|---|
| ${storm.hosts.toLocaleString('en')} | ${stormEvents}: ${Object.entries(storm.events).map(([k, v]) => `${v} × ${k}`).join(', ')} | ${storm.deliveries} | ${storm.received.length} (${storm.verified}): ${storm.received.join(', ')} | 1: ${stormEvents === 1 ? 'met' : '**not met**'} |

The event lists ${storm.listed} of its hosts and says \`hostsTotal: ${storm.hostsTotal}\`. The deciding sweep's ingest (1,000 hosts down, their alert
states, the event and its delivery, one batch) took ${storm.ingestMs.toFixed(0)} ms; sending it ${(storm.deliverS * 1000).toFixed(0)} ms.
`;
}

const version = (argv: string[], pick: RegExp) => {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return pick.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'unknown';
};

export async function benchAlerts(log: (s: string) => void = (m) => process.stderr.write(`[bench alerts] ${m}\n`)): Promise<string> {
  assertNetPrerequisites();
  const t0 = performance.now();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const tp = await deliveryThroughput(log);
  const storm = await simultaneousFlips(log);
  const lat = await flipLatency(log);
  const facts = [
    `nproc ${availableParallelism()}`,
    `kernel ${version(['uname', '-r'], /(\S+)/)}`,
    `node ${process.version}`,
    `date ${startedAt.toISOString()}`,
    `commit ${version(['git', 'rev-parse', '--short', 'HEAD'], /(\S+)/)}`,
    `load average (1 min) ${loadBefore} at the start, ${loadAverage()} at the end`,
  ];
  return render(lat, tp, storm, facts, (performance.now() - t0) / 1000);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchAlerts().then((md) => process.stdout.write(`${md}\n`), (err: unknown) => {
    process.stderr.write(`bench alerts failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
