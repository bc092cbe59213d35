/** A run that could not be done, with a stable code the server stores (job_status `code`). */
export class OperationFailed extends Error {
  constructor(
    readonly code: 'target_not_allowed' | 'resolve_failed' | 'tool_missing' | 'tool_failed' | 'timeout' | 'stopped' | 'probe_busy',
    message: string,
  ) {
    super(message);
  }
}
