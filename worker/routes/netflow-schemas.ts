/** The flows API's query and answer schemas (GET /api/netflow/…). */
import { z } from '@hono/zod-openapi';
import { FLOW_LIMIT_DEFAULT, FLOW_LIMIT_MAX, FLOW_MAX_RANGE_DAYS } from '../domain/flow-range.js';

const time = (what: string) =>
  z
    .string()
    .max(64)
    .optional()
    .openapi({ description: `${what}: ISO 8601 (a date, or a date-time with Z or an offset) or ms since the epoch`, example: '2026-11-26T12:00:00Z' });

const probeId = z.coerce.number().int().positive().optional().openapi({ description: "only this probe's flows (default: every probe's, summed)" });
const limit = z.coerce.number().int().min(1).max(FLOW_LIMIT_MAX).default(FLOW_LIMIT_DEFAULT).openapi({ description: `entries at most (1–${FLOW_LIMIT_MAX})` });

/** from, to, probeId, limit: every windowed flows route. */
export const RangeQuery = z.object({
  from: time(`window start; default: an hour before \`to\`; to − from at most ${FLOW_MAX_RANGE_DAYS} days`),
  to: time('window end (exclusive); default: now'),
  probeId,
  limit,
});

export const subnetFilter = (what: string) => z.coerce.number().int().positive().optional().openapi({ description: what });

export const ExporterQuery = z.object({ probeId, limit });

const count = z.number().int().nonnegative();
const volume = { bytes: count, packets: count, flows: count };
const hostId = z.number().int().nullable().openapi({ description: 'the host record with this address; null: none' });
const hostname = z.string().nullable();
const subnetId = z.number().int().nullable().openapi({ description: "the host record's subnet, else the managed subnet the probe matched; null: External" });
const subnetName = z.string().nullable().openapi({ description: 'its name (its CIDR when unnamed), "deleted subnet #N" for one deleted since; null: External' });

const window = {
  from: z.string().openapi({ description: 'the window read, widened to whole buckets (ISO 8601, UTC)' }),
  to: z.string().openapi({ description: 'exclusive' }),
  grain: z.enum(['minute', 'hour', 'mixed']).openapi({
    description:
      'the rows summed. A window of at most 3 hours within the minute retention (FLOW_MINUTE_RETENTION_DAYS, 7 days) reads the probes\' minutes; ' +
      'one reaching past it reads the hourly roll-up, widened to whole hours; a longer one within it reads the roll-up for its whole hours that are rolled up ' +
      '(about 5 minutes after an hour ends) and minutes for its partial hours at the edges and for the hours not rolled up yet. ' +
      'minute: minutes only; hour: the hourly roll-up only; mixed: the hourly roll-up, minutes at the edges (or for hours not rolled up yet). ' +
      'Hour rows keep the top 500 entries per table, hour and probe; totals are exact',
  }),
};

export const TalkersSchema = z
  .object({
    ...window,
    totals: z.object(volume).openapi({ description: 'every flow of the window, beyond the top lists too; with subnetId: the traffic into, out of and inside the subnet' }),
    talkers: z.array(
      z.object({
        ip: z.string(),
        subnetId,
        subnetName,
        hostId,
        hostname,
        bytesIn: count,
        bytesOut: count,
        packetsIn: count,
        packetsOut: count,
        flowsIn: count,
        flowsOut: count,
        bytes: count.openapi({ description: 'bytesIn + bytesOut' }),
      }),
    ),
  })
  .openapi('FlowTalkers');

export const ConversationsSchema = z
  .object({
    ...window,
    conversations: z.array(
      z.object({
        src: z.string(),
        dst: z.string(),
        srcSubnetId: subnetId,
        dstSubnetId: subnetId,
        srcSubnetName: subnetName,
        dstSubnetName: subnetName,
        srcHostId: hostId,
        dstHostId: hostId,
        srcHostname: hostname,
        dstHostname: hostname,
        ...volume,
      }),
    ),
  })
  .openapi('FlowConversations');

export const PortsSchema = z
  .object({
    ...window,
    ports: z.array(
      z.object({
        protocol: z.number().int().openapi({ description: 'IP protocol number (6 TCP, 17 UDP, 1 ICMP …)' }),
        port: z.number().int().openapi({ description: 'the lower of the two ports (the service side) for TCP, UDP and SCTP; 0 for others' }),
        ...volume,
      }),
    ),
  })
  .openapi('FlowPorts');

export const MatrixSchema = z
  .object({
    ...window,
    nodes: z
      .array(
        z.object({
          id: z.number().int().openapi({ description: 'a subnet id; 0: External (no managed subnet)' }),
          name: z.string().openapi({ description: 'the subnet\'s name (its CIDR when unnamed), "External", or "deleted subnet #N"' }),
          cidr: z.string().nullable(),
        }),
      )
      .openapi({ description: 'External, and every subnet the links name; by id' }),
    links: z.array(z.object({ from: z.number().int(), to: z.number().int(), ...volume })).openapi({ description: 'traffic from one node to another (node ids), top by bytes' }),
  })
  .openapi('FlowMatrix');

export const PeersSchema = z
  .object({
    ...window,
    ip: z.string().openapi({ description: 'the address asked about (canonical text)' }),
    peers: z.array(
      z.object({
        ip: z.string(),
        hostId,
        hostname,
        subnetId,
        subnetName,
        bytesIn: count.openapi({ description: 'from the peer to `ip`' }),
        bytesOut: count.openapi({ description: 'from `ip` to the peer' }),
        packets: count.openapi({ description: 'both directions' }),
        flows: count.openapi({ description: 'both directions' }),
      }),
    ),
  })
  .openapi('FlowPeers');

export const ExportersSchema = z
  .object({
    exporters: z.array(
      z.object({
        probeId: z.number().int(),
        probeName: z.string(),
        address: z.string().openapi({ description: 'the exporter (router, firewall) as the probe hears it' }),
        packets: count.openapi({ description: 'export packets received since the collector started' }),
        flows: count.openapi({ description: 'flow records decoded' }),
        drops: z.record(z.string(), count).openapi({ description: 'dropped, by reason (truncated, bad_version, bad_length, bad_set, bad_template, no_template, pending_overflow, bad_record)' }),
        templates: count.openapi({ description: 'templates and options templates known now' }),
        sequenceGaps: count.openapi({ description: 'lost export packets (v5: flows) from sequence numbers' }),
        pending: count.openapi({ description: 'data sets held waiting for their template' }),
        samplingRate: z.number().int().openapi({ description: 'the sampling rate applied last (1: unsampled)' }),
        versions: z.array(z.number().int()).openapi({ description: 'export versions seen: 5, 9, 10 (IPFIX)' }),
        firstSeenAt: z.string(),
        lastSeenAt: z.string(),
        updatedAt: z.string().openapi({ description: 'when the probe last reported these counters' }),
      }),
    ),
  })
  .openapi('FlowExporters');
