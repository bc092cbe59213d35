import type { AlertEventType, AlertMac, AlertService } from '../../schema/alert-event.js';

/** A subnet's alert thresholds, its own or the server's defaults. */
export interface AlertPolicy {
  downAfter: number;
  upAfter: number;
  /** 0: no reminders. */
  reminderMinutes: number;
  sendResolved: boolean;
  degradedShare: number;
  degradedMinHosts: number;
}

/** What the alerting decided about one host (`state`) and what it last told anyone (`notified`). */
export interface HostAlert {
  state: 'up' | 'down';
  notified: 'up' | 'down' | null;
  /** Answers in a row while alerted down. */
  ups: number;
  since: number;
  lastSentAt: number | null;
}

export interface SubnetAlert {
  state: 'ok' | 'degraded';
  notified: 'ok' | 'degraded' | null;
  since: number;
  /** Degraded: the hosts of the incident (those that went down together, and later ones). */
  hostIds: number[];
}

/**
 * An event decided by pure code, before it has an id or a body: the outbox (worker/alerts/outbox.ts) gives it
 * both and the deliveries of every endpoint that wants it. `mutedBy` is the maintenance window holding it back.
 */
export interface AlertDraft {
  type: AlertEventType;
  at: number;
  hostId: number | null;
  subnetId: number | null;
  probeId: number | null;
  previous: string | null;
  current: string | null;
  mutedBy: number | null;
  /** subnet.degraded / subnet.recovered */
  hostIds?: number[];
  /** subnet.degraded / subnet.recovered: every host of the incident, for endpoints' tag filters (not in the body). */
  members?: number[];
  services?: AlertService[];
  /** mac.changed: the MAC before and after, with vendors. */
  mac?: { previous: AlertMac; current: AlertMac };
  /** talker.unregistered: the address heard and the start of the minute it was first heard that UTC day. */
  talker?: { ip: string; firstSeenAt: number };
  reminder?: boolean;
  heldByMaintenance?: boolean;
}

/** Which window (id) mutes events of this host (or, hostId null, of the subnet itself) at this time, if any. */
export type MuteCheck = (target: { hostId: number | null; subnetId: number | null }, at: number) => number | null;
