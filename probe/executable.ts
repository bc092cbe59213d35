/** Whether a program can be run: a path is checked as it is, a bare name looked up in PATH as execvp would. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

const runnable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The file `bin` runs, or null when there is none that is executable. */
export function findExecutable(bin: string, path = process.env.PATH ?? ''): string | null {
  if (!bin) return null;
  if (bin.includes('/')) return runnable(bin) ? bin : null;
  for (const dir of path.split(delimiter)) {
    // an empty PATH entry, or a relative one, is not searched: the probe's working directory is not a place for tools
    if (!dir || !isAbsolute(dir)) continue;
    const file = join(dir, bin);
    if (runnable(file)) return file;
  }
  return null;
}
