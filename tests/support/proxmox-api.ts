/**
 * The route table of the fake Proxmox VE (tests/support/proxmox-server.ts): the calls the IPAM makes, answered as the
 * documented Proxmox VE 8.x API (`/api2/json`, pve-manager 8.2) does, with the shapes, status codes and reason
 * phrases recorded from it. Proxmox cannot run on this machine, so this stands in for a cluster of two nodes
 * (`pve`, `pve2`) holding one cloud-init template (VM 9000). Tasks (clone, create, resize, start) run for `taskMs`
 * and then change `vms` as the real task would.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export interface FakeVm {
  node: string;
  name: string;
  config: Record<string, string | number>;
  status: 'stopped' | 'running';
  template: boolean;
}

/** A failed call: the status, the reason phrase Proxmox puts in the status line and, for a 400, the parameters' errors. */
export class PveError extends Error {
  constructor(readonly status: number, readonly reason: string, readonly errors?: Record<string, string>) {
    super(reason);
  }
}

const paramError = (errors: Record<string, string>) => new PveError(400, 'Parameter verification failed.', errors);
const NOT_IN_SCHEMA = 'property is not defined in schema and the schema does not allow additional properties';
const MISSING = 'property is missing and it is not optional';

/** A parameter's check: null when the value is fine, else Proxmox's message for it. */
type Check = (v: string) => string | null;
const int = (min: number, max = 2 ** 53): Check => (v) =>
  !/^-?\d+$/.test(v) ? `type check ('integer') failed - got '${v}'` : Number(v) < min ? `value must have a minimum value of ${min}` : Number(v) > max ? `value must have a maximum value of ${max}` : null;
const bool: Check = (v) => (/^(0|1|true|false|yes|no|on|off)$/i.test(v) ? null : `type check ('boolean') failed - got '${v}'`);
const str: Check = (v) => (v.length > 0 && !/[\n\r]/.test(v) ? null : `value does not match the regex pattern`);
const pattern = (re: RegExp): Check => (v) => (re.test(v) ? null : 'value does not match the regex pattern');
const VMID = int(100, 999_999_999);
const NODE = pattern(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/);
const DISK_KEY = /^(ide[0-3]|sata[0-5]|scsi([0-9]|[1-2][0-9]|30)|virtio([0-9]|1[0-5]))$/;

/** `ip=<v4>/<prefix>|dhcp`, `gw=<v4>`, `ip6=<v6>/<prefix>|dhcp|auto`, `gw6=<v6>` (pve-qm-ipconfig), as its format error reads. */
const ipconfig: Check = (v) => {
  const cidr = (a: string, isIp: (x: string) => boolean, max: number) => {
    const [ip, prefix, extra] = a.split('/');
    return extra === undefined && isIp(ip ?? '') && /^\d{1,3}$/.test(prefix ?? '') && Number(prefix) <= max;
  };
  const keys: Record<string, Check> = {
    ip: (a) => (a === 'dhcp' || cidr(a, isIPv4, 32) ? null : 'invalid format - value does not look like a valid IPv4 network configuration'),
    gw: (a) => (isIPv4(a) ? null : 'invalid format - value does not look like a valid IPv4 address'),
    ip6: (a) => (a === 'dhcp' || a === 'auto' || cidr(a, isIPv6, 128) ? null : 'invalid format - value does not look like a valid IPv6 network configuration'),
    gw6: (a) => (isIPv6(a) ? null : 'invalid format - value does not look like a valid IPv6 address'),
  };
  const errs: string[] = [];
  const seen = new Set<string>();
  for (const part of v.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) return 'invalid format - value without key, but schema does not define a default key\n';
    const [k, a] = [part.slice(0, at), part.slice(at + 1)];
    if (seen.has(k)) return `invalid format - duplicate key in comma-separated list property: ${k}\n`;
    seen.add(k);
    const m = keys[k] ? keys[k](a) : NOT_IN_SCHEMA;
    if (m) errs.push(`ipconfig0.${k}: ${m}\n`);
  }
  return errs.length ? `invalid format - format error\n${errs.join('')}` : null;
};

type Spec = Record<string, { check: Check; required?: boolean }>;
const opt = (check: Check = str) => ({ check });
const req = (check: Check = str) => ({ check, required: true });

/** Checks `params` against a method's schema: every error at once, as Proxmox's JSONSchema validation reports them. */
function verify(params: Record<string, string>, spec: Spec): void {
  const errors: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const s = spec[k];
    const m = s ? s.check(v) : NOT_IN_SCHEMA;
    if (m) errors[k] = m;
  }
  for (const [k, s] of Object.entries(spec)) if (s.required && !(k in params)) errors[k] = MISSING;
  if (Object.keys(errors).length) throw paramError(errors);
}

