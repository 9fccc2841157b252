import type Anthropic from '@anthropic-ai/sdk';
import type { Observable } from 'rxjs';
import type { VariantEvent } from '../events.js';
import { anthropicDecoder } from './anthropicDecoder.js';
import { promptText, providerStream } from './streamInternals.js';
import { resolveStreamOptions, type StreamOptions } from './streamOptions.js';

/** An Anthropic Messages request body (`max_tokens` is required); `stream` is set for you. */
export type AnthropicStreamRequest = Omit<Anthropic.MessageCreateParamsStreaming, 'stream'>;

/**
 * A cold stream of one Anthropic message.
 *
 * Each subscription sends one request through `client` with `stream: true` and `maxRetries: 0`
 * (retries belong to the pool), and its own `AbortController`: unsubscribing aborts the HTTP
 * request. Emits `start` once the response headers arrive, a `delta` per non-empty text delta,
 * `usage` (input tokens from `message_start`, output tokens from `message_delta`) and `end`
 * (`length` for `stop_reason: max_tokens`, else `stop`). A cancelled stream still knows its real
 * input tokens. Fails with a `ProviderError`: 429 → `rate_limited`, 529 → `overloaded`, in-band
 * `error` events by type (`overloaded_error`, `rate_limit_error`, `api_error`…), a close without
 * `message_stop` → `truncated`.
 *
 * @example
 * ```ts
 * const client = new Anthropic({ apiKey, baseURL, maxRetries: 0 });
 * anthropicStream(client, { model: 'claude-haiku-4-5', max_tokens: 512, messages: [{ role: 'user', content: 'Hi' }] })
 *   .subscribe((event) => console.log(event));
 * ```
 */
export function anthropicStream(
  client: Anthropic,
  request: AnthropicStreamRequest,
  options?: StreamOptions,
): Observable<VariantEvent> {
  if (typeof client?.messages?.create !== 'function') {
    throw new TypeError('`client` must be an Anthropic client (`new Anthropic({ apiKey, baseURL })`)');
  }
  const resolved = resolveStreamOptions(options, 'anthropic', request?.model);
  const body: Anthropic.MessageCreateParamsStreaming = { ...request, stream: true };
  return providerStream({
    ...resolved,
    model: request.model,
    prompt: () => promptText(request.system, request.messages),
    open: (signal) => client.messages.create(body, { signal, maxRetries: 0 }).asResponse(),
    decoder: anthropicDecoder,
    secrets: () => [client.apiKey, client.authToken],
  });
}
