/**
 * `npm run bench [-- sweep|ingest ...]`: runs the benchmarks and rewrites their sections of
 * docs/BENCHMARKS.md (sections not run this time are kept as they were).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { benchAbuse } from './abuse.js';
import { benchAlerts } from './alerts.js';
import { benchAllocate } from './allocate.js';
import { benchBundle } from './bundle.js';
import { benchIngest } from './ingest.js';
import { benchIdentity } from './identity.js';
import { benchImport } from './import.js';
import { benchIpcalc } from './ipcalc.js';
import { benchMetrics } from './metrics.js';
import { benchNetflow } from './netflow.js';
import { benchOperations } from './operations.js';
import { benchPorts } from './ports.js';
import { benchProbes } from './probes.js';
import { benchSweeps } from './sweep.js';
import { benchTraffic } from './traffic.js';
import { benchUi } from './ui.js';

// benches run outside vitest (no DNS_SERVER pin from vitest.config.ts): the probes they start must not ask this machine's resolver about test addresses
process.env.DNS_SERVER ??= '127.0.0.1:9';
// nor listen for flows on 0.0.0.0:2055 (the netflow bench turns its own collectors on, bound to loopback)
process.env.NETFLOW_ENABLED ??= '0';

const BENCHES: Record<string, () => Promise<string>> = { sweep: benchSweeps, ingest: benchIngest, probes: benchProbes, bundle: benchBundle, ui: benchUi, abuse: benchAbuse, ports: benchPorts, alerts: benchAlerts, identity: benchIdentity, netflow: benchNetflow, ipcalc: benchIpcalc, operations: benchOperations, import: benchImport, allocate: benchAllocate, traffic: benchTraffic, metrics: benchMetrics };
const FILE = new URL('../docs/BENCHMARKS.md', import.meta.url);
const HEADER = `# Benchmarks

Produced by \`npm run bench\` (or \`npm run bench -- <name>\` for one section) on the development machine:
2 cores, 24 GiB, Linux, Node 20. Every figure below was printed by that run; each section says how it was measured.

The Node host runs with \`--max-semi-space-size=2\` since commit 51aa63f (2026-12-02; \`worker/node/launch.ts\`). A
section that names an older commit measured the server with V8's default young generation.
`;

function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(/^(?=## )/m).filter((p) => p.startsWith('## '))) out.set(part.split('\n')[0]!, part.trimEnd());
  return out;
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(BENCHES);
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const kept = sections(existsSync(FILE) ? readFileSync(FILE, 'utf8') : '');
for (const name of names) {
  console.error(`running ${name} …`);
  const md = (await BENCHES[name]!()).trimEnd();
  console.log(`${md}\n`);
  kept.set(md.split('\n')[0]!, md);
}
writeFileSync(FILE, `${HEADER}\n${[...kept.values()].join('\n\n')}\n`);
console.error(`wrote ${FILE.pathname}`);
