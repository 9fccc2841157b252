/** Runs the `chorus` command in a child process, as a user would (not a TTY). */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx's loader, by URL, so that the child resolves it whatever its working directory. */
const TSX = import.meta.resolve('tsx');

/** An environment without any provider key, so nothing can reach a real provider. */
export function scrubbedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Starts `chorus ARGS…` with `node --import tsx`; stdin is closed unless `input` is given. */
export function startChorus(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): ChildProcess {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? scrubbedEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  return child;
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `chorus ARGS…` to the end. */
export function runChorus(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<Finished> {
  return finished(startChorus(args, options));
}

/** Resolves with the stdout so far once it matches `pattern`. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.stdout!.off('data', onData);
      reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; got: ${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(text);
      }
    };
    child.stdout!.on('data', onData);
  });
}
