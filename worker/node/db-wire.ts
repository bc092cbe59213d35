/** Per connection to the database file. WAL lets the UI read while ingest writes; foreign keys are off by default in SQLite. */
// busy_timeout first: the journal_mode change takes a lock, and another connection (a process or app closing on the same file) may still hold one
export const FILE_PRAGMAS = ['PRAGMA busy_timeout = 5000', 'PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL', 'PRAGMA foreign_keys = ON'];

/** Messages between the main thread (worker/node/db-proxy.ts) and the database thread (worker/node/db-thread.ts). */

export interface WireStatement {
  sql: string;
  params: unknown[] | Record<string, unknown>;
}

export type ThreadRequest =
  | ({ id: number; kind: 'query' } & WireStatement)
  | { id: number; kind: 'batch'; statements: WireStatement[] }
  | { id: number; kind: 'close' };

/** One statement's outcome: rows as arrays of values in column order. */
export interface ThreadResult {
  columns: string[];
  rows: unknown[][];
  rowsAffected: number;
  lastInsertRowid: bigint | undefined;
}

/** A libSQL error as plain data: its message, codes and cause, so the app's message matching still works. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  extendedCode?: string;
  rawCode?: number;
  cause?: { name: string; message: string; code?: string };
}

export type ThreadReply = { id: number; ok: true; result: ThreadResult | ThreadResult[] | null } | { id: number; ok: false; error: WireError };
