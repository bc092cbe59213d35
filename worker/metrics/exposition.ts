/**
 * The Prometheus text exposition format 0.0.4, pure: metric families in, text out
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format).
 */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'gauge' | 'counter';
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the format quotes it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped (quotes stay). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="1",b="x"}` in the order given, or '' for no labels; a bad label name throws (a bug in the catalog, not data). */
export function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (!keys.length) return '';
  for (const k of keys) if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(k)}`);
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`).join(',')}}`;
}

/** The inverse of `labelText` without braces (`a="1",b="x"`), as metric_counters stores a label set. */
export function parseLabelText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;
  let at = 0;
  while (at < text.length) {
    pair.lastIndex = at;
    const m = pair.exec(text);
    if (!m) throw new Error(`unreadable label set ${JSON.stringify(text)}`);
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_e, c: string) => (c === 'n' ? '\n' : c));
    at = pair.lastIndex;
  }
  return out;
}

/** A sample value: Go's float syntax as Prometheus parses it (NaN, +Inf, -Inf). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // JavaScript's shortest round-trip form: integers below 1e21 without an exponent, others as 1.5e-7 (Go parses both)
  return String(v);
}

/** The HELP and TYPE lines that open a family. */
export function familyHeader(f: Pick<MetricFamily, 'name' | 'type' | 'help'>): string {
  if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
}

/** One line per sample (a family's samples may be rendered in several parts after one header). */
export function sampleLines(name: string, samples: readonly Sample[]): string {
  let out = '';
  for (const s of samples) out += `${name}${labelText(s.labels)} ${formatValue(s.value)}\n`;
  return out;
}

/** One family: its HELP and TYPE lines and one line per sample; a family without samples is left out entirely. */
export function renderFamily(f: MetricFamily): string {
  return f.samples.length ? familyHeader(f) + sampleLines(f.name, f.samples) : '';
}

/** Every family in order; the text ends with a line feed as the format asks (or is empty). */
export function renderFamilies(families: readonly MetricFamily[]): string {
  return families.map(renderFamily).join('');
}
