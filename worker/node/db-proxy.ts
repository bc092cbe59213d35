/**
 * The main thread's side of the database thread (worker/node/db-thread.ts): drizzle over `sqlite-proxy`
 * whose queries and batches are posted to the thread, and a small libSQL-like client for raw statements.
 * The event loop only waits for answers; it never runs SQLite.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import { schema, type Db } from '../db.js';
import type { ThreadReply, ThreadRequest, ThreadResult, WireError, WireStatement } from './db-wire.js';

type Args = unknown[] | Record<string, unknown>;
/** A row as libSQL gives it: values by column name (enumerable) and by index. */
export type DbRow = Record<string, unknown>;

/** What the Node host and the tests need of a raw database client, on the thread or a remote libSQL client. */
export interface DbClient {
  execute(stmt: string | { sql: string; args?: Args }, args?: Args): Promise<{ columns: string[]; rows: DbRow[]; rowsAffected: number }>;
  close(): Promise<void> | void;
}

type Method = 'run' | 'all' | 'get' | 'values';
type Outgoing = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

function toError(w: WireError): Error {
  const cause = w.cause ? Object.assign(new Error(w.cause.message), { name: w.cause.name, code: w.cause.code }) : undefined;
  return Object.assign(new Error(w.message, cause ? { cause } : undefined), { name: w.name, code: w.code, extendedCode: w.extendedCode, rawCode: w.rawCode });
}

/** The database thread: requests in, answers out, in order; it keeps the process alive only while a request is pending. */
export class DbThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private stopped: Error | null = null;
  private closing: Promise<void> | null = null;

  constructor(url: string) {
    // a worker does not inherit tsx's loader on Node 20: the thread loads its module through tsx's API
    const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const file = JSON.stringify(new URL('./db-thread.ts', import.meta.url).href);
    this.worker = new Worker(`import(${api}).then((tsx) => tsx.tsImport(${file}, ${file}))`, { eval: true, workerData: { url } });
    this.worker.unref();
    this.worker.on('message', (reply: ThreadReply) => this.settle(reply));
    this.worker.on('error', (e) => this.stop(e));
    this.worker.on('exit', (code) => this.stop(new Error(`database thread exited (code ${code})`)));
  }

  private settle(reply: ThreadReply) {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (!this.pending.size && !this.closing) this.worker.unref();
    if (reply.ok) p.resolve(reply.result);
    else p.reject(toError(reply.error));
  }

  private stop(e: Error) {
    this.stopped ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private request<T>(msg: Outgoing): Promise<T> {
    if (this.stopped || (this.closing && msg.kind !== 'close')) return Promise.reject(this.stopped ?? new Error('the database is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...msg, id });
    });
  }

  query(sql: string, params: Args): Promise<ThreadResult> {
    return this.request({ kind: 'query', sql, params });
  }

  /** One atomic write batch: all statements or none. */
  batch(statements: WireStatement[]): Promise<ThreadResult[]> {
    return this.request({ kind: 'batch', statements });
  }

  /** Waits for every request sent before it, closes the connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.stopped) return;
      const exited = once(this.worker, 'exit');
      this.worker.ref(); // until it has exited
      await this.request({ kind: 'close' }).catch(() => undefined);
      await exited;
    })();
    return this.closing;
  }
}

function objectRow(columns: string[], values: unknown[]): DbRow {
  const row: DbRow = {};
  for (let i = 0; i < columns.length; i++) if (!Object.hasOwn(row, columns[i]!)) row[columns[i]!] = values[i];
  return row;
}

/** libSQL's row shape: named values enumerable, indexes and length not (so spreading or JSON gives the names). */
function libsqlRow(columns: string[], values: unknown[]): DbRow {
  const row = objectRow(columns, values);
  Object.defineProperty(row, 'length', { value: values.length });
  values.forEach((v, i) => Object.defineProperty(row, i, { value: v }));
  return row;
}

const resultSet = (r: ThreadResult) => ({ columns: r.columns, rows: r.rows.map((v) => libsqlRow(r.columns, v)), rowsAffected: r.rowsAffected, lastInsertRowid: r.lastInsertRowid });

/**
 * What drizzle's sqlite-proxy expects for each method: rows as arrays in column order (`get`: the first row
 * alone), except for raw SQL (`db.all(sql)`, `db.get(sql)`), which the libSQL driver answers with objects by column name.
 */
function shape(r: ThreadResult, method: Method, objects: boolean) {
  switch (method) {
    case 'run':
      return resultSet(r);
    case 'values':
      return { rows: r.rows };
    case 'all':
      return { rows: objects ? r.rows.map((v) => objectRow(r.columns, v)) : r.rows };
    case 'get': {
      const first = r.rows[0];
      return { rows: first && objects ? objectRow(r.columns, first) : first };
    }
  }
}

interface ProxyPrepared {
  client: (sql: string, params: Args, method: Method) => Promise<unknown>;
  getQuery(): { sql: string; params: Args; method: Method };
  mapResult(result: unknown, isFromBatch: boolean): unknown;
  [RAW]?: boolean;
}
interface ProxySession {
  prepareQuery(query: unknown, fields: unknown, method: Method, arrayMode: boolean, customResultMapper?: unknown, ...rest: unknown[]): ProxyPrepared;
  batch(queries: { _prepare(): ProxyPrepared }[]): Promise<unknown[]>;
}
const RAW = Symbol('raw SQL: rows as objects');

/** drizzle over the thread, as the app's `Db`: queries, `batch` (one atomic write on the thread) and `batchable`. */
export function threadDb(thread: DbThread): Db {
  // the proxy's callback type says `rows: any[]`; for `get` it is the row itself (or undefined), as its session reads it
  const db = drizzle(async (sql, params, method) => shape(await thread.query(sql, params), method, false) as { rows: any[] }, { schema });
  // sqlite-proxy hands its callbacks only (sql, params, method): whether drizzle will map the rows
  // (arrays) or return them as they are (raw SQL, objects) is known when the query is prepared.
  const session = (db as unknown as { session: ProxySession }).session;
  const prepare = session.prepareQuery.bind(session);
  session.prepareQuery = (query, fields, method, arrayMode, customResultMapper, ...rest) => {
    const prepared = prepare(query, fields, method, arrayMode, customResultMapper, ...rest);
    if (!fields && !customResultMapper) {
      prepared[RAW] = true;
      prepared.client = async (sql, params, m) => shape(await thread.query(sql, params), m, true);
    }
    return prepared;
  };
  session.batch = async (queries) => {
    const prepared = queries.map((q) => q._prepare());
    const built = prepared.map((p) => p.getQuery());
    const results = await thread.batch(built.map((q) => ({ sql: q.sql, params: q.params })));
    return results.map((r, i) => prepared[i]!.mapResult(shape(r, built[i]!.method, !!prepared[i]![RAW]), true));
  };
  return db as unknown as Db;
}

/** The raw client over the thread (tests' row counts, the server's close). */
export function threadClient(thread: DbThread): DbClient {
  return {
    execute: async (stmt, args) => {
      const s = typeof stmt === 'string' ? { sql: stmt, args } : stmt;
      return resultSet(await thread.query(s.sql, s.args ?? []));
    },
    close: () => thread.close(),
  };
}
