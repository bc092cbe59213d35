/**
 * The OUI table in the compact form the Worker carries (worker/edge/tools.ts): per registry one string of lines
 * "<key><organisation>\n" sorted by key (MA-L 6 upper-case hex digits, MA-M 7, MA-S 9), found by binary search over
 * the string. Only what an answer uses (the key and the entry's first line) and no object built per isolate: oui-data's
 * JSON as an object literal cost the Worker ~120 ms CPU on its first lookup (docs/BENCHMARKS.md). The lines are
 * UTF-8 bytes, one character each, so the strings stay one byte a character in V8 (a few names in CJK or with a
 * dash would make a whole registry two bytes a character: twice the compile time). Pure.
 */

/** Key length → that registry's lines. */
export type OuiRegistryLines = Readonly<Record<6 | 7 | 9, string>>;

/** The longest organisation name kept (the sweep answer's bound, schema/oui.ts). */
const MAX_NAME = 128;

/** oui-data's table (key → name and address on lines) → the registries' lines; scripts/oui-compact.ts writes them out. */
export function compactOuiLines(table: Readonly<Record<string, string>>): OuiRegistryLines {
  const lines: Record<6 | 7 | 9, string[]> = { 6: [], 7: [], 9: [] };
  for (const key of Object.keys(table).sort()) {
    const length = key.length;
    if ((length !== 6 && length !== 7 && length !== 9) || !/^[0-9A-F]+$/.test(key)) throw new Error(`unexpected OUI key ${JSON.stringify(key)}`);
    // a line break cannot be in a first line; tabs and other controls are kept as they are
    lines[length].push(key + table[key]!.split('\n', 1)[0]!.trim().slice(0, MAX_NAME) + '\n');
  }
  return { 6: utf8Bytes(lines[6].join('')), 7: utf8Bytes(lines[7].join('')), 9: utf8Bytes(lines[9].join('')) };
}

/** A string's UTF-8 bytes as a string of characters 0–255. */
function utf8Bytes(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

const decoder = new TextDecoder();
/** Back from utf8Bytes; ASCII (nearly every name) as it is. */
const fromUtf8Bytes = (bytes: string) => (/[^\x00-\x7f]/.test(bytes) ? decoder.decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0))) : bytes);

/** The registries' lines searched in place: the organisation of a key, or undefined. */
export class CompactOui {
  constructor(private readonly registries: OuiRegistryLines) {}

  /** The organisation ('' when the entry names none) of an upper-case key of 6, 7 or 9 hex digits. */
  get(key: string): string | undefined {
    const width = key.length;
    if (width !== 6 && width !== 7 && width !== 9) return undefined;
    const lines = this.registries[width];
    // lo and hi are line starts; the key, if present, starts a line in [lo, hi)
    let lo = 0;
    let hi = lines.length;
    while (lo < hi) {
      const start = lines.lastIndexOf('\n', ((lo + hi) >>> 1) - 1) + 1;
      const end = lines.indexOf('\n', start);
      const here = lines.slice(start, start + width);
      if (here === key) return fromUtf8Bytes(lines.slice(start + width, end));
      if (here < key) lo = end + 1;
      else hi = start;
    }
    return undefined;
  }
}
