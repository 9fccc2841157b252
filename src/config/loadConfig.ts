import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { parseConfig } from './parseConfig.js';
import type { ChorusConfigInput } from './schema.js';
import type { ChorusConfig } from './types.js';
import { validateConfig } from './validateConfig.js';

/**
 * Loads a config: a TOML file, TOML text, or a config object written in code, validated the same
 * way in all three cases.
 *
 * A string containing a newline is TOML text; any other string (or a `file:` URL) is a file path.
 * A file that cannot be read is a `ConfigError` with path `''`, the file name as its value and the
 * system error code in the message.
 *
 * @param pathOrToml - a path, TOML text or a config object. @defaultValue `'chorus.toml'`
 * @example
 * ```ts
 * const config = await loadConfig('chorus.toml');
 * const inCode = await loadConfig({ providers: { local: { kind: 'ollama' } } });
 * ```
 */
export async function loadConfig(
  pathOrToml: string | URL | ChorusConfigInput = 'chorus.toml',
): Promise<ChorusConfig> {
  if (typeof pathOrToml === 'string' && pathOrToml.includes('\n')) return parseConfig(pathOrToml);
  if (typeof pathOrToml !== 'string' && !(pathOrToml instanceof URL)) return validateConfig(pathOrToml);
  const file = pathOrToml instanceof URL ? fileURLToPath(pathOrToml) : pathOrToml;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    const error = new ConfigError('', file, 'a readable TOML file', code);
    error.message = `Cannot read config file ${JSON.stringify(file)} (${code})`;
    throw error;
  }
  return parseConfig(text, file);
}