const CLONE: Spec = { newid: req(VMID), name: opt(), full: opt(bool), storage: opt(), target: opt(NODE), description: opt(), pool: opt(), snapname: opt(), format: opt(pattern(/^(raw|qcow2|vmdk)$/)) };
const CREATE: Spec = {
  vmid: req(VMID), name: opt(), cores: opt(int(1, 8192)), memory: opt(int(16)), ostype: opt(), scsihw: opt(), scsi0: opt(), ide0: opt(), ide2: opt(), net0: opt(), boot: opt(), sockets: opt(int(1, 4)), cpu: opt(), agent: opt(),
};
const CONFIG: Spec = {
  cores: opt(int(1, 8192)), memory: opt(int(16)), net0: opt(), ipconfig0: opt(ipconfig), name: opt(), description: opt((v) => (v.length <= 8192 ? null : 'value may only be 8192 characters long')), sshkeys: opt(), ciuser: opt(), nameserver: opt(), searchdomain: opt(), boot: opt(), digest: opt(), delete: opt(),
};
const RESIZE: Spec = { disk: req(pattern(DISK_KEY)), size: req(pattern(/^\+?\d+(\.\d+)?[KMGT]?$/)), digest: opt(), skiplock: opt(bool) };
/** Config keys Proxmox reads back as numbers. */
const NUMERIC = new Set(['cores', 'sockets', 'memory', 'template']);

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
const bytes = (s: string) => {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(s);
  return m ? Number(m[1]) * UNITS[m[2]!]! : 0;
};
const sizeText = (n: number) => {
  for (const u of ['T', 'G', 'M', 'K']) if (n % UNITS[u]! === 0) return `${n / UNITS[u]!}${u}`;
  return String(n);
};

interface Task {
  upid: string;
  node: string;
  type: string;
  id: string;
  pid: number;
  pstart: number;
  starttime: number;
  user: string;
  exitstatus: string | null;
  /** What the task does when it ends well; returns its error exit status when it fails after all. */
  run: () => string | void;
  /** What a failed task leaves undone (an id it had taken). */
  undo: () => void;
  failWith: string | null;
  ends: number;
  timer: NodeJS.Timeout;
}

export type Answer = { status: number; reason: string; data: unknown };

export class FakePve {
  readonly nodes = ['pve', 'pve2'];
  readonly vms = new Map<number, FakeVm>();
  /** Ids a running clone or create has taken (its config file exists, locked): nextid skips them. */
  private readonly reserved = new Set<number>();
  private readonly tasks = new Map<string, Task>();
  private readonly taskFailures: { type: string; exitstatus: string }[] = [];
  private pid = 0x2a000;
  taskMs = 300;

