import WebSocket from 'ws';
import { decodeFrame, PROBE_SOCKET_PATH, serverMessage, type ProbeMessage, type ReceivedServerMessage } from '../schema/protocol.js';
import type { Logger } from '../schema/log.js';
import { backoffDelay } from './timing.js';

export interface LinkOptions {
  serverUrl: string;
  token: string;
  heartbeatMs: number;
  reconnectMaxMs: number;
  log: Logger;
  onMessage(msg: ReceivedServerMessage): void;
  onOpen(): void;
  onClose(): void;
}

/** http(s)://host → ws(s)://host/api/probes/connect */
export function socketUrl(serverUrl: string): string {
  const u = new URL(serverUrl);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  u.pathname = PROBE_SOCKET_PATH;
  return u.toString();
}

/** The probe's one outbound WebSocket: token auth, heartbeats, reconnect with exponential backoff and jitter. */
export class ServerLink {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private lastHeard = 0;

  constructor(private readonly opts: LinkOptions) {}

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.terminate();
  }

  send(msg: ProbeMessage): boolean {
    if (!this.connected) return false;
    this.ws!.send(JSON.stringify(msg));
    return true;
  }

  private connect() {
    const { log } = this.opts;
    const ws = new WebSocket(socketUrl(this.opts.serverUrl), {
      headers: { authorization: `Bearer ${this.opts.token}` },
      handshakeTimeout: 10_000,
      maxPayload: 16 * 1024 * 1024,
    });
    this.ws = ws;
    ws.on('unexpected-response', (_req, res) => {
      log.error(res.statusCode === 401 ? 'the server refused this probe token (revoked or wrong?)' : 'unexpected handshake answer', { status: res.statusCode });
      ws.terminate();
    });
    ws.on('open', () => {
      this.lastHeard = Date.now();
      log.info('connected to control plane', { url: socketUrl(this.opts.serverUrl) });
      this.beatTimer = setInterval(() => this.heartbeat(), this.opts.heartbeatMs);
      this.opts.onOpen();
    });
    ws.on('message', (data) => {
      this.lastHeard = Date.now();
      const decoded = decodeFrame(serverMessage, data.toString());
      if (!decoded.ok) return log.warn('malformed message from server ignored', { error: decoded.error });
      if (decoded.message.type === 'welcome') this.attempt = 0;
      this.opts.onMessage(decoded.message);
    });
    ws.on('error', (e) => log.warn('link error', { error: e.message }));
    ws.on('close', () => {
      if (this.beatTimer) clearInterval(this.beatTimer);
      const wasOpen = this.lastHeard > 0;
      this.lastHeard = 0;
      if (wasOpen) this.opts.onClose();
      if (this.stopped) return;
      const delay = backoffDelay(this.attempt++, Math.random(), 500, this.opts.reconnectMaxMs);
      log.info('link down; reconnecting', { inMs: delay, attempt: this.attempt });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private heartbeat() {
    // Three silent periods: the path is dead even if TCP has not noticed (a pulled cable).
    if (Date.now() - this.lastHeard > 3 * this.opts.heartbeatMs) {
      this.opts.log.warn('no heartbeat answer; dropping the link');
      this.ws?.terminate();
      return;
    }
    this.send({ type: 'ping' });
  }
}
