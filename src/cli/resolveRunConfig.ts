import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChorusConfigInput } from '../config/schema.js';
import { validateConfig } from '../config/validateConfig.js';
import { type CliConfig, loadCliConfig } from './loadCliConfig.js';
import { UsageError } from './usageError.js';

/** The environment variables that enable a provider when no config file is given. */
const PROVIDER_ENV: readonly { readonly variable: string; readonly provider: string }[] = [
  { variable: 'OPENAI_API_KEY', provider: 'openai' },
  { variable: 'ANTHROPIC_API_KEY', provider: 'anthropic' },
  { variable: 'OLLAMA_HOST', provider: 'ollama' },
];

/**
 * The config of `chorus run` and `chorus serve`: the `--config` file; else `./chorus.toml` if there
 * is one; else one built from the environment: each of `OPENAI_API_KEY` (preset `openai`,
 * gpt-4o-mini), `ANTHROPIC_API_KEY` (preset `anthropic`, claude-sonnet-4-5) and `OLLAMA_HOST`
 * (preset `ollama`, llama3.2) that is set adds its provider, and three variants (temperatures 0.2,
 * 0.6 and 1.0, spread over the providers) decide by a quorum of two.
 *
 * Throws a `UsageError` (exit code 2) that says what to set when no provider is usable, or when a
 * provider of the config has no key in the environment.
 *
 * @example
 * const { config } = await resolveRunConfig({ env: process.env, cwd: process.cwd() });
 */
export async function resolveRunConfig(input: {
  readonly file?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}): Promise<CliConfig> {
  const { env } = input;
  const file =
    input.file !== undefined
      ? resolve(input.cwd, input.file)
      : existsSync(resolve(input.cwd, 'chorus.toml'))
        ? resolve(input.cwd, 'chorus.toml')
        : undefined;
  if (file !== undefined) {
    const loaded = await loadCliConfig(file);
    const missing: string[] = [];
    for (const name of loaded.config.orchestration.variations.providers) {
      const p = loaded.config.providers[name];
      if (p === undefined || p.api_key !== undefined || p.api_key_env === undefined) continue;
      if (!env[p.api_key_env]) missing.push(`\`${name}\` needs ${p.api_key_env}`);
    }
    if (missing.length > 0) {
      throw new UsageError(
        `${missing.join(', ')} (providers of ${file}), which ${missing.length === 1 ? 'is' : 'are'} not set in the environment. Set ${missing.length === 1 ? 'it' : 'them'}, or try \`chorus demo\` to see chorus work on emulated providers without any key.`,
      );
    }
    return loaded;
  }
  const providers = PROVIDER_ENV.filter((p) => env[p.variable]).map((p) => p.provider);
  if (providers.length === 0) {
    throw new UsageError(
      'no LLM provider is configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST (e.g. OLLAMA_HOST=http://127.0.0.1:11434), or pass --config chorus.toml. To see chorus work without any key, run `chorus demo`.',
    );
  }
  const config: ChorusConfigInput = {
    orchestration: {
      max_providers: 3,
      variations: { providers, temperature: [0.2, 0.6, 1.0] },
      consensus: { min_responses: 2 },
    },
  };
  return { config: validateConfig(config, 'the environment'), profiles: {}, source: 'environment' };
}
