/**
 * The raw flow log (NETFLOW_LOG_FILE): every decoded flow as one JSON line, appended through a stream. When the
 * disk falls behind, lines are dropped and counted rather than buffered without bound. Rotated by size: `file`
 * becomes `file.1`, `file.1` becomes `file.2`, … keeping `files` files in all.
 */
import { createWriteStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../schema/log.js';
import type { FlowRecord } from './types.js';

export interface FlowLogOptions {
  file: string;
  /** A file reaching this size is rotated. */
  maxBytes: number;
  /** Files kept, the current one included (1: the current file only, started afresh). */
  files: number;
  /** Bytes waiting for the disk beyond which flows are dropped. Default 8 MiB. */
  maxPendingBytes?: number;
}

/** After a write error, how long before the log tries to open its file again. */
const RETRY_MS = 10_000;

const iso = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? `"${new Date(ms).toISOString()}"` : 'null');

/** One flow as a line (addresses are canonical text: nothing to escape). */
export function flowLine(f: FlowRecord): string {
  return `{"start":${iso(f.startMs)},"end":${iso(f.endMs)},"exporter":"${f.exporter}","src":"${f.src}","srcPort":${f.srcPort},"dst":"${f.dst}","dstPort":${f.dstPort},"protocol":${f.protocol},"bytes":${f.bytes},"packets":${f.packets}}\n`;
}

export class FlowLog {
  private stream: WriteStream | null = null;
  private size = 0;
  private readonly closing = new Set<Promise<void>>();
  private failedAt = -Infinity;
  private readonly maxPending: number;
  /** Flows not written: the disk was behind, or the file could not be written. */
  dropped = 0;
  written = 0;
  rotations = 0;

  constructor(
    private readonly opts: FlowLogOptions,
    private readonly log: Logger,
  ) {
    this.maxPending = opts.maxPendingBytes ?? 8 * 1024 * 1024;
  }

  /** The flows of one datagram, as one write. */
  write(flows: readonly FlowRecord[]) {
    if (!flows.length) return;
    const stream = this.stream ?? this.open();
    if (!stream || stream.writableLength > this.maxPending) {
      this.dropped += flows.length;
      return;
    }
    let chunk = '';
    for (const f of flows) chunk += flowLine(f);
    if (this.size > 0 && this.size + chunk.length > this.opts.maxBytes) return this.rotate(chunk, flows.length);
    this.size += chunk.length;
    this.written += flows.length;
    stream.write(chunk);
  }

  /** Ends the current file and waits for every write to reach it. */
  async close() {
    if (this.stream) this.end(this.stream);
    this.stream = null;
    await Promise.all([...this.closing]);
  }

  private rotate(chunk: string, count: number) {
    if (this.stream) this.end(this.stream);
    this.stream = null;
    const { file, files } = this.opts;
    try {
      // the old stream's fd follows its file through the rename, so its last writes land in file.1
      if (files <= 1) rmSync(file, { force: true });
      for (let i = files - 1; i >= 1; i--) {
        const from = i === 1 ? file : `${file}.${i - 1}`;
        if (existsSync(from)) renameSync(from, `${file}.${i}`);
      }
      this.rotations++;
    } catch (e) {
      this.fail(e as Error);
    }
    const stream = this.open();
    if (!stream) {
      this.dropped += count;
      return;
    }
    this.size += chunk.length;
    this.written += count;
    stream.write(chunk);
  }

  private open(): WriteStream | null {
    if (Date.now() - this.failedAt < RETRY_MS) return null;
    const { file } = this.opts;
    try {
      mkdirSync(dirname(file), { recursive: true });
      // opened now, not on the next tick: a rotation right after must not find the file unopened
      const fd = openSync(file, 'a');
      this.size = statSync(file).size;
      const stream = createWriteStream(file, { fd, flags: 'a' });
      stream.on('error', (e) => {
        if (this.stream === stream) this.stream = null;
        this.fail(e);
      });
      this.stream = stream;
      return stream;
    } catch (e) {
      this.fail(e as Error);
      return null;
    }
  }

  private end(stream: WriteStream) {
    const done = new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
    });
    this.closing.add(done);
    void done.then(() => this.closing.delete(done));
    stream.end();
  }

  private fail(e: Error) {
    this.failedAt = Date.now();
    this.log.warn('flow log: cannot write; flows are not logged for a while', { file: this.opts.file, error: e.message });
  }
}
