import { z } from '@hono/zod-openapi';
import { probeNetwork } from '../../schema/protocol.js';
import { ROLES } from '../../schema/tables/index.js';

// NUL cut names short on the way back, and other control characters hide text in the UI and in exports.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** One line of text: no control characters at all. */
export const line = (max: number) => z.string().max(max).refine((v) => !CONTROL.test(v), 'control characters are not allowed');
/** Free text (notes, descriptions): tabs and line breaks, but no other control characters. */
export const prose = (max: number) => z.string().max(max).refine((v) => !CONTROL_EXCEPT_NEWLINES.test(v), 'control characters other than tab and line breaks are not allowed');

export const RoleSchema = z.enum(ROLES).openapi({ description: 'viewer: read only; editor: IPAM data, scans, probes; admin: also users and tokens' });

const AlertThresholdsSchema = z
  .object({
    downAfterFailures: z.number().int().openapi({ description: 'consecutive silent sweeps before a host is down' }),
    upAfter: z.number().int().openapi({ description: 'consecutive answers before a down host is reported up' }),
    reminderMinutes: z.number().int().openapi({ description: 'minutes between reminders for a host that stays down; 0: no reminders' }),
    sendResolved: z.boolean().openapi({ description: 'whether "up" (resolved) events are sent' }),
    degradedShare: z.number().openapi({ description: 'more than this share of the up hosts going down in one sweep is one "subnet degraded" event' }),
    degradedMinHosts: z.number().int().openapi({ description: 'a "subnet degraded" needs at least this many hosts going down' }),
  })
  .openapi('AlertThresholds', { description: "The thresholds in force: the subnet's own where set, else the server's defaults" });

/** A subnet's own alert thresholds; null: the server's default. Shared by the request and the answer. */
const alertOverrideFields = {
  downAfterFailures: z.number().int().min(1).max(100).nullable().openapi({ description: 'consecutive silent sweeps before a host is down (1–100); null: DOWN_AFTER_FAILURES' }),
  alertUpAfter: z.number().int().min(1).max(100).nullable().openapi({ description: 'consecutive answers before a down host is reported up (1–100); null: ALERT_UP_AFTER' }),
  alertReminderMinutes: z.number().int().min(0).max(7 * 24 * 60).nullable().openapi({ description: 'minutes between reminders for a host that stays down (0–10080, 0: none); null: ALERT_REMINDER_MINUTES' }),
  alertSendResolved: z.boolean().nullable().openapi({ description: 'send "up" (resolved) events; null: ALERT_SEND_RESOLVED' }),
  alertDegradedShare: z.number().min(0).max(1).nullable().openapi({ description: 'share of the up hosts (0–1) that, going down in one sweep, is one "subnet degraded"; null: ALERT_DEGRADED_SHARE' }),
  alertDegradedMinHosts: z.number().int().min(1).max(100_000).nullable().openapi({ description: 'hosts (1–100000) a "subnet degraded" needs at least; null: ALERT_DEGRADED_MIN_HOSTS' }),
};

const AlertOverridesSchema = z
  .object(alertOverrideFields)
  .openapi('AlertOverrides', { description: "The subnet's own thresholds, named as in a create or PATCH body; null: the server's default" });

