/**
 * The fields the decoder reads, by NetFlow v9 field type (RFC 3954 §8) / IPFIX Information Element id (RFC 7011,
 * IANA "IPFIX Information Elements"; ids below 128 are the v9 ones). Every other field is skipped by its length.
 */

/** A field's meaning: an index into a template's offset table. */
export const M = {
  SRC4: 0, // 8 sourceIPv4Address
  DST4: 1, // 12 destinationIPv4Address
  SRC6: 2, // 27 sourceIPv6Address
  DST6: 3, // 28 destinationIPv6Address
  SRC_PORT: 4, // 7 sourceTransportPort
  DST_PORT: 5, // 11 destinationTransportPort
  PROTOCOL: 6, // 4 protocolIdentifier
  BYTES: 7, // 1 IN_BYTES / octetDeltaCount
  BYTES_TOTAL: 8, // 85 octetTotalCount
  BYTES_OUT: 9, // 23 OUT_BYTES / postOctetDeltaCount
  PACKETS: 10, // 2 IN_PKTS / packetDeltaCount
  PACKETS_TOTAL: 11, // 86 packetTotalCount
  PACKETS_OUT: 12, // 24 OUT_PKTS / postPacketDeltaCount
  FIRST_UPTIME: 13, // 22 FIRST_SWITCHED / flowStartSysUpTime (ms of the exporter's uptime)
  LAST_UPTIME: 14, // 21 LAST_SWITCHED / flowEndSysUpTime
  START_S: 15, // 150 flowStartSeconds
  END_S: 16, // 151 flowEndSeconds
  START_MS: 17, // 152 flowStartMilliseconds
  END_MS: 18, // 153 flowEndMilliseconds
  START_US: 19, // 154 flowStartMicroseconds (NTP format)
  END_US: 20, // 155 flowEndMicroseconds
  START_NS: 21, // 156 flowStartNanoseconds (NTP format)
  END_NS: 22, // 157 flowEndNanoseconds
  START_DELTA_US: 23, // 158 flowStartDeltaMicroseconds (before the export time)
  END_DELTA_US: 24, // 159 flowEndDeltaMicroseconds
  SYS_INIT_MS: 25, // 160 systemInitTimeMilliseconds
  SAMPLING_INTERVAL: 26, // 34 SAMPLING_INTERVAL / samplingInterval
  SAMPLER_RANDOM_INTERVAL: 27, // 50 FLOW_SAMPLER_RANDOM_INTERVAL / samplerRandomInterval
  PACKET_INTERVAL: 28, // 305 samplingPacketInterval
  PACKET_SPACE: 29, // 306 samplingPacketSpace
  BYTES_INITIATOR: 30, // 231 initiatorOctets (Cisco ASA NSEL, biflows: the initiator's side, src → dst)
  PACKETS_INITIATOR: 31, // 298 initiatorPackets
} as const;
export const MEANINGS = 32;

interface FieldDef {
  meaning: number;
  /** Lengths accepted: unsigned integers may be sent in fewer bytes than their type (RFC 7011 §6.2). */
  min: number;
  max: number;
}

const def = (meaning: number, min: number, max: number): FieldDef => ({ meaning, min, max });

const FIELDS: ReadonlyMap<number, FieldDef> = new Map([
  [1, def(M.BYTES, 1, 8)],
  [2, def(M.PACKETS, 1, 8)],
  [4, def(M.PROTOCOL, 1, 1)],
  [7, def(M.SRC_PORT, 1, 2)],
  [8, def(M.SRC4, 4, 4)],
  [11, def(M.DST_PORT, 1, 2)],
  [12, def(M.DST4, 4, 4)],
  [21, def(M.LAST_UPTIME, 1, 8)],
  [22, def(M.FIRST_UPTIME, 1, 8)],
  [23, def(M.BYTES_OUT, 1, 8)],
  [24, def(M.PACKETS_OUT, 1, 8)],
  [27, def(M.SRC6, 16, 16)],
  [28, def(M.DST6, 16, 16)],
  [34, def(M.SAMPLING_INTERVAL, 1, 8)],
  [50, def(M.SAMPLER_RANDOM_INTERVAL, 1, 8)],
  [85, def(M.BYTES_TOTAL, 1, 8)],
  [86, def(M.PACKETS_TOTAL, 1, 8)],
  [150, def(M.START_S, 4, 4)],
  [151, def(M.END_S, 4, 4)],
  [152, def(M.START_MS, 1, 8)],
  [153, def(M.END_MS, 1, 8)],
  [154, def(M.START_US, 8, 8)],
  [155, def(M.END_US, 8, 8)],
  [156, def(M.START_NS, 8, 8)],
  [157, def(M.END_NS, 8, 8)],
  [158, def(M.START_DELTA_US, 1, 4)],
  [159, def(M.END_DELTA_US, 1, 4)],
  [160, def(M.SYS_INIT_MS, 1, 8)],
  [231, def(M.BYTES_INITIATOR, 1, 8)],
  [298, def(M.PACKETS_INITIATOR, 1, 8)],
  [305, def(M.PACKET_INTERVAL, 1, 8)],
  [306, def(M.PACKET_SPACE, 1, 8)],
]);

/** The meaning of a field of this type and length, or −1 to skip it (unknown type, or a length its type cannot have). */
export function meaningOf(type: number, length: number): number {
  const f = FIELDS.get(type);
  return f !== undefined && length >= f.min && length <= f.max ? f.meaning : -1;
}

/** Flow start and end, the most precise absolute form first; uptime-relative and delta forms last. */
export const START_PREFERENCE: readonly number[] = [M.START_MS, M.START_NS, M.START_US, M.START_S, M.FIRST_UPTIME, M.START_DELTA_US];
export const END_PREFERENCE: readonly number[] = [M.END_MS, M.END_NS, M.END_US, M.END_S, M.LAST_UPTIME, M.END_DELTA_US];
/** Octets and packets: the delta counters, then the totals, then the egress ("OUT") counters. */
// the responder's side of an NSEL/biflow record (232, 299) is not read: such flows count one direction (README)
export const BYTES_PREFERENCE: readonly number[] = [M.BYTES, M.BYTES_TOTAL, M.BYTES_OUT, M.BYTES_INITIATOR];
export const PACKETS_PREFERENCE: readonly number[] = [M.PACKETS, M.PACKETS_TOTAL, M.PACKETS_OUT, M.PACKETS_INITIATOR];

/** IP protocols that carry ports: TCP, UDP, DCCP, SCTP, UDP-Lite. Others report port 0. */
export const HAS_PORTS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const p of [6, 17, 33, 132, 136]) t[p] = 1;
  return t;
})();
