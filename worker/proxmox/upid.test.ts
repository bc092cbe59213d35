import { describe, expect, it } from 'vitest';
import { parseUpid } from './upid.js';

describe('parseUpid', () => {
  it.each([
    ['UPID:pve1:0001E240:0A1B2C3D:6745F1C2:qmclone:9000:ipam@pve!vms:', { node: 'pve1', pid: 123456, startTime: 0x6745f1c2, type: 'qmclone', id: '9000', user: 'ipam@pve!vms' }],
    ['UPID:node-2.lab:00000001:123456789:00000000:qmstart:101:root@pam:', { node: 'node-2.lab', pid: 1, startTime: 0, type: 'qmstart', id: '101', user: 'root@pam' }],
    ['UPID:pve:0000ABCD:0000ABCD:6745F1C2:vzdump::root@pam:', { node: 'pve', pid: 0xabcd, startTime: 0x6745f1c2, type: 'vzdump', id: '', user: 'root@pam' }],
  ])('%s', (text, parts) => expect(parseUpid(text)).toEqual(parts));

  it.each([
    [''],
    ['UPID:pve1:0001E240:0A1B2C3D:6745F1C2:qmclone:9000:ipam@pve!vms'], // no closing colon
    ['UPID:pve1:1E240:0A1B2C3D:6745F1C2:qmclone:9000:root@pam:'], // pid not 8 digits
    ['UPID:pve/../x:0001E240:0A1B2C3D:6745F1C2:qmclone:9000:root@pam:'], // a path in the node
    ['upid:pve1:0001E240:0A1B2C3D:6745F1C2:qmclone:9000:root@pam:'],
    ['UPID:pve1:0001E240:0A1B2C3D:6745F1C2:qm clone:9000:root@pam:'],
  ])('not a UPID: %s', (text) => expect(parseUpid(text)).toBeNull());
});
