export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * Request helper shared by the suites: a string body goes as text/csv, anything else as JSON;
 * the answer is parsed as JSON when it is JSON (CSV and HTML stay text).
 */
export function caller(send: (path: string, init: RequestInit) => Promise<Response> | Response, defaultHeaders: Record<string, string> = {}, origin?: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = defaultHeaders): Promise<CallResult> => {
    const isText = typeof body === 'string';
    // a browser names its origin on every change; the server refuses cookie-authenticated changes without it
    const withOrigin = origin && headers.cookie && !('origin' in headers) ? { origin, ...headers } : headers;
    const res = await send(path, {
      method,
      headers: body === undefined ? withOrigin : { 'content-type': isText ? 'text/csv' : 'application/json', ...withOrigin },
      body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* CSV or HTML */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}
