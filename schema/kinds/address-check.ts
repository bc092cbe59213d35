/**
 * The `address-check` kind: before an address is handed out (`POST /api/subnets/{id}/allocate`), the subnet's probe
 * checks each candidate right now for any sign of use: an ICMP echo reply, a neighbour (ARP/NDP) entry on an
 * attached segment, a TCP answer (a connect or a refusal: either means a host is there) on a few common ports, and a
 * PTR record. One job carries a few candidates; the result lists every one of them.
 */
import { z } from 'zod';
import { ipText, jobId, subnetId } from './common.js';

export const MAX_CHECK_ADDRESSES = 64;
export const MAX_CHECK_PORTS = 16;
export const MIN_CHECK_TIMEOUT_MS = 1_000;
export const MAX_CHECK_TIMEOUT_MS = 15_000;
/** TCP ports tried when the server names none: ssh, telnet, dns, http, netbios, https, smb, lpd, ipp, rdp, http-alt, jetdirect (the silent printer). */
export const DEFAULT_CHECK_PORTS = [22, 23, 53, 80, 139, 443, 445, 515, 631, 3389, 8080, 9100] as const;

export const ADDRESS_CHECKS = ['icmp', 'neighbour', 'tcp', 'ptr'] as const;
export type AddressCheckName = (typeof ADDRESS_CHECKS)[number];

export const addressCheckJob = z.object({
  type: z.literal('job'),
  kind: z.literal('address-check'),
  jobId,
  subnetId,
  addresses: z.array(ipText).min(1).max(MAX_CHECK_ADDRESSES),
  ports: z.array(z.number().int().min(1).max(65_535)).max(MAX_CHECK_PORTS),
  /** The whole job's limit on the probe; each check of an address gives up well within it. */
  timeoutMs: z.number().int().min(MIN_CHECK_TIMEOUT_MS).max(MAX_CHECK_TIMEOUT_MS),
});
export type AddressCheckJob = z.infer<typeof addressCheckJob>;

/** One sign of life: which check saw it and what it saw ("echo reply 0.4 ms", "lladdr 02:00:5e:10:00:01", "tcp/22 open", "tcp/80 refused", "PTR printer.lab.example"). */
export const addressSign = z.object({ check: z.enum(ADDRESS_CHECKS), detail: z.string().max(300) });
export type AddressSign = z.infer<typeof addressSign>;

export const addressCheckOutcome = z.object({
  ip: ipText,
  /** Any sign at all: the address is in use and is not handed out. */
  alive: z.boolean(),
  signs: z.array(addressSign).max(ADDRESS_CHECKS.length + MAX_CHECK_PORTS),
  /** What the signs told about the device, for the discovered host's record. */
  mac: z.string().max(17).nullable().optional(),
  ptrName: z.string().max(253).nullable().optional(),
  rttMs: z.number().nonnegative().max(60_000).nullable().optional(),
  /** Checks that could not run here (e.g. "neighbour": the address is not on an attached segment), for the UI's steps. */
  skipped: z.array(z.enum(ADDRESS_CHECKS)).max(ADDRESS_CHECKS.length).optional(),
});
export type AddressCheckOutcome = z.infer<typeof addressCheckOutcome>;

export const addressCheckItem = z.object({
  kind: z.literal('address-check'),
  jobId,
  subnetId,
  /** When the checks started (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative().max(600_000),
  checks: z.array(addressCheckOutcome).min(1).max(MAX_CHECK_ADDRESSES),
});
export type AddressCheckItem = z.infer<typeof addressCheckItem>;
