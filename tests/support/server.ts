import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../../schema/log.js';
import { PROBE_SOCKET_PATH, type ServerMessage } from '../../schema/protocol.js';
import { startServer, type RunningServer } from '../../worker/node/server.js';
import { ADMIN_PASSWORD } from './app.js';

/** The real Node host on 127.0.0.1 and an ephemeral port, with a temp data folder. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer & { dataDir: string; login(): Promise<string> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eipam-srv-'));
  const server = await startServer(
    { HOST: '127.0.0.1', PORT: 0, DATA_DIR: dataDir, ADMIN_PASSWORD, LOCAL_PROBE: false },
    silentLogger,
    env,
  );
  return {
    ...server,
    dataDir,
    async login() {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      return res.headers.get('set-cookie')!.split(';')[0]!;
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A raw protocol client: what a probe sends, without the agent around it. */
export class RawProbe {
  readonly received: ServerMessage[] = [];
  private waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      this.received.push(m);
      this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
  }

  /** Resolves with the socket, or rejects with the HTTP status the server refused it with. */
  static connect(baseUrl: string, token: string): Promise<RawProbe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + PROBE_SOCKET_PATH, { headers: { authorization: `Bearer ${token}` } });
      const probe = new RawProbe(ws);
      ws.once('open', () => resolve(probe));
      ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', (e) => reject(e));
    });
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next<T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> {
    const already = this.received.find((m) => m.type === type);
    if (already) {
      this.received.splice(this.received.indexOf(already), 1);
      return Promise.resolve(already as Extract<ServerMessage, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        pred: (m) => m.type === type,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m as Extract<ServerMessage, { type: T }>);
        },
      });
    });
  }

  close() {
    this.ws.terminate();
  }
}
