/** The `sweep` kind: which addresses of a subnet answer ICMP (or, for IPv6, which known hosts do). */
import { z } from 'zod';
import { macText } from '../mac.js';
import { ipText, jobId, subnetId } from './common.js';

/** A "sweep now" job: sweep this subnet now, outside the probe's own schedule. */
export const sweepJob = z.object({ type: z.literal('job'), kind: z.literal('sweep'), jobId, subnetId });
export type SweepJob = z.infer<typeof sweepJob>;

export const sweepFields = {
  subnetId,
  /** When the sweep started (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** true: every usable address was probed, so an address missing from `up` did not answer. */
  complete: z.boolean(),
  up: z.array(
    z.object({
      ip: ipText,
      latencyMs: z.number().nonnegative().nullable(),
      /** The answering host's MAC, where the probe shares its segment (from nmap's ARP/ND answer or the neighbour table); absent: not known. */
      mac: macText.optional(),
      /** The MAC's vendor from the probe's IEEE OUI database; null: no assignment matches, or the MAC is locally administered. */
      vendor: z.string().max(128).nullable().optional(),
    }),
  ),
  /** Addresses probed without an answer (only needed when `complete` is false). */
  down: z.array(ipText),
  jobId: jobId.optional(),
  /**
   * First and last address this sweep (or part of a sweep) covers; without it, the subnet's usable range.
   * With `complete`, every address in the range was probed; answers outside it are ignored.
   */
  range: z.tuple([ipText, ipText]).optional(),
};

/** One sweep, as the domain code reads it (and as probes before 0.3 send it, in a results frame's `sweeps`). */
export const sweepResult = z.object(sweepFields);
export type SweepResult = z.infer<typeof sweepResult>;
/** A sweep in a results frame's `results`. */
export const sweepItem = z.object({ kind: z.literal('sweep'), ...sweepFields });
export type SweepItem = z.infer<typeof sweepItem>;
