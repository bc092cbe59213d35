/**
 * The nmap arguments a port scan may carry: an allow-list, so nothing a user or server sends can make
 * nmap read or write files, run scripts, spoof, pick targets or do anything but scan. Pure.
 */

export const DEFAULT_NMAP_ARGS: readonly string[] = ['-Pn', '-T3', '--top-ports', '1000', '-sT', '-sV'];

export type NmapArgsCheck = { ok: true; args: string[] } | { ok: false; option: string; message: string };

export const MAX_NMAP_ARG_TOKENS = 32;
export const MAX_NMAP_ARG_LENGTH = 100;
const MAX_HOST_TIMEOUT_MS = 24 * 3_600_000;
const MAX_RATE = 100_000;

const ALLOWED =
  'allowed: -T0..-T5, --top-ports N, -p PORTS, -sT, -sS, -sU, -sV, --version-intensity 0..9, -Pn, ' +
  '--max-retries 0..10, --host-timeout TIME, --min-rate N, --max-rate N';

const TIMING_NAMES = ['paranoid', 'sneaky', 'polite', 'normal', 'aggressive', 'insane'];

/** Reads an option's value; returns the normalised value, or null when it is not valid. */
type ValueRule = { need: string; parse: (value: string) => string | null };

const wholeNumber = (min: number, max: number) => (value: string) => {
  if (!/^\d{1,6}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? String(n) : null;
};

const rate = (value: string) => {
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && n <= MAX_RATE ? String(n) : null;
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** nmap's time spec (a number, seconds unless followed by ms, s, m or h), normalised to milliseconds. */
const timeSpec = (value: string) => {
  const m = /^(\d{1,8}(?:\.\d{1,3})?)(ms|s|m|h)?$/i.exec(value);
  if (!m) return null;
  const ms = Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 's').toLowerCase()]!);
  return ms >= 1 && ms <= MAX_HOST_TIMEOUT_MS ? `${ms}ms` : null;
};

const timing = (value: string) => {
  if (/^[0-5]$/.test(value)) return value;
  const i = TIMING_NAMES.indexOf(value.toLowerCase());
  return i < 0 ? null : String(i);
};

/** `22,80,1000-2000`, `T:22,U:53`: each entry a port or an ascending range, optionally after T: or U:. */
const portList = (value: string) => {
  if (value === '') return null;
  for (const entry of value.split(',')) {
    const m = /^(?:[TU]:)?(\d{1,5})(?:-(\d{1,5}))?$/.exec(entry);
    if (!m) return null;
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    if (low < 1 || high > 65535 || low > high) return null;
  }
  return value;
};

const VALUE_OPTIONS: Record<string, ValueRule> = {
  '-T': { need: 'a timing template 0..5 (or paranoid, sneaky, polite, normal, aggressive, insane)', parse: timing },
  '-p': { need: 'ports 1..65535 as a list like 22,80,1000-2000 or T:22,U:53', parse: portList },
  '--top-ports': { need: 'a whole number 1..65535', parse: wholeNumber(1, 65535) },
  '--version-intensity': { need: 'a whole number 0..9', parse: wholeNumber(0, 9) },
  '--max-retries': { need: 'a whole number 0..10', parse: wholeNumber(0, 10) },
  '--host-timeout': { need: 'a time up to 24h like 500ms, 30s, 5m, 1h (plain numbers are seconds)', parse: timeSpec },
  '--min-rate': { need: `a rate above 0 and at most ${MAX_RATE} packets per second`, parse: rate },
  '--max-rate': { need: `a rate above 0 and at most ${MAX_RATE} packets per second`, parse: rate },
};

const FLAGS = new Set(['-sT', '-sS', '-sU', '-sV', '-Pn']);

/** At most this much of a refused token is echoed back. */
const shown = (token: string) => (token.length > MAX_NMAP_ARG_LENGTH ? `${token.slice(0, MAX_NMAP_ARG_LENGTH)}…` : token);
const refuse = (option: string, message: string): NmapArgsCheck => ({ ok: false, option: shown(option), message });

/** Splits a token into a known option and its attached value (`-T4`, `-p22`, `--top-ports=10`), if it is one. */
function splitOption(token: string): { name: string; attached: string | undefined } | null {
  if (FLAGS.has(token) || token in VALUE_OPTIONS) return { name: token, attached: undefined };
  const eq = token.indexOf('=');
  if (token.startsWith('--') && eq > 0 && token.slice(0, eq) in VALUE_OPTIONS) return { name: token.slice(0, eq), attached: token.slice(eq + 1) };
  if (/^-[Tp]./.test(token)) return { name: token.slice(0, 2), attached: token.slice(2) };
  return null;
}

/** Parses user/server-supplied nmap arguments against an allow-list. Accepts a string (split on whitespace) or an array. Returns a normalised array. */
export function checkNmapArgs(input: string | readonly string[]): NmapArgsCheck {
  const tokens: readonly unknown[] = typeof input === 'string' ? input.split(/[ \t\r\n]+/).filter((t) => t !== '') : input;
  if (!Array.isArray(tokens)) return refuse('', 'nmap arguments must be a string or a list of strings');
  if (tokens.length > MAX_NMAP_ARG_TOKENS) return refuse(String(tokens[MAX_NMAP_ARG_TOKENS]), `at most ${MAX_NMAP_ARG_TOKENS} nmap arguments are allowed`);
  for (const token of tokens) {
    if (typeof token !== 'string') return refuse(String(token), 'nmap arguments must be strings');
    if (token.length > MAX_NMAP_ARG_LENGTH) return refuse(token, `nmap arguments are at most ${MAX_NMAP_ARG_LENGTH} characters each`);
    // printable ASCII only: no NUL, control characters, spaces inside a token or look-alike Unicode
    if (!/^[\x21-\x7e]+$/.test(token)) return refuse(token, 'nmap arguments may hold only printable ASCII characters, no spaces or control characters');
  }

  const out: string[] = [];
  const seen = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const opt = splitOption(token);
    if (!opt) {
      if (!token.startsWith('-')) return refuse(token, `"${shown(token)}" is not an option: targets are not arguments, they come from the subnet or host scanned (${ALLOWED})`);
      return refuse(token, `${shown(token)} is not allowed (${ALLOWED})`);
    }
    if (seen.has(opt.name)) return refuse(token, `${opt.name} is given twice`);
    seen.add(opt.name);
    const rule = VALUE_OPTIONS[opt.name];
    if (!rule) {
      out.push(opt.name);
      continue;
    }
    const raw = opt.attached ?? tokens[++i];
    if (typeof raw !== 'string') return refuse(token, `${opt.name} needs ${rule.need}`);
    const value = rule.parse(raw);
    if (value === null) return refuse(token, `${opt.name} ${shown(raw)} is not valid: ${opt.name} needs ${rule.need}`);
    values.set(opt.name, value);
    if (opt.name === '-T') out.push(`-T${value}`);
    else out.push(opt.name, value);
  }

  if (seen.has('-sT') && seen.has('-sS')) return refuse('-sS', '-sT and -sS are both TCP scan types: choose one');
  const min = values.get('--min-rate');
  const max = values.get('--max-rate');
  if (min !== undefined && max !== undefined && Number(min) > Number(max)) return refuse('--min-rate', `--min-rate ${min} is above --max-rate ${max}`);
  return { ok: true, args: out };
}

/** True when the args ask for a raw-socket scan (-sS). -sU needs raw sockets too but has no connect-scan stand-in, so it is not counted. */
export function wantsRawSockets(args: readonly string[]): boolean {
  return args.includes('-sS');
}
