import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_FRAME_LENGTH, PROBE_SOCKET_PATH, type ServerMessage } from '../../schema/protocol.js';
import type { AppDeps, ProbeHub } from '../deps.js';
import { yieldToEventLoop } from '../yield.js';
import { ProbeLinks, type ProbeSocket } from '../probe-link/connection.js';
import { authenticateProbe } from '../probe-link/session.js';

/** A `ws` socket as the probe-link core sees it. */
class WsSocket implements ProbeSocket {
  constructor(readonly ws: WebSocket) {}
  send(text: string) {
    this.ws.send(text);
  }
  close(code: number, reason: string) {
    this.ws.close(code, reason);
  }
  isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }
}

/** The Node host's probe hub: a `ws` server on the same HTTP server, the connections kept by the shared core. */
export class NodeProbeHub implements ProbeHub {
  // the session refuses frames over MAX_FRAME_LENGTH characters; ws drops the socket on a bigger one (UTF-8: up to 4 bytes a character) before buffering it
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_FRAME_LENGTH });
  private deps!: AppDeps;
  // a turn of the event loop between frames: queued frames would otherwise run back to back in one
  // (the file driver's awaits resolve at once), holding /health for all of them (abuse bench, case 3a)
  private readonly links = new ProbeLinks<WsSocket>(() => this.deps, { betweenFrames: yieldToEventLoop });
  private watchdog: NodeJS.Timeout | null = null;

  /** The hub and the app depend on each other; the host wires them after both exist. */
  bind(deps: AppDeps) {
    this.deps = deps;
  }

  attach(server: Server) {
    server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket, head));
    this.watchdog = setInterval(() => {
      for (const s of this.links.silent()) s.ws.terminate();
    }, this.deps.config.heartbeatSeconds * 1000);
  }

  async send(probeId: number, message: ServerMessage): Promise<boolean> {
    return this.links.send(probeId, message);
  }

  async isConnected(probeId: number): Promise<boolean> {
    return this.links.isConnected(probeId);
  }

  async disconnect(probeId: number, reason: string): Promise<void> {
    this.links.disconnect(probeId, reason);
  }

  async close() {
    if (this.watchdog) clearInterval(this.watchdog);
    await this.links.drain((s) => s.ws.terminate());
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== PROBE_SOCKET_PATH) return void socket.destroy();
    const probe = await authenticateProbe(this.deps, req.headers.authorization).catch(() => null);
    if (!probe) {
      this.deps.log.warn('probe connection refused: bad or revoked token', { remote: req.socket.remoteAddress });
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, probe));
  }

  private accept(ws: WebSocket, probe: { id: number; name: string }) {
    const socket = new WsSocket(ws);
    void this.links.opened(probe, socket);
    ws.on('message', (data) => void this.links.message(probe.id, socket, data.toString()));
    ws.on('error', (e) => this.deps.log.warn('probe socket error', { probeId: probe.id, error: e.message }));
    ws.on('close', () => void this.links.closed(probe.id, socket));
  }
}
