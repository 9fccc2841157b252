/**
 * Errors of the config loader beyond the single `ConfigError`: all the errors of one config at once,
 * and TOML syntax errors with their line and column.
 */
import { ConfigError } from '../errors.js';

/**
 * Every error of one config, so a user fixes them in one pass. It is itself a `ConfigError` (about
 * the first problem: `path`, `value`, `allowed`), so `catch (e) { if (e instanceof ConfigError) … }`
 * handles both; `errors` lists them all in document order.
 *
 * @example
 * ```ts
 * try { validateConfig(input); } catch (e) {
 *   if (e instanceof ConfigErrors) for (const err of e.errors) console.error(err.path, err.message);
 * }
 * ```
 */
export class ConfigErrors extends ConfigError {
  readonly errors: readonly ConfigError[];

  constructor(errors: readonly ConfigError[]) {
    const first = errors[0];
    if (!first) throw new TypeError('`errors` must not be empty');
    super(first.path, first.value, first.allowed);
    this.errors = errors;
    this.message = `${errors.length} config errors:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), errors: this.errors.map((e) => e.toJSON()) };
  }
}

/**
 * The config text is not valid TOML. `path` is `''` (no key could be read); `source`, `line` and
 * `column` (1-based) say where. The message never quotes the offending line, which may hold a key.
 */
export class ConfigSyntaxError extends ConfigError {
  readonly source: string;
  readonly line: number;
  readonly column: number;

  constructor(source: string, line: number, column: number, reason: string) {
    super('', undefined, 'valid TOML', reason);
    this.source = source;
    this.line = line;
    this.column = column;
    this.message = `Invalid TOML in ${source} at line ${line}, column ${column}: ${reason}`;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), source: this.source, line: this.line, column: this.column };
  }
}

/**
 * Formats a key path the way the docs and the TOML write it: `providers.claude.fallback[1]`, with
 * keys that are not bare TOML keys quoted (`prices."gpt-4.1".input`).
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      const bare = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
      out += out === '' ? bare : `.${bare}`;
    }
  }
  return out;
}