export const SubnetSchema = z
  .object({
    id: z.number().int(),
    cidr: z.string().openapi({ example: '198.18.0.0/24' }),
    family: z.number().int(),
    name: z.string(),
    notes: z.string(),
    groupName: z.string(),
    vlan: z.number().int().nullable(),
    gateway: z.string().nullable(),
    probeId: z.number().int().nullable(),
    sweepIntervalSeconds: z.number().int(),
    portScan: z
      .object({
        enabled: z.boolean(),
        args: z.string().nullable().openapi({ description: 'nmap arguments; null: the default (-Pn -T3 --top-ports 1000 -sT -sV)' }),
        intervalMinutes: z.number().int().nullable().openapi({ description: 'minutes between scans of each alive host; null: SCAN_NMAP_INTERVAL_MINUTES' }),
      })
      .openapi('PortScanSettings'),
    ptrLookupEnabled: z.boolean().nullable().openapi({ description: "the subnet's own PTR lookup setting; null: PTR_LOOKUP_ENABLED" }),
    ptrLookup: z.boolean().openapi({ description: "whether the probe looks up PTR names of this subnet's alive hosts (the setting in force)" }),
    alerts: AlertThresholdsSchema,
    alertOverrides: AlertOverridesSchema,
    size: z.string().openapi({ description: 'Addresses in the block, as a decimal string (IPv6 blocks exceed 2^53)' }),
    usable: z.string(),
    usedCount: z.number().int(),
    upCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Subnet');

export const HostStatusSchema = z.enum(['up', 'down', 'unknown']);

export const HostSchema = z
  .object({
    kind: z.literal('host'),
    id: z.number().int(),
    subnetId: z.number().int(),
    ip: z.string(),
    status: HostStatusSchema,
    latencyMs: z.number().nullable(),
    hostname: z.string().nullable(),
    hostnameSource: z.enum(['manual', 'import', 'probe', 'ptr']).nullable().openapi({ description: "where the hostname came from: typed in (never overwritten), an import, or the probe's PTR lookup" }),
    description: z.string(),
    tags: z.array(z.string()),
    notes: z.string(),
    reserved: z.boolean(),
    reservedBy: z.string().nullable(),
    reservedNote: z.string().nullable(),
    reservedAt: z.string().nullable().openapi({ description: 'when it was reserved; null: not reserved' }),
    reservedUntil: z.string().nullable().openapi({ description: 'when the reservation is released if the address stays unused; null: never' }),
    firstSeenAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    lastChangeAt: z.string().nullable(),
    timesSeen: z.number().int(),
    ptrName: z.string().nullable().openapi({ description: 'the PTR name the probe last found (beside a manual hostname that differs); null: none' }),
    ptrCheckedAt: z.string().nullable(),
    ptrForward: z
      .object({ addresses: z.array(z.string()), matches: z.boolean() })
      .nullable()
      .openapi({ description: 'where the PTR name resolves forward; matches false: it does not lead back to this address (stale DNS)' }),
    mac: z.string().nullable().openapi({ description: 'the MAC last seen answering at this address (00:0c:29:ab:cd:ef)' }),
    vendor: z.string().nullable().openapi({ description: "the MAC's vendor from the IEEE registry; null for a locally administered MAC" }),
    macRandom: z.boolean().openapi({ description: 'the MAC is locally administered (randomised): no vendor is guessed' }),
    previouslyUsed: z.boolean().openapi({ description: 'was alive, silent longer than PREVIOUSLY_USED_DAYS: kept for history, the address offered as free again' }),
    ports: z.array(z.object({ port: z.number().int(), protocol: z.enum(['tcp', 'udp']), service: z.string().nullable() })).optional().openapi({ description: 'open ports (in host lists)' }),
  })
  .openapi('Host');

export const UnusedRunSchema = z
  .object({ kind: z.literal('unused'), first: z.string(), last: z.string(), count: z.string() })
  .openapi('UnusedRun');

export const HostTableRowSchema = z
  .tuple([
    z.number().int().openapi({ description: 'host id' }),
    z.string().openapi({ description: 'ip' }),
    HostStatusSchema,
    z.number().nullable().openapi({ description: 'latency in ms, 2 decimals' }),
    z.string().nullable().openapi({ description: 'hostname' }),
    z.number().int().nullable().openapi({ description: 'last seen, seconds before `now`' }),
    z.number().int().nullable().openapi({ description: 'last state change, seconds before `now`' }),
    z.number().int().openapi({ description: 'flags: bit 0 (1) = reserved, bit 1 (2) = previously used, bit 2 (4) = MAC locally administered (randomised), bit 3 (8) = the PTR name resolves forward without this address' }),
    z.string().nullable().openapi({ description: 'mac (00:0c:29:ab:cd:ef)' }),
    z.string().nullable().openapi({ description: 'vendor of the MAC' }),
  ])
  .openapi('HostTableRow', { description: '[id, ip, status, latencyMs, hostname, seenAgo, changedAgo, flags, mac, vendor]' });

export const EventSchema = z
  .object({ kind: z.literal('status'), id: z.number().int(), at: z.string(), from: HostStatusSchema, to: HostStatusSchema, probeId: z.number().int().nullable() })
  .openapi('HostEvent');

const ProtocolSchema = z.enum(['tcp', 'udp']);
const ServiceFields = { service: z.string().nullable(), product: z.string().nullable(), version: z.string().nullable() };

export const PortEventSchema = z
  .object({
    kind: z.literal('port'),
    id: z.number().int(),
    at: z.string(),
    change: z.enum(['opened', 'closed', 'changed']),
    port: z.number().int(),
    protocol: ProtocolSchema,
    ...ServiceFields,
    previous: z.object(ServiceFields).nullable().openapi({ description: 'the service before, for `changed`' }),
    probeId: z.number().int().nullable(),
  })
  .openapi('PortEvent');

/** A host's event: a state change or a port change (the two lists merged, newest first). */
export const AnyEventSchema = z.discriminatedUnion('kind', [EventSchema, PortEventSchema]).openapi('Event');

export const PortChipSchema = z.object({ port: z.number().int(), protocol: ProtocolSchema, service: z.string().nullable() }).openapi('PortChip');

export const OpenPortSchema = z
  .object({ port: z.number().int(), protocol: ProtocolSchema, state: z.enum(['open', 'open|filtered']), ...ServiceFields, firstSeenAt: z.string(), lastSeenAt: z.string() })
  .openapi('OpenPort');

export const ProbeSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    site: z.string(),
    isLocal: z.boolean(),
    connected: z.boolean(),
    version: z.string().nullable(),
    kinds: z.array(z.string()).nullable().openapi({ description: 'job kinds the probe announced when it last connected (sweep, port_scan, …); null: never connected' }),
    rawSockets: z.boolean().nullable().openapi({ description: 'whether the probe may open raw sockets (SYN scans)' }),
    network: probeNetwork.nullable().describe('its default gateways and interfaces, as it said in its last hello; null: never said (probes before 0.4)'),
    lastSeenAt: z.string().nullable(),
    createdAt: z.string(),
    subnetCount: z.number().int(),
  })
  .openapi('Probe');

