import { describe, expect, it } from 'vitest';
import { wants, type EndpointFilter, type OutboxFacts } from './outbox.js';
import type { AlertDraft } from './types.js';

const facts: OutboxFacts = {
  hosts: new Map([
    [1, { ip: '198.18.0.1', hostname: null, tags: ['core'], subnetId: 3 }],
    [2, { ip: '198.18.0.2', hostname: null, tags: [], subnetId: 3 }],
  ]),
  subnets: new Map([[3, { cidr: '198.18.0.0/24', name: 'lab' }]]),
  probes: new Map([[7, { name: 'rack' }]]),
  probeSubnets: new Map([[7, [3]]]),
  publicUrl: null,
};
const ep = (over: Partial<EndpointFilter>): EndpointFilter => ({ id: 1, eventTypes: ['host.down', 'subnet.degraded', 'subnet.recovered', 'probe.offline'], subnetIds: null, tags: null, ...over });
const draft = (over: Partial<AlertDraft>): AlertDraft => ({ type: 'host.down', at: 0, hostId: 1, subnetId: 3, probeId: 7, previous: 'up', current: 'down', mutedBy: null, ...over });
const recovered = (hostIds: number[], members: number[]) => draft({ type: 'subnet.recovered', hostId: null, hostIds, members });

describe('wants', () => {
  it.each([
    ['a type it does not take', ep({ eventTypes: ['host.up'] }), draft({}), false],
    ['its subnet', ep({ subnetIds: [3] }), draft({}), true],
    ['another subnet', ep({ subnetIds: [4] }), draft({}), false],
    ['a probe event, by the subnets the probe watches', ep({ subnetIds: [3] }), draft({ type: 'probe.offline', hostId: null, subnetId: null }), true],
    ['a probe event of a probe watching other subnets', ep({ subnetIds: [4] }), draft({ type: 'probe.offline', hostId: null, subnetId: null }), false],
    ['a probe event passes a tag filter', ep({ tags: ['core'] }), draft({ type: 'probe.offline', hostId: null, subnetId: null }), true],
    ['a host with the tag', ep({ tags: ['core'] }), draft({}), true],
    ['a host without it', ep({ tags: ['core'] }), draft({ hostId: 2 }), false],
    ['degraded listing a tagged host', ep({ tags: ['core'] }), draft({ type: 'subnet.degraded', hostId: null, hostIds: [1, 2], members: [1, 2] }), true],
    ['recovered with nothing still down, a tagged host in the incident', ep({ tags: ['core'] }), recovered([], [1, 2]), true],
    ['recovered, only an untagged host still down, a tagged one in the incident', ep({ tags: ['core'] }), recovered([2], [1, 2]), true],
    ['recovered of an incident without the tag', ep({ tags: ['core'] }), recovered([], [2]), false],
  ])('%s', (_, endpoint, d, expected) => {
    expect(wants(endpoint, d, facts)).toBe(expected);
  });
});
