import { METRICS, type MetricName } from './catalog.js';
import { familyHeader, sampleLines, type Sample } from './exposition.js';

/** A sample of a catalogued metric: its label values in the catalog's order, and its value. */
export type Row = readonly [values: readonly string[], value: number];

/** The label set of one row, named by the catalog (a row with the wrong number of values is a bug: it throws). */
export function samplesOf(name: MetricName, rows: readonly Row[]): Sample[] {
  const names: readonly string[] = METRICS[name].labels;
  return rows.map(([values, value]) => {
    if (values.length !== names.length) throw new Error(`${name} takes ${names.length} labels, got ${values.length}`);
    const labels: Record<string, string> = {};
    names.forEach((n, i) => (labels[n] = values[i]!));
    return { labels, value };
  });
}

/** A catalogued family as text: header and lines, or '' when it has no rows. */
export function renderRows(name: MetricName, rows: readonly Row[]): string {
  if (!rows.length) return '';
  return familyHeader({ name, ...METRICS[name] }) + sampleLines(name, samplesOf(name, rows));
}

/** The header of a catalogued family whose lines are rendered in parts (`linesOf`). */
export const headerOf = (name: MetricName) => familyHeader({ name, ...METRICS[name] });
export const linesOf = (name: MetricName, rows: readonly Row[]) => sampleLines(name, samplesOf(name, rows));
