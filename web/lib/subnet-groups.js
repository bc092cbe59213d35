// @ts-check
/**
 * Subnets listed under their group (a phpIPAM section, a NetBox site, a watch list): groups by name, the ungrouped
 * ones last, each group's subnets in the order given. No group at all: one list without a heading (`name` null).
 * @template {{ groupName?: string }} S
 * @param {S[]} subnets
 * @returns {{ name: string | null, subnets: S[] }[]}
 */
export function subnetGroups(subnets) {
  const byName = new Map();
  for (const s of subnets) {
    const name = s.groupName ?? '';
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name).push(s);
  }
  if (byName.size === 0 || (byName.size === 1 && byName.has(''))) return [{ name: null, subnets }];
  const names = [...byName.keys()].filter((n) => n !== '').sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }));
  const groups = names.map((name) => ({ name, subnets: byName.get(name) }));
  if (byName.has('')) groups.push({ name: 'Ungrouped', subnets: byName.get('') });
  return groups;
}

/** "VLAN 120 · gw 198.18.7.1", or '' when neither is recorded. */
export function subnetFacts(s) {
  return [s.vlan != null ? `VLAN ${s.vlan}` : '', s.gateway ? `gw ${s.gateway}` : ''].filter(Boolean).join(' · ');
}
