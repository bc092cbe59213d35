/**
 * The operations bench's instruments: simulated probes that answer op-ping jobs at once over real WebSockets (the
 * frames the real agent sends, probe/agent.ts: job_status started, each snapshot its own results batch, the final
 * one, job_status done; no waiting for acks in between), and a subscriber of /api/live that notes when each event
 * arrived. No packet is sent anywhere: the results are made up.
 */
import { SseParser } from '../worker/live/sse.js';
import { RawProbe } from '../tests/support/server.js';

const OP_KINDS = ['sweep', 'op-ping', 'op-mtr', 'op-traceroute'];

/** A ping result as probe/operations/ping-parse.ts builds it, every request so far answered (`rtts`). */
export function pingResult(rtts: number[]) {
  const sum = rtts.reduce((a, b) => a + b, 0);
  const avg = rtts.length ? sum / rtts.length : null;
  const mdev = avg === null ? null : Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / rtts.length);
  return {
    tool: 'ping' as const,
    sent: rtts.length,
    received: rtts.length,
    loss: 0,
    minMs: rtts.length ? Math.min(...rtts) : null,
    avgMs: avg,
    maxMs: rtts.length ? Math.max(...rtts) : null,
    mdevMs: mdev,
    replies: rtts.map((rttMs, i) => ({ seq: i + 1, rttMs, ttl: 63 })),
  };
}

export interface SimProbe {
  id: number;
  raw: RawProbe;
}

/**
 * Probes that answer every op-ping job at once: `snapshots` partial results, then the final one. `onJob` hears
 * each job as it arrives (performance.now()); `rejected` counts result items the server refused.
 */
export class SimFleet {
  snapshots = 0;
  rejected = 0;
  private sent = 0;
  private acked = 0;
  private batch = 0;

  constructor(
    readonly probes: SimProbe[],
    private readonly target: string,
    public onJob: (at: number) => void,
  ) {
    for (const p of probes) p.raw.ws.on('message', (d) => this.handle(p, JSON.parse(d.toString())));
  }

  /** Connects as each probe (enrolled: id and token) and says hello as a 0.6 probe with the operation tools. */
  static async connect(url: string, enrolled: { id: number; token: string }[], target: string, onJob: (at: number) => void): Promise<SimFleet> {
    const probes: SimProbe[] = [];
    for (const e of enrolled) {
      const raw = await RawProbe.connect(url, e.token);
      await raw.next('welcome', 15_000);
      await raw.next('assignment', 15_000);
      raw.send({ type: 'hello', version: '0.6.0', protocol: 1, hostname: `sim-${e.id}`, kinds: OP_KINDS });
      probes.push({ id: e.id, raw });
    }
    const fleet = new SimFleet(probes, target, onJob);
    await fleet.settle();
    return fleet;
  }

  private handle(p: SimProbe, m: { type: string; kind?: string; jobId?: string; count?: number; rejectedResults?: unknown[] }) {
    if (m.type === 'ack') {
      this.acked++;
      this.rejected += m.rejectedResults?.length ?? 0;
      return;
    }
    if (m.type !== 'job' || m.kind !== 'op-ping') return;
    this.onJob(performance.now());
    const jobId = m.jobId!;
    const count = m.count!;
    // a LAN-like round trip per reply, different per probe and request
    const rtts = Array.from({ length: count }, (_, i) => Math.round((0.25 + ((p.id * 7 + i * 13) % 40) / 40) * 1000) / 1000);
    p.raw.send({ type: 'job_status', jobId, kind: 'op-ping', state: 'started' });
    let seq = 0;
    const item = (final: boolean, replies: number) => ({ kind: 'operation', jobId, at: Date.now(), seq: seq++, final, address: this.target, result: pingResult(rtts.slice(0, replies)) });
    for (let s = 1; s <= this.snapshots; s++) this.results(p, item(false, Math.max(1, Math.round((s * count) / (this.snapshots + 1)))));
    this.results(p, item(true, count));
    p.raw.send({ type: 'job_status', jobId, kind: 'op-ping', state: 'done' });
  }

  private results(p: SimProbe, item: unknown) {
    this.sent++;
    p.raw.send({ type: 'results', batchId: `op-${p.id}-${++this.batch}`, results: [item] });
  }

  /** Every frame sent so far handled by the server: each probe's ping answered and every results batch acked. */
  async settle(): Promise<void> {
    await Promise.all(
      this.probes.map(async (p) => {
        p.raw.send({ type: 'ping' });
        await p.raw.next('pong', 60_000);
      }),
    );
    const deadline = Date.now() + 60_000;
    while (this.acked < this.sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.acked < this.sent) throw new Error(`${this.sent - this.acked} results batches never acked`);
    // RawProbe keeps what it received for next(): drop it, the handler above has seen it
    for (const p of this.probes) p.raw.received.length = 0;
  }

  close() {
    for (const p of this.probes) p.raw.close();
  }
}

export interface TimedEvent {
  at: number;
  event: string;
  data: any;
}

/** GET /api/live over real HTTP, every event kept with its arrival time (performance.now()). */
export class TimedLive {
  readonly events: TimedEvent[] = [];
  private constructor(
    private readonly res: Response,
    private readonly abort: AbortController,
  ) {
    void this.pump();
  }

  static async open(url: string, cookie: string): Promise<TimedLive> {
    const abort = new AbortController();
    const live = new TimedLive(await fetch(`${url}/api/live`, { headers: { cookie }, signal: abort.signal }), abort);
    if (live.res.status !== 200) throw new Error(`GET /api/live answered ${live.res.status}`);
    return live;
  }

  private async pump() {
    const reader = this.res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const at = performance.now();
        for (const f of parser.push(value)) this.events.push({ at, event: f.event, data: JSON.parse(f.data) });
      }
    } catch {
      /* closed */
    }
  }

  close() {
    this.abort.abort();
  }
}
