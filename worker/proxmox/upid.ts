/**
 * Proxmox task ids (UPID): `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:`, the numbers in hex
 * (pid and starttime 8 digits, pstart 8 or 9). Every asynchronous API call answers one; the task's status is read
 * from the node in it. Pure.
 */
export interface Upid {
  node: string;
  pid: number;
  /** Seconds since the epoch. */
  startTime: number;
  /** `qmclone`, `qmcreate`, `qmstart`, `resize`, … */
  type: string;
  /** The task's object (the VM id), possibly empty. */
  id: string;
  user: string;
}

const UPID = /^UPID:([A-Za-z0-9](?:[A-Za-z0-9.-]{0,62})):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]{1,64}):([^:\s]{0,64}):([^:\s]{1,128}):$/;

/** The UPID's parts, or null when the text is not one (the answer was not what a task call gives). */
export function parseUpid(text: string): Upid | null {
  const m = UPID.exec(text);
  if (!m) return null;
  return { node: m[1]!, pid: parseInt(m[2]!, 16), startTime: parseInt(m[4]!, 16), type: m[5]!, id: m[6]!, user: m[7]! };
}
