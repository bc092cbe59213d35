import { spawn } from 'node:child_process';
import ping from 'ping';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a tool with a hard time limit; never rejects for a non-zero exit. */
export function run(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

/** One ICMP echo through the `ping` package (the system's iputils ping). */
export async function pingOnce(ip: string, timeoutMs: number): Promise<{ alive: boolean; latencyMs: number | null }> {
  const res = await ping.promise.probe(ip, { timeout: Math.max(1, Math.ceil(timeoutMs / 1000)), min_reply: 1, v6: ip.includes(':') });
  const time = typeof res.time === 'number' ? res.time : Number.parseFloat(String(res.time));
  return { alive: res.alive, latencyMs: res.alive && Number.isFinite(time) ? time : null };
}
