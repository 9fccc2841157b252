/**
 * A mistake in how the command was called (a bad option value, a missing prompt, no provider
 * configured): the CLI prints its message as one line and exits with code 2.
 *
 * @example
 * throw new UsageError('`--port` must be an integer from 0 to 65535, got "http"');
 */
export class UsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
