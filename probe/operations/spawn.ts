import { spawn } from 'node:child_process';
import { OperationFailed } from './failure.js';

/** Output of one run at most: 100 ping lines or 30 hops are a few kilobytes, more is not the tool's report. */
const MAX_OUTPUT_CHARS = 256 * 1024;

export interface ToolRun {
  bin: string;
  /** Its package, named when the binary is missing. */
  apt: string;
  argv: string[];
  /** Aborted by the job's time limit or the probe stopping; the tool is killed. */
  signal: AbortSignal;
  timedOut: () => boolean;
  /** Each whole line of stdout as it arrives. */
  onLine?: (line: string) => void;
}

/** Runs a tool with an argument array (never a shell) and returns its stdout and exit code. */
export function runTool(t: ToolRun): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(t.bin, t.argv, { stdio: ['ignore', 'pipe', 'pipe'], signal: t.signal, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    let tooLong = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const start = stdout.lastIndexOf('\n') + 1;
      stdout += d;
      if (t.onLine) for (const line of stdout.slice(start).split('\n').slice(0, -1)) t.onLine(line);
      if (stdout.length > MAX_OUTPUT_CHARS && !tooLong) {
        tooLong = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4000) stderr += d;
    });
    const stopped = () =>
      t.timedOut() ? new OperationFailed('timeout', `${t.bin} ran past the run's time limit and was stopped`) : new OperationFailed('stopped', 'the probe stopped during the run');
    child.on('error', (e: NodeJS.ErrnoException) => {
      // an abort kills the tool: the run ends on its 'close', once it is gone (a listener's port is free again then)
      if (t.signal.aborted && child.pid !== undefined) return;
      if (t.signal.aborted) return reject(stopped());
      if (e.code === 'ENOENT') return reject(new OperationFailed('tool_missing', `${t.bin} is not installed on this probe (apt-get install ${t.apt})`));
      reject(new OperationFailed('tool_failed', `could not run ${t.bin}: ${e.message}`));
    });
    child.on('close', (code) => {
      if (t.signal.aborted) return reject(stopped());
      if (tooLong) return reject(new OperationFailed('tool_failed', `${t.bin} wrote more than ${MAX_OUTPUT_CHARS} characters; stopped`));
      resolve({ stdout, stderr: stderr.trim().slice(0, 1000), code: code ?? -1 });
    });
  });
}
