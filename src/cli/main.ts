#!/usr/bin/env node
/**
 * The `chorus` command (the package's `bin`): `demo` (what `npm start` runs: a consensus race over
 * emulated providers replaying real recorded answers, no key needed), `run`, `serve`, `emulate` and
 * `bench`. See docs/cli.md, or `chorus --help`.
 */
import { runCli } from './runCli.js';

// `chorus demo | head`: a reader that goes away is not an error of ours; stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