  constructor(private readonly user: string, private readonly fingerprint: string | null) {
    this.vms.set(9000, {
      node: 'pve',
      name: 'debian-12-cloud',
      status: 'stopped',
      template: true,
      config: { name: 'debian-12-cloud', cores: 1, memory: 1024, scsi0: 'local-lvm:base-9000-disk-0,size=4G', ide2: 'local-lvm:vm-9000-cloudinit,media=cdrom', net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0', boot: 'order=scsi0;net0', template: 1 },
    });
  }

  failTask(type: string, exitstatus: string): void {
    this.taskFailures.push({ type, exitstatus });
  }

  close(): void {
    for (const t of this.tasks.values()) clearTimeout(t.timer);
  }

  private taken = (id: number) => this.vms.has(id) || this.reserved.has(id);

  private vmOn(node: string, vmid: number, missing = `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`): FakeVm {
    const vm = this.vms.get(vmid);
    if (!vm || vm.node !== node) throw new PveError(500, missing);
    return vm;
  }

  private startTask(node: string, type: string, id: string, run: Task['run'], undo: Task['undo'] = () => {}): string {
    const pid = this.pid++;
    const starttime = Math.floor(Date.now() / 1000);
    const pstart = 0x1000000 + (pid & 0xffff) * 16;
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    const upid = `UPID:${node}:${hex(pid)}:${hex(pstart)}:${hex(starttime)}:${type}:${id}:${this.user}:`;
    const at = this.taskFailures.findIndex((f) => f.type === type);
    const failWith = at >= 0 ? this.taskFailures.splice(at, 1)[0]!.exitstatus : null;
    const task: Task = { upid, node, type, id, pid, pstart, starttime, user: this.user, exitstatus: null, run, undo, failWith, ends: Date.now() + this.taskMs, timer: setTimeout(() => this.finish(task), this.taskMs) };
    this.tasks.set(upid, task);
    return upid;
  }

  private finish(t: Task): void {
    if (t.exitstatus !== null) return;
    clearTimeout(t.timer);
    const failed = t.failWith ?? t.run() ?? null;
    if (failed) t.undo();
    t.exitstatus = failed ?? 'OK';
  }

  /** One call: `segs` the decoded path segments after /api2/json, `params` the query's or the form body's. */
  handle(method: string, segs: string[], params: Record<string, string>): Answer {
    const ok = (data: unknown): Answer => ({ status: 200, reason: 'OK', data });
    const route = `${method} ${segs.join('/')}`;
    const none = () => new PveError(501, `Method '${method} /${segs.join('/')}' not implemented`);
    if (route === 'GET version') return verify(params, {}), ok({ version: '8.2.4', release: '8.2', repoid: 'faa83925c9641325' });
    if (route === 'GET nodes')
      return verify(params, {}), ok(this.nodes.map((node, i) => ({ node, id: `node/${node}`, type: 'node', status: 'online', level: '', cpu: 0.012, maxcpu: 8, mem: 3.2e9 + i, maxmem: 3.4e10, disk: 5.1e9, maxdisk: 1e11, uptime: 86400 + i, ssl_fingerprint: this.fingerprint ?? undefined })));
    if (route === 'GET cluster/resources') {
      verify(params, { type: opt(pattern(/^(vm|storage|node|sdn)$/)) });
      if (params.type && params.type !== 'vm') return ok([]);
      return ok([...this.vms].map(([vmid, vm]) => ({ id: `qemu/${vmid}`, type: 'qemu', vmid, name: vm.name, node: vm.node, status: vm.status, template: vm.template ? 1 : 0, maxcpu: Number(vm.config.cores ?? 1), maxmem: Number(vm.config.memory ?? 512) * 2 ** 20, maxdisk: bytes(/size=([^,]+)/.exec(String(vm.config.scsi0 ?? ''))?.[1] ?? '0'), cpu: 0, mem: 0, disk: 0, uptime: 0 })));
    }
    if (route === 'GET cluster/nextid') {
      verify(params, { vmid: opt(VMID) });
      if (params.vmid) {
        if (this.taken(Number(params.vmid))) throw paramError({ vmid: `VM ${params.vmid} already exists` });
        return ok(params.vmid);
      }
      let id = 100;
      while (this.taken(id)) id++;
      return ok(String(id)); // a string, as Proxmox sends it
    }
    if (segs[0] !== 'nodes' || segs.length < 3) throw none();
    const node = segs[1]!;
    if (NODE(node)) throw paramError({ node: NODE(node)! });
    if (!this.nodes.includes(node)) throw new PveError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
    const rest = segs.slice(2);

    if (rest[0] === 'tasks' && rest.length === 3 && rest[2] === 'status' && method === 'GET') {
      // An unknown UPID: Proxmox's task status raises a parameter exception on `upid` (400 "Parameter verification
      // failed."), "unable to parse worker upid" for a malformed one and "no such task" for one it has no log of.
      const t = this.tasks.get(rest[1]!);
      if (!/^UPID:[^:]+:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:[^:]+:[^:]*:[^:]+:$/i.test(rest[1]!)) throw paramError({ upid: `unable to parse worker upid '${rest[1]}'` });
      if (!t || t.node !== node) throw paramError({ upid: 'no such task' });
      if (t.exitstatus === null && Date.now() >= t.ends) this.finish(t);
      const base = { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user };
      return ok(t.exitstatus === null ? { ...base, status: 'running' } : { ...base, status: 'stopped', exitstatus: t.exitstatus });
    }
    if (rest[0] !== 'qemu') throw none();
    if (rest.length === 1 && method === 'GET') return ok([...this.vms].filter(([, vm]) => vm.node === node).map(([vmid, vm]) => ({ vmid, name: vm.name, status: vm.status, ...(vm.template ? { template: 1 } : {}) })));
    if (rest.length === 1 && method === 'POST') return ok(this.create(node, params));
    const vmidText = rest[1]!;
    if (VMID(vmidText)) throw paramError({ vmid: VMID(vmidText)! });
    const vmid = Number(vmidText);
    const action = `${method} ${rest.slice(2).join('/')}`;
    if (action === 'POST clone') return ok(this.clone(node, vmid, params));
    if (action === 'GET config') {
      verify(params, { current: opt(bool), snapshot: opt() });
      const config = this.vmOn(node, vmid).config;
      return ok({ ...config, digest: createHash('sha1').update(JSON.stringify(config)).digest('hex') });
    }
    if (action === 'PUT config') {
      verify(params, CONFIG);
      const vm = this.vmOn(node, vmid);
      for (const [k, v] of Object.entries(params)) if (k !== 'digest' && k !== 'delete') vm.config[k] = NUMERIC.has(k) ? Number(v) : v;
      for (const k of (params.delete ?? '').split(/[,;\s]+/).filter(Boolean)) delete vm.config[k];
      if (params.name) vm.name = params.name;
      return ok(null);
    }
    if (action === 'PUT resize') return ok(this.resize(node, vmid, params));
    if (action === 'POST status/start') {
      verify(params, { skiplock: opt(bool), timeout: opt(int(0, 86400)) });
      const vm = this.vmOn(node, vmid);
      if (vm.template) throw new PveError(500, "you can't start a vm if it's a template");
      return ok(this.startTask(node, 'qmstart', String(vmid), () => (vm.status === 'running' ? `VM ${vmid} already running` : void (vm.status = 'running'))));
    }
    if (action === 'GET status/current') {
      const vm = this.vmOn(node, vmid);
      return ok({ vmid, name: vm.name, status: vm.status, qmpstatus: vm.status, ...(vm.template ? { template: 1 } : {}) });
    }
    throw none();
  }

  private clone(node: string, source: number, params: Record<string, string>): string {
    verify(params, CLONE);
    const from = this.vmOn(node, source, `unable to find configuration file for VM ${source} on node '${node}'`);
    const target = params.target ?? node;
    if (!this.nodes.includes(target)) throw paramError({ target: `no such cluster node '${target}'` });
    const newid = Number(params.newid);
    if (this.taken(newid)) throw new PveError(500, `unable to create VM ${newid}: config file already exists`);
    this.reserved.add(newid);
    return this.startTask(node, 'qmclone', String(source), () => {
      const config: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(from.config)) {
        if (k === 'template') continue;
        config[k] = typeof v === 'string' ? v.replace(/(base|vm)-\d+-(disk-\d+|cloudinit)/, `vm-${newid}-$2`) : v;
      }
      if (typeof config.net0 === 'string') config.net0 = config.net0.replace(/=([0-9A-F]{2}:){5}[0-9A-F]{2}/, `=BC:24:11:${[newid >> 16, newid >> 8, newid].map((b) => (b & 0xff).toString(16).toUpperCase().padStart(2, '0')).join(':')}`);
      const name = params.name ?? `Copy-of-VM-${from.name}`;
      config.name = name;
      if (params.description) config.description = params.description;
      this.reserved.delete(newid);
      this.vms.set(newid, { node: target, name, config, status: 'stopped', template: false });
    }, () => this.reserved.delete(newid));
  }

