import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../schema/log.js';
import { FlowLog, flowLine } from './flow-log.js';
import type { FlowRecord } from './types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'eipam-flowlog-'));
  dirs.push(d);
  return d;
};

const flow = (i: number): FlowRecord => ({
  exporter: '198.18.0.254',
  family: 4,
  src: '198.18.1.10',
  dst: 'fd00::1',
  srcPort: i,
  dstPort: 443,
  protocol: 6,
  bytes: 1000 + i,
  packets: 2,
  startMs: Date.UTC(2026, 2, 1, 12, 0, 0),
  endMs: Date.UTC(2026, 2, 1, 12, 0, 1),
});

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('flowLine', () => {
  it('one JSON object a line, times in UTC', () => {
    const line = flowLine(flow(7));
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      start: '2026-03-01T12:00:00.000Z',
      end: '2026-03-01T12:00:01.000Z',
      exporter: '198.18.0.254',
      src: '198.18.1.10',
      srcPort: 7,
      dst: 'fd00::1',
      dstPort: 443,
      protocol: 6,
      bytes: 1007,
      packets: 2,
    });
    expect(JSON.parse(flowLine({ ...flow(1), startMs: Number.NaN })).start).toBeNull();
  });
});

describe('FlowLog', () => {
  it('appends to an existing file, creating its folder', async () => {
    const file = join(tempDir(), 'sub', 'flows.jsonl');
    let log = new FlowLog({ file, maxBytes: 1 << 20, files: 3 }, silentLogger);
    log.write([flow(1), flow(2)]);
    await log.close();
    log = new FlowLog({ file, maxBytes: 1 << 20, files: 3 }, silentLogger);
    log.write([flow(3)]);
    await log.close();
    expect(lines(file).map((l) => l.srcPort)).toEqual([1, 2, 3]);
  });

  it('rotates at maxBytes keeping `files` files: file, file.1, file.2; the newest flows in file', async () => {
    const dir = tempDir();
    const file = join(dir, 'flows.jsonl');
    const size = flowLine(flow(100)).length;
    const log = new FlowLog({ file, maxBytes: size * 10, files: 3 }, silentLogger);
    // 3-digit ports keep every line the same length: 10 lines a file
    for (let i = 100; i < 145; i++) log.write([flow(i)]);
    await log.close();
    expect(readdirSync(dir).sort()).toEqual(['flows.jsonl', 'flows.jsonl.1', 'flows.jsonl.2']);
    expect(lines(file).map((l) => l.srcPort)).toEqual([140, 141, 142, 143, 144]);
    expect(lines(`${file}.1`).map((l) => l.srcPort)).toEqual(Array.from({ length: 10 }, (_, i) => 130 + i));
    expect(lines(`${file}.2`).map((l) => l.srcPort)).toEqual(Array.from({ length: 10 }, (_, i) => 120 + i));
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(size * 10);
    expect(log.rotations).toBe(4);
    expect(log.written).toBe(45);
    expect(log.dropped).toBe(0);
  });

  it('a rotation right after a burst of writes loses none of them (they follow the renamed file)', async () => {
    const dir = tempDir();
    const file = join(dir, 'flows.jsonl');
    const log = new FlowLog({ file, maxBytes: 64 * 1024, files: 20 }, silentLogger);
    const batch = Array.from({ length: 100 }, (_, i) => flow(i));
    for (let i = 0; i < 20; i++) log.write(batch); // about 380 KiB written in one tick, 3 batches a file
    await log.close();
    const kept = readdirSync(dir).flatMap((f) => lines(join(dir, f)));
    expect(kept).toHaveLength(2000);
    expect(readdirSync(dir)).toHaveLength(7);
    expect(log.rotations).toBe(6);
  });

  it('files = 1: the file starts afresh', async () => {
    const dir = tempDir();
    const file = join(dir, 'flows.jsonl');
    const size = flowLine(flow(100)).length;
    const log = new FlowLog({ file, maxBytes: size * 4, files: 1 }, silentLogger);
    for (let i = 100; i < 110; i++) log.write([flow(i)]);
    await log.close();
    expect(readdirSync(dir)).toEqual(['flows.jsonl']);
    expect(lines(file).map((l) => l.srcPort)).toEqual([108, 109]);
  });

  it('drops and counts when the disk is behind, rather than buffering without bound', async () => {
    const file = join(tempDir(), 'flows.jsonl');
    const log = new FlowLog({ file, maxBytes: 1 << 30, files: 2, maxPendingBytes: 4096 }, silentLogger);
    const batch = Array.from({ length: 50 }, (_, i) => flow(i));
    for (let i = 0; i < 100; i++) log.write(batch); // all in one tick: nothing reaches the disk meanwhile
    await log.close();
    expect(log.dropped).toBeGreaterThan(0);
    expect(log.written + log.dropped).toBe(5000);
    expect(lines(file)).toHaveLength(log.written);
  });

  it('a file it cannot write is logged and its flows counted as dropped; the collector goes on', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blocker'), '');
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (m) => void warnings.push(m) };
    const flowLog = new FlowLog({ file: join(dir, 'blocker', 'flows.jsonl'), maxBytes: 1 << 20, files: 2 }, log);
    flowLog.write([flow(1)]);
    flowLog.write([flow(2), flow(3)]);
    await flowLog.close();
    expect(flowLog.dropped).toBe(3);
    expect(warnings).toEqual([expect.stringContaining('flow log: cannot write')]);
  });
});
