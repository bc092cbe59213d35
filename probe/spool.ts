import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_MAX_AGE_MS, type ResultItem, type SweepResult } from '../schema/protocol.js';

export interface SpooledBatch {
  batchId: string;
  results: ResultItem[];
}

/** A batch whose newest result is older than SPOOL_MAX_AGE_MS: the server would refuse it, so it is not kept. */
export function isExpired(batch: SpooledBatch, now: number): boolean {
  return Math.max(...batch.results.map((s) => s.at)) < now - SPOOL_MAX_AGE_MS;
}

/** A batch as read from disk: probes before 0.3 spooled `sweeps` without a kind. */
function fromDisk(raw: { batchId: string; results?: ResultItem[]; sweeps?: SweepResult[] }): SpooledBatch {
  return { batchId: raw.batchId, results: raw.results ?? (raw.sweeps ?? []).map((s) => ({ kind: 'sweep' as const, ...s })) };
}

function writeAtomic(path: string, text: string) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/**
 * Result batches on disk until the server acknowledges them, so neither a dropped link nor a probe
 * restart loses a sweep. Batch ids are "<epoch>-<seq>": the epoch is random per spool folder, so a
 * probe whose folder was wiped never reuses an id the server has already applied.
 */
export class Spool {
  private readonly dir: string;
  private readonly epoch: string;
  private seq: number;

  constructor(stateDir: string, private readonly maxBatches = 100_000) {
    this.dir = join(stateDir, 'spool');
    mkdirSync(this.dir, { recursive: true });
    const epochFile = join(stateDir, 'epoch');
    if (!existsSync(epochFile)) writeAtomic(epochFile, randomBytes(6).toString('hex'));
    this.epoch = readFileSync(epochFile, 'utf8').trim();
    const seqs = this.files().map((f) => Number(f.split('.')[0]));
    const seqFile = join(stateDir, 'seq');
    const stored = existsSync(seqFile) ? Number(readFileSync(seqFile, 'utf8')) : 0;
    this.seq = Math.max(stored, ...seqs, 0);
  }

  private files(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d+\.json$/.test(f))
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  }

  add(results: ResultItem[]): SpooledBatch {
    this.seq += 1;
    const batch = { batchId: `${this.epoch}-${this.seq}`, results };
    writeAtomic(join(this.dir, `${this.seq}.json`), JSON.stringify(batch));
    writeAtomic(join(this.dir, '..', 'seq'), String(this.seq));
    const files = this.files();
    // Bounded: after a very long outage the oldest results go first.
    for (const f of files.slice(0, Math.max(0, files.length - this.maxBatches))) rmSync(join(this.dir, f), { force: true });
    return batch;
  }

  /** Batches to (re)send, oldest first; those past SPOOL_MAX_AGE_MS at `now` are deleted instead. */
  pending(now = Date.now()): SpooledBatch[] {
    return this.files().flatMap((f) => {
      let batch: SpooledBatch;
      try {
        batch = fromDisk(JSON.parse(readFileSync(join(this.dir, f), 'utf8')));
        if (!batch.results.length) throw new Error('empty batch');
      } catch {
        rmSync(join(this.dir, f), { force: true }); // a torn write from a crash: nothing to resend
        return [];
      }
      if (!isExpired(batch, now)) return [batch];
      rmSync(join(this.dir, f), { force: true });
      return [];
    });
  }

  ack(batchId: string) {
    const [epoch, seq] = batchId.split('-');
    if (epoch === this.epoch && seq) rmSync(join(this.dir, `${Number(seq)}.json`), { force: true });
  }

  get size(): number {
    return this.files().length;
  }
}
