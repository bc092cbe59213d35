/**
 * How the Node host is started: `npm start` (package.json) and the benches that measure it run `worker/node/main.ts`
 * with these V8 flags; worker/node/launch.test.ts keeps package.json in step.
 *
 * `--max-semi-space-size=2` (MiB; V8's default here is 16): a young generation of 2 × 2 MiB instead of 2 × 16 MiB.
 * Bulk requests (a 50,000-row import) allocate fast, and with the default V8 grows the young generation to its
 * maximum and keeps it. With the flag the import bench's commit of 50,000 hosts peaks at 280 MB RSS (docs/BENCHMARKS.md,
 * Import; the target is 300 MB); without it the same step peaked at 310–323 MB, the commit ~5–13 % faster.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** The Node host's entry module, relative to the repository root. */
export const SERVER_MAIN = 'worker/node/main.ts';
