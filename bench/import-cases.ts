/**
 * The import bench's measured steps (issue 15): each is one request of the browser's import page (or the export link)
 * against the running server, returning its status, what it answered and its time; the warm-up before it runs the
 * same route on rows the step does not use.
 */
import type { Api } from './abuse-http.js';
import { readSheet } from 'read-excel-file/universal';
import { BAD_ROWS, ROWS, type Cell } from './import-data.js';

export interface StepOutcome {
  outcome: string;
  /** Client-side: from just before the request to its whole answer read. */
  ms: number;
  /** What the step needs checked after the measuring (e.g. the exported workbook read back). */
  after?: () => Promise<string>;
}

export interface Step {
  name: string;
  warm: 'import' | 'export';
  /** What holds the server's loop and memory in this step, from a CPU profile and a GC trace of it (printed when it misses the target). */
  why?: string;
  run(api: Api): Promise<StepOutcome>;
}

export const n = (x: number) => x.toLocaleString('en-US');

async function post(api: Api, path: string, body: string): Promise<{ status: number; json: any; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(api.url + path, { method: 'POST', headers: { cookie: api.cookie, origin: api.url, 'content-type': 'application/json' }, body });
  const text = await res.text();
  const ms = performance.now() - t0;
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text: text.slice(0, 200) };
  }
  return { status: res.status, json, ms };
}

/** The request body the import page sends, made once (outside the measuring). */
export const importBody = (rows: Cell[][]) => JSON.stringify({ format: 'auto', rows });

function previewOutcome(status: number, p: any): string {
  if (status !== 200) return `**${status}** ${JSON.stringify(p).slice(0, 160)}`;
  const lines = (p.errors ?? []).map((e: any) => e.line).join(', ');
  return `200: format ${p.format}, ${n(p.total)} rows: create ${n(p.create)}, update ${n(p.update)}, ${n(p.errorCount)} bad${p.errorCount ? ` (lines ${lines})` : ''}`;
}

// from `--cpu-prof` and `--trace-gc` runs of the server for these steps (bench/abuse-monitor.ts startServerProcess's nodeArgs), 2026-12-02
const WHY_READ =
  'the request body (5.4 MB of JSON) is parsed in one go, the largest single block (JSON.parse alone: 60-140 ms on this machine; checking it against ImportRequestSchema after it takes ~3 ms); then every row is turned into a record 250 rows a turn (spreadsheet.record → fields.hostRecord, a zod safeParse per row: the largest share of the CPU) and planned (plan.ts addHost), with major GCs of the growing heap between turns';
const WHY_WRITE =
  `what a preview does (the body parsed in one go, then the rows checked and planned 250 a turn, each form of the rows let go of as the next is made), then the statements' JSON is built (import-write.ts, host-writes.ts rowFieldsJson, json-rows.ts) and posted to the database thread in one message (a copy of that JSON), where libSQL runs the batch while the main thread's garbage waits for its next collection`;

export function preview(name: string, body: string): Step {
  return {
    name,
    warm: 'import',
    why: WHY_READ,
    async run(api) {
      const r = await post(api, '/api/import/preview', body);
      return { outcome: previewOutcome(r.status, r.json), ms: r.ms };
    },
  };
}

export function commit(name: string, body: string, write = true): Step {
  return {
    name,
    warm: 'import',
    why: write ? WHY_WRITE : WHY_READ,
    async run(api) {
      const r = await post(api, '/api/import/commit', body);
      const j = r.json;
      const outcome =
        r.status === 200
          ? `200: created ${n(j.created)}, updated ${n(j.updated)}`
          : `${r.status} ${j?.error?.code ?? ''}${j?.error?.details?.rows ? `: ${j.error.details.rows.length} rows listed (lines ${j.error.details.rows.map((x: any) => x.line).join(', ')})` : ` ${JSON.stringify(j).slice(0, 160)}`}`;
      return { outcome, ms: r.ms };
    },
  };
}

export const exportXlsx: Step = {
  name: 'export: GET /api/export/hosts.xlsx',
  warm: 'export',
  why: 'the hosts are read a page at a time and written as SpreadsheetML 250 rows a slice, zipped by fflate as they are made (services/xlsx-export.ts)',
  async run(api) {
    const t0 = performance.now();
    const res = await fetch(`${api.url}/api/export/hosts.xlsx`, { headers: { cookie: api.cookie } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - t0;
    return {
      outcome: `${res.status}: ${(body.byteLength / 1e6).toFixed(1)} MB (${res.headers.get('content-encoding') ?? 'identity'})`,
      ms,
      async after() {
        const sheet = await readSheet(new Blob([body]));
        return `read back with readSheet: ${n(sheet.length - 1)} host rows and a header of ${sheet[0]?.length ?? 0} columns`;
      },
    };
  },
};

/** The steps in order: both previews and the refused commit write nothing; the two commits create then update. */
export function steps(good: string, bad: string): Step[] {
  return [
    preview(`preview: ${n(ROWS)} new rows`, good),
    preview(`preview: the same with ${BAD_ROWS.length} bad rows`, bad),
    commit(`commit: the ${BAD_ROWS.length} bad rows refused`, bad, false),
    commit(`commit: ${n(ROWS)} new hosts`, good),
    commit(`commit again: ${n(ROWS)} updates`, good),
    exportXlsx,
  ];
}
