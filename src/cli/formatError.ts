import { ConfigErrors } from '../config/configErrors.js';
import { ConfigError } from '../errors.js';
import { UsageError } from './usageError.js';

/** What the CLI prints for an error, and the exit code. */
export interface FormattedError {
  readonly text: string;
  /** 2: bad usage or config; 1: the run itself failed. */
  readonly exitCode: 1 | 2;
}

/**
 * Formats an error as the CLI prints it: `chorus: <message>` on one line (a config with several
 * errors: one line each), the stack only with `debug`. Bad usage and bad config exit with 2,
 * anything else with 1.
 *
 * @example
 * const { text, exitCode } = formatError(error, false);
 * process.stderr.write(text);
 * process.exitCode = exitCode;
 */
export function formatError(error: unknown, debug: boolean): FormattedError {
  const exitCode = error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
  let lines: string[];
  if (error instanceof ConfigErrors) {
    lines = error.errors.map((e) => `chorus: ${oneLine(e.message)}`);
  } else if (error instanceof Error) {
    lines = [`chorus: ${oneLine(error.message)}`];
  } else {
    lines = [`chorus: ${oneLine(String(error))}`];
  }
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  return { text: `${lines.join('\n')}\n`, exitCode };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
