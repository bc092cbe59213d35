import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface Received {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether one of the signatures verified with one of `secrets` (Standard Webhooks' HMAC; the suites run on a test clock, so the replay window is checked apart: `skewSeconds`). */
  verified: boolean;
  /** webhook-timestamp minus the real time of arrival. */
  skewSeconds: number;
  /** Which of `secrets` verified (indexes). */
  verifiedBy: number[];
  /** The status answered. */
  status: number;
}

/** What the receiver answers to one request: a status and headers, or hold the request open until released. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hold';

/**
 * A real HTTP receiver on loopback that verifies every delivery's signature, as a user's would. `answer` decides
 * each reply (default 204).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secrets: string[] = [];
  answer: (n: number, req: { path: string; body: string }) => Answer = () => ({ status: 204 });
  private server: Server;
  private held: (() => void)[] = [];
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '');
        const ts = Number(req.headers['webhook-timestamp']);
        const passed = String(req.headers['webhook-signature'] ?? '').split(' ');
        const verifiedBy = this.secrets.flatMap((s, i) => (id && Number.isInteger(ts) && passed.includes(new Webhook(s).sign(id, new Date(ts * 1000), body)) ? [i] : []));
        const answer = this.answer(this.received.length, { path: req.url ?? '/', body });
        const rec: Received = { at: Date.now(), path: req.url ?? '/', headers: req.headers, body, verified: verifiedBy.length > 0, verifiedBy, skewSeconds: ts - Math.floor(Date.now() / 1000), status: answer === 'hold' ? 0 : answer.status };
        this.received.push(rec);
        if (answer === 'hold') {
          this.held.push(() => res.writeHead(204).end());
          return;
        }
        res.writeHead(answer.status, answer.headers).end();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  /** The parsed JSON bodies received so far. */
  bodies(): any[] {
    return this.received.map((r) => JSON.parse(r.body));
  }

  release(): void {
    for (const r of this.held.splice(0)) r();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
