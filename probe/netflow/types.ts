/** What the NetFlow v5 / v9 / IPFIX decoder hands the rest of the probe (issue 13 contract, section 1). */

export interface FlowRecord {
  /** Exporter address (canonical text, as dgram reports it; "::ffff:" prefix stripped). */
  exporter: string;
  family: 4 | 6;
  /** Canonical address text (schema/ip/cidr.ts canonicalIp style: IPv4 dotted, IPv6 RFC 5952). */
  src: string;
  dst: string;
  /** 0 when the protocol has none. */
  srcPort: number;
  dstPort: number;
  /** IP protocol number. */
  protocol: number;
  /** Already multiplied by the sampling rate. */
  bytes: number;
  /** Already multiplied by the sampling rate. */
  packets: number;
  /** UTC ms since epoch. */
  startMs: number;
  endMs: number;
}

export type DropReason = 'truncated' | 'bad_version' | 'bad_length' | 'bad_set' | 'bad_template' | 'no_template' | 'pending_overflow' | 'bad_record';

export interface ExporterCounters {
  /** Exporter address. */
  address: string;
  /** Export packets received. */
  packets: number;
  /** Flow records decoded. */
  flows: number;
  /** Packets (or data sets/records) dropped, by reason. */
  drops: Partial<Record<DropReason, number>>;
  /** Templates + options templates currently known for this exporter. */
  templates: number;
  /** Export packets (v5: flows) lost, from sequence numbers, per source id/domain. */
  sequenceGaps: number;
  /** Data sets held waiting for their template now. */
  pending: number;
  /** The rate applied last (1 = unsampled). */
  samplingRate: number;
  /** Export versions seen (5, 9, 10). */
  versions: number[];
  firstSeenMs: number;
  lastSeenMs: number;
}
