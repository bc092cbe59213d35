import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Database from 'libsql';

/**
 * A stand-in for sqld's Hrana-over-HTTP endpoint (`POST /v2/pipeline`, JSON), for tests that cannot reach a
 * real libSQL server: statements run on a real libSQL file, and — as in sqld (libsql-server
 * `hrana/http/stream.rs`: a request without a baton gets `connection_maker.create()`) — every stream gets a
 * connection of its own, kept across requests by the baton and closed with the stream. That per-stream
 * connection is what makes per-connection settings such as `PRAGMA foreign_keys` not carry over.
 * Connections start with foreign keys off, as stock SQLite does. (libSQL's own build, libsql-ffi, compiles
 * with SQLITE_DEFAULT_FOREIGN_KEYS=1, so a current sqld may start with them on; the stand-in models the worse case.)
 * Only what @libsql/client's HTTP client sends is implemented (execute, batch with ok/error/not/and/or
 * conditions, sequence, store_sql, close_sql, get_autocommit, close).
 */
type Value = { type: 'null' } | { type: 'integer'; value: string } | { type: 'float'; value: number } | { type: 'text'; value: string } | { type: 'blob'; base64: string };
interface Stmt {
  sql?: string;
  sql_id?: number;
  args?: Value[];
  named_args?: { name: string; value: Value }[];
}
type Cond = { type: 'ok' | 'error'; step: number } | { type: 'not'; cond: Cond } | { type: 'and' | 'or'; conds: Cond[] } | { type: 'is_autocommit' };
type Req =
  | { type: 'execute'; stmt: Stmt }
  | { type: 'batch'; batch: { steps: { condition?: Cond; stmt: Stmt }[] } }
  | { type: 'sequence'; sql?: string; sql_id?: number }
  | { type: 'store_sql'; sql_id: number; sql: string }
  | { type: 'close_sql'; sql_id: number }
  | { type: 'get_autocommit' }
  | { type: 'close' };

interface Stream {
  db: Database.Database;
  sqls: Map<number, string>;
}

const fromValue = (v: Value): unknown =>
  v.type === 'null' ? null : v.type === 'integer' ? BigInt(v.value) : v.type === 'blob' ? Buffer.from(v.base64, 'base64') : v.value;

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: String(v) };
  if (typeof v === 'number') return { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'text', value: v };
  return { type: 'blob', base64: Buffer.from(v as Uint8Array).toString('base64') };
}

function run(s: Stream, stmt: Stmt) {
  const sql = stmt.sql ?? s.sqls.get(stmt.sql_id!);
  if (sql === undefined) throw new Error(`unknown sql_id ${stmt.sql_id}`);
  const named = Object.fromEntries((stmt.named_args ?? []).map((a) => [a.name.replace(/^[:@$]/, ''), fromValue(a.value)]));
  const params = stmt.named_args?.length ? [named] : (stmt.args ?? []).map(fromValue);
  const prepared = s.db.prepare(sql).safeIntegers(true);
  let returnsRows = true;
  try {
    prepared.raw(true);
  } catch {
    returnsRows = false; // raw() refuses statements that return no data
  }
  if (!returnsRows) {
    const info = prepared.run(...params);
    return { cols: [], rows: [], affected_row_count: info.changes, last_insert_rowid: String(info.lastInsertRowid) };
  }
  const cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }));
  const rows = (prepared.all(...params) as unknown[][]).map((r) => r.map(toValue));
  return { cols, rows, affected_row_count: 0, last_insert_rowid: null };
}

const asError = (e: unknown) => ({ message: (e as Error).message, code: (e as { code?: string }).code ?? 'SQLITE_ERROR' });

function handle(s: Stream, req: Req): unknown {
  switch (req.type) {
    case 'execute':
      return { type: 'execute', result: run(s, req.stmt) };
    case 'batch': {
      const results: unknown[] = [];
      const errors: unknown[] = [];
      const holds = (c: Cond): boolean =>
        c.type === 'ok' ? results[c.step] != null : c.type === 'error' ? errors[c.step] != null : c.type === 'not' ? !holds(c.cond) : c.type === 'and' ? c.conds.every(holds) : c.type === 'or' ? c.conds.some(holds) : !s.db.inTransaction;
      for (const step of req.batch.steps) {
        let result = null;
        let error = null;
        if (!step.condition || holds(step.condition)) {
          try {
            result = run(s, step.stmt);
          } catch (e) {
            error = asError(e);
          }
        }
        results.push(result);
        errors.push(error);
      }
      return { type: 'batch', result: { step_results: results, step_errors: errors } };
    }
    case 'sequence':
      s.db.exec(req.sql ?? s.sqls.get(req.sql_id!)!);
      return { type: 'sequence' };
    case 'store_sql':
      s.sqls.set(req.sql_id, req.sql);
      return { type: 'store_sql' };
    case 'close_sql':
      s.sqls.delete(req.sql_id);
      return { type: 'close_sql' };
    case 'get_autocommit':
      return { type: 'get_autocommit', is_autocommit: !s.db.inTransaction };
    case 'close':
      return { type: 'close' };
  }
}

export interface HranaServer {
  url: string;
  /** Streams (= connections) opened so far. */
  streamsOpened(): number;
  close(): Promise<void>;
}

export async function startHranaServer(file: string): Promise<HranaServer> {
  const streams = new Map<string, Stream>();
  let opened = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/v2') return reply(200, {});
      if (req.method !== 'POST' || req.url !== '/v2/pipeline') return reply(404, { message: 'not found' });
      const body = JSON.parse(raw) as { baton?: string | null; requests: Req[] };
      let stream: Stream | undefined;
      if (body.baton) {
        stream = streams.get(body.baton);
        streams.delete(body.baton);
        if (!stream) return reply(400, { message: 'invalid baton' });
      } else {
        stream = { db: new Database(file), sqls: new Map() };
        stream.db.exec('PRAGMA foreign_keys = OFF');
        opened++;
      }
      const results = body.requests.map((r) => {
        try {
          return { type: 'ok', response: handle(stream!, r) };
        } catch (e) {
          return { type: 'error', error: asError(e) };
        }
      });
      let baton: string | null = null;
      if (body.requests.some((r) => r.type === 'close')) stream.db.close();
      else streams.set((baton = randomUUID()), stream);
      reply(200, { baton, base_url: null, results });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    streamsOpened: () => opened,
    async close() {
      for (const s of streams.values()) s.db.close();
      streams.clear();
      await new Promise((r) => server.close(r));
    },
  };
}
