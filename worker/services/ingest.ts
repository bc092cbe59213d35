import { and, eq, inArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { parseCidr, type Cidr } from '../../schema/ip/cidr.js';
import type { LiveEvent } from '../../schema/live.js';
import { MAX_FRAME_SAMPLES, resultSubnet, type ResultItem, type ResultRejection } from '../../schema/protocol.js';
import { ingestLedger, probes, subnets } from '../../schema/tables/index.js';
import { batchable, isUniqueViolation } from '../db.js';
import type { AppDeps } from '../deps.js';
import { loadAlertSetup, outboxFor, policyColumns, policyOf, type AlertSetup } from '../alerts/context.js';
import { retryStale } from '../alerts/store.js';
import { resultIngests } from '../ingest/index.js';
import { bumpCounters, COUNTERS } from '../metrics/counters.js';
import type { PreparedResults, Rejection } from '../ingest/types.js';

export interface IngestOutcome {
  duplicate: boolean;
  rejectedSubnets: number[];
  /** Sweeps of the probe's own subnets that were not applied, and why. */
  rejectedSweeps: { subnetId: number; at: number; reason: ResultRejection }[];
  /** The same for results of other kinds. */
  rejectedResults: Rejection[];
  /** Set when nothing of the batch was stored (no ledger row either: a re-send is refused again). */
  refused: { code: 'too_many_samples'; message: string } | null;
  /** Reported addresses that are not usable addresses of the result's subnet (the first few per subnet). */
  ignored: { subnetId: number; addresses: string[] }[];
  samples: number;
  events: number;
  /** What the live feed hears now the batch is stored. */
  live: LiveEvent[];
  /** Webhook deliveries the batch put in the outbox. */
  deliveries: number;
}

const NOTHING = { rejectedSubnets: [], rejectedSweeps: [], rejectedResults: [], refused: null, ignored: [], samples: 0, events: 0, live: [], deliveries: 0 };
const DUPLICATE: IngestOutcome = { duplicate: true, ...NOTHING };

function tooMany(counted: string): IngestOutcome {
  const message = `the batch would write ${counted} samples; at most ${MAX_FRAME_SAMPLES} per batch (split the results into parts)`;
  return { duplicate: false, ...NOTHING, refused: { code: 'too_many_samples', message } };
}

/**
 * Stores one result batch from a probe exactly once: the ledger row is written in the same atomic batch as the
 * rows of every kind of result in it, so a re-sent batch either finds its ledger row or fails on it as a whole.
 * Each kind plans its own rows (`worker/ingest/`) from the database as it was before the batch, so a port scan in the
 * same batch as the sweep that creates its hosts finds none of them (probes send every result item as its own batch).
 * A batch that would write more than MAX_FRAME_SAMPLES rows is
 * refused whole, before any write. The caller serialises batches per probe (subnets belong to one probe, so no
 * two writers race on a host). The alert duties are not serialised with it: when one of them wrote an alert state
 * the batch read, the batch fails whole on its guard and is planned again from what is stored now.
 */
export function ingestBatch(deps: AppDeps, probeId: number, batchId: string, results: ReadonlyArray<ResultItem>): Promise<IngestOutcome> {
  return retryStale(() => ingestOnce(deps, probeId, batchId, results));
}

async function ingestOnce(deps: AppDeps, probeId: number, batchId: string, results: ReadonlyArray<ResultItem>): Promise<IngestOutcome> {
  const { db } = deps;
  const done = await db
    .select({ n: ingestLedger.samples })
    .from(ingestLedger)
    .where(and(eq(ingestLedger.probeId, probeId), eq(ingestLedger.batchId, batchId)));
  if (done.length) return DUPLICATE;
  const byKind = resultIngests.map((ingest) => ({ ingest, items: results.filter((r) => r.kind === ingest.kind) })).filter((k) => k.items.length);
  const listed = byKind.reduce((n, k) => n + k.ingest.listed(k.items as never), 0);
  if (listed > MAX_FRAME_SAMPLES) return tooMany(`at least ${listed}`);

  const wanted = [...new Set(results.map(resultSubnet).filter((id) => id > 0))];
  const rows = wanted.length
    ? await db
        .select({ id: subnets.id, cidr: subnets.cidr, ...policyColumns })
        .from(subnets)
        .where(and(inArray(subnets.id, wanted), eq(subnets.probeId, probeId)))
    : [];
  const owned = new Map<number, Cidr>(rows.map((s) => [s.id, parseCidr(s.cidr)]));
  const policies = new Map(rows.map((s) => [s.id, policyOf(s, deps.config)]));
  // most batches change nothing: the endpoints and windows are read only for one that does
  let setup: Promise<AlertSetup> | null = null;
  const alerts = () => (setup ??= loadAlertSetup(deps));
  const rejectedSubnets = wanted.filter((id) => !owned.has(id));

  const now = deps.clock.now();
  const budget = { left: MAX_FRAME_SAMPLES };
  const prepared: PreparedResults[] = [];
  for (const { ingest, items } of byKind) {
    // a probe-wide kind (flows) is the probe's own by definition; its ingest checks the subnets it names
    const mine = ingest.probeWide ? items : items.filter((r) => owned.has(resultSubnet(r)));
    const p = await ingest.prepare({ deps, probeId, now, owned, budget, alerts, policies }, mine as never);
    if (!p) return tooMany(`more than ${MAX_FRAME_SAMPLES}`);
    prepared.push(p);
  }
  const samples = prepared.reduce((n, p) => n + p.samples, 0);
  if (samples > MAX_FRAME_SAMPLES) return tooMany(String(samples));

  // the events and their deliveries are written with the change that raised them: a crash loses neither
  const drafts = prepared.flatMap((p) => p.drafts);
  const outbox = drafts.length ? await outboxFor(deps, await alerts(), drafts, now) : { statements: [], deliveries: 0 };
  const probe = { probe: String(probeId) };
  const counted = bumpCounters([
    { name: COUNTERS.ingestBatches, labels: probe, by: 1 },
    { name: COUNTERS.ingestSamples, labels: probe, by: samples },
  ])!;
  const batch: BatchItem<'sqlite'>[] = [
    db.insert(ingestLedger).values({ probeId, batchId, samples, appliedAt: new Date(now) }),
    ...[...prepared.flatMap((p) => p.statements), ...outbox.statements, counted].map((s) => batchable(db, s)),
    db.update(probes).set({ lastSeenAt: new Date(now) }).where(eq(probes.id, probeId)),
  ];
  try {
    await db.batch(batch as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  } catch (e) {
    if (isUniqueViolation(e, 'ingest_ledger')) return DUPLICATE;
    throw e;
  }
  const live = (await Promise.all(prepared.map((p) => p.announce(deps)))).flat();
  const rejected = prepared.flatMap((p) => p.rejected);
  return {
    duplicate: false,
    rejectedSubnets,
    rejectedSweeps: rejected.filter((r) => r.kind === 'sweep').map(({ subnetId, at, reason }) => ({ subnetId, at, reason })),
    rejectedResults: rejected.filter((r) => r.kind !== 'sweep'),
    refused: null,
    ignored: prepared.flatMap((p) => p.ignored),
    samples,
    events: prepared.reduce((n, p) => n + p.events, 0),
    live,
    deliveries: outbox.deliveries,
  };
}
