import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './cliIo.js';
import { UsageError } from './usageError.js';

/** The benchmarks' entry point, in a checkout of the repository (it is not in the npm package). */
const BENCH_ENTRY = new URL('../../bench/run.ts', import.meta.url);

/**
 * `chorus bench [args…]`: runs the repository's benchmarks (`bench/run.ts`, what `npm run bench`
 * runs) in a child `node --import tsx`, passing the arguments through, with the same stdio; resolves
 * to its exit code. The benchmarks live in the repository, not in the installed package: outside a
 * checkout this is a `UsageError` that says so.
 *
 * @example
 * process.exitCode = await benchCommand(['--quick'], processIo());
 */
export function benchCommand(args: readonly string[], io: CliIo): Promise<number> {
  const entry = fileURLToPath(BENCH_ENTRY);
  if (!existsSync(entry)) {
    throw new UsageError(
      `the benchmarks are not here (${entry}): they live in the chorus repository, not in the npm package. Clone it, run \`npm install\`, then \`npm run bench\`.`,
    );
  }
  const root = dirname(dirname(entry));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: root,
      env: io.env as NodeJS.ProcessEnv,
      stdio: 'inherit',
    });
    // Forward Ctrl+C and termination: the child owns the benchmark's cleanup.
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const cleanup = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
    child.once('error', (error) => {
      cleanup();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolvePromise(code ?? (signal !== null ? 1 : 0));
    });
  });
}
