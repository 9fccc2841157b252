/**
 * Forks a TypeScript script of the benchmarks in a fresh Node process, with tsx as its loader
 * (resolved to an absolute URL, so the child works whatever its working directory).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSX = import.meta.resolve('tsx');

/**
 * Forks `file` (a path, or a URL relative to the caller via `new URL('./x.ts', import.meta.url)`)
 * with an IPC channel; `execArgv` adds Node flags such as `--expose-gc`.
 *
 * @example
 * const child = forkTs(new URL('./cpuConsumer.ts', import.meta.url), ['--expose-gc']);
 */
export function forkTs(file: string | URL, execArgv: readonly string[] = []): ChildProcess {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  return fork(path, [], {
    execArgv: [...execArgv, '--import', TSX],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends `message` to a fresh child and resolves with its first reply (`{ type: 'error' }` rejects). */
export function askOnce<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before replying`));
    child.once('exit', onExit);
    child.once('message', (reply: { type?: string; message?: string }) => {
      child.off('exit', onExit);
      if (reply?.type === 'error') reject(new Error(`child: ${reply.message}`));
      else resolve(reply as T);
    });
    child.send(message as object);
  });
}
