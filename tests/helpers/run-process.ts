import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A finished child process: its exit code, signal and output. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started child process whose result can be awaited. */
export interface RunningProcess {
  child: ChildProcess;
  result: Promise<ProcessResult>;
}

/** Starts `node args...` from the project root with no stdin, collecting output. */
export function startNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningProcess {
  const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result };
}

/** Runs the built CLI (`dist/cli/main.js`, built by `npm test` before vitest) to completion. */
export function runCli(args: readonly string[]): Promise<ProcessResult> {
  return startNode(['dist/cli/main.js', ...args]).result;
}
