import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from './executable.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eipam-exe-'));
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  mkdirSync(join(dir, 'b', 'tool-dir'));
  writeFileSync(join(dir, 'a', 'tool'), '#!/bin/sh\n');
  writeFileSync(join(dir, 'b', 'tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'b', 'tool'), 0o755);
  writeFileSync(join(dir, 'b', 'plain'), 'not a program\n');
  chmodSync(join(dir, 'b', 'plain'), 0o644);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findExecutable', () => {
  const path = () => [join(dir, 'a'), '', 'relative', join(dir, 'b')].join(delimiter);
  it.each<[string, (d: string) => string, (d: string) => string | null]>([
    ['a name in PATH: the first executable one (a/tool is not executable)', () => 'tool', (d) => join(d, 'b', 'tool')],
    ['a name that is nowhere', () => 'no-such-tool', () => null],
    ['a file that is not executable', () => 'plain', () => null],
    ['a directory is not a program', () => 'tool-dir', () => null],
    ['a path, executable', (d) => join(d, 'b', 'tool'), (d) => join(d, 'b', 'tool')],
    ['a path, not executable', (d) => join(d, 'a', 'tool'), () => null],
    ['a path that does not exist', (d) => join(d, 'missing'), () => null],
    ['empty', () => '', () => null],
  ])('%s', (_name, bin, expected) => expect(findExecutable(bin(dir), path())).toBe(expected(dir)));

  it('finds sh in the real PATH', () => expect(findExecutable('sh')).toMatch(/\/sh$/));
});
