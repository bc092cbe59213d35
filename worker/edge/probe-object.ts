import type {
  Request as CfRequest,
  Response as CfResponse,
  WebSocket as CfWebSocket,
  WebSocketPair as CfWebSocketPair,
} from '@cloudflare/workers-types';
import { DurableObject } from 'cloudflare:workers';
import { z } from 'zod';
import type { ServerMessage } from '../../schema/protocol.js';
import type { AppDeps } from '../deps.js';
import { ProbeLinks, type ProbeIdentity, type ProbeSocket } from '../probe-link/connection.js';
import { edgeDeps } from './deps.js';
import type { Env } from './env.js';

/** The Worker's header that tells the object which probe it authenticated (worker/edge/index.ts). */
export const PROBE_HEADER = 'x-edge-ipam-probe';
const probeIdentity = z.object({ id: z.number().int().positive(), name: z.string() });

// the runtime's globals as workerd types them (the project's global types are Node's and the DOM's)
declare const WebSocketPair: typeof CfWebSocketPair;
declare const Response: typeof CfResponse;
const OPEN = 1;

/** A hibernatable socket as the probe-link core sees it. */
class HibernatableSocket implements ProbeSocket {
  constructor(readonly ws: CfWebSocket) {}
  send(text: string) {
    this.ws.send(text);
  }
  close(code: number, reason: string) {
    this.ws.close(code, reason);
  }
  isOpen() {
    return this.ws.readyState === OPEN;
  }
  /** The probe's identity travels with the socket, so it survives hibernation. */
  probe(): ProbeIdentity {
    return probeIdentity.parse(this.ws.deserializeAttachment());
  }
}

/**
 * Holds one probe's WebSocket with the hibernation API (the object sleeps between frames and wakes for
 * each one), over the same core as the Node hub. The upgrade is a fetch; send, isConnected and disconnect
 * are RPC methods (worker/edge/hub.ts).
 */
export class ProbeHubObject extends DurableObject<Env> {
  // built once per object (it lives until it hibernates), not once per frame
  private deps: AppDeps | null = null;
  // D1 calls do not hold the input gate, so the core's per-probe queue keeps the frames in order
  private readonly links = new ProbeLinks<HibernatableSocket>(() => (this.deps ??= edgeDeps(this.env)));
  private readonly sockets = new WeakMap<CfWebSocket, HibernatableSocket>();
  /** The probe whose sockets this object holds, once it has seen one. */
  private probeId: number | null = null;
  private restored = false;

  private socket(ws: CfWebSocket): HibernatableSocket {
    let s = this.sockets.get(ws);
    if (!s) this.sockets.set(ws, (s = new HibernatableSocket(ws)));
    return s;
  }

  /**
   * Once per life of the object: after hibernation the core has forgotten which socket is current, and it
   * is whichever is open. `closing` (the socket whose close woke the object) is current only when no other
   * is open, so a replaced socket's close does not mark the probe offline.
   */
  private restore(closing?: CfWebSocket): void {
    if (this.restored) return;
    this.restored = true;
    const open = this.ctx.getWebSockets().filter((ws) => ws !== closing && ws.readyState === OPEN);
    const ws = open.at(-1) ?? closing;
    if (!ws) return;
    const s = this.socket(ws);
    this.probeId = s.probe().id;
    this.links.adopt(this.probeId, s);
  }

  override async fetch(request: CfRequest): Promise<CfResponse> {
    if (new URL(request.url).pathname !== '/connect') return new Response('not found', { status: 404 });
    const probe = probeIdentity.safeParse(JSON.parse(request.headers.get(PROBE_HEADER) ?? 'null'));
    if (!probe.success) return new Response('missing probe', { status: 400 });
    this.restore();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(probe.data);
    this.probeId = probe.data.id;
    await this.links.opened(probe.data, this.socket(server));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** RPC: delivers a message if the probe is connected; false when it is not. */
  send(message: ServerMessage): boolean {
    this.restore();
    return this.probeId !== null && this.links.send(this.probeId, message);
  }

  /** RPC. */
  isConnected(): boolean {
    this.restore();
    return this.probeId !== null && this.links.isConnected(this.probeId);
  }

  /** RPC: closes the probe's connection (after a revoke, or when it has gone silent). */
  disconnect(reason: string): void {
    this.restore();
    if (this.probeId !== null) this.links.disconnect(this.probeId, reason);
  }

  override async webSocketMessage(ws: CfWebSocket, message: string | ArrayBuffer): Promise<void> {
    this.restore();
    const s = this.socket(ws);
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message);
    await this.links.message(s.probe().id, s, text);
  }

  override async webSocketClose(ws: CfWebSocket): Promise<void> {
    this.restore(ws);
    const s = this.socket(ws);
    await this.links.closed(s.probe().id, s);
  }

  override async webSocketError(ws: CfWebSocket): Promise<void> {
    await this.webSocketClose(ws);
  }
}
