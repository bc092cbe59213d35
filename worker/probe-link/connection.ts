import type { ServerMessage } from '../../schema/protocol.js';
import type { AppDeps } from '../deps.js';
import { isSilent } from './heartbeat.js';
import { handleProbeFrame, probeConnected, probeDisconnected } from './session.js';

/** What the core needs of a host's socket (a `ws` WebSocket on Node, a hibernatable one in a Durable Object). */
export interface ProbeSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  isOpen(): boolean;
}

export interface ProbeIdentity {
  id: number;
  name: string;
}

export interface ProbeLinkOptions {
  /** Awaited before each frame's work, e.g. a turn of the event loop so queued frames do not run back to back in one. */
  betweenFrames?: () => Promise<void>;
}

export const CLOSE_REPLACED = 4000;
export const CLOSE_DISCONNECTED = 4001;
const MAX_CLOSE_REASON_BYTES = 123;

interface Link<S> {
  socket: S;
  lastHeard: number;
}

/**
 * The probe connections of one host, the same on both: one current socket per probe (a newer one replaces
 * the older, closing it with 4000), the frames of a probe handled strictly in order (ingest relies on it),
 * and the probe marked offline only when its current socket closes. Hosts only move frames and closes in.
 */
export class ProbeLinks<S extends ProbeSocket = ProbeSocket> {
  private readonly links = new Map<number, Link<S>>();
  /** The tail of each probe's queue; a replacing connection continues its predecessor's. */
  private readonly queues = new Map<number, Promise<void>>();
  /** Every queued piece of work not yet settled, replaced or closed connections' included: drain() waits for them. */
  private readonly pending = new Set<Promise<void>>();
  private closing = false;

  /** `deps` is read on first use: on Node the hub and the app are wired after both exist. */
  constructor(
    private readonly deps: () => AppDeps,
    private readonly options: ProbeLinkOptions = {},
  ) {}

  /** An authenticated socket: it becomes the probe's current one; the probe gets its welcome and assignment on it. */
  opened(probe: ProbeIdentity, socket: S): Promise<void> {
    const previous = this.links.get(probe.id);
    this.links.set(probe.id, { socket, lastHeard: this.now() });
    if (previous && previous.socket !== socket) previous.socket.close(CLOSE_REPLACED, 'replaced by a newer connection');
    return this.enqueue(probe.id, async () => reply(socket, await probeConnected(this.deps(), probe)));
  }

  /** Takes `socket` as the probe's current one if none is known (a Durable Object that woke from hibernation has forgotten it). */
  adopt(probeId: number, socket: S): void {
    if (!this.links.has(probeId)) this.links.set(probeId, { socket, lastHeard: this.now() });
  }

  /** A frame from one of the probe's sockets; the answers go back on that socket. */
  message(probeId: number, socket: S, raw: string): Promise<void> {
    const link = this.links.get(probeId);
    if (link?.socket === socket) link.lastHeard = this.now();
    return this.enqueue(probeId, async () => reply(socket, await handleProbeFrame(this.deps(), probeId, raw)));
  }

  /** A socket closed (or failed). Only the current one marks the probe offline: a replaced one's probe is still here. */
  closed(probeId: number, socket: S): Promise<void> {
    if (this.closing || this.links.get(probeId)?.socket !== socket) return Promise.resolve();
    this.links.delete(probeId);
    return this.enqueue(probeId, () => probeDisconnected(this.deps(), probeId));
  }

  /** The probe's current socket while it is open. */
  current(probeId: number): S | undefined {
    const socket = this.links.get(probeId)?.socket;
    return socket?.isOpen() ? socket : undefined;
  }

  /** Delivers a message if the probe is connected; false when it is not. */
  send(probeId: number, message: ServerMessage): boolean {
    const socket = this.current(probeId);
    socket?.send(JSON.stringify(message));
    return !!socket;
  }

  isConnected(probeId: number): boolean {
    return !!this.current(probeId);
  }

  /** Closes the probe's connection with 4001 (a revoke); its close then marks it offline. */
  disconnect(probeId: number, reason: string): void {
    this.links.get(probeId)?.socket.close(CLOSE_DISCONNECTED, closeReason(reason));
  }

  /** The current sockets of probes not heard from for more than three heartbeat periods. */
  silent(): S[] {
    const deps = this.deps();
    const now = this.now();
    return [...this.links.values()].filter((l) => isSilent(l.lastHeard, now, deps.config.heartbeatSeconds)).map((l) => l.socket);
  }

  /**
   * Shutdown: `drop` each current socket, mark no probe offline from here on (the next start marks every
   * probe offline anyway), and wait for every queue, including a socket's that closed just before, whose
   * probeDisconnected() may still be writing; no database work after this resolves.
   */
  async drain(drop: (socket: S) => void): Promise<void> {
    this.closing = true;
    for (const link of this.links.values()) drop(link.socket);
    this.links.clear();
    await Promise.allSettled([...this.pending]);
  }

  private now(): number {
    return this.deps().clock.now();
  }

  private enqueue(probeId: number, work: () => Promise<void>): Promise<void> {
    const between = this.options.betweenFrames;
    const prior = this.queues.get(probeId) ?? Promise.resolve();
    const next = (between ? prior.then(between) : prior)
      .then(work)
      .catch((e: unknown) => this.deps().log.error('probe frame failed', { probeId, error: String(e) }));
    this.queues.set(probeId, next);
    this.pending.add(next);
    void next.finally(() => {
      this.pending.delete(next);
      if (this.queues.get(probeId) === next) this.queues.delete(probeId);
    });
    return next;
  }
}

function reply(socket: ProbeSocket, messages: ServerMessage[]): void {
  for (const m of messages) if (socket.isOpen()) socket.send(JSON.stringify(m));
}

/** A WebSocket close reason is at most 123 bytes of UTF-8 (`ws` throws on a longer one). */
export function closeReason(reason: string): string {
  const encoder = new TextEncoder();
  const chars = [...reason]; // whole code points, so a cut never splits one
  while (encoder.encode(chars.join('')).length > MAX_CLOSE_REASON_BYTES) chars.pop();
  return chars.join('');
}
