import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { ipKey } from '../../schema/ip/cidr.js';
import { subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';

/** The managed subnets sharing an address with first..last (equal, inside or around it), in address order. */
export async function subnetsOverlapping(deps: AppDeps, family: 4 | 6, first: bigint, last: bigint, limit: number) {
  return deps.db
    .select({ id: subnets.id, cidr: subnets.cidr, name: subnets.name })
    .from(subnets)
    .where(and(eq(subnets.family, family), lte(subnets.rangeStart, ipKey(last, family)), gte(subnets.rangeEnd, ipKey(first, family))))
    .orderBy(asc(subnets.rangeStart))
    .limit(limit);
}