/** A host tag, and the tags maintenance windows and webhook endpoints select hosts by. */
export const TagSchema = line(40).trim().min(1).regex(/^[^,;]+$/, 'tags cannot contain , or ;');

/** Editable host fields, shared by create, PATCH and CSV import. */
export const HostFieldsSchema = z.object({
  hostname: line(253).trim().nullable().optional(),
  description: prose(2000).optional(),
  tags: z.array(TagSchema).max(50).optional(),
  notes: prose(10_000).optional(),
  reserved: z.boolean().optional(),
  reservedBy: line(200).nullable().optional(),
  reservedNote: prose(2000).nullable().optional(),
  reservedUntil: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .openapi({ description: 'when an unused reservation is released (ISO 8601; released only if the address was never seen alive since it was reserved); null: never' }),
});

export const SubnetFieldsSchema = z.object({
  name: line(200).trim().optional(),
  notes: prose(10_000).optional(),
  groupName: line(200).trim().optional().openapi({ description: "the group subnets are listed under (a phpIPAM section, a NetBox site, a watch list); '': none" }),
  vlan: z.number().int().min(1).max(4094).nullable().optional(),
  gateway: z.string().min(2).max(64).nullable().optional().openapi({ description: "the subnet's gateway address (inside the subnet); null: not recorded" }),
  probeId: z.number().int().positive().nullable().optional(),
  sweepIntervalSeconds: z.number().int().min(10).max(86_400).optional(),
  portScan: z
    .object({
      enabled: z.boolean(),
      args: z.string().max(1000).nullable().openapi({ description: 'checked against the allow-list (400 forbidden_nmap_option names a refused option); null: the default' }),
      intervalMinutes: z.number().int().min(1).max(7 * 24 * 60).nullable(),
    })
    .partial()
    .strict()
    .optional(),
  ptrLookupEnabled: z.boolean().nullable().optional().openapi({ description: "PTR lookups of the subnet's alive hosts by its probe; null: the server's default (PTR_LOOKUP_ENABLED)" }),
  // optional: a key left out keeps the stored value (null resets it)
  ...z.object(alertOverrideFields).partial().shape,
});
