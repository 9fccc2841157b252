import type { Observable } from 'rxjs';
import type { VariantEvent } from '../events.js';
import { type AnthropicStreamRequest, anthropicStream } from '../streams/anthropicStream.js';
import { type OllamaStreamRequest, ollamaStream } from '../streams/ollamaStream.js';
import { type OpenAIStreamRequest, openaiStream } from '../streams/openaiStream.js';
import type { StreamOptions } from '../streams/streamOptions.js';
import type { VariantSpec } from '../variation.js';
import type { ProviderClient } from './createClient.js';
import type { VariantRequest } from './poolTypes.js';

/** The parameters of one request, whatever the provider. */
export interface NativeParams {
  readonly model: string;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  /** Output token limit (already resolved: the request's, else the provider's). */
  readonly maxTokens: number;
  /** `openai_compatible` servers get `max_tokens`; OpenAI itself `max_completion_tokens`. */
  readonly legacyMaxTokens?: boolean;
}

/** Anthropic rejects temperatures above 1 (a plan for OpenAI may reach 2). */
const ANTHROPIC_MAX_TEMPERATURE = 1;

/**
 * The request body of each protocol for a chat request:
 * - OpenAI: `messages` as they are, `temperature`, `top_p`, and `max_completion_tokens` (OpenAI's
 *   current name, required by its reasoning models) or `max_tokens` for `openai_compatible`
 *   servers (vLLM, llama.cpp and most others only know the older name).
 * - Anthropic: `system` messages joined into `system` (the Messages API has no system role),
 *   `max_tokens` (required), `temperature` clamped to 1 (its maximum), and `top_p` only when no
 *   temperature is set: Claude 4.5-generation models reject a request that sets both ("use only
 *   one"), and the temperature is the parameter a plan varies first.
 * - Ollama: `options.temperature`, `options.top_p`, `options.num_predict`.
 *
 * @example
 * ```ts
 * nativeRequest('anthropic', [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }],
 *   { model: 'claude-haiku-4-5', temperature: 0.2, topP: 0.9, maxTokens: 256 });
 * // { model, system: 'Be brief', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 256, temperature: 0.2 }
 * ```
 */
export function nativeRequest(
  protocol: 'openai',
  messages: VariantRequest['messages'],
  params: NativeParams,
): OpenAIStreamRequest;
export function nativeRequest(
  protocol: 'anthropic',
  messages: VariantRequest['messages'],
  params: NativeParams,
): AnthropicStreamRequest;
export function nativeRequest(
  protocol: 'ollama',
  messages: VariantRequest['messages'],
  params: NativeParams,
): OllamaStreamRequest;
export function nativeRequest(
  protocol: ProviderClient['protocol'],
  messages: VariantRequest['messages'],
  params: NativeParams,
): OpenAIStreamRequest | AnthropicStreamRequest | OllamaStreamRequest {
  const { model, temperature, topP, maxTokens } = params;
  switch (protocol) {
    case 'openai':
      return {
        model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        ...(temperature !== undefined && { temperature }),
        ...(topP !== undefined && { top_p: topP }),
        ...(params.legacyMaxTokens ? { max_tokens: maxTokens } : { max_completion_tokens: maxTokens }),
      };
    case 'anthropic': {
      const system = messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n\n');
      return {
        model,
        ...(system !== '' && { system }),
        messages: messages
          .filter((m) => m.role !== 'system')
          .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content })),
        max_tokens: maxTokens,
        ...(temperature !== undefined && { temperature: Math.min(temperature, ANTHROPIC_MAX_TEMPERATURE) }),
        ...(topP !== undefined && temperature === undefined && { top_p: topP }),
      };
    }
    case 'ollama':
      return {
        model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        options: {
          ...(temperature !== undefined && { temperature }),
          ...(topP !== undefined && { top_p: topP }),
          num_predict: maxTokens,
        },
      };
  }
}

/**
 * One request of `spec` through its provider's adapter (`openaiStream`, `anthropicStream` or
 * `ollamaStream`), with the body {@link nativeRequest} builds. Cold, like the adapters.
 *
 * @example
 * ```ts
 * nativeStream(client, spec, { messages }, { maxTokens: 512 }, { variant: spec.id, provider: spec.provider });
 * ```
 */
export function nativeStream(
  client: ProviderClient,
  spec: Pick<VariantSpec, 'model' | 'temperature' | 'topP' | 'kind'>,
  request: VariantRequest,
  maxTokens: number,
  options: StreamOptions,
): Observable<VariantEvent> {
  const params: NativeParams = {
    model: spec.model,
    temperature: spec.temperature,
    topP: spec.topP,
    maxTokens,
    legacyMaxTokens: spec.kind === 'openai_compatible',
  };
  switch (client.protocol) {
    case 'openai':
      return openaiStream(client.client, nativeRequest('openai', request.messages, params), options);
    case 'anthropic':
      return anthropicStream(client.client, nativeRequest('anthropic', request.messages, params), options);
    case 'ollama':
      return ollamaStream(client.client, nativeRequest('ollama', request.messages, params), options);
  }
}
