import { and, eq, lt, sql } from 'drizzle-orm';
import { alertEvents, auditLog, webhookAttempts, hostDevices, hostEvents, hostHourly, hostSamples, ingestLedger, jobs, operations, portEvents, trafficTests, probes, sessions } from '../schema/tables/index.js';
import { SPOOL_MAX_AGE_MS } from '../schema/protocol.js';
import type { AppConfig } from './config.js';
import type { AppDeps } from './deps.js';
import { catchUpAlerts } from './alerts/catch-up.js';
import { probeOfflineAlerts } from './alerts/probe-alerts.js';
import { retryStale } from './alerts/store.js';
import { batchable, runStatements } from './db.js';
import { follow } from './effects.js';
import { flowPruneStatements, rollUpFlows } from './services/flow-rollup.js';
import { schedulePortScans } from './services/port-scan-scheduler.js';
import { silentBefore } from './probe-link/heartbeat.js';
import { probeDisconnected } from './probe-link/session.js';
import { pruneLoginThrottle } from './services/login-throttle.js';
import { releaseExpiredReservations } from './services/reservation-expiry.js';
import { runTrafficSchedules } from './services/traffic-schedule-runs.js';
import { resumeVms } from './services/vm-drive.js';

const DAY_MS = 86_400_000;

/** A periodic job. Both hosts run this one list: Node on a timer per duty, Workers from the minutely cron trigger (`dueDuties`). */
export interface Duty {
  name: string;
  /** A period, or one read from the settings (Workers: a period below the cron's tick runs at every tick). */
  everySeconds: number | ((config: AppConfig) => number);
  run(deps: AppDeps): Promise<void>;
}

/** Probes marked connected that have not been heard from for three heartbeats are offline. */
export const offlineProbes: Duty = {
  name: 'offline-probes',
  // every heartbeat (at most a minute): "probe offline" comes three heartbeats after it went, not a minute later
  everySeconds: (config) => Math.min(60, config.heartbeatSeconds),
  async run(deps) {
    const cutoff = new Date(silentBefore(deps.clock.now(), deps.config.heartbeatSeconds));
    const silent = await deps.db
      .select({ id: probes.id })
      .from(probes)
      .where(and(eq(probes.connected, true), lt(probes.lastSeenAt, cutoff)));
    for (const p of silent) {
      deps.log.warn('probe silent for three heartbeats; marking it offline', { probeId: p.id });
      await deps.hub.disconnect(p.id, 'silent');
      await probeDisconnected(deps, p.id);
    }
    // gone for three heartbeats, whether its socket closed or it fell silent: one "probe offline" each
    const alerts = await retryStale(async () => {
      const a = await probeOfflineAlerts(deps, deps.clock.now());
      await runStatements(deps.db, a.statements);
      return a;
    });
    if (alerts.probeIds.length) {
      deps.log.warn('probes offline', { probeIds: alerts.probeIds });
      await follow(deps, { deliveries: alerts.deliveries });
    }
  },
};

/** Alerts owed: changes held back by a maintenance window that has ended, reminders for hosts still down; and a wake of the sender (on Workers the cron is its fallback). */
export const alertCatchUp: Duty = {
  name: 'alerts',
  everySeconds: 60,
  async run(deps) {
    await catchUpAlerts(deps);
    await deps.outbox.wake();
  },
};

/** Raw samples live a week (the hourly roll-up keeps uptime for longer); spent ledger rows, sessions, old jobs, old audit rows and forgotten login failures go too; events (state and port) and past devices live as long as the roll-up; flow rows by their grain (worker/services/flow-rollup.ts). */
export const pruneHistory: Duty = {
  name: 'prune-history',
  everySeconds: 3600,
  async run(deps) {
    const now = deps.clock.now();
    const flows = await flowPruneStatements(deps, now);
    await deps.db.batch([
      deps.db.delete(hostSamples).where(lt(hostSamples.at, new Date(now - deps.config.rawSampleRetentionDays * DAY_MS))),
      deps.db.delete(hostHourly).where(lt(hostHourly.hour, new Date(now - deps.config.hourlyRetentionDays * DAY_MS))),
      deps.db.delete(hostEvents).where(lt(hostEvents.at, new Date(now - deps.config.hourlyRetentionDays * DAY_MS))),
      deps.db.delete(portEvents).where(lt(portEvents.at, new Date(now - deps.config.hourlyRetentionDays * DAY_MS))),
      // finished or expired jobs are only kept as long as their results could still arrive, and a week to look back
      deps.db.delete(jobs).where(lt(jobs.expiresAt, new Date(now - 7 * DAY_MS))),
      // a probe's spool gives up on a batch after SPOOL_MAX_AGE_MS: a day more and no re-send can come
      deps.db.delete(ingestLedger).where(lt(ingestLedger.appliedAt, new Date(now - SPOOL_MAX_AGE_MS - DAY_MS))),
      deps.db.delete(sessions).where(lt(sessions.expiresAt, new Date(now))),
      // the audit log is kept as long as the history it explains
      deps.db.delete(auditLog).where(lt(auditLog.at, new Date(now - deps.config.hourlyRetentionDays * DAY_MS))),
      // devices an address had (not the one it has) are history like its state changes; rotating randomised MACs
      // would otherwise grow the table for ever (first seen comes first, so its index narrows the search)
      deps.db
        .delete(hostDevices)
        .where(
          and(
            lt(hostDevices.firstSeenAt, new Date(now - deps.config.hourlyRetentionDays * DAY_MS)),
            lt(hostDevices.lastSeenAt, new Date(now - deps.config.hourlyRetentionDays * DAY_MS)),
            sql`${hostDevices.mac} IS NOT (SELECT mac FROM hosts WHERE hosts.id = ${hostDevices.hostId})`,
          ),
        ),
      // past events go with their deliveries and the delivery log (foreign keys cascade)
      deps.db.delete(alertEvents).where(lt(alertEvents.at, new Date(now - deps.config.webhookRetentionDays * DAY_MS))),
      deps.db.delete(webhookAttempts).where(lt(webhookAttempts.at, new Date(now - deps.config.webhookRetentionDays * DAY_MS))),
      pruneLoginThrottle(deps, now),
      // operations with their runs (deleted first: the runs' foreign key need not be enforced for them to go)
      batchable(deps.db, sql`DELETE FROM operation_runs WHERE operation_id IN (SELECT id FROM operations WHERE created_at < ${now - deps.config.operationRetentionDays * DAY_MS})`),
      deps.db.delete(operations).where(lt(operations.createdAt, new Date(now - deps.config.operationRetentionDays * DAY_MS))),
      deps.db.delete(trafficTests).where(lt(trafficTests.createdAt, new Date(now - deps.config.trafficRetentionDays * DAY_MS))),
      ...flows.map((s) => batchable(deps.db, s)),
    ]);
  },
};

