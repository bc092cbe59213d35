import { describe, expect, it } from 'vitest';
import { addressSubnet, matrixNode, subnetName } from './flow-labels.js';

const LAB = { id: 3, name: 'lab', cidr: '198.18.3.0/24' };
const UNNAMED = { id: 4, name: '', cidr: '198.18.4.0/24' };
const GONE = { id: null, name: null, cidr: null };

describe('flow labels', () => {
  it.each([
    [3, LAB, 'lab'],
    [4, UNNAMED, '198.18.4.0/24'],
    [9, GONE, 'deleted subnet #9'],
  ])('subnet %i is named %j', (id, row, name) => expect(subnetName(id, row)).toBe(name));

  it.each([
    ['External: no subnet, no host', null, null, GONE, { subnetId: null, subnetName: null }],
    ["the probe's subnet", 3, null, LAB, { subnetId: 3, subnetName: 'lab' }],
    ["the host record's subnet wins", 9, 3, LAB, { subnetId: 3, subnetName: 'lab' }],
    ['a host record in an External address', null, 3, LAB, { subnetId: 3, subnetName: 'lab' }],
    ['a subnet deleted since', 9, null, GONE, { subnetId: 9, subnetName: 'deleted subnet #9' }],
  ])('%s', (_, flow, host, row, label) => expect(addressSubnet(flow, host, row)).toEqual(label));

  it.each([
    [0, GONE, { id: 0, name: 'External', cidr: null }],
    [3, LAB, { id: 3, name: 'lab', cidr: '198.18.3.0/24' }],
    [4, UNNAMED, { id: 4, name: '198.18.4.0/24', cidr: '198.18.4.0/24' }],
    [9, GONE, { id: 9, name: 'deleted subnet #9', cidr: null }],
  ])('matrix node %i', (id, row, node) => expect(matrixNode(id, row)).toEqual(node));
});
