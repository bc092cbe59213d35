import { request } from 'node:http';

/**
 * Sends a request's headers and only the first `sendBytes` of its body, then waits for the answer without ever
 * finishing the body: what a hostile client does, and proof that the server answered without reading the rest.
 * `declaredLength` sets Content-Length; without it the body goes chunked.
 */
export function partialBody(url: string, headers: Record<string, string>, sendBytes: number, declaredLength?: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: declaredLength === undefined ? headers : { ...headers, 'content-length': String(declaredLength) } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode!, body });
      });
    });
    req.on('error', reject);
    const piece = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < sendBytes) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

/**
 * The whole body on a connection of its own (no keep-alive reuse after an early answer). `reset` when the server
 * answered and closed while the body was still going out, so the answer never reached the client.
 */
export function wholeBody(url: string, headers: Record<string, string>, bytes: number, declared: boolean): Promise<{ status: number | 'reset'; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: declared ? { ...headers, 'content-length': String(bytes) } : headers });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', (e) => (/ECONNRESET|EPIPE/.test(e.message) ? resolve({ status: 'reset', body: e.message }) : reject(e)));
    const piece = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(piece.length, bytes - sent);
        sent += n;
        if (!req.write(piece.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
