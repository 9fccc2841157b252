/** A writable terminal-or-not stream, as the CLI uses it. */
export interface CliOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/**
 * What a command reads and writes: the process's streams and environment by default, replaceable
 * so that a command can run inside another program (or a test) without touching the process.
 */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory, for relative paths. */
  readonly cwd: string;
}

/**
 * The CLI's I/O bound to the current process.
 *
 * @example
 * await runCli(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
