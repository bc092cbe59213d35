/** The Worker bundle as `wrangler deploy --dry-run` builds it, and its gzip size. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export async function benchBundle(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'eipam-bundle-'));
  try {
    const res = spawnSync(join(process.cwd(), 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${res.stderr}${res.stdout}`);
    const files = readdirSync(out).filter((f) => f.endsWith('.js'));
    const raw = files.reduce((n, f) => n + statSync(join(out, f)).size, 0);
    const gz = files.reduce((n, f) => n + gzipSync(readFileSync(join(out, f)), { level: 9 }).length, 0);
    const reported = /Total Upload: ([^\n]+)/.exec(res.stdout)?.[1] ?? 'n/a';
    return [
      '## Worker bundle',
      '',
      'Command: `npm run bench -- bundle` (runs `wrangler deploy --dry-run --outdir <tmp>`).',
      '',
      '| what | size |',
      '| --- | --- |',
      `| bundled script (${files.join(', ')}) | ${(raw / 1024).toFixed(1)} KiB |`,
      `| gzip (level 9) | **${(gz / 1024).toFixed(1)} KiB** |`,
      `| wrangler's "Total Upload" | ${reported} |`,
      '',
      'Workers allow 3 MiB (free) / 10 MiB (paid) after compression; static assets (web/) are uploaded separately.',
    ].join('\n');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchBundle());
