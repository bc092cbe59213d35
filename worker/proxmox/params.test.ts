import { describe, expect, it } from 'vitest';
import { bootDisk, checkProxmoxUrl, cloneParams, configParams, createParams, diskSizeGb, ipConfig, ISO_VOLUME, isTokenId, normaliseFingerprint, pollDelayMs, resizeTo, VM_NAME, vmLink } from './params.js';

const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

describe('isTokenId', () => {
  it.each([
    ['ipam@pve!vms', true],
    ['root@pam!automation-1', true],
    ['svc.ipam@ldap.corp!t_2', true],
    ['ipam@pve', false],
    ['ipam!vms', false],
    ['ipam@pve!', false],
    ['ip am@pve!vms', false],
    ['ipam@pve!vms=secret', false],
    ['ipam@pve!1abc', false],
  ])('%s → %s', (v, ok) => expect(isTokenId(v)).toBe(ok));
});

describe('normaliseFingerprint', () => {
  it.each([
    [FP, FP],
    [FP.toLowerCase(), FP],
    [FP.replace(/:/g, ''), FP],
    [` ${FP} `, FP],
    [FP.slice(3), null],
    [FP.replace(/:/g, '').slice(2) + 'ZZ', null],
    ['AB:CDEF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:00', null],
    ['', null],
  ])('%s', (v, out) => expect(normaliseFingerprint(v)).toBe(out));
});

describe('checkProxmoxUrl', () => {
  it.each([
    ['https://pve.example.net:8006', false, { ok: true, origin: 'https://pve.example.net:8006' }],
    ['https://pve.example.net:8006/', false, { ok: true, origin: 'https://pve.example.net:8006' }],
    ['https://198.18.0.5', false, { ok: true, origin: 'https://198.18.0.5' }],
    ['http://127.0.0.1:8006', true, { ok: true, origin: 'http://127.0.0.1:8006' }],
  ])('%s allowed', (url, allowHttp, verdict) => expect(checkProxmoxUrl(url, allowHttp)).toEqual(verdict));
  it.each([
    ['http://pve.example.net:8006', false, /PROXMOX_ALLOW_HTTP/],
    ['ftp://pve.example.net', true, /only https/],
    ['https://root:pw@pve.example.net:8006', false, /credentials/],
    ['https://pve.example.net:8006/api2/json', false, /origin only/],
    ['https://pve.example.net:8006/?x=1', false, /origin only/],
    ['pve.example.net', false, /not a URL/],
  ])('%s refused', (url, allowHttp, reason) => {
    const v = checkProxmoxUrl(url, allowHttp);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(reason);
  });
});

describe('names', () => {
  it.each([
    ['web-1', true],
    ['web-1.lab.example', true],
    ['-web', false],
    ['web_1', false],
    ['a'.repeat(64), false],
  ])('VM_NAME %s → %s', (v, ok) => expect(VM_NAME.test(v)).toBe(ok));
  it.each([
    ['local:iso/debian-12.5.0-amd64-netinst.iso', true],
    ['cephfs:iso/ubuntu+server.iso', true],
    ['local:iso/../etc/passwd', false],
    ['local:vztmpl/x.tar.gz', false],
    ['local:iso/a.iso,media=disk', false],
  ])('ISO_VOLUME %s → %s', (v, ok) => expect(ISO_VOLUME.test(v)).toBe(ok));
});

describe('ipConfig', () => {
  it.each([
    [4, '198.18.0.10', 24, '198.18.0.1', 'ip=198.18.0.10/24,gw=198.18.0.1'],
    [6, 'fd00:1::10', 64, 'fd00:1::1', 'ip6=fd00:1::10/64,gw6=fd00:1::1'],
  ] as const)('%i %s', (family, addr, prefix, gw, out) => expect(ipConfig(family, addr, prefix, gw)).toBe(out));
});

const vm = { name: 'web-1', cores: 2, memoryMb: 2048, diskGb: 20, bridge: 'vmbr1', storage: null };

