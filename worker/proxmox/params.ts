/**
 * What the IPAM sends Proxmox VE (8.x API), as plain values: the connection's fields (URL, API token id, TLS
 * fingerprint), the parameters of the clone, create and config calls (cloud-init `ipconfig0`, `net0`, disks) and the
 * link to a VM in the Proxmox web UI. Pure.
 */

/** `user@realm!tokenid` (pve-userid: no whitespace, `@`, `!` or `:` in the user; realm and token id as pve-tokenid). */
const TOKEN_ID = /^[^\s@!:/]{1,64}@[A-Za-z][A-Za-z0-9._-]{0,31}![A-Za-z][A-Za-z0-9._-]{0,63}$/;
export const isTokenId = (v: string): boolean => TOKEN_ID.test(v);

/** The token secret Proxmox shows once: a UUID. Anything else printable is accepted too (a header cannot carry a line break). */
export const isTokenSecret = (v: string): boolean => /^[\x21-\x7e]{1,200}$/.test(v);

/** A SHA-256 certificate fingerprint as `AA:BB:…` (32 bytes), from that form or plain hex; null when it is not one. */
export function normaliseFingerprint(v: string): string | null {
  const hex = v.trim().replace(/:/g, '');
  if (!/^[0-9A-Fa-f]{64}$/.test(hex)) return null;
  if (v.includes(':') && !/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/.test(v.trim())) return null;
  return hex.toUpperCase().match(/../g)!.join(':');
}

export type UrlVerdict = { ok: true; origin: string } | { ok: false; reason: string };

/**
 * The API's base: an origin only (`https://pve.example.net:8006`), https unless `allowHttp` (PROXMOX_ALLOW_HTTP, for
 * a local test server: the token would cross the network in the clear), no credentials, path, query or fragment.
 */
export function checkProxmoxUrl(text: string, allowHttp: boolean): UrlVerdict {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowHttp)) return { ok: false, reason: u.protocol === 'http:' ? 'http is refused: the token would travel in the clear (PROXMOX_ALLOW_HTTP=1 allows it)' : 'only https' };
  if (u.username || u.password) return { ok: false, reason: 'no credentials in the URL: the token is its own field' };
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return { ok: false, reason: 'the origin only (https://host:8006), no path' };
  return { ok: true, origin: u.origin };
}

/** A Proxmox node name (pve-node). */
export const NODE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** A VM name: Proxmox takes a DNS name; one label of it is also the host's name. */
export const VM_NAME = /^(?=.{1,63}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** A Linux bridge or SDN VNet name (vmbr0, vnet12). */
export const BRIDGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
/** A storage id (local-lvm, ceph_pool). */
export const STORAGE_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** An ISO volume: `<storage>:iso/<file>`. */
export const ISO_VOLUME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}:iso\/[A-Za-z0-9][A-Za-z0-9_.+-]{0,200}$/;

/** Cloud-init's first interface: `ip=<addr>/<prefix>,gw=<gateway>` (IPv6: `ip6=…,gw6=…`). */
export function ipConfig(family: 4 | 6, address: string, prefix: number, gateway: string): string {
  return family === 4 ? `ip=${address}/${prefix},gw=${gateway}` : `ip6=${address}/${prefix},gw6=${gateway}`;
}

export const netSpec = (bridge: string): string => `virtio,bridge=${bridge}`;

export interface VmShape {
  name: string;
  cores: number;
  memoryMb: number;
  diskGb: number;
  bridge: string;
  storage: string | null;
}

type Params = Record<string, string | number>;

/** POST /nodes/{node}/qemu/{template}/clone: a full copy (it need not stay tied to the template) named as asked. */
export function cloneParams(vmid: number, vm: VmShape): Params {
  return { newid: vmid, name: vm.name, full: 1, ...(vm.storage ? { storage: vm.storage } : {}) };
}

/** POST /nodes/{node}/qemu: a new VM booting the ISO, with an empty disk and a cloud-init drive for its address. */
export function createParams(vmid: number, vm: VmShape, iso: string): Params {
  const storage = vm.storage ?? 'local-lvm';
  return {
    vmid,
    name: vm.name,
    cores: vm.cores,
    memory: vm.memoryMb,
    ostype: 'l26',
    scsihw: 'virtio-scsi-single',
    scsi0: `${storage}:${vm.diskGb}`,
    ide2: `${iso},media=cdrom`,
    ide0: `${storage}:cloudinit`,
    net0: netSpec(vm.bridge),
    boot: 'order=scsi0;ide2;net0',
  };
}

/** PUT /nodes/{node}/qemu/{vmid}/config: the size asked for, the bridge, and the IPAM's address through cloud-init. */
export function configParams(vm: VmShape, ipconfig0: string): Params {
  return { cores: vm.cores, memory: vm.memoryMb, net0: netSpec(vm.bridge), ipconfig0 };
}

const DISK_KEY = /^(scsi|virtio|sata|ide)\d+$/;
const isDataDisk = (key: string, value: unknown) => DISK_KEY.test(key) && typeof value === 'string' && !/(^|,)media=cdrom(,|$)/.test(value) && !/:cloudinit(,|$)|vm-\d+-cloudinit/.test(value);

/**
 * The disk a clone's size applies to: the first disk of the boot order (`boot: order=scsi0;net0`), else of the
 * older `bootdisk`, else the first data disk by bus (scsi, virtio, sata, ide); never a CD-ROM or a cloud-init drive.
 */
export function bootDisk(config: Record<string, unknown>): string | null {
  const order = typeof config.boot === 'string' ? /order=([^,]+)/.exec(config.boot)?.[1]?.split(';') ?? [] : [];
  for (const key of [...order, ...(typeof config.bootdisk === 'string' ? [config.bootdisk] : [])]) if (isDataDisk(key, config[key])) return key;
  const keys = Object.keys(config).filter((k) => isDataDisk(k, config[k]));
  const bus = (k: string) => ['scsi', 'virtio', 'sata', 'ide'].indexOf(k.replace(/\d+$/, ''));
  keys.sort((a, b) => bus(a) - bus(b) || Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
  return keys[0] ?? null;
}

/** The VM in the Proxmox web UI (its resource tree selection in the URL's fragment). */
export const vmLink = (origin: string, vmid: number): string => `${origin}/#v1:0:=qemu%2F${vmid}:4:::::::`;

/** The header every call carries. */
export const authorization = (tokenId: string, secret: string): string => `PVEAPIToken=${tokenId}=${secret}`;

/** A disk's size in GiB from its spec (`local-lvm:vm-105-disk-0,size=4G`; K, M, G, T suffixes); null when it names none. */
export function diskSizeGb(spec: unknown): number | null {
  if (typeof spec !== 'string') return null;
  const m = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)/.exec(spec);
  if (!m) return null;
  const scale = { '': 1 / 1024 ** 3, K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * scale;
}

/** The resize a clone needs to have `diskGb` (`32G`), or null: its disk is as large already (Proxmox cannot shrink one). */
export function resizeTo(current: number | null, diskGb: number): string | null {
  return current !== null && current >= diskGb ? null : `${diskGb}G`;
}

/** A task's status is read again after this long: soon at first (most finish in seconds), at most every 2 s. */
export const pollDelayMs = (attempt: number): number => Math.min(2000, 250 * 2 ** Math.min(attempt, 3));
