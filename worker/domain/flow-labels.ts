/** How the flows API names the subnets and hosts it finds in flow rows, from the IPAM's own records. Pure. */

/** The matrix's node for traffic outside every managed subnet. */
export const EXTERNAL = { id: 0, name: 'External', cidr: null } as const;

/** A subnet row as the flow queries join it (null columns: no subnet has that id any more). */
export interface JoinedSubnet {
  id: number | null;
  name: string | null;
  cidr: string | null;
}

export const deletedSubnetName = (id: number) => `deleted subnet #${id}`;

/** A subnet's name as the flows view shows it: its name, else its CIDR; a deleted one as "deleted subnet #N". */
export function subnetName(id: number, row: JoinedSubnet): string {
  if (row.id === null) return deletedSubnetName(id);
  return row.name || row.cidr || `subnet #${id}`;
}

/**
 * The subnet of an address in flows: its host record's subnet when it has one (the IPAM's word), else the one the
 * probe matched it to (null: External, no managed subnet).
 */
export function addressSubnet(flowSubnetId: number | null, hostSubnetId: number | null, row: JoinedSubnet): { subnetId: number | null; subnetName: string | null } {
  const id = hostSubnetId ?? flowSubnetId;
  return id === null ? { subnetId: null, subnetName: null } : { subnetId: id, subnetName: subnetName(id, row) };
}

/** A matrix node: 0 is External; a subnet gone since is named as deleted and has no CIDR. */
export function matrixNode(id: number, row: JoinedSubnet): { id: number; name: string; cidr: string | null } {
  if (id === 0) return { ...EXTERNAL };
  return { id, name: subnetName(id, row), cidr: row.id === null ? null : row.cidr };
}
