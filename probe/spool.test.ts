import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultSubnet, SPOOL_MAX_AGE_MS } from '../schema/protocol.js';
import { isExpired, Spool } from './spool.js';

const sweep = (subnetId: number, at = Date.now()) => ({ kind: 'sweep' as const, subnetId, at, durationMs: 1, complete: true, up: [], down: [] });
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'eipam-spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('Spool', () => {
  it('keeps batches until acknowledged, across restarts, in order', () => {
    const dir = tmp();
    const a = new Spool(dir);
    const b1 = a.add([sweep(1)]);
    const b2 = a.add([sweep(2)]);
    const again = new Spool(dir);
    expect(again.pending().map((b) => b.batchId)).toEqual([b1.batchId, b2.batchId]);
    again.ack(b1.batchId);
    expect(new Spool(dir).pending().map((b) => resultSubnet(b.results[0]!))).toEqual([2]);
  });

  it('never reuses a batch id, even after every batch was acknowledged', () => {
    const dir = tmp();
    const a = new Spool(dir);
    const first = a.add([sweep(1)]);
    a.ack(first.batchId);
    expect(new Spool(dir).add([sweep(1)]).batchId).not.toBe(first.batchId);
  });

  it('a wiped folder gets a new epoch', () => {
    expect(new Spool(tmp()).add([sweep(1)]).batchId.split('-')[0]).not.toBe(new Spool(tmp()).add([sweep(1)]).batchId.split('-')[0]);
  });

  it('drops a torn file and bounds its size', () => {
    const dir = tmp();
    const s = new Spool(dir, 2);
    s.add([sweep(1)]);
    s.add([sweep(2)]);
    s.add([sweep(3)]);
    writeFileSync(join(dir, 'spool', '99.json'), '{"batchId":');
    expect(s.pending().map((b) => resultSubnet(b.results[0]!))).toEqual([2, 3]);
    expect(s.size).toBe(2);
  });

  it('deletes batches older than the server accepts instead of re-sending them', () => {
    const dir = tmp();
    const now = Date.UTC(2026, 10, 26);
    const s = new Spool(dir);
    s.add([sweep(1, now - SPOOL_MAX_AGE_MS - 1)]);
    const fresh = s.add([sweep(2, now - SPOOL_MAX_AGE_MS - 1), sweep(3, now - 1000)]);
    expect(s.pending(now).map((b) => b.batchId)).toEqual([fresh.batchId]);
    expect(s.size).toBe(1);
  });
});

describe('a spool written by a probe before 0.3', () => {
  it('sends its sweeps as results of kind sweep', () => {
    const dir = tmp();
    const s = new Spool(dir);
    const { kind: _kind, ...legacy } = sweep(4);
    writeFileSync(join(dir, 'spool', '7.json'), JSON.stringify({ batchId: 'old-7', sweeps: [legacy] }));
    expect(s.pending()).toEqual([{ batchId: 'old-7', results: [{ kind: 'sweep', ...legacy }] }]);
  });
});

describe('isExpired', () => {
  const now = Date.UTC(2026, 10, 26);
  it.each<[string, number[], boolean]>([
    ['just now', [now], false],
    ['exactly the maximum age', [now - SPOOL_MAX_AGE_MS], false],
    ['older than the maximum age', [now - SPOOL_MAX_AGE_MS - 1], true],
    ['one fresh sweep keeps the batch', [now - SPOOL_MAX_AGE_MS - 1, now - 5], false],
  ])('%s', (_name, ats, expected) => {
    expect(isExpired({ batchId: 'e-1', results: ats.map((at) => sweep(1, at)) }, now)).toBe(expected);
  });
});
