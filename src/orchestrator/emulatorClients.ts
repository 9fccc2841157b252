import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ChorusConfig } from '../config/types.js';
import type { Emulator } from '../emulator/startEmulator.js';
import type { PoolClient } from '../pool/poolTypes.js';

/** SDK clients by provider name, as the provider pool's `clients` option takes them. */
export type ProviderClients = Readonly<Record<string, PoolClient>>;

/**
 * One SDK client per provider of `config`, each pointed at the provider emulator with the protocol
 * of its kind (`openai` and `openai_compatible` → OpenAI chat.completions, `anthropic` → Messages,
 * `ollama` → `/api/chat`). Pass them as the orchestrator's (or the pool's) `clients` to run a
 * config, unchanged, offline: no key is needed and no request leaves the machine.
 *
 * The clients are made with `maxRetries: 0` (retries belong to the pool) and a placeholder key
 * (the emulator accepts any key unless it was started with `apiKey`, which you can pass here).
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ models: { '*': { text: 'The answer is 42.', ttft: 50 } } });
 * const config = await loadConfig('chorus.toml');
 * const chorus = new LLMOrchestrator(config, { clients: emulatorClients(config, emulator) });
 * ```
 */
export function emulatorClients(
  config: ChorusConfig,
  emulator: Pick<Emulator, 'baseURLs'>,
  options: { readonly apiKey?: string } = {},
): ProviderClients {
  if (typeof config?.providers !== 'object' || config.providers === null) {
    throw new TypeError('`config` must be a validated ChorusConfig (from loadConfig or validateConfig)');
  }
  const urls = emulator?.baseURLs;
  if (
    typeof urls?.openai !== 'string' ||
    typeof urls.anthropic !== 'string' ||
    typeof urls.ollama !== 'string'
  ) {
    throw new TypeError(
      '`emulator` must be a running emulator (from `await startEmulator(…)`) or have its `baseURLs`',
    );
  }
  const apiKey = options.apiKey ?? 'chorus-emulator';
  const clients: Record<string, PoolClient> = {};
  for (const [name, provider] of Object.entries(config.providers)) {
    switch (provider.kind) {
      case 'openai':
      case 'openai_compatible':
        clients[name] = new OpenAI({ apiKey, baseURL: urls.openai, maxRetries: 0 });
        break;
      case 'anthropic':
        clients[name] = new Anthropic({ apiKey, baseURL: urls.anthropic, maxRetries: 0 });
        break;
      case 'ollama':
        clients[name] = { host: urls.ollama, headers: { authorization: `Bearer ${apiKey}` } };
        break;
    }
  }
  return clients;
}
