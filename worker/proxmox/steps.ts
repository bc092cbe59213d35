/**
 * A VM's creation as a step machine over VM_STEPS (allocate → create → wait-create → configure → start →
 * wait-start → done) and how a Proxmox task's status reads. The driver (worker/services/vm-drive.ts) does each
 * step's I/O; which step comes next and what a task's status means is decided here. Pure.
 */
import { VM_STEPS, type VmStep } from '../../schema/tables/proxmox.js';

/** The step after `step` succeeded; null: the VM is done. */
export function nextStep(step: VmStep): VmStep | null {
  return VM_STEPS[VM_STEPS.indexOf(step) + 1] ?? null;
}

/** Steps that follow a Proxmox task (the row's `upid`) rather than send a call. */
export const isTaskStep = (step: VmStep): boolean => step === 'wait-create' || step === 'wait-start';

/** The status of `GET /nodes/{node}/tasks/{upid}/status` as far as its verdict goes. */
export interface TaskStatus {
  status: string;
  exitstatus?: string | null;
}

export type TaskVerdict = { done: false } | { done: true; ok: true; warnings: boolean } | { done: true; ok: false; message: string };

/**
 * `running` → not done. `stopped` with `exitstatus` `OK` → success; `WARNINGS: <n>` → success with warnings (as the
 * Proxmox UI counts it); any other exit status is the task's error message (`unable to create VM 105 - …`). A stopped
 * task without one (the node lost track of it) is a failure too.
 */
export function taskVerdict(s: TaskStatus): TaskVerdict {
  if (s.status !== 'stopped') return { done: false };
  const exit = (s.exitstatus ?? '').trim();
  if (exit === 'OK') return { done: true, ok: true, warnings: false };
  if (/^WARNINGS: \d+$/.test(exit)) return { done: true, ok: true, warnings: true };
  return { done: true, ok: false, message: exit || 'the task stopped without an exit status' };
}

/** Where a VM's steps are, for the UI: each step before the current one done, the current one running or failed. */
export function stepStates(step: VmStep, state: 'creating' | 'done' | 'failed'): { step: VmStep; state: 'done' | 'running' | 'failed' | 'pending' }[] {
  const at = VM_STEPS.indexOf(step);
  return VM_STEPS.map((s, i) => ({
    step: s,
    state: state === 'done' || i < at ? 'done' : i > at ? 'pending' : state === 'failed' ? 'failed' : 'running',
  }));
}
