// @ts-check
/**
 * The Import page's pure helpers (issue 15): the request to /api/import/preview and /commit, the mapping a select
 * changes, the counts, the commit's refusals and result as text. Plain values in, plain values out.
 */

/** The format select's first choice: the server tells the format from the header row. */
export const AUTO_FORMAT = { id: 'auto', label: 'Detect from the headers' };

/**
 * `auto` and the server's formats (GET /api/import/formats, worker/import/formats.ts), in the select's order; `auto`
 * alone until they have come.
 * @param {{ id: string, label: string }[] | null | undefined} formats
 */
export function formatChoices(formats) {
  return [AUTO_FORMAT, ...(formats ?? [])];
}

/** What the server takes at once: the body limit of /api/import/* and the rows of one sheet (a header and 50,000). */
export const MAX_BYTES = 8 * 1024 * 1024;
export const MAX_ROWS = 50_001;

/** @param {{ id: string, label: string }[] | null | undefined} formats @param {string} id */
export function formatLabel(formats, id) {
  return formatChoices(formats).find((f) => f.id === id)?.label ?? id;
}

/**
 * The body of a preview or commit. `source`: { rows } or { csv } from lib/workbook.js; `mapping` only once the admin
 * changed a column (with the header row it applies to); the watch list only when chosen.
 * @param {{ source: { rows?: unknown[][], csv?: string }, format: string, mapping?: Record<string, string | null> | null,
 *   headerRow?: number | null, outside: 'refuse' | 'watch', watch: { name: string, probeId: string } }} form
 */
export function importRequest({ source, format, mapping, headerRow, outside, watch }) {
  /** @type {Record<string, unknown>} */
  const body = { format, ...(source.rows ? { rows: source.rows } : { csv: source.csv ?? '' }) };
  if (mapping) {
    body.mapping = mapping;
    if (headerRow != null) body.headerRow = headerRow;
  }
  body.outside = outside;
  if (outside === 'watch') body.watch = { name: watch.name.trim(), probeId: watch.probeId === '' ? null : Number(watch.probeId) };
  return body;
}

/**
 * The whole mapping after one column's select changed: every column keeps its field, `index` takes `field` (null:
 * not imported), and a column that had that field gives it up (a field comes from one column).
 * @param {{ index: number, field: string | null }[]} columns the preview's columns
 */
export function remap(columns, index, field) {
  /** @type {Record<string, string | null>} */
  const mapping = {};
  for (const c of columns) mapping[String(c.index)] = c.index === index ? field : field != null && c.field === field ? null : c.field;
  return mapping;
}

/** Whether a new file's columns have the headers the last one had (so the column choices made for it still apply). */
export function sameHeaders(headers, columns) {
  return headers.length === columns.length && columns.every((c, i) => c.header === headers[i]);
}

/** Why the watch list cannot be sent yet ('' when it can). */
export function watchProblem(outside, watch) {
  if (outside !== 'watch') return '';
  const name = watch.name.trim();
  if (!name) return 'Name the watch list: its subnets are grouped under this name.';
  if (name.length > 200) return 'The watch list name is at most 200 characters.';
  return '';
}

/** A watch list's first name: the file's, without its extension. */
export function watchName(fileName) {
  return String(fileName ?? '').replace(/\.(xlsx|csv)$/i, '').trim().slice(0, 200);
}

const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** The preview's counts as [key, text] pairs; the zero ones left out (but never all). */
export function countsOf(p) {
  const what = p.target === 'subnets' ? 'subnet' : 'host';
  const parts = [
    ['create', `${plural(p.create, what)} to create`],
    ['update', `${plural(p.update, what)} to update`],
    ['createSubnets', `${plural(p.createSubnets, 'new subnet')}`],
    ['watch', `${plural(p.watch, 'address', 'addresses')} on the watch list`],
  ];
  // a subnets file's new subnets are its creates
  const shown = parts.filter(([key]) => p[key] > 0 && !(key === 'createSubnets' && p.target === 'subnets'));
  return shown.length ? shown : [['none', `nothing to ${p.errorCount > 0 ? 'import until the bad rows are fixed' : 'import'}`]];
}

/** The bad rows' heading: how many, and how many are listed (the server lists the first 500). */
export function errorsHeading(p) {
  const total = p.errorCount ?? p.errors.length;
  const listed = p.errors.length < total ? ` (the first ${p.errors.length.toLocaleString('en')} listed)` : '';
  return `${plural(total, 'bad row')}${listed}`;
}

/** Whether the preview may be committed, and if not why (the import writes every row or none). */
export function commitBlock(p) {
  const bad = p.errorCount ?? p.errors.length;
  if (bad > 0) return `Fix the ${plural(bad, 'bad row')} first, in the file or the mapping: an import writes every row or none.`;
  if (p.create + p.update + p.createSubnets + p.watch === 0) return 'Nothing to import.';
  return '';
}

/**
 * A failed commit as the page shows it: the rows the server refused (422 import_invalid), someone else's write
 * meanwhile (409), or the message. Nothing was written in any of them.
 */
export function failureOf(err) {
  const e = /** @type {any} */ (err);
  if (e?.status === 422 && Array.isArray(e.details?.rows)) return { kind: 'rows', message: e.message, rows: e.details.rows };
  if (e?.status === 409) return { kind: 'conflict', message: e.message, rows: [] };
  return { kind: 'other', message: e?.message ?? String(err), rows: [] };
}

/** The commit's answer as one sentence; `target` is the preview's (hosts or subnets). */
export function resultText(r, target = 'hosts') {
  const what = target === 'subnets' ? 'subnet' : 'host';
  const parts = [];
  if (r.created) parts.push(`${plural(r.created, what)} created`);
  if (r.updated) parts.push(`${plural(r.updated, what)} updated`);
  if (r.watch) parts.push(`${plural(r.watch, 'address', 'addresses')} on the watch list`);
  // a subnets file's new subnets are its creates
  if (r.createdSubnets && target !== 'subnets') parts.push(`${plural(r.createdSubnets, 'new subnet')}`);
  return parts.length ? `Imported: ${parts.join(', ')}.` : 'Imported: nothing changed.';
}

const SAMPLE_ORDER = ['ip', 'cidr', 'hostname', 'name', 'description', 'groupName', 'vlan', 'gateway', 'mac', 'tags', 'reserved', 'reservedBy', 'reservedNote', 'notes', 'subnetHint'];

/** The planned records' keys as the sample table's columns, in a fixed order (then any other key). */
export function sampleColumns(sample) {
  const keys = new Set();
  for (const s of sample) for (const k of Object.keys(s.record ?? s)) if (k !== 'line' && k !== 'action' && k !== 'record') keys.add(k);
  return [...SAMPLE_ORDER.filter((k) => keys.has(k)), ...[...keys].filter((k) => !SAMPLE_ORDER.includes(k)).sort()];
}

/** One planned value as text. */
export function sampleText(v) {
  if (v == null || v === '') return '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}
