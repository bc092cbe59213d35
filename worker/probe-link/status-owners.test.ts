import { describe, expect, it } from 'vitest';
import { statusOwners } from './status-owners.js';

describe('statusOwners', () => {
  it.each([
    ['op-ping', 'probe operation status'],
    ['op-mtr', 'probe operation status'],
    ['op-traceroute', 'probe operation status'],
    ['traffic-server', 'probe traffic status'],
    ['traffic-client', 'probe traffic status'],
    ['sweep', null],
    ['port_scan', null],
    ['traceroute', null],
    ['address-check', null],
    ['op-iperf', null],
    [undefined, null],
  ])('a job_status of %s goes to %s (null: the jobs table)', (kind, label) => {
    const owners = statusOwners.filter((o) => o.owns(kind));
    expect(owners.length).toBeLessThanOrEqual(1);
    expect(owners[0]?.label ?? null).toBe(label);
  });
});
