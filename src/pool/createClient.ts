import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { KIND_DEFAULTS } from '../config/defaults.js';
import type { ProviderConfig } from '../config/types.js';
import { ProviderError } from '../errors.js';
import type { OllamaClientConfig } from '../streams/ollamaStream.js';
import type { PoolClient } from './poolTypes.js';

/** The SDK client of one provider, tagged with the protocol it speaks. */
export type ProviderClient =
  | { readonly protocol: 'openai'; readonly client: OpenAI }
  | { readonly protocol: 'anthropic'; readonly client: Anthropic }
  | { readonly protocol: 'ollama'; readonly client: OllamaClientConfig };

/** The SDKs' public endpoints, passed explicitly so `OPENAI_BASE_URL` / `ANTHROPIC_BASE_URL` never redirect a request. */
export const DEFAULT_BASE_URLS = Object.freeze({
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  ollama: 'http://127.0.0.1:11434',
});

/**
 * The client of provider `name`: `given` (checked against the provider's kind) or one built from
 * its config, with `maxRetries: 0` (retries belong to the pool, where they are bounded,
 * cancellable and visible) and an explicit base URL (`base_url`, else the SDK's public endpoint;
 * for Ollama `OLLAMA_HOST`, else `http://127.0.0.1:11434`).
 *
 * The key is `api_key` (a `Secret`, revealed only here, into the SDK) or the environment variable
 * `api_key_env` names (by kind: `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`). `openai` and `anthropic`
 * need one; `openai_compatible` and `ollama` need one only when `api_key_env` is set, and without a
 * key send no `Authorization` header at all. Nothing else is read from the process environment for
 * a third-party endpoint (the OpenAI SDK would otherwise add `OPENAI_ORG_ID` / `OPENAI_PROJECT_ID`
 * headers and fall back to `OPENAI_API_KEY`).
 *
 * @throws ProviderError of type `auth` (not retryable) when a needed key is missing, naming the
 *   provider and the variable to set, never a key.
 * @throws TypeError when `given` does not fit the kind, or an `openai_compatible` provider has no
 *   `base_url`.
 * @example
 * ```ts
 * const { protocol, client } = createProviderClient('claude', config.providers.claude, process.env);
 * ```
 */
export function createProviderClient(
  name: string,
  provider: ProviderConfig,
  env: NodeJS.ProcessEnv,
  given?: PoolClient,
): ProviderClient {
  const kind = provider.kind;
  if (given !== undefined) return wrapGiven(name, kind, given);

  const envName = provider.api_key_env ?? KIND_DEFAULTS[kind].api_key_env;
  const fromEnv = envName !== undefined ? env[envName] : undefined;
  const key = provider.api_key?.reveal() || fromEnv || undefined;
  if (key === undefined && envName !== undefined) {
    throw new ProviderError({
      type: 'auth',
      provider: name,
      message:
        `no API key: set the environment variable ${envName}` +
        ` (named by \`providers.${name}.api_key_env\`) or \`providers.${name}.api_key\``,
    });
  }

  switch (kind) {
    case 'openai':
    case 'openai_compatible': {
      if (kind === 'openai_compatible' && provider.base_url === undefined) {
        throw new TypeError(`\`providers.${name}.base_url\` is required for kind "openai_compatible"`);
      }
      const own = kind === 'openai';
      const client = new OpenAI({
        // The SDK insists on a credential; without a key the header is removed below instead.
        apiKey: key ?? 'unused',
        baseURL: provider.base_url ?? DEFAULT_BASE_URLS.openai,
        maxRetries: 0,
        organization: own ? (env.OPENAI_ORG_ID ?? null) : null,
        project: own ? (env.OPENAI_PROJECT_ID ?? null) : null,
        adminAPIKey: null,
        webhookSecret: null,
        ...(key === undefined && { defaultHeaders: { Authorization: null } }),
      });
      return { protocol: 'openai', client };
    }
    case 'anthropic':
      return {
        protocol: 'anthropic',
        client: new Anthropic({
          apiKey: key ?? null,
          baseURL: provider.base_url ?? DEFAULT_BASE_URLS.anthropic,
          maxRetries: 0,
        }),
      };
    case 'ollama':
      return {
        protocol: 'ollama',
        client: {
          host: provider.base_url ?? (env.OLLAMA_HOST || DEFAULT_BASE_URLS.ollama),
          ...(key !== undefined && { headers: { Authorization: `Bearer ${key}` } }),
        },
      };
  }
}

function wrapGiven(name: string, kind: ProviderConfig['kind'], given: PoolClient): ProviderClient {
  const shape = given as {
    chat?: { completions?: { create?: unknown } } | unknown;
    messages?: { create?: unknown };
  };
  switch (kind) {
    case 'openai':
    case 'openai_compatible':
      if (
        typeof (shape.chat as { completions?: { create?: unknown } } | undefined)?.completions?.create ===
        'function'
      ) {
        return { protocol: 'openai', client: given as OpenAI };
      }
      throw new TypeError(`\`clients.${name}\` must be an OpenAI client for a provider of kind "${kind}"`);
    case 'anthropic':
      if (typeof shape.messages?.create === 'function')
        return { protocol: 'anthropic', client: given as Anthropic };
      throw new TypeError(
        `\`clients.${name}\` must be an Anthropic client for a provider of kind "anthropic"`,
      );
    case 'ollama':
      if (typeof given === 'object' && given !== null) {
        return { protocol: 'ollama', client: given as OllamaClientConfig };
      }
      throw new TypeError(
        `\`clients.${name}\` must be an Ollama client or \`{ host }\` for a provider of kind "ollama"`,
      );
  }
}
