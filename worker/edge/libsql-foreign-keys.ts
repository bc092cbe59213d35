/**
 * Foreign keys for libSQL over HTTP (LIBSQL_URL on Workers), whose deletes rely on ON DELETE CASCADE.
 *
 * `PRAGMA foreign_keys` is per connection, and sqld opens a new connection for every Hrana stream that a
 * request starts without a baton — which is every `execute` and `batch` of @libsql/client's HTTP client. So a
 * PRAGMA sent once never reaches the connection that runs a later DELETE; inside `batch` it cannot help
 * either: the client wraps a batch in BEGIN … COMMIT and SQLite ignores the PRAGMA within a transaction.
 * What works is the PRAGMA as the first request of each stream, in the same HTTP request (so on the same
 * connection) and before the BEGIN: this wrapper around `fetch` adds it to every pipeline request that opens
 * a stream and takes its result out of the answer, so the client sees exactly what it asked for.
 * hrana-client speaks the JSON pipeline (`/v2/pipeline`); anything else it cannot rewrite is refused loudly.
 */
const PRAGMA_REQUEST = { type: 'execute', stmt: { sql: 'PRAGMA foreign_keys = ON', want_rows: false } } as const;

interface PipelineRequest {
  baton?: string | null;
  requests: unknown[];
}
interface PipelineResponse {
  baton: string | null;
  base_url?: string | null;
  results: { type: string; error?: { message?: string } }[];
}

/** The request to send: with the PRAGMA first when it opens a stream (no baton), else as it is. */
export function withForeignKeys(body: PipelineRequest): { body: PipelineRequest; added: boolean } {
  if (body.baton) return { body, added: false };
  return { body: { ...body, requests: [PRAGMA_REQUEST, ...body.requests] }, added: true };
}

/** The answer the client expects: without the PRAGMA's result. Throws if the PRAGMA itself failed. */
export function withoutPragmaResult(body: PipelineResponse): PipelineResponse {
  const [pragma, ...results] = body.results;
  if (!pragma) throw new Error('libSQL answered a pipeline without results');
  if (pragma.type !== 'ok') throw new Error(`PRAGMA foreign_keys = ON failed on the libSQL server: ${pragma.error?.message ?? pragma.type}`);
  return { ...body, results };
}

/** A `fetch` for @libsql/client's `fetch` option that turns foreign keys on in every Hrana stream. */
export function foreignKeysFetch(inner: typeof fetch = (input, init) => fetch(input, init)): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    if (request.method !== 'POST') return inner(request);
    if (!/\/v[23]\/pipeline$/.test(path)) {
      if (/\/(pipeline|cursor)$/.test(path)) throw new Error(`libSQL foreign keys: cannot add the PRAGMA to a ${path} request`);
      return inner(request);
    }
    const { body, added } = withForeignKeys((await request.json()) as PipelineRequest);
    const response = await inner(new Request(request.url, { method: 'POST', headers: request.headers, body: JSON.stringify(body) }));
    if (!added || !response.ok) return response;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    const answer = withoutPragmaResult((await response.json()) as PipelineResponse);
    return new Response(JSON.stringify(answer), { status: response.status, statusText: response.statusText, headers });
  };
}