/** Port scans of alive hosts as their time comes (worker/services/port-scan-scheduler.ts). */
export const portScans: Duty = {
  name: 'port-scans',
  everySeconds: (config) => config.portScanTickSeconds,
  async run(deps) {
    await schedulePortScans(deps);
  },
};

/** Flow minutes rolled into hours once an hour has ended (and again when a late minute re-dirties it), a bounded number per run. */
export const flowRollup: Duty = {
  name: 'flow-rollup',
  everySeconds: 60,
  async run(deps) {
    const rolled = await rollUpFlows(deps);
    if (rolled) deps.log.info('flow hours rolled up', { hours: rolled });
  },
};

/** Reservations past their expiry that were never seen alive since they were made are released (worker/services/reservation-expiry.ts). */
export const reservationExpiry: Duty = {
  name: 'reservation-expiry',
  everySeconds: 60,
  async run(deps) {
    const { released, effects } = await releaseExpiredReservations(deps);
    if (!released) return;
    deps.log.info('expired reservations released', { released });
    await follow(deps, effects);
  },
};

/** VMs whose driver stopped (a Worker's waitUntil ended with a Proxmox task still running, a restart) are driven on. */
export const vmCreation: Duty = {
  name: 'vm-creation',
  everySeconds: 60,
  // less than the tick, so one run has stopped before the next takes over what it left
  run: (deps) => resumeVms(deps, 45_000),
};

/** Scheduled traffic tests as their time comes (worker/services/traffic-schedule-runs.ts). */
export const scheduledTrafficTests: Duty = {
  name: 'traffic-schedules',
  everySeconds: 60,
  async run(deps) {
    const { started, refused } = await runTrafficSchedules(deps);
    if (started || refused) deps.log.info('scheduled traffic tests', { started, refused });
  },
};

export const duties: Duty[] = [offlineProbes, alertCatchUp, pruneHistory, portScans, flowRollup, reservationExpiry, vmCreation, scheduledTrafficTests];

/** How often the Workers cron trigger fires (wrangler.toml `crons = ["* * * * *"]`). */
export const CRON_TICK_SECONDS = 60;

/**
 * Whether a duty that runs every `everySeconds` is due at the cron tick scheduled for `at` (epoch ms): when a
 * multiple of its period falls in (at - tick, at]. So a 3600 s duty runs at the first tick of each hour and a
 * duty as frequent as the tick (or more) at every tick. The scheduled time, not the time the handler starts,
 * so a late tick keeps its place.
 */
export function isDue(everySeconds: number, at: number, tickSeconds = CRON_TICK_SECONDS): boolean {
  const period = everySeconds * 1000;
  return Math.floor(at / period) !== Math.floor((at - tickSeconds * 1000) / period);
}

/** A duty's period in seconds under these settings. */
export const periodOf = (duty: Duty, config: AppConfig): number => (typeof duty.everySeconds === 'number' ? duty.everySeconds : duty.everySeconds(config));

/** The duties due at the cron tick scheduled for `at`. */
export function dueDuties(at: number, config: AppConfig, list: Duty[] = duties, tickSeconds = CRON_TICK_SECONDS): Duty[] {
  return list.filter((d) => isDue(periodOf(d, config), at, tickSeconds));
}

/** Runs every duty, logging (not throwing) failures so one broken duty does not stop the rest. */
export async function runDuties(deps: AppDeps, list: Duty[] = duties): Promise<void> {
  for (const duty of list) {
    try {
      await duty.run(deps);
    } catch (e) {
      deps.log.error('duty failed', { duty: duty.name, error: String(e) });
    }
  }
}
