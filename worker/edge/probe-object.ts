import type { DurableObjectState, WebSocket as CfWebSocket } from '@cloudflare/workers-types';
import type { ServerMessage } from '../../schema/protocol.js';
import type { AppDeps } from '../deps.js';
import { handleProbeFrame, probeConnected, probeDisconnected } from '../probe-link/session.js';
import { edgeDeps } from './deps.js';
import type { Env } from './env.js';

interface Attachment {
  id: number;
  name: string;
}

declare const WebSocketPair: { new (): { 0: CfWebSocket; 1: CfWebSocket } };

/**
 * Holds one probe's WebSocket with the hibernation API: the object sleeps between frames and wakes for
 * each one; the probe's identity travels with the socket (serializeAttachment).
 */
export class ProbeHubObject {
  // Frames of one probe are handled in order (ingest relies on it); D1 calls do not hold the input gate.
  private queue: Promise<unknown> = Promise.resolve();
  // built once per object (it lives until it hibernates), not once per frame
  private deps: AppDeps | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {}

  private appDeps(): AppDeps {
    return (this.deps ??= edgeDeps(this.env));
  }

  private open(): CfWebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws.readyState === 1);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private static reply(ws: CfWebSocket, messages: ServerMessage[]) {
    for (const m of messages) ws.send(JSON.stringify(m));
  }

  async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/connect') {
      const probe = JSON.parse(request.headers.get('x-edge-ipam-probe') ?? 'null') as Attachment | null;
      if (!probe) return new Response('missing probe', { status: 400 });
      for (const old of this.open()) old.close(4000, 'replaced by a newer connection');
      const pair = new WebSocketPair();
      const [client, server] = [pair[0], pair[1]];
      this.ctx.acceptWebSocket(server);
      server.serializeAttachment(probe);
      await this.enqueue(async () => ProbeHubObject.reply(server, await probeConnected(this.appDeps(), probe)));
      return new Response(null, { status: 101, webSocket: client } as ResponseInit);
    }
    if (pathname === '/send') {
      const [ws] = this.open();
      if (ws) ws.send(await request.text());
      return Response.json({ sent: !!ws });
    }
    if (pathname === '/status') return Response.json({ connected: this.open().length > 0 });
    if (pathname === '/disconnect') {
      const reason = await request.text();
      for (const ws of this.open()) ws.close(4001, reason.slice(0, 100));
      return Response.json({ ok: true });
    }
    return new Response('not found', { status: 404 });
  }

  async webSocketMessage(ws: CfWebSocket, message: string | ArrayBuffer): Promise<void> {
    const probe = ws.deserializeAttachment() as Attachment;
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message);
    await this.enqueue(async () => ProbeHubObject.reply(ws, await handleProbeFrame(this.appDeps(), probe.id, text)));
  }

  async webSocketClose(ws: CfWebSocket): Promise<void> {
    const probe = ws.deserializeAttachment() as Attachment;
    // replaced by a newer connection: the probe is still here
    if (this.open().some((other) => other !== ws)) return;
    await this.enqueue(() => probeDisconnected(this.appDeps(), probe.id));
  }

  async webSocketError(ws: CfWebSocket): Promise<void> {
    await this.webSocketClose(ws);
  }
}
