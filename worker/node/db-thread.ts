/**
 * The Node host's database thread (started by worker/node/db-proxy.ts): owns the libSQL file connection,
 * whose local driver runs every statement synchronously, so a long atomic batch (a 50,000-row CSV import)
 * holds this thread and never the server's event loop. Requests run strictly one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClient, type InArgs, type ResultSet } from '@libsql/client';
import { FILE_PRAGMAS, type ThreadReply, type ThreadRequest, type ThreadResult, type WireError } from './db-wire.js';

const { url } = workerData as { url: string };
const port = parentPort!;
const client = createClient({ url, concurrency: 1 });

function result(rs: ResultSet): ThreadResult {
  const n = rs.columns.length;
  return {
    columns: rs.columns,
    rows: rs.rows.map((row) => {
      const values = new Array<unknown>(n);
      for (let i = 0; i < n; i++) values[i] = row[i];
      return values;
    }),
    rowsAffected: rs.rowsAffected,
    lastInsertRowid: rs.lastInsertRowid,
  };
}

function wireError(e: unknown): WireError {
  const err = e as { name?: unknown; message?: unknown; code?: unknown; extendedCode?: unknown; rawCode?: unknown; cause?: unknown };
  const cause = err?.cause as { name?: unknown; message?: unknown; code?: unknown } | undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    name: str(err?.name) ?? 'Error',
    message: str(err?.message) ?? String(e),
    code: str(err?.code),
    extendedCode: str(err?.extendedCode),
    rawCode: typeof err?.rawCode === 'number' ? err.rawCode : undefined,
    cause: cause && typeof cause === 'object' ? { name: str(cause.name) ?? 'Error', message: str(cause.message) ?? String(cause), code: str(cause.code) } : undefined,
  };
}

async function handle(req: ThreadRequest): Promise<ThreadResult | ThreadResult[] | null> {
  switch (req.kind) {
    case 'query':
      return result(await client.execute({ sql: req.sql, args: req.params as InArgs }));
    case 'batch':
      return (await client.batch(req.statements.map((s) => ({ sql: s.sql, args: s.params as InArgs })), 'write')).map(result);
    case 'close':
      client.close();
      return null;
  }
}

const opened = (async () => {
  for (const pragma of FILE_PRAGMAS) await client.execute(pragma);
})();
opened.catch(() => undefined); // reported to every request instead

let queue = Promise.resolve();
port.on('message', (req: ThreadRequest) => {
  queue = queue.then(async () => {
    let reply: ThreadReply;
    try {
      await opened;
      reply = { id: req.id, ok: true, result: await handle(req) };
    } catch (e) {
      reply = { id: req.id, ok: false, error: wireError(e) };
    }
    port.postMessage(reply);
    if (req.kind === 'close') port.close();
  });
});
