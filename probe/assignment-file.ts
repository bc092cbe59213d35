import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverMessage, type ReceivedServerMessage } from '../schema/protocol.js';

export type Assignment = Extract<ReceivedServerMessage, { type: 'assignment' }>;

/** The last assignment, kept on disk so a restarted probe sweeps before it reaches the server. */
export class AssignmentFile {
  private readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'assignment.json');
  }

  /** The saved assignment, or null when there is none or it does not parse. */
  load(): Assignment | null {
    if (!existsSync(this.path)) return null;
    try {
      const parsed = serverMessage.parse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.type === 'assignment' ? parsed : null;
    } catch {
      return null;
    }
  }

  /** Written whole or not at all (a rename). */
  save(a: Assignment): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(a));
    renameSync(`${this.path}.tmp`, this.path);
  }
}
