import { readFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { ConfigErrors, ConfigSyntaxError } from '../config/configErrors.js';
import { overrideConfig } from '../config/overrideConfig.js';
import type { ChorusConfigInput } from '../config/schema.js';
import type { ChorusConfig } from '../config/types.js';
import { validateConfig } from '../config/validateConfig.js';
import { ConfigError } from '../errors.js';
import type { ServerProfile } from '../server/createChorusServer.js';

/** A config file as the CLI reads it: the chorus config plus the `serve` profiles. */
export interface CliConfig {
  readonly config: ChorusConfig;
  /** `[profiles.NAME]` sections, each validated as overrides of `config`. */
  readonly profiles: Readonly<Record<string, ServerProfile>>;
  /** The file it came from. */
  readonly source: string;
}

const PROFILE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

/**
 * Reads a `chorus.toml` for the CLI. Everything but `[profiles.*]` is the chorus config, validated
 * by `validateConfig` (a `ConfigError` naming the key otherwise). Each `[profiles.NAME]` is a set of
 * config keys to change for requests to `chorus serve` whose `model` is `NAME`, plus an optional
 * `description`; each is validated at load time as `overrideConfig(config, profile)`, and its
 * errors name the key under `profiles.NAME.`.
 *
 * @example
 * ```ts
 * const { config, profiles } = await loadCliConfig('chorus.toml');
 * ```
 */
export async function loadCliConfig(file: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    const error = new ConfigError('', file, 'a readable TOML file', code);
    error.message = `Cannot read config file ${JSON.stringify(file)} (${code})`;
    throw error;
  }
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      throw new ConfigSyntaxError(file, error.line, error.column, reason);
    }
    throw error;
  }
  const { profiles: rawProfiles, ...rest } = document;
  const config = validateConfig(rest, file);
  const profiles: Record<string, ServerProfile> = {};
  if (rawProfiles !== undefined) {
    if (!isTable(rawProfiles))
      throw new ConfigError('profiles', rawProfiles, 'a table of `[profiles.NAME]` sections');
    for (const [name, raw] of Object.entries(rawProfiles)) {
      const path = `profiles.${/^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name)}`;
      if (!PROFILE_NAME.test(name)) {
        throw new ConfigError(
          path,
          name,
          'a name that starts with a letter (letters, digits, `_`, `-`, `.`, `:`)',
        );
      }
      if (!isTable(raw)) throw new ConfigError(path, raw, 'a table of config keys to override');
      const { description, ...overrides } = raw;
      if (description !== undefined && typeof description !== 'string') {
        throw new ConfigError(`${path}.description`, description, 'a string');
      }
      try {
        overrideConfig(config, overrides as ChorusConfigInput, file);
      } catch (error) {
        throw underProfile(error, path);
      }
      profiles[name] = {
        overrides: overrides as ChorusConfigInput,
        ...(description !== undefined && { description }),
      };
    }
  }
  return { config, profiles, source: file };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The same error with its key path under the profile's, so the message names the key to fix. */
function underProfile(error: unknown, prefix: string): unknown {
  if (!(error instanceof ConfigError) || error instanceof ConfigSyntaxError) return error;
  const move = (e: ConfigError): ConfigError => {
    const path = e.path === '' ? prefix : `${prefix}.${e.path}`;
    const moved = new ConfigError(path, e.value, e.allowed);
    moved.message = e.message.replace(`\`${e.path}\``, `\`${path}\``);
    return moved;
  };
  return error instanceof ConfigErrors ? new ConfigErrors(error.errors.map(move)) : move(error);
}
