import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_FRAME_LENGTH, PROBE_SOCKET_PATH, type ServerMessage } from '../../schema/protocol.js';
import type { AppDeps, ProbeHub } from '../deps.js';
import { yieldToEventLoop } from '../yield.js';
import { authenticateProbe, handleProbeFrame, probeConnected, probeDisconnected } from '../probe-link/session.js';

interface Conn {
  ws: WebSocket;
  lastHeard: number;
  /** Frames of one probe are handled strictly in order (ingest relies on it). */
  queue: Promise<void>;
}

/** The Node host's probe hub: a `ws` server on the same HTTP server, one socket per probe. */
export class NodeProbeHub implements ProbeHub {
  // the session refuses frames over MAX_FRAME_LENGTH characters; ws drops the socket on a bigger one (UTF-8: up to 4 bytes a character) before buffering it
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_FRAME_LENGTH });
  private readonly conns = new Map<number, Conn>();
  private deps!: AppDeps;
  private watchdog: NodeJS.Timeout | null = null;
  private closing = false;
  /** Every connection's queue, replaced or closed ones included: close() waits for them before the database goes. */
  private readonly queues = new Set<Promise<void>>();

  /** The hub and the app depend on each other; the host wires them after both exist. */
  bind(deps: AppDeps) {
    this.deps = deps;
  }

  attach(server: Server) {
    server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket, head));
    const periodMs = this.deps.config.heartbeatSeconds * 1000;
    this.watchdog = setInterval(() => {
      for (const c of this.conns.values()) if (Date.now() - c.lastHeard > 3 * periodMs) c.ws.terminate();
    }, periodMs);
  }

  async send(probeId: number, message: ServerMessage): Promise<boolean> {
    const c = this.conns.get(probeId);
    if (!c || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(JSON.stringify(message));
    return true;
  }

  async isConnected(probeId: number): Promise<boolean> {
    return this.conns.get(probeId)?.ws.readyState === WebSocket.OPEN;
  }

  async disconnect(probeId: number, reason: string): Promise<void> {
    this.conns.get(probeId)?.ws.close(4001, reason);
  }

  async close() {
    // the next start marks every probe offline anyway; no database work after this point
    this.closing = true;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const c of this.conns.values()) c.ws.terminate();
    // including a socket that closed just before, whose probeDisconnected() may still be writing
    await Promise.allSettled([...this.queues]);
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
    const previous = this.conns.get(probe.id);
    const conn: Conn = { ws, lastHeard: Date.now(), queue: previous?.queue ?? Promise.resolve() };
    this.conns.set(probe.id, conn);
    if (previous) previous.ws.close(4000, 'replaced by a newer connection');
    const reply = (msgs: ServerMessage[]) => msgs.forEach((m) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m)));
    const enqueue = (work: () => Promise<void>) => {
      // a turn of the event loop between frames: queued frames would otherwise run back to back in one
      // (the file driver's awaits resolve at once), holding /health for all of them (abuse bench, case 3a)
      const next = conn.queue.then(yieldToEventLoop).then(work).catch((e) => this.deps.log.error('probe frame failed', { probeId: probe.id, error: String(e) }));
      conn.queue = next;
      this.queues.add(next);
      void next.finally(() => this.queues.delete(next));
    };
    enqueue(async () => reply(await probeConnected(this.deps, probe)));
    ws.on('message', (data) => {
      conn.lastHeard = Date.now();
      enqueue(async () => reply(await handleProbeFrame(this.deps, probe.id, data.toString())));
    });
    ws.on('error', (e) => this.deps.log.warn('probe socket error', { probeId: probe.id, error: e.message }));
    ws.on('close', () => {
      if (this.closing || this.conns.get(probe.id) !== conn) return; // replaced: the probe is still connected
      this.conns.delete(probe.id);
      enqueue(() => probeDisconnected(this.deps, probe.id));
    });
  }
}
