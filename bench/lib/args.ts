/**
 * Command-line flags shared by the performance benchmarks: `--long`, `--json`, `--seed N` and
 * numeric or string options (`--trials 300`, `--time-scale 1`). Unknown flags are an error, so a
 * typo never silently runs the default.
 */

/** The parsed flags of one benchmark. */
export interface BenchArgs {
  /** `--long`: the long (quoted) version instead of the quick one. */
  readonly long: boolean;
  /** `--json`: print one JSON object instead of Markdown tables. */
  readonly json: boolean;
  /** `--seed N` (default 1): seeds every random draw; printed with the results. */
  readonly seed: number;
  /** A numeric option, or `fallback` when absent. */
  number(name: string, fallback: number): number;
  /** A string option, or `fallback` when absent. */
  string(name: string, fallback: string): string;
  /** A boolean flag (present or not). */
  flag(name: string): boolean;
  /** The flags exactly as given, for the printed command line. */
  readonly raw: readonly string[];
}

/**
 * Parses `argv` (default `process.argv.slice(2)`), accepting `known` options with a value and
 * `flags` without one, besides `--long`, `--json` and `--seed`.
 *
 * @example
 * const args = parseArgs({ values: ['trials'], flags: ['serial'] });
 * args.number('trials', args.long ? 300 : 200);
 */
export function parseArgs(
  spec: { readonly values?: readonly string[]; readonly flags?: readonly string[] } = {},
  argv: readonly string[] = process.argv.slice(2),
): BenchArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const valueNames = new Set(['seed', ...(spec.values ?? [])]);
  const flagNames = new Set(['long', 'json', ...(spec.flags ?? [])]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    // `npm run bench -- --long` passes `--`; ignore it.
    if (arg === '--') continue;
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split('=', 2) : [undefined, undefined];
    if (name !== undefined && flagNames.has(name) && inline === undefined) flags.add(name);
    else if (name !== undefined && valueNames.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new TypeError(`\`--${name}\` needs a value`);
      values.set(name, value);
    } else {
      const known = [...flagNames, ...valueNames].map((n) => `--${n}`).join(', ');
      throw new TypeError(`unknown argument ${JSON.stringify(arg)}; known: ${known}`);
    }
  }
  const number = (name: string, fallback: number): number => {
    const value = values.get(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n))
      throw new TypeError(`\`--${name}\` must be a number, got ${JSON.stringify(value)}`);
    return n;
  };
  return {
    long: flags.has('long'),
    json: flags.has('json'),
    seed: number('seed', 1),
    number,
    string: (name, fallback) => values.get(name) ?? fallback,
    flag: (name) => flags.has(name),
    raw: argv.filter((a) => a !== '--'),
  };
}
