/**
 * The body every webhook endpoint of the generic format receives (docs/WEBHOOKS.md), and what the other formats
 * are rendered from. The shape follows Standard Webhooks' recommended `{type, timestamp, data}`, with the event
 * id (also the `webhook-id` header: the receiver's idempotency key) beside them.
 */
import { z } from 'zod';

export const ALERT_EVENT_TYPES = [
  'host.down',
  'host.up',
  'port.opened',
  'port.closed',
  'service.changed',
  'mac.changed',
  'talker.unregistered',
  'probe.offline',
  'probe.online',
  'subnet.degraded',
  'subnet.recovered',
  'test',
] as const;
export const alertEventType = z.enum(ALERT_EVENT_TYPES).meta({ id: 'AlertEventType' });
export type AlertEventType = z.infer<typeof alertEventType>;

export const alertHost = z
  .object({
    id: z.number().int(),
    ip: z.string(),
    hostname: z.string().nullable(),
    tags: z.array(z.string()),
    /** The host in the dashboard (null when PUBLIC_URL is not configured). */
    url: z.string().nullable(),
  })
  .meta({ id: 'AlertHost' });
export type AlertHost = z.infer<typeof alertHost>;

export const alertService = z
  .object({
    port: z.number().int(),
    protocol: z.enum(['tcp', 'udp']),
    service: z.string().nullable(),
    /** service.changed: what it was before. */
    previousService: z.string().nullable().optional(),
    product: z.string().nullable().optional(),
    version: z.string().nullable().optional(),
  })
  .meta({ id: 'AlertService' });
export type AlertService = z.infer<typeof alertService>;

/** A MAC as an event names it: the vendor (null: no IEEE assignment matches, or the MAC is locally administered) and whether it is randomised. */
export const alertMac = z
  .object({ mac: z.string(), vendor: z.string().nullable(), random: z.boolean() })
  .meta({ id: 'AlertMac' });
export type AlertMac = z.infer<typeof alertMac>;

export const alertEvent = z
  .object({
    id: z.string().describe('unique per event; the same on every retry (use it to drop repeats)'),
    type: alertEventType,
    timestamp: z.string().describe('when it happened, ISO 8601 in UTC'),
    data: z.object({
      host: alertHost.nullable(),
      subnet: z.object({ id: z.number().int(), cidr: z.string(), name: z.string() }).nullable(),
      probe: z.object({ id: z.number().int(), name: z.string() }).nullable(),
      /** The state before and after: up/down (host), online/offline (probe), ok/degraded (subnet), open/closed (port), the MAC (mac.changed); null for talker.unregistered. */
      previous: z.string().nullable(),
      current: z.string().nullable(),
      /** port.opened, port.closed, service.changed: the ports of the host that changed in one scan. */
      services: z.array(alertService).optional(),
      /** mac.changed: the device that answered at the address before and the one that answers now. */
      mac: z.object({ previous: alertMac, current: alertMac }).optional(),
      /** talker.unregistered: the address of the managed subnet heard in flows without a host record. */
      ip: z.string().optional(),
      /** talker.unregistered: when flows first showed the address that UTC day (the minute's start, ISO 8601 in UTC). */
      firstSeenAt: z.string().optional(),
      /** subnet.degraded / subnet.recovered: the hosts that went down together (or are still down). */
      hosts: z.array(alertHost).optional(),
      /** How many hosts the event is about when `hosts` lists only the first 100. */
      hostsTotal: z.number().int().optional(),
      /** A reminder that the host is still down (the subnet's reminder interval). */
      reminder: z.boolean().optional(),
      /** Set on events sent late because a maintenance window held them back. */
      heldByMaintenance: z.boolean().optional(),
      /** A human sentence for chat formats and logs. */
      summary: z.string(),
    }),
  })
  .meta({ id: 'AlertEvent' });
export type AlertEvent = z.infer<typeof alertEvent>;