describe('call parameters', () => {
  it('clone: a full copy, the storage only when given', () => {
    expect(cloneParams(105, vm)).toEqual({ newid: 105, name: 'web-1', full: 1 });
    expect(cloneParams(105, { ...vm, storage: 'ceph' })).toEqual({ newid: 105, name: 'web-1', full: 1, storage: 'ceph' });
  });
  it('create from an ISO: disk, CD-ROM, cloud-init drive, network, boot order', () => {
    expect(createParams(106, vm, 'local:iso/debian.iso')).toEqual({
      vmid: 106, name: 'web-1', cores: 2, memory: 2048, ostype: 'l26', scsihw: 'virtio-scsi-single',
      scsi0: 'local-lvm:20', ide2: 'local:iso/debian.iso,media=cdrom', ide0: 'local-lvm:cloudinit', net0: 'virtio,bridge=vmbr1', boot: 'order=scsi0;ide2;net0',
    });
  });
  it('config', () => expect(configParams(vm, 'ip=198.18.0.10/24,gw=198.18.0.1')).toEqual({ cores: 2, memory: 2048, net0: 'virtio,bridge=vmbr1', ipconfig0: 'ip=198.18.0.10/24,gw=198.18.0.1' }));
});

describe('bootDisk', () => {
  it.each([
    [{ boot: 'order=scsi0;ide2;net0', scsi0: 'local-lvm:vm-9000-disk-0,size=8G', ide2: 'local:iso/x.iso,media=cdrom' }, 'scsi0'],
    [{ boot: 'order=ide2;virtio0', ide2: 'local:iso/x.iso,media=cdrom', virtio0: 'local-lvm:vm-9000-disk-0,size=8G' }, 'virtio0'],
    [{ bootdisk: 'sata0', sata0: 'local-lvm:vm-9000-disk-1,size=4G', scsi0: 'local-lvm:vm-9000-disk-0' }, 'sata0'],
    [{ ide0: 'local-lvm:vm-9000-cloudinit,media=cdrom', scsi1: 'local-lvm:vm-9000-disk-1', scsi0: 'local-lvm:vm-9000-disk-0' }, 'scsi0'],
    [{ ide2: 'local-lvm:vm-9000-cloudinit,media=cdrom', virtio0: 'x:vm-9000-disk-0', sata0: 'x:vm-9000-disk-1' }, 'virtio0'],
    [{ ide2: 'local:iso/x.iso,media=cdrom', net0: 'virtio,bridge=vmbr0' }, null],
  ])('%j → %s', (config, disk) => expect(bootDisk(config)).toBe(disk));
});

it('vmLink', () => expect(vmLink('https://pve.example.net:8006', 105)).toBe('https://pve.example.net:8006/#v1:0:=qemu%2F105:4:::::::'));

describe('disk sizes and resizing', () => {
  it.each([
    ['local-lvm:vm-105-disk-0,size=4G', 4],
    ['local-lvm:base-9000-disk-0,discard=on,size=2252M', 2252 / 1024],
    ['ceph:vm-1-disk-0,size=1T,ssd=1', 1024],
    ['local:105/vm-105-disk-0.qcow2,size=10737418240', 10],
    ['local-lvm:vm-105-disk-0', null],
    [42, null],
  ])('%j is %s GiB', (spec, gb) => expect(diskSizeGb(spec)).toBe(gb));
  it.each([
    [4, 32, '32G'],
    [32, 32, null],
    [64, 32, null],
    [null, 20, '20G'],
  ])('from %s GiB to %i GiB: %s', (current, want, out) => expect(resizeTo(current, want)).toBe(out));
  it.each([
    [0, 250],
    [1, 500],
    [2, 1000],
    [3, 2000],
    [10, 2000],
  ])('poll %i waits %i ms', (n, ms) => expect(pollDelayMs(n)).toBe(ms));
});
