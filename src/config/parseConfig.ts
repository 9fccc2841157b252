import { parse, TomlError } from 'smol-toml';
import { ConfigSyntaxError } from './configErrors.js';
import type { ChorusConfig } from './types.js';
import { validateConfig } from './validateConfig.js';

/**
 * Parses TOML text (the `chorus.toml` format) and validates it with `validateConfig`.
 *
 * A TOML syntax error is a `ConfigSyntaxError` (a `ConfigError`) with `source`, `line` and
 * `column`; its message never quotes the offending line, which may hold a key.
 *
 * @param tomlText - the TOML document.
 * @param source - the file name quoted in errors (syntax errors say `<inline>` without one).
 * @example
 * ```ts
 * const config = parseConfig('[orchestration]\nmax_providers = 2\n[providers.local]\nkind = "ollama"\n');
 * config.orchestration.max_providers; // 2
 * ```
 */
export function parseConfig(tomlText: string, source?: string): ChorusConfig {
  let document: unknown;
  try {
    document = parse(tomlText);
  } catch (error) {
    if (error instanceof TomlError) {
      // smol-toml appends a code block quoting the document; keep only the first line.
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new ConfigSyntaxError(source ?? '<inline>', error.line, error.column, reason);
    }
    throw error;
  }
  return validateConfig(document, source);
}
