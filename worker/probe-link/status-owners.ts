import { isOperationJobKind } from '../../schema/kinds/operation.js';
import { isTrafficJobKind } from '../../schema/kinds/traffic.js';
import type { LiveEvent } from '../../schema/live.js';
import type { ProbeJobState } from '../../schema/protocol.js';
import type { AppDeps } from '../deps.js';
import { recordOperationStatus } from '../services/operation-status.js';
import { recordTrafficStatus } from '../services/traffic-status.js';

export interface JobStatusReport {
  jobId: string;
  kind?: string;
  state: ProbeJobState;
  done?: number;
  total?: number;
  error?: string;
  code?: string;
}

/** Kinds whose jobs are rows of their own table (not of `jobs`): their statuses go to their service, which says what to announce. */
export interface StatusOwner {
  owns(kind: string | undefined): boolean;
  /** What the log line says. */
  label: string;
  record(deps: AppDeps, probeId: number, s: JobStatusReport): Promise<LiveEvent | null>;
}

/** One entry per kind that owns its job statuses; every other kind's go to `jobs`. */
export const statusOwners: StatusOwner[] = [
  { owns: isOperationJobKind, label: 'probe operation status', record: recordOperationStatus },
  { owns: isTrafficJobKind, label: 'probe traffic status', record: recordTrafficStatus },
];