  private create(node: string, params: Record<string, string>): string {
    verify(params, CREATE);
    const vmid = Number(params.vmid);
    if (this.taken(vmid)) throw new PveError(500, `unable to create VM ${vmid}: config file already exists`);
    this.reserved.add(vmid);
    return this.startTask(node, 'qmcreate', String(vmid), () => {
      const config: Record<string, string | number> = {};
      let disk = 0;
      for (const [k, v] of Object.entries(params)) {
        if (k === 'vmid') continue;
        // `<storage>:<GiB>` allocates a new disk, `<storage>:cloudinit` the cloud-init drive
        config[k] = NUMERIC.has(k) ? Number(v) : v.replace(/^([^:,]+):(\d+)(?=,|$)/, (_, s, n) => `${s}:vm-${vmid}-disk-${disk++},size=${n}G`).replace(/^([^:,]+):cloudinit(?=,|$)/, `$1:vm-${vmid}-cloudinit,media=cdrom`);
      }
      this.reserved.delete(vmid);
      this.vms.set(vmid, { node, name: params.name ?? `VM ${vmid}`, config, status: 'stopped', template: false });
    }, () => this.reserved.delete(vmid));
  }

  private resize(node: string, vmid: number, params: Record<string, string>): string {
    verify(params, RESIZE);
    const vm = this.vmOn(node, vmid);
    const drive = vm.config[params.disk!];
    if (typeof drive !== 'string') throw new PveError(500, `disk '${params.disk}' has no associated volume`);
    const current = bytes(/(?:^|,)size=([^,]+)/.exec(drive)?.[1] ?? '0');
    const size = params.size!;
    const wanted = size.startsWith('+') ? current + bytes(size.slice(1)) : bytes(size);
    if (wanted < current) throw new PveError(500, 'shrinking disks is not supported');
    // Proxmox VE 8 runs the resize as a task (7 answered null once done)
    return this.startTask(node, 'resize', String(vmid), () => {
      vm.config[params.disk!] = /(?:^|,)size=/.test(drive) ? drive.replace(/((?:^|,)size=)[^,]+/, `$1${sizeText(wanted)}`) : `${drive},size=${sizeText(wanted)}`;
    });
  }
}
